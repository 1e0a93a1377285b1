// The coordinator's proposal pages (moderation, decisions, progress) and the municipal admin's
// participation settings. Forms keep what was typed and show their problems at the fields.
import type { Children } from "@kitajs/html";
import { formatDay } from "../../cases/web/casePages.tsx";
import type { LocalizedText } from "../../db/schema.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Pagination } from "../../web/components/Pagination.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  CheckboxField,
  ErrorSummary,
  Field,
  type FieldErrors,
  formTitle,
  PostForm,
  RadiosField,
  SelectField,
  TextAreaField,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import type { ParticipationSettings } from "../settings.ts";
import { type ListItem, proposalPath, type StageFacts, stageLine } from "./proposalPages.tsx";
import type { MilestoneRow, ProposalRow } from "./proposalQueries.ts";
import { DECISIONS, PROGRESS_STATUSES } from "./proposalRules.ts";
import { listHref, SupportBar } from "./proposalWidgets.tsx";

const K = "proposals.staff";
type Municipality = { name: string; slug: string };
type Values = Record<string, string>;

export const staffListPath = (slug: string) => `/m/${encodeURIComponent(slug)}/participation/proposals`;
export const staffProposalPath = (slug: string, code: string) =>
  `${staffListPath(slug)}/${encodeURIComponent(code)}`;
export const settingsPath = (slug: string) => `/m/${encodeURIComponent(slug)}/admin/participation`;

export const REJECT_FIELDS = ["reasonCode", "message"] as const;
export const DECISION_FIELDS = ["decision", "decisionMessage", "decisionReason"] as const;
export const PROGRESS_FIELDS = ["progressStatus", "progressPercent", "budgetLine"] as const;
export const MILESTONE_FIELDS = ["on", "textSq", "textSr", "textEn", "milestonePercent"] as const;
export const SETTINGS_FIELDS = [
  "proposalWindowDays",
  "proposalThreshold",
  "registeredVoters",
  "supportRequiresVerified",
  "consultationMinDays",
] as const;

function StaffLayout(p: {
  ctx: PageContext;
  municipality: Municipality;
  title: string;
  errors?: FieldErrors;
  order?: readonly string[];
  notice?: string | undefined;
  back?: { href: string; label: string };
  children?: Children;
}) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, p.title, p.errors)} municipality={p.municipality}>
      {p.back ? (
        <a class="back-link" href={p.back.href} safe>
          {p.back.label}
        </a>
      ) : null}
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      <ErrorSummary t={t} errors={p.errors ?? {}} order={p.order ?? []} />
      <h1 safe>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

export interface QueueItem {
  trackingCode: string;
  title: string;
  language: string;
  categoryName: LocalizedText;
  receivedAt: Date;
  ackDueAt: Date | null;
}

type GroupKey = "collecting" | "awaiting_decision" | "decided" | "ended";

