// The staff inbox page: a filter form (GET, so every view is an address to bookmark, save or share), the
// counts per SLA state as links, the cases as a table with time left, bulk actions on the ticked rows,
// saved views and the CSV export. Everything works without JavaScript and by keyboard alone.
import { isWorkingDay, type WorkingCalendar } from "../calendar/calendar.ts";
import { addDays, localDateOf } from "../calendar/zone.ts";
import { SLA_STATES } from "../cases/slaTracking.ts";
import { CASE_STATUSES, CASE_TYPES, CHANNELS } from "../cases/statuses.ts";
import { formatDay, StatusTag } from "../cases/web/casePages.tsx";
import type { LocalizedText } from "../db/schema.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { Pagination } from "../web/components/Pagination.tsx";
import type { PageContext } from "../web/context.ts";
import {
  attributeText,
  ErrorSummary,
  FieldError,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import {
  COUNT_CAP,
  INBOX_FIELDS,
  INBOX_PAGE_SIZE,
  INBOX_SORTS,
  type InboxList,
  type InboxValues,
  inboxHref,
  inboxPath,
  inboxQueryString,
  ME,
  UNASSIGNED,
} from "./inboxQuery.ts";
import { MAX_VIEW_NAME, type SavedView } from "./savedViews.ts";

// ── Time left.

export type TimeLeft =
  | { kind: "due_today" }
  | { kind: "due_in"; workingDays: number }
  | { kind: "due_on"; date: Date }
  | { kind: "overdue_today" }
  | { kind: "overdue"; days: number };

/** How far ahead the working days are counted; a deadline further out is shown as its date. */
const COUNT_AHEAD_DAYS = 400;
const DAY_MS = 86_400_000;
const dayNumber = (d: string) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8)));

/**
 * The time left before a deadline, as staff count it: working days still to come until the day the
 * deadline ends (deadlines end at a local midnight, so that day is the one before it), or the calendar
 * days since it passed. A deadline the calendar cannot count (a year without holiday data) is shown as its date.
 */
export function timeLeft(dueAt: Date, now: Date, cal: WorkingCalendar): TimeLeft {
  const lastDay = localDateOf(new Date(dueAt.getTime() - 1), cal.timeZone);
  const today = localDateOf(now, cal.timeZone);
  if (now.getTime() >= dueAt.getTime()) {
    const days = Math.round((dayNumber(today) - dayNumber(lastDay)) / DAY_MS);
    return days <= 0 ? { kind: "overdue_today" } : { kind: "overdue", days };
  }
  if (lastDay <= today) return { kind: "due_today" };
  try {
    let workingDays = 0;
    let n = 0;
    for (let d = addDays(today, 1); d <= lastDay; d = addDays(d, 1)) {
      if (++n > COUNT_AHEAD_DAYS) return { kind: "due_on", date: dueAt };
      if (isWorkingDay(d, cal)) workingDays++;
    }
    return workingDays > 0 ? { kind: "due_in", workingDays } : { kind: "due_on", date: dueAt };
  } catch (e) {
    if (e instanceof RangeError) return { kind: "due_on", date: dueAt };
    throw e;
  }
}

function timeLeftText(ctx: PageContext, left: TimeLeft): string {
  const { t } = ctx;
  switch (left.kind) {
    case "due_today":
      return t("inbox.timeLeft.dueToday");
    case "due_in":
      return t("inbox.timeLeft.dueIn", { count: left.workingDays });
    case "due_on":
      return t("inbox.timeLeft.dueOn", { date: formatDay(ctx, left.date, true) });
    case "overdue_today":
      return t("inbox.timeLeft.overdueToday");
    case "overdue":
      return t("inbox.timeLeft.overdue", { count: left.days });
  }
}

// ── Props.

export interface Choice {
  value: string;
  label: string;
}

export interface InboxChoices {
  categories: { code: string; type: string; name: LocalizedText }[];
  departments: Choice[];
  /** Staff cases may be assigned to here (the filter's choices). */
  staff: Choice[];
  /** Staff the bulk form may assign cases to. */
  assignable: Choice[];
  /** Reason codes for rejecting. */
  rejectReasons: Choice[];
}

