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

// A proposal's support count, kept current while it collects support (the page shows the count as of
// loading without JavaScript): its JSON every 15 seconds while the tab is visible, the text and the bar
// changed only when the count did, so a screen reader (aria-live) hears only real news.
function liveSupportCount(): void {
  const block = document.querySelector<HTMLElement>('[data-module="proposal-support"]');
  const text = block?.querySelector<HTMLElement>("[data-support-count]");
  const bar = block?.querySelector("progress");
  const src = block?.dataset.src;
  if (!block || !text || !bar || !src) return;
  const timer = setInterval(async () => {
    if (document.hidden) return;
    const res = await fetch(src, { headers: { accept: "application/json" } }).catch(() => null);
    if (!res?.ok) return;
    const now = (await res.json()) as { count: number; threshold: number; stage: string };
    const said = (block.dataset.template ?? "")
      .replace("{count}", String(now.count))
      .replace("{threshold}", String(now.threshold));
    if (said !== text.textContent) {
      text.textContent = said;
      bar.max = now.threshold;
      bar.value = Math.min(now.count, now.threshold);
    }
    if (now.stage !== "collecting") clearInterval(timer);
  }, 15_000);
}

document.addEventListener("DOMContentLoaded", () => {
  focusErrorSummary();
  linkErrorsToFields();
  liveSupportCount();
});
