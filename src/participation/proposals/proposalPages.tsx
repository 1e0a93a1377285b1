// The public proposal pages: a municipality's published proposals, and one proposal with its support, the
// municipality's answer and, once accepted, its progress record. What is shown of the case comes from its
// public view (src/cases/publicView.ts), never personal data; the citizen's words carry their language.

import type { PublicCase } from "../../cases/publicView.ts";
import { formatDay } from "../../cases/web/casePages.tsx";
import type { LocalizedText } from "../../db/schema.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Card } from "../../web/components/Card.tsx";
import { Pagination } from "../../web/components/Pagination.tsx";
import { Timeline } from "../../web/components/Timeline.tsx";
import type { PageContext } from "../../web/context.ts";
import { attributeText, Button, PostForm, SelectField } from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { CaseMap } from "../../web/map.tsx";
import type { MilestoneRow, ProposalRow } from "./proposalQueries.ts";
import { daysLeft, type Stage } from "./proposalRules.ts";
import { listHref, SupportBar } from "./proposalWidgets.tsx";

const K = "proposals";
type Municipality = { name: string; slug: string };

export const proposalPath = (code: string) => `/proposals/${encodeURIComponent(code)}`;
const osmLink = (l: { latitude: number; longitude: number }) =>
  `https://www.openstreetmap.org/?mlat=${l.latitude}&mlon=${l.longitude}#map=17/${l.latitude}/${l.longitude}`;

export const proposalListPath = (slug: string) => `/m/${encodeURIComponent(slug)}/proposals`;

/** The filters of the public list (`?stage=`): groups of stages as people look for them. */
export const LIST_FILTERS = ["collecting", "awaiting_answer", "decided", "ended"] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];
export const FILTER_STAGES: Record<ListFilter, readonly Stage[]> = {
  collecting: ["collecting"],
  awaiting_answer: ["threshold_reached", "under_consideration"],
  decided: ["accepted", "rejected"],
  ended: ["expired", "closed"],
};

export interface StageFacts {
  stage: Stage;
  proposal: Pick<ProposalRow, "supportClosesAt" | "progressStatus" | "progressPercent">;
  responseDueAt: Date | null;
  now: Date;
}

/** The stage as one line of text (never colour alone): days left, the answer's due date, the progress. */
export function stageLine(ctx: PageContext, f: StageFacts): string {
  const { t } = ctx;
  switch (f.stage) {
    case "collecting":
      return t(`${K}.stageLine.collecting`, { count: daysLeft(f.proposal.supportClosesAt, f.now) });
    case "threshold_reached":
      return f.responseDueAt
        ? t(`${K}.stageLine.threshold_reached`, { date: formatDay(ctx, f.responseDueAt, true) })
        : t(`${K}.stage.threshold_reached`);
    case "accepted": {
      const status = f.proposal.progressStatus ?? "planned";
      return status === "in_progress"
        ? t(`${K}.stageLine.in_progress`, { percent: f.proposal.progressPercent ?? 0 })
        : t(`${K}.stageLine.accepted`, { progress: t(`${K}.progress.status.${status}`) });
    }
    default:
      return t(`${K}.stage.${f.stage}`);
  }
}

export interface ListItem {
  trackingCode: string;
  title: string;
  language: string;
  categoryName: LocalizedText;
  count: number;
  threshold: number;
  facts: StageFacts;
}

