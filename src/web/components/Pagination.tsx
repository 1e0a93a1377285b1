// Page links under a list: previous, the first and last pages and those around this one, next. One
// component for every paged list (cases, the inbox, notifications, proposals, the ministry's lists).
import type { PageContext } from "../context.ts";

/** The page numbers to offer: the first, the last, and two either side of the current one. */
export function pageWindow(page: number, count: number): (number | "gap")[] {
  const shown = new Set([1, count, page - 2, page - 1, page, page + 1, page + 2]);
  const pages = [...shown].filter((n) => n >= 1 && n <= count).sort((a, b) => a - b);
  const out: (number | "gap")[] = [];
  for (const [i, n] of pages.entries()) {
    const before = pages[i - 1];
    if (before !== undefined && n - before > 1) out.push(n - before === 2 ? n - 1 : "gap");
    out.push(n);
  }
  return out;
}

export function Pagination(p: {
  ctx: PageContext;
  page: number;
  pageCount: number;
  href: (page: number) => string;
  /** What the pages are of, for screen readers ("Pages of cases"); by default "Pages". */
  label?: string;
}) {
  const { t } = p.ctx;
  if (p.pageCount <= 1) return "";
  return (
    <nav class="pagination" aria-label={p.label ?? t("components.pagination.label")}>
      <ul class="pagination__list">
        {p.page > 1 ? (
          <li class="pagination__prev">
            <a href={p.href(p.page - 1)} rel="prev" safe>
              {t("components.pagination.previous")}
            </a>
          </li>
        ) : null}
        {pageWindow(p.page, p.pageCount).map((n) =>
          n === "gap" ? (
            <li class="pagination__gap" aria-hidden="true">
              …
            </li>
          ) : (
            <li class="pagination__item">
              <a
                href={p.href(n)}
                aria-label={t("components.pagination.page", { page: n })}
                aria-current={n === p.page ? "page" : undefined}
                safe
              >
                {String(n)}
              </a>
            </li>
          ),
        )}
        {p.page < p.pageCount ? (
          <li class="pagination__next">
            <a href={p.href(p.page + 1)} rel="next" safe>
              {t("components.pagination.next")}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
