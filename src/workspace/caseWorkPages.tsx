// The staff case page (issue 5): everything the citizen sent (personal data only where the role allows),
// the response deadlines, the full timeline with internal events marked, and one form per action the actor
// may take now. A form that failed comes back with its text, its message beside it, what looks like
// personal data when it was about to be published, and what changed when someone else acted first.
import type { Children } from "@kitajs/html";
import type { StatusChange } from "../cases/commands/staffAction.ts";
import type { PersonalDataFinding } from "../cases/personalData.ts";
import { photoUrl, thumbnailSize } from "../cases/photos/photoView.ts";
import { CLOCKS, type ClockName, type ClockState, PRIORITIES } from "../cases/sla.ts";
import type { CaseStatus, CaseType } from "../cases/statuses.ts";
import { formatDateTime, formatDay, StatusTag } from "../cases/web/casePages.tsx";
import type { LocalizedText } from "../db/schema.ts";
import type { Language } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { Timeline } from "../web/components/Timeline.tsx";
import type { PageContext } from "../web/context.ts";
import {
  attributeText,
  Button,
  ErrorMessage,
  ErrorSummary,
  FieldError,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { CaseMap } from "../web/map.tsx";
import type { TimeLeft } from "./inboxPages.tsx";

/** The action forms of the page, in page order; each posts to …/cases/:code/<path>. */
export const WORK_FORMS = [
  "acknowledge",
  "assign",
  "priority",
  "request_information",
  "answer",
  "status",
  "refer",
  "merge",
  "redact",
  "visibility",
  "note",
] as const;
export type WorkForm = (typeof WORK_FORMS)[number];

/** Where each form posts, under the case page's path. */
export const FORM_PATH: Record<WorkForm, string> = {
  acknowledge: "acknowledge",
  assign: "assign",
  priority: "priority",
  request_information: "request-information",
  answer: "answer",
  status: "status",
  refer: "refer",
  merge: "merge",
  redact: "redact",
  visibility: "visibility",
  note: "note",
};

/** The success message after each action (`?done=` on the page the action returns to). */
export const WORK_DONE = [
  "acknowledged",
  "assigned",
  "priority_set",
  "information_requested",
  "answered",
  "status_changed",
  "referred",
  "merged",
  "redacted",
  "visibility_set",
  "note_added",
] as const;
export type WorkDone = (typeof WORK_DONE)[number];

/** The field that carries a form's own message (a refusal, a conflict): `<form>_form`. */
export const formField = (form: WorkForm) => `${form}_form`;

/** The named inputs of each form (names unique on the page, so every id is). */
export const FIELDS: Record<WorkForm, readonly string[]> = {
  acknowledge: [],
  assign: ["department", "assignee"],
  priority: ["priority"],
  request_information: ["request_message"],
  answer: ["answer_message", "final", "answer_reason"],
  status: ["status_action", "status_reason", "status_message"],
  refer: ["refer_to", "refer_reason", "refer_message"],
  merge: ["merge_into", "merge_reason"],
  redact: ["redact_title", "redact_description", "hide_photo"],
  visibility: ["visibility"],
  note: ["note_text"],
};

/** Every field the page can show an error at, in page order (the error summary links to each). */
const ERROR_ORDER = [
  "form",
  ...WORK_FORMS.flatMap((f) => [formField(f), ...FIELDS[f]]),
  "confirm_personal_data",
];

export interface Choice {
  value: string;
  label: string;
}

/** A form that was posted and refused: shown again with what was typed and why. */
export interface FailedForm {
  name: WorkForm;
  values: Record<string, string | readonly string[]>;
  errors: FieldErrors;
  /** The version the form is sent with again: the one it was shown at, unless it was refused as stale. */
  version?: number;
  /** Text that looks like personal data, in what was about to be published: to confirm or remove. */
  findings?: readonly PersonalDataFinding[];
  /** When someone else acted first: the timeline entries made since the form was shown (ids). */
  changes?: readonly number[];
}

/** Who did something on the timeline: a member of staff by name, the citizen, or the platform itself. */
export type EventActor = { kind: "staff"; name: string } | { kind: "citizen" } | { kind: "system" };

export interface TimelineEntry {
  id: number;
  at: Date;
  type: string;
  isPublic: boolean;
  actor: EventActor;
  toStatus: string | null;
  reasonCode: string | null;
  message: string | null;
  data: Record<string, unknown>;
}

export interface ClockView {
  name: ClockName;
  dueAt: Date | null;
  /** The clock's reading; "stopped" when the case closed before it was met; undefined when it cannot be read. */
  state: ClockState | "stopped" | undefined;
  running: boolean;
}

export interface SlaView {
  clocks: ClockView[];
  /** Time left on the running clock (absent when none runs, or while paused). */
  timeLeft?: TimeLeft;
  /** While the case awaits the citizen: the working days left when the clock resumes (when counted). */
  paused?: { workingDaysLeft: number | undefined };
  escalationLevel: number;
}

export interface PhotoView {
  id: string;
  /** Its size, when its thumbnail can be shown (the photo route serves staff every photo of the case). */
  shown: { width: number; height: number } | undefined;
  hidden: boolean;
}

/** What each form needs; a form is absent when the actor may not take its action at all. */
export interface WorkForms {
  acknowledge?: true;
  assign?: { departments: Choice[]; staff: Choice[] };
  priority?: true;
  requestInformation?: true;
  /** `final`: whether the answer may end the case now (the lifecycle decides), and what that does. */
  answer?: {
    final: "resolve" | "answer" | undefined;
    reasons: Choice[];
    templates: Choice[];
    /** The template chosen (its id), and its text filled in for this case. */
    template: string;
    prefill: string;
  };
  status?: { options: StatusChange[]; reasons: { kind: string; options: Choice[] }[] };
  refer?: { reasons: Choice[] };
  merge?: { reasons: Choice[] };
  redact?: true;
  visibility?: true;
  note?: true;
}

export interface CaseWorkPageProps {
  ctx: PageContext;
  municipality: { slug: string; name: string };
  kase: {
    trackingCode: string;
    type: CaseType;
    status: CaseStatus;
    channel: string;
    priority: string;
    visibility: string;
    title: string;
    description: string;
    address: string | null;
    latitude: number | null;
    longitude: number | null;
    receivedAt: Date;
    reasonCode: string | null;
    referredTo: string | null;
    version: number;
    departmentId: number | null;
    assigneeId: string | null;
    /** The language the citizen wrote in (BCP 47), marked on their words for screen readers. */
    lang: string;
    /** The language the citizen is written to in (the case's), which staff answer in. */
    language: Language;
  };
  category: LocalizedText;
  /** The category's questions with the citizen's answers, as text. */
  answers: { question: string; answer: string }[];
  /** Department and staff names by id (for the summary and the timeline's assignments). */
  names: { departments: ReadonlyMap<number, string>; people: ReadonlyMap<string, string> };
  mergedInto: string | undefined;
  reasons: ReadonlyMap<string, LocalizedText>;
  /** Contact details and account, when the actor may see them; "none" when there are none to see. */
  personal:
    | {
        name: string | null;
        email: string | null;
        phone: string | null;
        account: { name: string; email: string } | undefined;
      }
    | "none"
    | undefined;
  /** The citizen's own words before a redaction, for those who may redact. */
  original: { title: string | null; description: string | null } | undefined;
  photos: PhotoView[];
  sla: SlaView;
  timeline: TimelineEntry[];
  forms: WorkForms;
  notice?: WorkDone;
  failed?: FailedForm;
}

// ── Small form parts (ids from the field's name: unique on the page).

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

function TextArea(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
  rows?: number;
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
      <textarea
        class={`input textarea${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        rows={String(p.rows ?? 5)}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </div>
  );
}

function TextInput(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
  width?: "medium";
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
        type="text"
        value={attributeText(p.value)}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
        spellcheck="false"
      />
    </div>
  );
}

function Select(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  /** The empty choice's label; absent: no empty choice. */
  none?: string;
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
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <select
        class={`input${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
      >
        {p.none !== undefined ? (
          <option value="" selected={!p.value} safe>
            {p.none}
          </option>
        ) : null}
        {(p.options ?? []).map(option)}
        {(p.groups ?? []).map((g) => (
          <optgroup label={attributeText(g.label)}>{g.options.map(option)}</optgroup>
        ))}
      </select>
    </div>
  );
}

function Checkbox(p: {
  id: string;
  name: string;
  value: string;
  label: string;
  checked: boolean;
  describedBy?: string | undefined;
}) {
  return (
    <div class="checkbox">
      <input
        class="checkbox__input"
        type="checkbox"
        id={p.id}
        name={p.name}
        value={attributeText(p.value)}
        checked={p.checked}
        aria-describedby={p.describedBy}
      />
      <label class="checkbox__label" for={p.id} safe>
        {p.label}
      </label>
    </div>
  );
}

function Radios(p: {
  ctx: PageContext;
  name: string;
  legend: string;
  choices: Choice[];
  checked: string;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend class="label" safe>
        {p.legend}
      </legend>
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <div class="choice-list">
        {p.choices.map((c, i) => (
          <div class="radio">
            <input
              class="radio__input"
              type="radio"
              id={`${id}-${i}`}
              name={p.name}
              value={attributeText(c.value)}
              checked={p.checked === c.value}
            />
            <label class="radio__label" for={`${id}-${i}`} safe>
              {c.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

// ── Timeline.

/** What an event says happened, in the page's language. */
function eventText(
  ctx: PageContext,
  e: TimelineEntry,
  names: { department: (id: unknown) => string | undefined; person: (id: unknown) => string | undefined },
): string {
  const { t } = ctx;
  const k = "workspace_case.event";
  const d = e.data;
  switch (e.type) {
    case "submitted":
      return t(`${k}.submitted`);
    case "status_changed": {
      const status = t(`status.${e.toStatus ?? "submitted"}`);
      if (d.action === "assign") {
        const department = names.department(d.departmentId);
        const person = names.person(d.assigneeId);
        return t(`${k}.assigned`, {
          status,
          department: department ?? t(`${k}.noDepartment`),
          person: person ?? t(`${k}.nobody`),
        });
      }
      if (typeof d.referredTo === "string") return t(`${k}.referred`, { status, to: d.referredTo });
      if (typeof d.into === "string") return t(`${k}.merged`, { status, code: d.into });
      return t(`${k}.status_changed`, { status });
    }
    case "answer_published":
      return t(`${k}.answer_published`);
    case "internal_note":
      return t(`${k}.internal_note`);
    case "proposal_support_ended":
      return t(`${k}.proposal_support_ended`);
    case "ministry_reminder":
    case "ministry_note":
      return t(`ministry.timeline.${e.type}`);
    case "priority_set":
      return t(`${k}.priority_set`, {
        from: t(`workspace_case.priority.${String(d.from)}`, { defaultValue: String(d.from) }),
        to: t(`workspace_case.priority.${String(d.to)}`, { defaultValue: String(d.to) }),
      });
    case "visibility_set":
      return t(d.to === "private" ? `${k}.made_private` : `${k}.made_public`);
    case "redacted": {
      const fields = Array.isArray(d.fields) ? d.fields.map(String) : [];
      const hidden = Array.isArray(d.hiddenPhotos) ? d.hiddenPhotos.length : 0;
      const said = [
        ...(fields.length > 0
          ? [
              t(`${k}.redacted`, {
                fields: fields.map((f) => t(`${k}.field.${f}`, { defaultValue: f })).join(", "),
              }),
            ]
          : []),
        ...(hidden > 0 ? [t(`${k}.photos_hidden`, { count: hidden })] : []),
      ];
      return said.length > 0 ? said.join(" ") : t(`${k}.update`);
    }
    case "merged_from":
      return t(`${k}.merged_from`, { code: String(d.from ?? "") });
    case "information_added":
      return t(`${k}.information_added`);
    case "rated":
      return t(`${k}.rated`, { satisfaction: String(d.satisfaction ?? "") });
    case "sla_warning":
      return t(`${k}.sla_warning`, {
        clock: t(
          `workspace_case.sla.clock.${(CLOCKS as readonly unknown[]).includes(d.clock) ? d.clock : "resolution"}`,
        ),
      });
    case "escalated":
      return t(`${k}.escalated`, { level: String(d.level ?? "") });
    case "proposal_published":
    case "proposal_threshold_reached":
      return t(`${k}.${e.type}`);
    default:
      return t(`${k}.update`);
  }
}

function actorText(ctx: PageContext, actor: EventActor): string {
  if (actor.kind === "staff") return actor.name;
  return ctx.t(`workspace_case.timeline.${actor.kind}`);
}

/** The staff's timeline: every step, with who acted, the internal ones marked, and what was written. */
function WorkTimeline(p: {
  ctx: PageContext;
  entries: readonly TimelineEntry[];
  reasons: CaseWorkPageProps["reasons"];
  names: Parameters<typeof eventText>[2];
}) {
  const { ctx } = p;
  const { t, lang } = ctx;
  return (
    <Timeline
      events={p.entries.map((e) => {
        const reason = e.reasonCode ? p.reasons.get(e.reasonCode) : undefined;
        // The citizen's added information and a status change's internal note are kept in `data`.
        const text = e.type === "information_added" && typeof e.data.text === "string" ? e.data.text : null;
        const note = typeof e.data.note === "string" ? e.data.note : null;
        return {
          at: e.at,
          when: formatDateTime(ctx, e.at),
          by: actorText(ctx, e.actor),
          internal: e.isPublic ? undefined : t("workspace_case.timeline.internal"),
          what: eventText(ctx, e, p.names),
          reason: reason
            ? t("workspace_case.timeline.reason", { reason: localized(reason, lang) })
            : undefined,
          messages: [
            ...(e.message ? [{ text: e.message }] : []),
            ...(text ? [{ text }] : []),
            ...(note ? [{ label: t("workspace_case.timeline.note"), text: note }] : []),
          ],
        };
      })}
    />
  );
}

// ── The page.

function timeLeftText(ctx: PageContext, left: TimeLeft): string {
  const { t } = ctx;
  const k = "workspace_case.sla.timeLeft";
  switch (left.kind) {
    case "due_today":
      return t(`${k}.dueToday`);
    case "due_in":
      return t(`${k}.dueIn`, { count: left.workingDays });
    case "due_on":
      return t(`${k}.dueOn`, { date: formatDay(ctx, left.date, true) });
    case "overdue_today":
      return t(`${k}.overdueToday`);
    case "overdue":
      return t(`${k}.overdue`, { count: left.days });
  }
}

function Deadlines({ ctx, sla }: { ctx: PageContext; sla: SlaView }) {
  const { t } = ctx;
  const k = "workspace_case.sla";
  return (
    <section aria-labelledby="work-sla">
      <h2 id="work-sla" safe>
        {t(`${k}.heading`)}
      </h2>
      {sla.paused ? (
        <p class="notice" role="note" safe>
          {sla.paused.workingDaysLeft !== undefined
            ? t(`${k}.pausedDays`, { count: Math.max(0, sla.paused.workingDaysLeft) })
            : t(`${k}.paused`)}
        </p>
      ) : null}
      {/* Focusable, so that a table wider than a phone can be scrolled from the keyboard. */}
      <section class="table-wrap" aria-labelledby="work-sla-caption" tabindex="0">
        <table>
          <caption id="work-sla-caption" class="visually-hidden" safe>
            {t(`${k}.caption`)}
          </caption>
          <thead>
            <tr>
              <th scope="col" safe>
                {t(`${k}.clockColumn`)}
              </th>
              <th scope="col" safe>
                {t(`${k}.dueColumn`)}
              </th>
              <th scope="col" safe>
                {t(`${k}.stateColumn`)}
              </th>
            </tr>
          </thead>
          <tbody>
            {sla.clocks.map((c) => (
              <tr>
                <th scope="row" safe>
                  {`${t(`${k}.clock.${c.name}`)}${c.running ? ` (${t(`${k}.running`)})` : ""}`}
                </th>
                <td safe>{c.dueAt ? formatDay(ctx, c.dueAt, true) : t(`${k}.noDate`)}</td>
                <td>
                  <span safe>{c.state ? t(`${k}.state.${c.state}`) : t(`${k}.unknown`)}</span>
                  {c.running && sla.timeLeft ? (
                    <span safe>{` – ${timeLeftText(ctx, sla.timeLeft)}`}</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <p safe>{t(`${k}.escalation.level_${Math.min(3, Math.max(0, sla.escalationLevel))}`)}</p>
    </section>
  );
}

function Submission(p: CaseWorkPageProps) {
  const { ctx, kase } = p;
  const { t } = ctx;
  const k = "workspace_case";
  const hiddenCount = p.photos.filter((ph) => ph.hidden).length;
  const unshown = p.photos.filter((ph) => !ph.hidden && !ph.shown).length;
  const shown = p.photos.filter((ph) => ph.shown);
  const hasPoint = kase.latitude !== null && kase.longitude !== null;
  return (
    <section aria-labelledby="work-submission">
      <h2 id="work-submission" safe>
        {t(`${k}.submission.heading`)}
      </h2>
      <h3 safe>{t(`${k}.submission.description`)}</h3>
      <p class="case-description" lang={kase.lang} safe>
        {kase.description}
      </p>
      {p.answers.length > 0 ? (
        <>
          <h3 safe>{t(`${k}.submission.answers`)}</h3>
          <dl class="summary-list">
            {p.answers.map((a) => (
              <div>
                <dt safe>{a.question}</dt>
                <dd class="case-description" safe>
                  {a.answer}
                </dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <h3 safe>{t(`${k}.submission.location`)}</h3>
      {kase.address || hasPoint ? (
        <p>
          {kase.address ? <span safe>{kase.address}</span> : null}
          {hasPoint ? (
            <span class="coordinates" safe>
              {`${kase.address ? " · " : ""}${kase.latitude!.toFixed(5)}, ${kase.longitude!.toFixed(5)}`}
            </span>
          ) : null}
        </p>
      ) : (
        <p safe>{t(`${k}.submission.noLocation`)}</p>
      )}
      {hasPoint ? (
        <CaseMap
          ctx={ctx}
          location={{ latitude: kase.latitude!, longitude: kase.longitude!, precision: "exact" }}
        />
      ) : null}
      <h3 safe>{t(`${k}.submission.photos`)}</h3>
      {p.photos.length === 0 ? <p safe>{t(`${k}.submission.noPhotos`)}</p> : null}
      {shown.length > 0 ? (
        <ul class="photo-gallery">
          {shown.map((photo, i) => {
            const size = thumbnailSize(photo.shown!.width, photo.shown!.height);
            return (
              <li>
                <a href={photoUrl(photo.id)}>
                  {photo.hidden ? (
                    <span class="tag" safe>
                      {t(`${k}.submission.hiddenTag`)}
                    </span>
                  ) : null}
                  <img
                    src={photoUrl(photo.id, { thumbnail: true })}
                    width={String(size.width)}
                    height={String(size.height)}
                    loading="lazy"
                    alt={t(`${k}.submission.photoAlt`, { n: i + 1, total: shown.length })}
                  />
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
      {hiddenCount > 0 ? <p safe>{t(`${k}.submission.hiddenPhotos`, { count: hiddenCount })}</p> : null}
      {unshown > 0 ? <p safe>{t(`${k}.submission.unshownPhotos`, { count: unshown })}</p> : null}
    </section>
  );
}

function Personal(p: CaseWorkPageProps) {
  const { ctx } = p;
  const { t } = ctx;
  const k = "workspace_case.personal";
  const personal = p.personal;
  return (
    <section aria-labelledby="work-personal">
      <h2 id="work-personal" safe>
        {t(`${k}.heading`)}
      </h2>
      {personal === undefined ? (
        <p safe>{t(`${k}.notAllowed`)}</p>
      ) : personal === "none" ? (
        <p safe>{t(`${k}.none`)}</p>
      ) : (
        <>
          <p class="hint" safe>
            {t(`${k}.audited`)}
          </p>
          <dl class="summary-list">
            {personal.name ? (
              <div>
                <dt safe>{t(`${k}.name`)}</dt>
                <dd safe>{personal.name}</dd>
              </div>
            ) : null}
            {personal.email ? (
              <div>
                <dt safe>{t(`${k}.email`)}</dt>
                <dd safe>{personal.email}</dd>
              </div>
            ) : null}
            {personal.phone ? (
              <div>
                <dt safe>{t(`${k}.phone`)}</dt>
                <dd safe>{personal.phone}</dd>
              </div>
            ) : null}
            <div>
              <dt safe>{t(`${k}.account`)}</dt>
              <dd safe>
                {personal.account
                  ? `${personal.account.name} <${personal.account.email}>`
                  : t(`${k}.noAccount`)}
              </dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}

function Summary(p: CaseWorkPageProps) {
  const { ctx, kase } = p;
  const { t, lang } = ctx;
  const k = "workspace_case.summary";
  const reason = kase.reasonCode ? p.reasons.get(kase.reasonCode) : undefined;
  const row = (label: string, value: string) => (
    <div>
      <dt safe>{label}</dt>
      <dd safe>{value}</dd>
    </div>
  );
  return (
    <dl class="summary-list">
      {row(t(`${k}.type`), `${t(`caseType.${kase.type}`)}: ${localized(p.category, lang)}`)}
      {row(t(`${k}.received`), formatDateTime(ctx, kase.receivedAt))}
      {row(t(`${k}.language`), t(`language.name.${kase.language}`))}
      {row(t(`${k}.channel`), t(`workspace_case.channel.${kase.channel}`, { defaultValue: kase.channel }))}
      {row(
        t(`${k}.priority`),
        t(`workspace_case.priority.${kase.priority}`, { defaultValue: kase.priority }),
      )}
      {row(
        t(`${k}.department`),
        (kase.departmentId !== null ? p.names.departments.get(kase.departmentId) : undefined) ??
          t(`${k}.noDepartment`),
      )}
      {row(
        t(`${k}.assignee`),
        (kase.assigneeId !== null ? p.names.people.get(kase.assigneeId) : undefined) ?? t(`${k}.nobody`),
      )}
      {row(t(`${k}.visibility`), t(`${k}.${kase.visibility === "public" ? "public" : "private"}`))}
      {reason ? row(t(`${k}.reason`), localized(reason, lang)) : null}
      {kase.referredTo ? row(t(`${k}.referredTo`), kase.referredTo) : null}
      {p.mergedInto ? (
        <div>
          <dt safe>{t(`${k}.mergedInto`)}</dt>
          <dd>
            <a href={`/m/${p.municipality.slug}/workspace/cases/${p.mergedInto}`} safe>
              {p.mergedInto}
            </a>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

export function CaseWorkPage(p: CaseWorkPageProps) {
  const { ctx, kase } = p;
  const { t } = ctx;
  const k = "workspace_case";
  const errors = p.failed?.errors;
  return (
    <Layout
      ctx={ctx}
      title={formTitle(t, `${kase.trackingCode}: ${kase.title}`, errors)}
      municipality={{ name: p.municipality.name, slug: p.municipality.slug }}
    >
      <a class="back-link" href={`/m/${p.municipality.slug}/workspace`} safe>
        {t(`${k}.backToInbox`)}
      </a>
      {errors ? <ErrorSummary t={t} errors={errors} order={ERROR_ORDER} /> : null}
      {p.notice ? (
        <div class="notice" role="status" safe>
          {t(`${k}.done.${p.notice}`)}
        </div>
      ) : null}
      <p class="case-code">
        <span safe>{t(`${k}.trackingCode`)}</span>: <strong safe>{kase.trackingCode}</strong>
      </p>
      <h1 lang={kase.lang} safe>
        {kase.title}
      </h1>
      <p>
        <StatusTag ctx={ctx} status={kase.status} />
      </p>
      {kase.visibility !== "public" ? (
        <div class="notice" role="note" safe>
          {t(`${k}.privateNotice`)}
        </div>
      ) : null}
      <Summary {...p} />
      <Submission {...p} />
      <Personal {...p} />
      {p.original && (p.original.title !== null || p.original.description !== null) ? (
        <section aria-labelledby="work-original">
          <h2 id="work-original" safe>
            {t(`${k}.original.heading`)}
          </h2>
          <p class="hint" safe>
            {t(`${k}.original.hint`)}
          </p>
          <dl class="summary-list">
            {p.original.title !== null ? (
              <div>
                <dt safe>{t(`${k}.original.title`)}</dt>
                <dd lang={kase.lang} safe>
                  {p.original.title}
                </dd>
              </div>
            ) : null}
            {p.original.description !== null ? (
              <div>
                <dt safe>{t(`${k}.original.description`)}</dt>
                <dd class="case-description" lang={kase.lang} safe>
                  {p.original.description}
                </dd>
              </div>
            ) : null}
          </dl>
        </section>
      ) : null}
      <Deadlines ctx={ctx} sla={p.sla} />
      <section aria-labelledby="work-timeline">
        <h2 id="work-timeline" safe>
          {t(`${k}.timeline.heading`)}
        </h2>
        <WorkTimeline ctx={ctx} entries={p.timeline} reasons={p.reasons} names={namesOf(p)} />
      </section>
      <Actions {...p} />
    </Layout>
  );
}

/** Department and officer names for the timeline's assignment entries. */
function namesOf(p: CaseWorkPageProps): Parameters<typeof eventText>[2] {
  return {
    department: (id) => (typeof id === "number" ? p.names.departments.get(id) : undefined),
    person: (id) => (typeof id === "string" ? p.names.people.get(id) : undefined),
  };
}

// ── The actions.

/** One action's section: its heading, its form's own message, what changed meanwhile, the form. */
function ActionSection(p: {
  props: CaseWorkPageProps;
  form: WorkForm;
  lead?: string;
  button: string;
  variant?: "primary" | "secondary" | "warning";
  children?: Children;
}) {
  const { ctx, failed } = p.props;
  const { t } = ctx;
  const mine = failed?.name === p.form ? failed : undefined;
  const own = mine?.errors[formField(p.form)];
  const changes = mine?.changes ? p.props.timeline.filter((e) => mine.changes!.includes(e.id)) : [];
  const version = mine?.version ?? p.props.kase.version;
  const headingId = `act-${FORM_PATH[p.form]}`;
  return (
    <section class="narrow" aria-labelledby={headingId}>
      <h3 id={headingId} safe>
        {t(`workspace_case.forms.${p.form}.heading`)}
      </h3>
      {p.lead ? <p safe>{p.lead}</p> : null}
      {own ? (
        <div class="form-group form-group--error" id={fieldId(formField(p.form))} tabindex="-1">
          <ErrorMessage t={t} id={`${fieldId(formField(p.form))}-error`} error={own} />
        </div>
      ) : null}
      {changes.length > 0 ? (
        <div class="panel">
          <h4 safe>{t("workspace_case.changed.heading")}</h4>
          <WorkTimeline ctx={ctx} entries={changes} reasons={p.props.reasons} names={namesOf(p.props)} />
          <p safe>{t("workspace_case.changed.decide")}</p>
        </div>
      ) : null}
      <PostForm
        action={`/m/${p.props.municipality.slug}/workspace/cases/${p.props.kase.trackingCode}/${FORM_PATH[p.form]}`}
        csrf={ctx.csrf}
      >
        <input type="hidden" name="version" value={String(version)} />
        {p.children}
        {mine?.findings && mine.findings.length > 0 ? <PersonalDataCheck ctx={ctx} failed={mine} /> : null}
        <Button label={p.button} variant={p.variant ?? "primary"} />
      </PostForm>
    </section>
  );
}

/** What looks like personal data in the text about to be published, and the box that says "publish anyway". */
function PersonalDataCheck({ ctx, failed }: { ctx: PageContext; failed: FailedForm }) {
  const { t } = ctx;
  const k = "workspace_case.personalData";
  const id = fieldId("confirm_personal_data");
  const error = failed.errors.confirm_personal_data;
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <div class="panel" id={`${id}-findings`}>
        <p class="warning-text" safe>
          {t(`${k}.found`)}
        </p>
        <ul>
          {(failed.findings ?? []).map((f) => (
            <li>
              <span safe>{`${t(`${k}.kind.${f.kind}`)}: `}</span>
              <strong safe>{f.match}</strong>
            </li>
          ))}
        </ul>
        <p safe>{t(`${k}.advice`)}</p>
      </div>
      {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
      <Checkbox
        id={id}
        name="confirm_personal_data"
        value="yes"
        label={t(`${k}.confirm`)}
        checked={false}
        describedBy={describedBy(`${id}-findings`, error && `${id}-error`)}
      />
    </div>
  );
}

function Actions(p: CaseWorkPageProps) {
  const { ctx, forms, kase, failed } = p;
  const { t } = ctx;
  const k = "workspace_case.forms";
  /** The values and errors a form shows: what was posted, when it was this form that failed. */
  const state = (form: WorkForm) =>
    failed?.name === form ? failed : { values: {} as FailedForm["values"], errors: {} as FieldErrors };
  const text = (form: WorkForm, name: string, fallback = "") => {
    const v = state(form).values[name];
    return typeof v === "string" ? v : fallback;
  };
  const sections: JSX.Element[] = [];

  if (forms.acknowledge)
    sections.push(
      <ActionSection
        props={p}
        form="acknowledge"
        lead={t(`${k}.acknowledge.lead`)}
        button={t(`${k}.acknowledge.submit`)}
      />,
    );
  if (forms.assign) {
    const s = state("assign");
    sections.push(
      <ActionSection props={p} form="assign" button={t(`${k}.assign.submit`)}>
        <Select
          ctx={ctx}
          name="department"
          label={t(`${k}.assign.department`)}
          none={t(`${k}.assign.noDepartment`)}
          options={forms.assign.departments}
          value={text("assign", "department", kase.departmentId === null ? "" : String(kase.departmentId))}
          errors={s.errors}
        />
        <Select
          ctx={ctx}
          name="assignee"
          label={t(`${k}.assign.assignee`)}
          hint={t(`${k}.assign.assigneeHint`)}
          none={t(`${k}.assign.nobody`)}
          options={forms.assign.staff}
          value={text("assign", "assignee", kase.assigneeId ?? "")}
          errors={s.errors}
        />
      </ActionSection>,
    );
  }
  if (forms.priority)
    sections.push(
      <ActionSection props={p} form="priority" button={t(`${k}.priority.submit`)} variant="secondary">
        <Select
          ctx={ctx}
          name="priority"
          label={t(`${k}.priority.label`)}
          options={PRIORITIES.map((v) => ({ value: v, label: t(`workspace_case.priority.${v}`) }))}
          value={text("priority", "priority", kase.priority)}
          errors={state("priority").errors}
        />
      </ActionSection>,
    );
  if (forms.requestInformation)
    sections.push(
      <ActionSection
        props={p}
        form="request_information"
        lead={t(`${k}.request_information.lead`)}
        button={t(`${k}.request_information.submit`)}
      >
        <TextArea
          ctx={ctx}
          name="request_message"
          label={t(`${k}.request_information.label`)}
          hint={t(`${k}.request_information.hint`)}
          value={text("request_information", "request_message")}
          errors={state("request_information").errors}
        />
      </ActionSection>,
    );
  if (forms.answer) {
    const a = forms.answer;
    const s = state("answer");
    const pagePath = `/m/${p.municipality.slug}/workspace/cases/${kase.trackingCode}`;
    sections.push(
      <>
        {a.templates.length > 0 ? (
          // A GET form beside the answer: choosing a template reloads the page with its text filled in.
          <form
            method="get"
            action={`${pagePath}#act-answer`}
            class="narrow"
            aria-label={t(`${k}.answer.templateForm`)}
          >
            <Select
              ctx={ctx}
              name="template"
              label={t(`${k}.answer.template`)}
              hint={t(`${k}.answer.templateHint`)}
              none={t(`${k}.answer.noTemplate`)}
              options={a.templates}
              value={a.template}
              errors={{}}
            />
            <Button label={t(`${k}.answer.useTemplate`)} variant="secondary" />
          </form>
        ) : null}
        <ActionSection props={p} form="answer" lead={t(`${k}.answer.lead`)} button={t(`${k}.answer.submit`)}>
          <TextArea
            ctx={ctx}
            name="answer_message"
            label={t(`${k}.answer.label`)}
            hint={t(`${k}.answer.hint`)}
            value={text("answer", "answer_message", a.prefill)}
            errors={s.errors}
            rows={8}
          />
          {a.final ? (
            <>
              <div class={s.errors.final ? "form-group form-group--error" : "form-group"}>
                <FieldError ctx={ctx} name="final" errors={s.errors} />
                <Checkbox
                  id={fieldId("final")}
                  name="final"
                  value="yes"
                  label={t(`${k}.answer.final.${a.final}`)}
                  checked={text("answer", "final") === "yes"}
                />
              </div>
              <Select
                ctx={ctx}
                name="answer_reason"
                label={t(`${k}.answer.reason`)}
                hint={t(`${k}.answer.reasonHint`)}
                none={t(`${k}.noReason`)}
                options={a.reasons}
                value={text("answer", "answer_reason")}
                errors={s.errors}
              />
            </>
          ) : (
            <p class="hint" safe>
              {t(`${k}.answer.notFinal`)}
            </p>
          )}
        </ActionSection>
      </>,
    );
  }
  if (forms.status) {
    const st = forms.status;
    const s = state("status");
    sections.push(
      <ActionSection props={p} form="status" button={t(`${k}.status.submit`)}>
        <Radios
          ctx={ctx}
          name="status_action"
          legend={t(`${k}.status.legend`)}
          choices={st.options.map((o) => ({ value: o, label: t(`${k}.status.to.${o}`) }))}
          checked={text("status", "status_action")}
          errors={s.errors}
        />
        {st.reasons.length > 0 ? (
          <Select
            ctx={ctx}
            name="status_reason"
            label={t(`${k}.status.reason`)}
            hint={t(`${k}.status.reasonHint`)}
            none={t(`${k}.noReason`)}
            groups={st.reasons.map((g) => ({ label: t(`${k}.reasonKind.${g.kind}`), options: g.options }))}
            value={text("status", "status_reason")}
            errors={s.errors}
          />
        ) : null}
        <TextArea
          ctx={ctx}
          name="status_message"
          label={t(`${k}.status.message`)}
          hint={t(`${k}.status.messageHint`)}
          value={text("status", "status_message")}
          errors={s.errors}
          rows={3}
        />
      </ActionSection>,
    );
  }
  if (forms.refer) {
    const s = state("refer");
    sections.push(
      <ActionSection
        props={p}
        form="refer"
        lead={t(`${k}.refer.lead`)}
        button={t(`${k}.refer.submit`)}
        variant="warning"
      >
        <TextInput
          ctx={ctx}
          name="refer_to"
          label={t(`${k}.refer.to`)}
          hint={t(`${k}.refer.toHint`)}
          value={text("refer", "refer_to")}
          errors={s.errors}
        />
        <Select
          ctx={ctx}
          name="refer_reason"
          label={t(`${k}.refer.reason`)}
          none={t(`${k}.chooseReason`)}
          options={forms.refer.reasons}
          value={text("refer", "refer_reason")}
          errors={s.errors}
        />
        <TextArea
          ctx={ctx}
          name="refer_message"
          label={t(`${k}.refer.message`)}
          hint={t(`${k}.refer.messageHint`)}
          value={text("refer", "refer_message")}
          errors={s.errors}
          rows={3}
        />
      </ActionSection>,
    );
  }
  if (forms.merge) {
    const s = state("merge");
    sections.push(
      <ActionSection
        props={p}
        form="merge"
        lead={t(`${k}.merge.lead`)}
        button={t(`${k}.merge.submit`)}
        variant="warning"
      >
        <TextInput
          ctx={ctx}
          name="merge_into"
          label={t(`${k}.merge.into`)}
          hint={t(`${k}.merge.intoHint`)}
          value={text("merge", "merge_into")}
          errors={s.errors}
          width="medium"
        />
        <Select
          ctx={ctx}
          name="merge_reason"
          label={t(`${k}.merge.reason`)}
          none={t(`${k}.chooseReason`)}
          options={forms.merge.reasons}
          value={text("merge", "merge_reason")}
          errors={s.errors}
        />
      </ActionSection>,
    );
  }
  if (forms.redact) {
    const s = state("redact");
    const hide = s.values.hide_photo;
    const ticked = new Set(typeof hide === "string" ? [hide] : (hide ?? []));
    const visible = p.photos.filter((ph) => !ph.hidden);
    const hideId = fieldId("hide_photo");
    sections.push(
      <ActionSection props={p} form="redact" lead={t(`${k}.redact.lead`)} button={t(`${k}.redact.submit`)}>
        <TextInput
          ctx={ctx}
          name="redact_title"
          label={t(`${k}.redact.title`)}
          value={text("redact", "redact_title", kase.title)}
          errors={s.errors}
        />
        <TextArea
          ctx={ctx}
          name="redact_description"
          label={t(`${k}.redact.description`)}
          hint={t(`${k}.redact.descriptionHint`)}
          value={text("redact", "redact_description", kase.description)}
          errors={s.errors}
          rows={8}
        />
        {visible.length > 0 ? (
          <fieldset
            class={s.errors.hide_photo ? "form-group form-group--error" : "form-group"}
            id={hideId}
            aria-describedby={s.errors.hide_photo ? `${hideId}-error` : undefined}
          >
            <legend class="label" safe>
              {t(`${k}.redact.photos`)}
            </legend>
            <FieldError ctx={ctx} name="hide_photo" errors={s.errors} />
            {visible.map((ph, i) => (
              <div>
                {ph.shown ? (
                  <img
                    src={photoUrl(ph.id, { thumbnail: true })}
                    width={String(thumbnailSize(ph.shown.width, ph.shown.height).width)}
                    height={String(thumbnailSize(ph.shown.width, ph.shown.height).height)}
                    loading="lazy"
                    alt={t(`${k}.redact.photoAlt`, { n: i + 1, total: visible.length })}
                  />
                ) : null}
                <Checkbox
                  id={`${hideId}-${i}`}
                  name="hide_photo"
                  value={ph.id}
                  label={t(`${k}.redact.hidePhoto`, { n: i + 1, total: visible.length })}
                  checked={ticked.has(ph.id)}
                />
              </div>
            ))}
          </fieldset>
        ) : null}
      </ActionSection>,
    );
  }
  if (forms.visibility) {
    const to = kase.visibility === "public" ? "private" : "public";
    sections.push(
      <ActionSection
        props={p}
        form="visibility"
        lead={t(`${k}.visibility.lead.${kase.visibility === "public" ? "public" : "private"}`)}
        button={t(`${k}.visibility.submit.${to}`)}
        variant="secondary"
      >
        <input type="hidden" name="visibility" value={to} />
      </ActionSection>,
    );
  }
  if (forms.note)
    sections.push(
      <ActionSection props={p} form="note" button={t(`${k}.note.submit`)} variant="secondary">
        <TextArea
          ctx={ctx}
          name="note_text"
          label={t(`${k}.note.label`)}
          hint={t(`${k}.note.hint`)}
          value={text("note", "note_text")}
          errors={state("note").errors}
          rows={4}
        />
      </ActionSection>,
    );

  return (
    <section aria-labelledby="work-actions">
      <h2 id="work-actions" safe>
        {t("workspace_case.actionsHeading")}
      </h2>
      {sections.length === 0 ? <p safe>{t("workspace_case.noActions")}</p> : sections}
    </section>
  );
}
