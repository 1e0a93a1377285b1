// What the ministry's pages share: the navigation between them, a notice after a change, page links, and
// the period in links. Their figures, tables, charts and period form are the statistics pages' own
// (src/stats/web/statsPages.tsx).
import { Pagination as SharedPagination } from "../web/components/Pagination.tsx";
import type { PageContext } from "../web/context.ts";

export const K = "ministry";

/** The department path segment of the cases with no department (the coordinator's): no code can be it. */
export const NO_DEPARTMENT = "_none";

/**
 * The ministry's pages: this one's and the others' (the calendar is issue 5's). Reports live at /reports,
 * shared with municipal staff, who read their own municipality's there.
 */
const MINISTRY_NAV = [
  { href: "/ministry", key: "dashboard" },
  { href: "/ministry/alerts", key: "alerts" },
  { href: "/ministry/escalations", key: "escalations" },
  { href: "/ministry/standards", key: "standards" },
  { href: "/reports", key: "reports" },
  { href: "/ministry/onboarding", key: "onboarding" },
  { href: "/ministry/calendar", key: "calendar" },
] as const;

export function MinistryNav({ ctx, current }: { ctx: PageContext; current?: string }) {
  return (
    <nav aria-label={ctx.t(`${K}.nav.label`)}>
      <ul class="link-list">
        {MINISTRY_NAV.map((l) => (
          <li>
            <a href={l.href} aria-current={l.href === current ? "page" : undefined} safe>
              {ctx.t(`${K}.nav.${l.key}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Notice({ text }: { text: string | undefined }) {
  return text ? (
    <div class="notice" role="status" safe>
      {text}
    </div>
  ) : (
    ""
  );
}

/** Page links under a list (the shared component), named as the ministry's lists' pages. */
export function Pagination(p: {
  ctx: PageContext;
  page: number;
  pageCount: number;
  href: (page: number) => string;
}) {
  return <SharedPagination {...p} label={p.ctx.t(`${K}.pagination.label`)} />;
}

/** A period as query-string values, for links that keep it. */
export const periodQuery = (period: { from: string; to: string }, extra: Record<string, string> = {}) =>
  `?${new URLSearchParams({ from: period.from, to: period.to, ...extra })}`;
