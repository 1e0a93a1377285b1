/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Small enhancements for browsers that run JavaScript; every page works without them.

// Focus the error summary after a failed submission: screen readers announce the list of problems
// first, and a link in it takes the user to the field.
function focusErrorSummary(): void {
  const summary = document.querySelector<HTMLElement>('[data-module="error-summary"]');
  if (summary) summary.focus();
}

// Links in the error summary move focus to the field, not only scroll to it.
function linkErrorsToFields(): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>(".error-summary a[href^='#']")) {
    link.addEventListener("click", (event) => {
      const target = document.getElementById(link.hash.slice(1));
      if (!target) return;
      event.preventDefault();
      const input = target.matches("input, select, textarea")
        ? target
        : target.querySelector<HTMLElement>("input, select, textarea");
      (input ?? target).focus();
      target.scrollIntoView({ block: "center" });
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  focusErrorSummary();
  linkErrorsToFields();
});