export function ProposalListPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  items: ListItem[];
  /** How many proposals the filter finds in all, over every page. */
  total: number;
  pages: { page: number; pageCount: number };
  filter: ListFilter | "";
  rules: { threshold: number; windowDays: number };
}) {
  const { ctx } = p;
  const { t } = ctx;
  const title = t(`${K}.list.title`, { municipality: p.municipality.name });
  return (
    <Layout ctx={ctx} title={title} municipality={p.municipality}>
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.list.intro`, { threshold: p.rules.threshold, days: p.rules.windowDays })}
      </p>
      <p>
        <a class="button button--secondary" href="/submit" safe>
          {t(`${K}.list.submit`)}
        </a>
      </p>
      <form method="get" action={proposalListPath(p.municipality.slug)} class="case-filters">
        <SelectField
          t={t}
          name="stage"
          label={t(`${K}.list.filter`)}
          value={p.filter}
          none={t(`${K}.list.allStages`)}
          options={LIST_FILTERS.map((f) => ({ value: f, label: t(`${K}.list.filters.${f}`) }))}
          errors={{}}
        />
        <Button label={t(`${K}.list.apply`)} variant="secondary" />
      </form>
      <h2 safe>{t(`${K}.list.count`, { count: p.total })}</h2>
      {p.pages.pageCount > 1 ? (
        <p safe>{t(`${K}.pages.showing`, { page: p.pages.page, pages: p.pages.pageCount })}</p>
      ) : null}
      {p.items.length === 0 ? (
        <p safe>{t(`${K}.list.empty`)}</p>
      ) : (
        <ul class="case-list">
          {p.items.map((item) => (
            <Card
              level={3}
              title={item.title}
              href={proposalPath(item.trackingCode)}
              titleLang={htmlLang(item.language as never)}
              details={[
                { term: t(`${K}.page.code`), value: item.trackingCode, code: true },
                { term: t(`${K}.page.category`), value: localized(item.categoryName, ctx.lang) },
                {
                  term: t(`${K}.page.supports`),
                  value: t(`${K}.support.count`, { count: item.count, threshold: item.threshold }),
                },
                { term: t(`${K}.page.stage`), value: stageLine(ctx, item.facts), strong: true },
              ]}
            />
          ))}
        </ul>
      )}
      <Pagination
        ctx={ctx}
        label={ctx.t("proposals.pages.label")}
        page={p.pages.page}
        pageCount={p.pages.pageCount}
        href={(n) => listHref(proposalListPath(p.municipality.slug), { stage: p.filter }, n)}
      />
    </Layout>
  );
}

/** What the signed-in reader may do about support, decided by the routes. */
export type SupportView =
  | { kind: "form" }
  | { kind: "sign_in" }
  | { kind: "supported" }
  | { kind: "own" }
  | { kind: "verification_required" }
  | { kind: "closed" };

export function ProposalPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  view: PublicCase;
  categoryName: LocalizedText;
  language: string;
  proposal: ProposalRow;
  facts: StageFacts;
  milestones: MilestoneRow[];
  support: SupportView;
  notice?: string | undefined;
  refusal?: string | undefined;
}) {
  const { ctx, view, proposal } = p;
  const { t } = ctx;
  const lang = htmlLang(p.language as never);
  const code = view.trackingCode;
  const stage = p.facts.stage;
  return (
    <Layout ctx={ctx} title={view.title} municipality={p.municipality}>
      <a class="back-link" href={proposalListPath(p.municipality.slug)} safe>
        {t(`${K}.page.back`)}
      </a>
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      {p.refusal ? (
        <div class="error-summary" role="alert" tabindex="-1">
          <p safe>{p.refusal}</p>
        </div>
      ) : null}
      <h1 lang={lang} safe>
        {view.title}
      </h1>
      <p>
        <strong class={`status-tag status-tag--proposal-${stage}`} safe>
          {stageLine(ctx, p.facts)}
        </strong>
      </p>
      <dl class="summary-list">
        <dt safe>{t(`${K}.page.code`)}</dt>
        <dd safe>{code}</dd>
        <dt safe>{t(`${K}.page.category`)}</dt>
        <dd safe>{localized(p.categoryName, ctx.lang)}</dd>
        <dt safe>{t(`${K}.page.published`)}</dt>
        <dd safe>{formatDay(ctx, proposal.publishedAt)}</dd>
        <dt safe>{t(`${K}.page.closes`)}</dt>
        <dd safe>{formatDay(ctx, proposal.supportClosesAt, true)}</dd>
        {view.submitterName ? (
          <>
            <dt safe>{t(`${K}.page.submitter`)}</dt>
            <dd safe>{view.submitterName}</dd>
          </>
        ) : null}
        {view.address || view.location ? (
          <>
            <dt safe>{t(`${K}.page.location`)}</dt>
            <dd>
              <span safe>{view.address ?? ""}</span>
              {view.location ? (
                <>
                  {view.address ? " · " : ""}
                  <span
                    safe
                  >{`${view.location.latitude.toFixed(4)}, ${view.location.longitude.toFixed(4)}`}</span>{" "}
                  {/* A plain link opens the place on any device, with or without this site's map script. */}
                  <a href={attributeText(osmLink(view.location))} safe>
                    {t(`${K}.page.mapLink`)}
                  </a>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      <h2 safe>{t(`${K}.page.description`)}</h2>
      <p class="case-description" lang={lang} safe>
        {view.description}
      </p>
      <CaseMap ctx={ctx} location={view.location} />
      <h2 id="support" safe>
        {t(`${K}.page.supportHeading`)}
      </h2>
      {/* The count as of loading; a script may keep it current from the JSON (the template says how to word it). */}
      <div
        data-module="proposal-support"
        data-src={`${proposalPath(code)}/support.json`}
        data-template={attributeText(t(`${K}.support.count`, { count: "{count}", threshold: "{threshold}" }))}
      >
        <SupportBar ctx={ctx} id="support-bar" count={proposal.supportCount} threshold={proposal.threshold} />
      </div>
      {stage === "collecting" ? (
        <p safe>{t(`${K}.page.howSupport`, { threshold: proposal.threshold })}</p>
      ) : null}
      <SupportAction ctx={ctx} code={code} support={p.support} requiresVerified={proposal.requiresVerified} />
      {stage === "accepted" ? <Progress ctx={ctx} proposal={proposal} milestones={p.milestones} /> : null}
      <p>
        <a href={`/cases/${code}`} safe>
          {t(`${K}.page.timeline`)}
        </a>
      </p>
    </Layout>
  );
}

function SupportAction(p: {
  ctx: PageContext;
  code: string;
  support: SupportView;
  requiresVerified: boolean;
}) {
  const { t } = p.ctx;
  switch (p.support.kind) {
    case "form":
      return (
        <PostForm action={`${proposalPath(p.code)}/support`} csrf={p.ctx.csrf}>
          {p.requiresVerified ? (
            <p class="hint" safe>
              {t(`${K}.support.verifiedOnly`)}
            </p>
          ) : (
            ""
          )}
          <Button label={t(`${K}.support.button`)} />
        </PostForm>
      );
    case "sign_in":
      return (
        <p>
          <a href={`/login?next=${encodeURIComponent(`${proposalPath(p.code)}#support`)}`} safe>
            {t(`${K}.support.signIn`)}
          </a>
        </p>
      );
    case "supported":
      return (
        <>
          <p safe>{t(`${K}.support.youSupport`)}</p>
          <PostForm action={`${proposalPath(p.code)}/support/withdraw`} csrf={p.ctx.csrf}>
            <p class="hint" safe>
              {t(`${K}.support.withdrawHint`)}
            </p>
            <Button label={t(`${K}.support.withdrawButton`)} variant="secondary" />
          </PostForm>
        </>
      );
    case "own":
      return <p safe>{t(`${K}.support.refusals.own_proposal`)}</p>;
    case "verification_required":
      return <p safe>{t(`${K}.support.refusals.verification_required`)}</p>;
    case "closed":
      return "";
  }
}

function Progress(p: { ctx: PageContext; proposal: ProposalRow; milestones: MilestoneRow[] }) {
  const { ctx, proposal } = p;
  const { t } = ctx;
  const percent = proposal.progressPercent ?? 0;
  return (
    <>
      <h2 safe>{t(`${K}.progress.heading`)}</h2>
      <dl class="summary-list">
        <dt safe>{t(`${K}.progress.status.label`)}</dt>
        <dd safe>{t(`${K}.progress.status.${proposal.progressStatus ?? "planned"}`)}</dd>
        <dt id="progress-percent" safe>
          {t(`${K}.progress.percent`)}
        </dt>
        <dd>
          <span safe>{`${percent} %`}</span>{" "}
          <progress max="100" value={String(percent)} aria-labelledby="progress-percent" safe>
            {`${percent} %`}
          </progress>
        </dd>
        {proposal.budgetLine ? (
          <>
            <dt safe>{t(`${K}.progress.budgetLine`)}</dt>
            <dd safe>{proposal.budgetLine}</dd>
          </>
        ) : null}
      </dl>
      <h3 safe>{t(`${K}.progress.milestones`)}</h3>
      <Timeline
        events={p.milestones.map((m) => ({
          at: m.on,
          when: formatDay(ctx, new Date(`${m.on}T12:00:00Z`)),
          what: `${localized(m.text, ctx.lang)}${m.percent !== null ? ` (${m.percent} %)` : ""}`,
          whatLang: htmlLang(m.text[ctx.lang] ? ctx.lang : "sq"),
        }))}
        empty={t(`${K}.progress.noMilestones`)}
      />
    </>
  );
}