/** What the bulk actions did, told on the page after the redirect. */
export interface BulkOutcome {
  done: string[];
  failed: { code: string; reason: string }[];
}

/** The actions the bulk form offers (a status change "resolve" answers requests, feedback and proposals). */
export const BULK_ACTIONS = ["assign", "start", "resolve", "close", "reject"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The refusals of a staff action the page words itself; any other reads as "could not be done". */
export const BULK_REASONS = [
  "not_found",
  "not_allowed",
  "case_changed",
  "not_allowed_from_status",
  "not_for_this_type",
  "reason_required",
  "reason_does_not_fit",
  "unknown_reason_code",
  "unknown_department",
  "unknown_assignee",
  "nothing_changed",
] as const;

export interface InboxPageProps {
  ctx: PageContext;
  municipality: { slug: string; name: string };
  choices: InboxChoices;
  values: InboxValues;
  /** Problems with the filters (the page then has no list), the saved view's name or the bulk form. */
  errors: FieldErrors;
  list?: InboxList;
  now: Date;
  calendar: WorkingCalendar;
  views: SavedView[];
  /** The name typed for a view, kept when it could not be saved. */
  viewName?: string;
  /** Bulk form values kept when it could not be read. */
  bulkValues?: Record<string, string>;
  notice?: "view_saved" | "view_deleted";
  bulk?: BulkOutcome;
  /** The bulk actions the actor may take on some case here; none: no bulk form and no checkboxes. */
  bulkActions: readonly BulkAction[];
  /** Whether the export holds contact details (said beside the link). */
  exportPersonal: boolean;
}

/** Every field the page can show an error at, in page order (the error summary links to each). */
const ERROR_ORDER = [
  ...INBOX_FIELDS,
  "viewName",
  "cases",
  "bulkAction",
  "bulkDepartment",
  "bulkAssignee",
  "bulkReason",
];

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

// ── Form parts.

function Input(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  type: "search" | "date" | "text";
  value: string;
  errors: FieldErrors;
  width?: "medium";
  maxlength?: number;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <input
        class={`input${p.width ? ` input--${p.width}` : ""}${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        type={p.type}
        value={attributeText(p.value)}
        maxlength={p.maxlength}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
      />
    </div>
  );
}

function Select(p: {
  ctx: PageContext;
  name: string;
  label: string;
  none: string;
  options?: Choice[];
  groups?: { label: string; options: Choice[] }[];
  value: string;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const option = (c: Choice) => (
    <option value={attributeText(c.value)} selected={p.value === c.value} safe>
      {c.label}
    </option>
  );
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <select
        class={`input${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={error ? "true" : undefined}
      >
        <option value="" selected={!p.value} safe>
          {p.none}
        </option>
        {(p.options ?? []).map(option)}
        {(p.groups ?? []).map((g) => (
          <optgroup label={attributeText(g.label)}>{g.options.map(option)}</optgroup>
        ))}
      </select>
    </div>
  );
}

function FilterForm(p: InboxPageProps) {
  const { ctx, choices, values, errors } = p;
  const { t, lang } = ctx;
  const collator = new Intl.Collator(htmlLang(lang));
  const categoryGroups = CASE_TYPES.map((type) => ({
    label: t(`caseType.${type}`),
    options: choices.categories
      .filter((c) => c.type === type)
      .map((c) => ({ value: c.code, label: localized(c.name, lang) }))
      .sort((a, b) => collator.compare(a.label, b.label)),
  })).filter((g) => g.options.length > 0);
  const statusId = fieldId("status");
  return (
    <form
      method="get"
      action={inboxPath(p.municipality.slug)}
      class="case-filters"
      aria-labelledby="filters-heading"
    >
      <h2 id="filters-heading" safe>
        {t("inbox.filtersHeading")}
      </h2>
      <p>
        <a href="#results-heading" safe>
          {t("inbox.skipToResults")}
        </a>
      </p>
      <Input
        ctx={ctx}
        name="q"
        type="search"
        label={t("inbox.q")}
        hint={t("inbox.qHint")}
        value={values.q}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="sla"
        label={t("inbox.sla")}
        none={t("inbox.allSla")}
        options={SLA_STATES.map((s) => ({ value: s, label: t(`inbox.slaState.${s}`) }))}
        value={values.sla}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="department"
        label={t("inbox.department")}
        none={t("inbox.allDepartments")}
        options={[{ value: UNASSIGNED, label: t("inbox.noDepartmentYet") }, ...choices.departments]}
        value={values.department}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="assignee"
        label={t("inbox.assignee")}
        none={t("inbox.anyone")}
        options={[
          { value: ME, label: t("inbox.me") },
          { value: UNASSIGNED, label: t("inbox.nobodyYet") },
          ...choices.staff,
        ]}
        value={values.assignee}
        errors={errors}
      />
      <fieldset
        class={errors.status ? "form-group form-group--error" : "form-group"}
        id={statusId}
        aria-describedby={describedBy(`${statusId}-hint`, !!errors.status && `${statusId}-error`)}
      >
        <legend class="label" safe>
          {t("inbox.status")}
        </legend>
        <div class="hint" id={`${statusId}-hint`} safe>
          {t("inbox.statusHint")}
        </div>
        <FieldError ctx={ctx} name="status" errors={errors} />
        {CASE_STATUSES.map((s) => (
          <div class="checkbox checkbox--small">
            <input
              class="checkbox__input"
              type="checkbox"
              id={`${statusId}-${s}`}
              name="status"
              value={s}
              checked={values.status.includes(s)}
            />
            <label class="checkbox__label" for={`${statusId}-${s}`} safe>
              {t(`status.${s}`)}
            </label>
          </div>
        ))}
      </fieldset>
      <Select
        ctx={ctx}
        name="type"
        label={t("inbox.type")}
        none={t("inbox.allTypes")}
        options={CASE_TYPES.map((type) => ({ value: type, label: t(`caseType.${type}`) }))}
        value={values.type}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="category"
        label={t("inbox.category")}
        none={t("inbox.allCategories")}
        groups={categoryGroups}
        value={values.category}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="channel"
        label={t("inbox.channel")}
        none={t("inbox.allChannels")}
        options={CHANNELS.map((c) => ({ value: c, label: t(`inbox.channels.${c}`) }))}
        value={values.channel}
        errors={errors}
      />
      <fieldset class="form-group case-filters__dates">
        <legend class="label" safe>
          {t("inbox.received")}
        </legend>
        {(["from", "to"] as const).map((name) => (
          <Input
            ctx={ctx}
            name={name}
            // A malformed date stays visible as typed: a date input would silently empty it.
            type={values[name] && errors[name] ? "text" : "date"}
            label={t(`inbox.${name}`)}
            hint={t("inbox.dateHint")}
            value={values[name]}
            errors={errors}
            width="medium"
          />
        ))}
      </fieldset>
      <Select
        ctx={ctx}
        name="sort"
        label={t("inbox.sort")}
        none={t("inbox.sorts.received_desc")}
        options={INBOX_SORTS.filter((s) => s !== "received_desc").map((s) => ({
          value: s,
          label: t(`inbox.sorts.${s}`),
        }))}
        value={values.sort === "received_desc" ? "" : values.sort}
        errors={errors}
      />
      <div class="case-filters__actions">
        <button type="submit" class="button button--primary" safe>
          {t("inbox.apply")}
        </button>
        <a href={inboxPath(p.municipality.slug)} class="case-filters__clear" safe>
          {t("inbox.clear")}
        </a>
      </div>
    </form>
  );
}

function SavedViews(p: InboxPageProps) {
  const { ctx, municipality, views, errors } = p;
  const { t } = ctx;
  const base = `${inboxPath(municipality.slug)}/views`;
  return (
    <section class="case-filters" aria-labelledby="views-heading">
      <h2 id="views-heading" safe>
        {t("inbox.views.heading")}
      </h2>
      {views.length === 0 ? (
        <p safe>{t("inbox.views.none")}</p>
      ) : (
        <ul class="link-list">
          {views.map((v) => (
            <li>
              <a
                href={v.query ? `${inboxPath(municipality.slug)}?${v.query}` : inboxPath(municipality.slug)}
                safe
              >
                {v.name}
              </a>{" "}
              <PostForm action={`${base}/${v.id}/delete`} csrf={ctx.csrf} class="inline-form">
                <input type="hidden" name="view" value={attributeText(inboxQueryString(p.values))} />
                <button type="submit" class="link-button">
                  <span safe>{t("inbox.views.delete")}</span>
                  <span
                    class="visually-hidden"
                    safe
                  >{` ${t("inbox.views.deleteWhich", { name: v.name })}`}</span>
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
      )}
      {p.list || errors.viewName ? (
        <PostForm action={base} csrf={ctx.csrf}>
          <input type="hidden" name="view" value={attributeText(inboxQueryString(p.values))} />
          <Input
            ctx={ctx}
            name="viewName"
            type="text"
            label={t("inbox.views.name")}
            hint={t("inbox.views.nameHint")}
            value={p.viewName ?? ""}
            errors={errors}
            maxlength={MAX_VIEW_NAME}
          />
          <button type="submit" class="button button--secondary" safe>
            {t("inbox.views.save")}
          </button>
        </PostForm>
      ) : null}
    </section>
  );
}

function SlaCounts(p: InboxPageProps & { list: InboxList }) {
  const { ctx, list, values, municipality } = p;
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(htmlLang(lang));
  const figure = (n: number) =>
    n > COUNT_CAP ? t("inbox.moreThan", { formatted: number.format(COUNT_CAP) }) : number.format(n);
  const all = SLA_STATES.reduce((n, s) => n + list.counts[s], 0);
  const link = (sla: string, label: string, n: number) => (
    <li>
      <a
        href={inboxHref(municipality.slug, values, { sla })}
        aria-current={values.sla === sla ? "true" : undefined}
        safe
      >
        {t("inbox.slaCount", { state: label, figure: figure(n) })}
      </a>
    </li>
  );
  return (
    <nav aria-labelledby="sla-counts-heading">
      <h3 id="sla-counts-heading" safe>
        {t("inbox.slaCountsHeading")}
      </h3>
      <ul class="link-list">
        {link("", t("inbox.allSla"), all)}
        {SLA_STATES.map((s) => link(s, t(`inbox.slaState.${s}`), list.counts[s]))}
      </ul>
    </nav>
  );
}

function BulkNotice({ ctx, bulk }: { ctx: PageContext; bulk: BulkOutcome }) {
  const { t } = ctx;
  const reason = (r: string) =>
    (BULK_REASONS as readonly string[]).includes(r)
      ? t(`inbox.bulk.reasons.${r}`)
      : t("inbox.bulk.reasons.other");
  return (
    <div class="notice" role="status">
      <h2 safe>{t("inbox.bulk.resultHeading")}</h2>
      {bulk.done.length > 0 ? (
        <p safe>{t("inbox.bulk.done", { count: bulk.done.length, codes: bulk.done.join(", ") })}</p>
      ) : null}
      {bulk.failed.length > 0 ? (
        <>
          <p safe>{t("inbox.bulk.failed", { count: bulk.failed.length })}</p>
          <ul>
            {bulk.failed.map((f) => (
              <li safe>{t("inbox.bulk.failedCase", { code: f.code, reason: reason(f.reason) })}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function BulkControls(p: InboxPageProps) {
  const { ctx, choices, errors, bulkActions } = p;
  const { t } = ctx;
  const v = p.bulkValues ?? {};
  return (
    <fieldset class="form-group" aria-describedby="bulk-hint">
      <legend class="label" safe>
        {t("inbox.bulk.heading")}
      </legend>
      <div class="hint" id="bulk-hint" safe>
        {t("inbox.bulk.hint")}
      </div>
      <Select
        ctx={ctx}
        name="bulkAction"
        label={t("inbox.bulk.action")}
        none={t("inbox.bulk.chooseAction")}
        options={bulkActions.map((a) => ({ value: a, label: t(`inbox.bulk.actions.${a}`) }))}
        value={v.bulkAction ?? ""}
        errors={errors}
      />
      {bulkActions.includes("assign") ? (
        <>
          <Select
            ctx={ctx}
            name="bulkDepartment"
            label={t("inbox.bulk.department")}
            none={t("inbox.bulk.noDepartment")}
            options={choices.departments}
            value={v.bulkDepartment ?? ""}
            errors={errors}
          />
          <Select
            ctx={ctx}
            name="bulkAssignee"
            label={t("inbox.bulk.assignee")}
            none={t("inbox.bulk.noAssignee")}
            options={choices.assignable}
            value={v.bulkAssignee ?? ""}
            errors={errors}
          />
        </>
      ) : null}
      {bulkActions.includes("reject") ? (
        <Select
          ctx={ctx}
          name="bulkReason"
          label={t("inbox.bulk.reason")}
          none={t("inbox.bulk.noReason")}
          options={choices.rejectReasons}
          value={v.bulkReason ?? ""}
          errors={errors}
        />
      ) : null}
      <button type="submit" class="button button--primary" safe>
        {t("inbox.bulk.apply")}
      </button>
    </fieldset>
  );
}

const SORTED_COLUMN: Record<string, [column: string, order: "ascending" | "descending"]> = {
  received_desc: ["received", "descending"],
  received_asc: ["received", "ascending"],
  due: ["sla", "ascending"],
  priority: ["priority", "descending"],
  status: ["status", "ascending"],
};

function CaseTable(p: InboxPageProps & { list: InboxList }) {
  const { ctx, list, municipality, calendar, now } = p;
  const { t, lang } = ctx;
  const [sortedColumn, order] = SORTED_COLUMN[p.values.sort || "received_desc"] ?? ["received", "descending"];
  const firstRow = (list.page - 1) * INBOX_PAGE_SIZE + 1;
  const columns = [
    "code",
    "title",
    "category",
    "status",
    "priority",
    "department",
    "assignee",
    "sla",
    "channel",
    "received",
  ];
  const caption = t("inbox.caption", {
    from: firstRow,
    to: firstRow + list.items.length - 1,
    sort: t(`inbox.sorts.${p.values.sort || "received_desc"}`),
  });
  const checkboxes = p.bulkActions.length > 0;
  return (
    <section class="table-wrap" aria-labelledby="cases-caption" tabindex="0">
      <table class="inbox-table">
        <caption id="cases-caption" safe>
          {caption}
        </caption>
        <thead>
          <tr>
            {checkboxes ? (
              <th scope="col">
                <span class="visually-hidden" safe>
                  {t("inbox.columns.select")}
                </span>
              </th>
            ) : null}
            {columns.map((c) => (
              <th scope="col" aria-sort={c === sortedColumn ? order : undefined} safe>
                {t(`inbox.columns.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.items.map((c) => {
            const boxId = `case-${c.trackingCode}`;
            const left =
              c.slaDueAt &&
              (c.slaState === "on_track" || c.slaState === "due_soon" || c.slaState === "overdue")
                ? timeLeftText(ctx, timeLeft(c.slaDueAt, now, calendar))
                : undefined;
            return (
              <tr>
                {checkboxes ? (
                  <td>
                    <input
                      class="checkbox__input"
                      type="checkbox"
                      id={boxId}
                      name="case"
                      value={`${c.trackingCode}@${c.version}`}
                      checked={(p.bulkValues?.cases ?? "").split(" ").includes(c.trackingCode)}
                    />
                    <label class="visually-hidden" for={boxId} safe>
                      {t("inbox.selectCase", { code: c.trackingCode })}
                    </label>
                  </td>
                ) : null}
                <td>
                  <a href={`/m/${municipality.slug}/workspace/cases/${c.trackingCode}`} safe>
                    {c.trackingCode}
                  </a>
                </td>
                <td safe>{c.title}</td>
                <td safe>{localized(c.category, lang)}</td>
                <td>
                  <StatusTag ctx={ctx} status={c.status} />
                </td>
                <td safe>{t(`inbox.priorities.${c.priority}`)}</td>
                <td safe>{c.department ? localized(c.department, lang) : t("inbox.noDepartment")}</td>
                <td safe>{c.assignee ?? t("inbox.noAssignee")}</td>
                <td>
                  <span safe>{t(`inbox.slaState.${c.slaState}`)}</span>
                  {left ? (
                    <>
                      <br />
                      <time datetime={c.slaDueAt!.toISOString()} safe>
                        {left}
                      </time>
                    </>
                  ) : null}
                </td>
                <td safe>{t(`inbox.channels.${c.channel}`)}</td>
                <td>
                  <time datetime={c.receivedAt.toISOString()} safe>
                    {formatDay(ctx, c.receivedAt)}
                  </time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Results(p: InboxPageProps & { list: InboxList }) {
  const { ctx, list, values, municipality } = p;
  const { t, lang } = ctx;
  const formatted = new Intl.NumberFormat(htmlLang(lang)).format(list.total);
  const count = list.more
    ? t("inbox.resultsMore", { formatted })
    : t("inbox.results", { count: list.total, formatted });
  const qs = inboxQueryString(values);
  const exportHref = `${inboxPath(municipality.slug)}/export.csv${qs ? `?${qs}` : ""}`;
  return (
    <section class="case-results" aria-labelledby="results-heading">
      <h2 id="results-heading" tabindex="-1" safe>
        {t("inbox.resultsHeading")}
      </h2>
      <p class="lead" role="status" safe>
        {count}
      </p>
      <SlaCounts {...p} />
      {list.total > 0 ? (
        <p>
          <a href={exportHref} safe>
            {t("inbox.export.link")}
          </a>{" "}
          <span class="hint" safe>
            {p.exportPersonal ? t("inbox.export.personal") : t("inbox.export.noPersonal")}
          </span>
        </p>
      ) : null}
      {list.items.length === 0 ? (
        <div class="case-results__empty">
          <p safe>{list.total === 0 ? t("inbox.empty") : t("inbox.pastLastPage")}</p>
          <p>
            {list.total === 0 ? (
              <a href={inboxPath(municipality.slug)} safe>
                {t("inbox.clear")}
              </a>
            ) : (
              <a href={inboxHref(municipality.slug, values)} safe>
                {t("inbox.firstPage")}
              </a>
            )}
          </p>
        </div>
      ) : p.bulkActions.length > 0 ? (
        <PostForm action={`${inboxPath(municipality.slug)}/bulk`} csrf={ctx.csrf}>
          <input type="hidden" name="view" value={attributeText(inboxQueryString(values, {}, list.page))} />
          <div class={p.errors.cases ? "form-group form-group--error" : undefined} id={fieldId("cases")}>
            <FieldError ctx={ctx} name="cases" errors={p.errors} />
            <CaseTable {...p} />
          </div>
          <BulkControls {...p} />
        </PostForm>
      ) : (
        <CaseTable {...p} />
      )}
      <Pagination
        ctx={p.ctx}
        page={p.list.page}
        pageCount={p.list.pageCount}
        href={(n) => inboxHref(p.municipality.slug, p.values, {}, n)}
        label={p.ctx.t("inbox.pagination")}
      />
    </section>
  );
}

export function InboxPage(p: InboxPageProps) {
  const { ctx, list, errors } = p;
  const { t } = ctx;
  const base =
    list && list.pageCount > 1
      ? t("inbox.titlePage", { title: t("inbox.title"), page: list.page, pages: list.pageCount })
      : t("inbox.title");
  return (
    <Layout ctx={ctx} title={formTitle(t, base, errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={errors} order={ERROR_ORDER} />
      <h1 safe>{t("inbox.title")}</h1>
      <p class="lead" safe>
        {t("inbox.lead", { municipality: p.municipality.name })}
      </p>
      {p.notice ? (
        <div class="notice" role="status" safe>
          {t(`inbox.views.${p.notice === "view_saved" ? "saved" : "deleted"}`)}
        </div>
      ) : null}
      {p.bulk ? <BulkNotice ctx={ctx} bulk={p.bulk} /> : null}
      <div class="case-list-layout">
        <div>
          <FilterForm {...p} />
          <SavedViews {...p} />
        </div>
        {list ? <Results {...p} list={list} /> : null}
      </div>
    </Layout>
  );
}
