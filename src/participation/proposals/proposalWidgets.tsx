// The support bar and the list pager the proposal pages share (the form fields are src/web/forms.tsx's).
import { pageWindow } from "../../cases/web/caseListPages.tsx";
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

/** Links to the other pages of a list (the case list's pattern and classes); nothing when one page holds all. */
export function Pager(p: {
  ctx: PageContext;
  page: number;
  pageCount: number;
  href: (page: number) => string;
}) {
  const { t } = p.ctx;
  const { page, pageCount } = p;
  if (pageCount <= 1) return "";
  return (
    <nav class="pagination" aria-label={t("proposals.pages.label")}>
      <ul class="pagination__list">
        {page > 1 ? (
          <li class="pagination__prev">
            <a href={p.href(page - 1)} rel="prev" safe>
              {t("proposals.pages.previous")}
            </a>
          </li>
        ) : null}
        {pageWindow(page, pageCount).map((n) =>
          n === "gap" ? (
            <li class="pagination__gap" aria-hidden="true">
              …
            </li>
          ) : (
            <li class="pagination__item">
              <a
                href={p.href(n)}
                aria-label={t("proposals.pages.page", { page: n })}
                aria-current={n === page ? "page" : undefined}
                safe
              >
                {String(n)}
              </a>
            </li>
          ),
        )}
        {page < pageCount ? (
          <li class="pagination__next">
            <a href={p.href(page + 1)} rel="next" safe>
              {t("proposals.pages.next")}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
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
