// The support bar and the list pager the proposal pages share (the form fields are src/web/forms.tsx's).
import type { PageContext } from "../../web/context.ts";

/** The support count against the threshold: a bar for the eye, the numbers as text for everyone. */
export function SupportBar(p: { ctx: PageContext; id: string; count: number; threshold: number }) {
  const { t } = p.ctx;
  return (
    <div class="proposal-support">
      <p id={`${p.id}-text`} data-support-count aria-live="polite" safe>
        {t("proposals.support.count", { count: p.count, threshold: p.threshold })}
      </p>
      <progress
        max={String(p.threshold)}
        value={String(Math.min(p.count, p.threshold))}
        aria-labelledby={`${p.id}-text`}
        safe
      >
        {`${p.count} / ${p.threshold}`}
      </progress>
    </div>
  );
}

/** A list's address with its filters and page (the first page carries no number). */
export function listHref(path: string, query: Record<string, string>, page: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