export function StaffListPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  queue: { rows: QueueItem[]; total: number; page: number; pageCount: number };
  groups: { key: GroupKey; items: ListItem[]; total: number; page: number; pageCount: number }[];
  /** The page of each list now shown (`queue`, and each group's key), kept by the other lists' links. */
  pages: Record<string, string>;
  notice?: string | undefined;
}) {
  const { ctx } = p;
  const { t } = ctx;
  const link = (code: string, title: string, language: string) => (
    <a href={staffProposalPath(p.municipality.slug, code)}>
      <span safe>{code}</span>
      <br />
      <span lang={htmlLang(language as never)} safe>
        {title}
      </span>
    </a>
  );
  /** Another page of one list, the others kept, landing on that list's heading. */
  const pageOf = (list: string, anchor: string) => (n: number) =>
    `${listHref(staffListPath(p.municipality.slug), { ...p.pages, [list]: n > 1 ? String(n) : "" }, 1)}#${anchor}`;
  return (
    <StaffLayout ctx={ctx} municipality={p.municipality} title={t(`${K}.title`)} notice={p.notice}>
      <p>
        <a href={`/m/${encodeURIComponent(p.municipality.slug)}/proposals`} safe>
          {t(`${K}.publicList`)}
        </a>
      </p>
      <h2 id="queue" safe>
        {t(`${K}.groups.moderation`, { count: p.queue.total })}
      </h2>
      {p.queue.rows.length === 0 ? (
        <p safe>{t(`${K}.empty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="queue"
          caption={t(`${K}.groups.moderationCaption`)}
          head={[
            t(`${K}.col.proposal`),
            t(`${K}.col.category`),
            t(`${K}.col.received`),
            t(`${K}.col.ackDue`),
          ]}
        >
          {p.queue.rows.map((q) => (
            <tr>
              <td>{link(q.trackingCode, q.title, q.language)}</td>
              <td safe>{localized(q.categoryName, ctx.lang)}</td>
              <td safe>{formatDay(ctx, q.receivedAt)}</td>
              <td>{q.ackDueAt ? formatDay(ctx, q.ackDueAt, true) : ""}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <Pagination
        ctx={ctx}
        label={ctx.t("proposals.pages.label")}
        page={p.queue.page}
        pageCount={p.queue.pageCount}
        href={pageOf("queue", "queue")}
      />
      {p.groups.map((g) => (
        <>
          <h2 id={`group-${g.key}`} safe>
            {t(`${K}.groups.${g.key}`, { count: g.total })}
          </h2>
          {g.items.length === 0 ? (
            <p safe>{t(`${K}.empty`)}</p>
          ) : (
            <ScrollTable
              labelledBy={`group-${g.key}`}
              caption={t(`${K}.groups.${g.key}Caption`)}
              head={[t(`${K}.col.proposal`), t(`${K}.col.supports`), t(`${K}.col.stage`)]}
            >
              {g.items.map((i) => (
                <tr>
                  <td>{link(i.trackingCode, i.title, i.language)}</td>
                  <td safe>{t("proposals.support.count", { count: i.count, threshold: i.threshold })}</td>
                  <td safe>{stageLine(ctx, i.facts)}</td>
                </tr>
              ))}
            </ScrollTable>
          )}
          <Pagination
            ctx={ctx}
            label={ctx.t("proposals.pages.label")}
            page={g.page}
            pageCount={g.pageCount}
            href={pageOf(g.key, `group-${g.key}`)}
          />
        </>
      ))}
    </StaffLayout>
  );
}

export interface StaffProposalProps {
  ctx: PageContext;
  municipality: Municipality;
  code: string;
  title: string;
  description: string;
  language: string;
  categoryName: LocalizedText;
  receivedAt: Date;
  status: string;
  proposal: ProposalRow | null;
  facts: StageFacts | undefined;
  /** What publishing would fix, for an unpublished proposal. */
  publication?: { threshold: number; windowDays: number; requiresVerified: boolean };
  reasons: { code: string; name: LocalizedText }[];
  milestones: MilestoneRow[];
  values: Values;
  errors: FieldErrors;
  notice?: string | undefined;
}

export function StaffProposalPage(p: StaffProposalProps) {
  const { ctx, proposal } = p;
  const { t } = ctx;
  const lang = htmlLang(p.language as never);
  const stage = p.facts?.stage;
  const reasonOptions = p.reasons.map((r) => ({ value: r.code, label: localized(r.name, ctx.lang) }));
  const action = (rest: string) => `${staffProposalPath(p.municipality.slug, p.code)}/${rest}`;
  const v = (k: string) => p.values[k] ?? "";
  const decidable = stage === "threshold_reached" || stage === "under_consideration";
  return (
    <StaffLayout
      ctx={ctx}
      municipality={p.municipality}
      title={t(`${K}.proposalTitle`, { code: p.code })}
      errors={p.errors}
      order={[...REJECT_FIELDS, ...DECISION_FIELDS, ...PROGRESS_FIELDS, ...MILESTONE_FIELDS]}
      notice={p.notice}
      back={{ href: staffListPath(p.municipality.slug), label: t(`${K}.back`) }}
    >
      <h2 lang={lang} safe>
        {p.title}
      </h2>
      <p class="case-description" lang={lang} safe>
        {p.description}
      </p>
      <dl class="summary-list">
        <dt safe>{t("proposals.page.category")}</dt>
        <dd safe>{localized(p.categoryName, ctx.lang)}</dd>
        <dt safe>{t(`${K}.col.received`)}</dt>
        <dd safe>{formatDay(ctx, p.receivedAt)}</dd>
        <dt safe>{t(`${K}.col.stage`)}</dt>
        <dd>
          <strong safe>{p.facts ? stageLine(ctx, p.facts) : t(`status.${p.status}`)}</strong>
        </dd>
      </dl>
      <p>
        <a href={`/m/${encodeURIComponent(p.municipality.slug)}/workspace/cases/${p.code}`} safe>
          {t(`${K}.workspaceLink`)}
        </a>
        {proposal ? (
          <>
            {" · "}
            <a href={proposalPath(p.code)} safe>
              {t(`${K}.publicLink`)}
            </a>
          </>
        ) : null}
      </p>
      {proposal ? (
        <SupportBar ctx={ctx} id="support-bar" count={proposal.supportCount} threshold={proposal.threshold} />
      ) : null}

      {!proposal && p.publication && ["submitted", "acknowledged"].includes(p.status) ? (
        <>
          <h2 safe>{t(`${K}.publish.heading`)}</h2>
          <p safe>
            {t(`${K}.publish.explain`, {
              threshold: p.publication.threshold,
              days: p.publication.windowDays,
            })}
          </p>
          {p.publication.requiresVerified ? <p safe>{t(`${K}.publish.verifiedOnly`)}</p> : ""}
          <PostForm action={action("publish")} csrf={ctx.csrf}>
            <Button label={t(`${K}.publish.button`)} />
          </PostForm>
          <h2 safe>{t(`${K}.reject.heading`)}</h2>
          <PostForm action={action("reject")} csrf={ctx.csrf}>
            <SelectField
              t={t}
              name="reasonCode"
              label={t(`${K}.reject.reason`)}
              none={t(`${K}.reject.choose`)}
              value={v("reasonCode")}
              options={reasonOptions}
              errors={p.errors}
            />
            <TextAreaField
              t={t}
              name="message"
              label={t(`${K}.reject.message`)}
              hint={t(`${K}.reject.messageHint`)}
              value={v("message")}
              errors={p.errors}
            />
            <Button label={t(`${K}.reject.button`)} variant="warning" />
          </PostForm>
        </>
      ) : null}

      {decidable ? (
        <>
          <h2 safe>{t(`${K}.decision.heading`)}</h2>
          <PostForm action={action("decision")} csrf={ctx.csrf}>
            <RadiosField
              t={t}
              name="decision"
              label={t(`${K}.decision.label`)}
              value={v("decision")}
              options={DECISIONS.filter(
                (d) => d !== "under_consideration" || stage !== "under_consideration",
              ).map((d) => ({ value: d, label: t(`proposals.stage.${d}`) }))}
              errors={p.errors}
            />
            <TextAreaField
              t={t}
              name="decisionMessage"
              label={t(`${K}.decision.message`)}
              hint={t(`${K}.decision.messageHint`)}
              value={v("decisionMessage")}
              errors={p.errors}
            />
            <SelectField
              t={t}
              name="decisionReason"
              label={t(`${K}.decision.reason`)}
              hint={t(`${K}.decision.reasonHint`)}
              none={t(`${K}.reject.choose`)}
              value={v("decisionReason")}
              options={reasonOptions}
              errors={p.errors}
            />
            <Button label={t(`${K}.decision.button`)} />
          </PostForm>
        </>
      ) : null}

      {stage === "accepted" && proposal ? (
        <>
          <h2 safe>{t(`${K}.progress.heading`)}</h2>
          <PostForm action={action("progress")} csrf={ctx.csrf}>
            <SelectField
              t={t}
              name="progressStatus"
              label={t("proposals.progress.status.label")}
              value={v("progressStatus") || (proposal.progressStatus ?? "planned")}
              options={PROGRESS_STATUSES.map((s) => ({
                value: s,
                label: t(`proposals.progress.status.${s}`),
              }))}
              errors={p.errors}
            />
            <Field
              t={t}
              name="progressPercent"
              autocomplete="off"
              type="number"
              width="short"
              label={t("proposals.progress.percent")}
              hint={t(`${K}.progress.percentHint`)}
              value={p.values.progressPercent ?? String(proposal.progressPercent ?? 0)}
              errors={p.errors}
            />
            <Field
              t={t}
              name="budgetLine"
              autocomplete="off"
              label={t("proposals.progress.budgetLine")}
              hint={t(`${K}.progress.budgetHint`)}
              value={p.values.budgetLine ?? proposal.budgetLine ?? ""}
              errors={p.errors}
            />
            <Button label={t(`${K}.progress.button`)} />
          </PostForm>
          <h2 safe>{t(`${K}.milestone.heading`)}</h2>
          {p.milestones.length > 0 ? (
            <ul>
              {p.milestones.map((m) => (
                <li>
                  <time datetime={m.on} safe>
                    {formatDay(ctx, new Date(`${m.on}T12:00:00Z`))}
                  </time>{" "}
                  <span
                    safe
                  >{`– ${localized(m.text, ctx.lang)}${m.percent !== null ? ` (${m.percent} %)` : ""}`}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <PostForm action={action("milestones")} csrf={ctx.csrf}>
            <Field
              t={t}
              name="on"
              autocomplete="off"
              type="date"
              width="medium"
              label={t(`${K}.milestone.on`)}
              hint={t(`${K}.milestone.onHint`)}
              value={v("on")}
              errors={p.errors}
            />
            <TextAreaField
              t={t}
              name="textSq"
              lang="sq"
              rows={2}
              label={t(`${K}.milestone.textSq`)}
              value={v("textSq")}
              errors={p.errors}
            />
            <TextAreaField
              t={t}
              name="textSr"
              lang="sr-Latn"
              rows={2}
              label={t(`${K}.milestone.textSr`)}
              value={v("textSr")}
              errors={p.errors}
            />
            <TextAreaField
              t={t}
              name="textEn"
              lang="en"
              rows={2}
              label={t(`${K}.milestone.textEn`)}
              value={v("textEn")}
              errors={p.errors}
            />
            <Field
              t={t}
              name="milestonePercent"
              autocomplete="off"
              type="number"
              width="short"
              label={t(`${K}.milestone.percent`)}
              hint={t(`${K}.milestone.percentHint`)}
              value={v("milestonePercent")}
              errors={p.errors}
            />
            <Button label={t(`${K}.milestone.button`)} variant="secondary" />
          </PostForm>
        </>
      ) : null}
    </StaffLayout>
  );
}

export function SettingsPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  own: boolean;
  current: ParticipationSettings;
  nationalMinimum: number;
  values: Values;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, current } = p;
  const { t } = ctx;
  const S = "proposals.settings";
  const v = (k: string, fallback: string) => p.values[k] ?? fallback;
  return (
    <StaffLayout
      ctx={ctx}
      municipality={p.municipality}
      title={t(`${S}.title`)}
      errors={p.errors}
      order={SETTINGS_FIELDS}
      notice={p.notice}
      back={{ href: `/m/${encodeURIComponent(p.municipality.slug)}/admin`, label: t(`${S}.back`) }}
    >
      <p safe>{t(p.own ? `${S}.own` : `${S}.national`)}</p>
      <PostForm action={settingsPath(p.municipality.slug)} csrf={ctx.csrf}>
        <Field
          t={t}
          name="proposalWindowDays"
          autocomplete="off"
          type="number"
          width="short"
          label={t(`${S}.window`)}
          hint={t(`${S}.windowHint`)}
          value={v("proposalWindowDays", String(current.proposalWindowDays))}
          errors={p.errors}
        />
        <Field
          t={t}
          name="proposalThreshold"
          autocomplete="off"
          type="number"
          width="short"
          label={t(`${S}.threshold`)}
          hint={t(`${S}.thresholdHint`)}
          value={v("proposalThreshold", String(current.proposalThreshold))}
          errors={p.errors}
        />
        <Field
          t={t}
          name="registeredVoters"
          autocomplete="off"
          type="number"
          width="medium"
          label={t(`${S}.voters`)}
          hint={t(`${S}.votersHint`, { percent: current.normativeThresholdPercent })}
          value={v(
            "registeredVoters",
            current.registeredVoters === null ? "" : String(current.registeredVoters),
          )}
          errors={p.errors}
        />
        <CheckboxField
          name="supportRequiresVerified"
          label={t(`${S}.verified`)}
          hint={t(`${S}.verifiedHint`)}
          checked={
            p.values.supportRequiresVerified !== undefined
              ? p.values.supportRequiresVerified === "yes"
              : current.supportRequiresVerified
          }
        />
        <Field
          t={t}
          name="consultationMinDays"
          autocomplete="off"
          type="number"
          width="short"
          label={t(`${S}.consultation`)}
          hint={t(`${S}.consultationHint`, { minimum: p.nationalMinimum })}
          value={v("consultationMinDays", String(current.consultationMinDays))}
          errors={p.errors}
        />
        <Button label={t(`${S}.save`)} />
      </PostForm>
    </StaffLayout>
  );
}
