// The staff's guide to the workspace (/procedures/workspace, beside the standard operating procedures): how
// the inbox, its filters, the clocks, pauses, escalations and answering work. Who sees which cases comes from
// the policy table (through procedures.ts whoMay), the filters and sorts from the inbox's own lists, the
// warning shares and the escalation ladder from the SLA engine: the guide says what the code does.
import { REOPEN_WINDOW_DAYS } from "../cases/commands/reopenCase.ts";
import { DUE_SOON_SHARE, WARNING_90_SHARE } from "../cases/sla.ts";
import { ESCALATION_LADDER, SLA_STATES } from "../cases/slaTracking.ts";
import { htmlLang } from "../kernel/localized.ts";
import type { Condition } from "../reports/procedures.ts";
import type { PageContext } from "../web/context.ts";
import { Layout } from "../web/layout.tsx";
import { INBOX_FIELDS, INBOX_PAGE_SIZE, INBOX_SORTS } from "../workspace/inboxQuery.ts";
import { G, guidePath } from "./ui.tsx";

const W = `${G}.workspace`;
const roleName = (ctx: PageContext, role: string) => ctx.t(`reports.procedures.roleName.${role}`);

const lists = new Map<string, Intl.ListFormat>();
function orList(ctx: PageContext, items: string[]): string {
  let f = lists.get(ctx.lang);
  if (!f) {
    f = new Intl.ListFormat(htmlLang(ctx.lang), { type: "disjunction" });
    lists.set(ctx.lang, f);
  }
  return f.format(items);
}

export interface WorkspaceGuideProps {
  ctx: PageContext;
  /** The municipalities whose inbox the reader may open. */
  workspaces: { slug: string; name: string }[];
  /** Who sees which cases in an inbox (the policy table's case.view_staff). */
  whoSees: { role: string; conditions: Condition[] }[];
}

export function WorkspaceGuidePage({ ctx, workspaces, whoSees }: WorkspaceGuideProps) {
  const { t } = ctx;
  const title = t(`${W}.title`);
  const dueSoon = Math.round(DUE_SOON_SHARE * 100);
  const warning = Math.round(WARNING_90_SHARE * 100);
  return (
    <Layout ctx={ctx} title={title}>
      <a class="back-link" href="/procedures" safe>
        {t(`${W}.back`)}
      </a>
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${W}.lead`)}
      </p>
      {workspaces.length > 0 ? (
        <ul class="link-list">
          {workspaces.map((w) => (
            <li>
              <a href={`/m/${w.slug}/workspace`} safe>
                {t(`${W}.inboxIn`, { municipality: w.name })}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p safe>{t(`${W}.noInbox`)}</p>
      )}

      <h2 id="inbox" safe>
        {t(`${W}.inboxHeading`)}
      </h2>
      <p safe>{t(`${W}.inboxLead`, { count: INBOX_PAGE_SIZE })}</p>
      <ul>
        {whoSees.map((w) => (
          <li safe>
            {t(`${W}.whoSees`, {
              role: roleName(ctx, w.role),
              where: orList(
                ctx,
                w.conditions.map((c) => t(`reports.procedures.condition.${c}`)),
              ),
            })}
          </li>
        ))}
      </ul>

      <h2 id="filters" safe>
        {t(`${W}.filtersHeading`)}
      </h2>
      <dl class="summary-list">
        {INBOX_FIELDS.filter((f) => f !== "sort").map((field) => (
          <div>
            <dt safe>{t(`inbox.${field}`)}</dt>
            <dd safe>{t(`${W}.filter.${field}`)}</dd>
          </div>
        ))}
      </dl>
      <p safe>
        {t(`${W}.sorts`, {
          sorts: orList(
            ctx,
            INBOX_SORTS.map((s) => t(`inbox.sorts.${s}`)),
          ),
        })}
      </p>
      <p safe>{t(`${W}.views`)}</p>
      <p safe>{t(`${W}.bulk`)}</p>
      <p safe>{t(`${W}.export`)}</p>

      <h2 id="clocks" safe>
        {t(`${W}.clocksHeading`)}
      </h2>
      <p safe>{t(`${W}.clocks`)}</p>
      <dl class="summary-list">
        {SLA_STATES.map((state) => (
          <div>
            <dt safe>{t(`inbox.slaState.${state}`)}</dt>
            <dd safe>{t(`${W}.slaState.${state}`, { dueSoon })}</dd>
          </div>
        ))}
      </dl>
      <p safe>{t(`${W}.warnings`, { dueSoon, warning })}</p>
      <p>
        <a href={guidePath("after-you-submit")} safe>
          {t(`${W}.countingLink`)}
        </a>
      </p>

      <h2 id="pauses" safe>
        {t(`${W}.pausesHeading`)}
      </h2>
      <p safe>{t(`${W}.pause`, { status: t("status.awaiting_citizen") })}</p>
      <p safe>{t(`${W}.pauseBack`)}</p>
      <p safe>{t(`${W}.pauseLate`)}</p>

      <h2 id="escalations" safe>
        {t(`${W}.escalationsHeading`)}
      </h2>
      <p safe>{t(`${W}.escalationsLead`)}</p>
      <ol>
        {ESCALATION_LADDER.map((rung) => (
          <li safe>
            {rung.afterWorkingDays === 0
              ? t(`${W}.rungAtBreach`, { role: roleName(ctx, rung.to) })
              : t(`${W}.rungAfter`, { count: rung.afterWorkingDays, role: roleName(ctx, rung.to) })}
          </li>
        ))}
      </ol>
      <p safe>{t(`${W}.escalationsAct`)}</p>

      <h2 id="answering" safe>
        {t(`${W}.answeringHeading`)}
      </h2>
      <ol>
        {["acknowledge", "assign", "answer", "final", "outcomes"].map((step) => (
          <li safe>{t(`${W}.answer.${step}`)}</li>
        ))}
      </ol>
      <p safe>{t(`${W}.language`)}</p>
      <p safe>{t(`${W}.personalData`)}</p>
      <p safe>{t(`${W}.changed`)}</p>
      <p safe>{t(`${W}.after`, { count: REOPEN_WINDOW_DAYS })}</p>

      <h2 id="more" safe>
        {t(`${W}.moreHeading`)}
      </h2>
      <ul class="link-list">
        <li>
          <a href="/procedures" safe>
            {t(`${W}.proceduresLink`)}
          </a>
        </li>
        <li>
          <a href={guidePath("index")} safe>
            {t(`${W}.guideLink`)}
          </a>
        </li>
      </ul>
    </Layout>
  );
}
