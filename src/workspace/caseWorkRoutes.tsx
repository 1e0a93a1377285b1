// A case as staff work it (issue 5): GET /m/:slug/workspace/cases/:code shows it to whoever may
// case.view_staff on it (anyone else: 404), and each action posts to …/:code/<action> (caseWorkPages.tsx
// FORM_PATH). Each POST reads top to bottom: the case, the form (422 with the text kept), the personal-data
// check before anything becomes public (422 until confirmed), the command (staffAction.ts), then 303 back
// to the page saying what was done — or the page again: 409 with what changed when someone acted first,
// 403 when the policy refuses, 422 when the lifecycle or the input does.
import { and, asc, eq, gte, inArray, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../access/policy.ts";
import { baseUrl } from "../app.ts";
import { appendAudit } from "../audit/audit.ts";
import { localDateOf, startOfLocalDay } from "../calendar/zone.ts";
import {
  actOnCase,
  STAFF_PERMISSION,
  type StaffAction,
  type StaffRefusal,
  type StatusChange,
  staffSubject,
} from "../cases/commands/staffAction.ts";
import { decideTransition, isOpen, type LifecycleAction, TRANSITIONS } from "../cases/lifecycle.ts";
import { findName, findPersonalData, type PersonalDataFinding } from "../cases/personalData.ts";
import { type LoadedCase, loadCase } from "../cases/queries/caseQueries.ts";
import { CLOCKS, PRIORITIES, readCaseClocks } from "../cases/sla.ts";
import { pausesOf, runningClock } from "../cases/slaTracking.ts";
import type { CaseStatus, CaseType } from "../cases/statuses.ts";
import { TRACKING_CODE_PATTERN } from "../cases/trackingCode.ts";
import { formatDay } from "../cases/web/casePages.tsx";
import {
  auditLog,
  type CategoryQuestion,
  casePhotos,
  cases,
  categoryQuestions,
  departments,
  reasonCodes,
  roleAssignments,
  users,
} from "../db/schema.ts";
import { isLanguage, type Language } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { textField } from "../web/textField.ts";
import {
  CaseWorkPage,
  type CaseWorkPageProps,
  type Choice,
  type FailedForm,
  FIELDS,
  FORM_PATH,
  formField,
  type SlaView,
  type TimelineEntry,
  WORK_DONE,
  type WorkDone,
  type WorkForm,
  type WorkForms,
} from "./caseWorkPages.tsx";
import { timeLeft } from "./inboxPages.tsx";
import { fillTemplate, templatesFor } from "./templates.ts";

type CaseRow = LoadedCase["kase"];
type Params = { slug: string; code: string };
type Req = FastifyRequest<{ Params: Params }>;

/** The case in its municipality, for someone who may work on it. */
interface Found {
  c: LoadedCase;
  municipality: { id: number; slug: string };
}

// ── The forms' input.

const MESSAGE_MAX = 4000;
const INSTITUTION_MAX = 200;
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 5000;
const MAX_PHOTOS = 50;
const E = "workspace_case.errors";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REASON_CODE = /^[a-z0-9-]{1,60}$/;

/** The status changes of the status form (each a lifecycle action of the same name). */
const STATUS_CHANGES = [
  "start",
  "resolve",
  "answer",
  "close",
  "reject",
] as const satisfies readonly StatusChange[];

/** A reason code from a select: empty is none (or missing, when `required` names the message). */
const reasonField = (required?: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "") {
        if (required) ctx.addIssue({ code: "custom", message: required });
      } else if (!REASON_CODE.test(s)) ctx.addIssue({ code: "custom", message: `${E}.reason` });
    })
    .transform((s) => (s === "" ? undefined : s));

/** A select whose empty choice means "none". */
const optional = (pattern: RegExp, message: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => s === "" || pattern.test(s), { message })
    .transform((s) => (s === "" ? null : s));

const SCHEMAS = {
  acknowledge: z.object({}),
  assign: z.object({
    department: optional(/^\d{1,9}$/, `${E}.department`).transform((s) => (s === null ? null : Number(s))),
    assignee: optional(UUID, `${E}.assignee`),
  }),
  priority: z.object({ priority: z.enum(PRIORITIES, { error: `${E}.priority` }) }),
  request_information: z.object({
    request_message: textField(MESSAGE_MAX, `${E}.requestRequired`, `${E}.messageTooLong`),
  }),
  answer: z.object({
    answer_message: textField(MESSAGE_MAX, `${E}.answerRequired`, `${E}.messageTooLong`),
    final: z.enum(["yes"], { error: `${E}.final` }).optional(),
    answer_reason: reasonField(),
  }),
  status: z.object({
    status_action: z.enum(STATUS_CHANGES, { error: `${E}.statusAction` }),
    status_reason: reasonField(),
    status_message: textField(MESSAGE_MAX, undefined, `${E}.messageTooLong`),
  }),
  refer: z.object({
    refer_to: textField(INSTITUTION_MAX, `${E}.institutionRequired`, `${E}.institutionTooLong`),
    refer_reason: reasonField(`${E}.reasonRequired`),
    refer_message: textField(MESSAGE_MAX, undefined, `${E}.messageTooLong`),
  }),
  merge: z.object({
    merge_into: z
      .string()
      .optional()
      .transform((s) => (s ?? "").trim().toUpperCase())
      .superRefine((s, ctx) => {
        if (s === "") ctx.addIssue({ code: "custom", message: `${E}.mergeRequired` });
        else if (!TRACKING_CODE_PATTERN.test(s)) ctx.addIssue({ code: "custom", message: `${E}.mergeCode` });
      }),
    merge_reason: reasonField(`${E}.reasonRequired`),
  }),
  redact: z.object({
    redact_title: textField(TITLE_MAX, `${E}.titleRequired`, `${E}.titleTooLong`),
    redact_description: textField(DESCRIPTION_MAX, `${E}.descriptionRequired`, `${E}.descriptionTooLong`),
    hide_photo: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .refine((ids) => ids.length <= MAX_PHOTOS && ids.every((id) => UUID.test(id)), {
        message: `${E}.photos`,
      }),
  }),
  visibility: z.object({ visibility: z.enum(["public", "private"], { error: `${E}.visibility` }) }),
  note: z.object({ note_text: textField(MESSAGE_MAX, `${E}.noteRequired`, `${E}.noteTooLong`) }),
} satisfies Record<WorkForm, z.ZodType>;
type Input<F extends WorkForm> = z.infer<(typeof SCHEMAS)[F]>;

/** What each form asks the command to do, and which of its text becomes public by it. */
interface FormSpec<F extends WorkForm> {
  done: WorkDone;
  action: (v: Input<F>) => StaffAction;
  published?: (v: Input<F>, kase: CaseRow) => string | undefined;
}

const SPECS: { [F in WorkForm]: FormSpec<F> } = {
  acknowledge: { done: "acknowledged", action: () => ({ kind: "acknowledge" }) },
  assign: {
    done: "assigned",
    action: (v) => ({ kind: "assign", departmentId: v.department, assigneeId: v.assignee }),
  },
  priority: { done: "priority_set", action: (v) => ({ kind: "set_priority", priority: v.priority }) },
  request_information: {
    done: "information_requested",
    action: (v) => ({ kind: "request_information", message: v.request_message }),
    published: (v) => v.request_message,
  },
  answer: {
    done: "answered",
    action: (v) => ({
      kind: "answer",
      message: v.answer_message,
      final: v.final === "yes",
      reasonCode: v.answer_reason,
    }),
    published: (v) => v.answer_message,
  },
  status: {
    done: "status_changed",
    action: (v) => ({
      kind: "change_status",
      action: v.status_action,
      reasonCode: v.status_reason,
      message: v.status_message || undefined,
    }),
    // Starting work keeps its message for staff; every other change publishes it.
    published: (v) => (v.status_action === "start" ? undefined : v.status_message),
  },
  refer: {
    done: "referred",
    action: (v) => ({
      kind: "refer",
      to: v.refer_to,
      reasonCode: v.refer_reason!,
      message: v.refer_message || undefined,
    }),
    published: (v) => v.refer_message,
  },
  merge: {
    done: "merged",
    action: (v) => ({ kind: "merge", intoCode: v.merge_into, reasonCode: v.merge_reason! }),
  },
  redact: {
    done: "redacted",
    action: (v) => ({
      kind: "redact",
      title: v.redact_title,
      description: v.redact_description,
      hidePhotoIds: v.hide_photo,
    }),
    published: (v) => `${v.redact_title}\n${v.redact_description}`,
  },
  visibility: {
    done: "visibility_set",
    action: (v) => ({ kind: "set_visibility", visibility: v.visibility }),
    // Making a case public publishes its title and description as they stand.
    published: (v, kase) => (v.visibility === "public" ? `${kase.title}\n${kase.description}` : undefined),
  },
  note: { done: "note_added", action: (v) => ({ kind: "note", text: v.note_text }) },
};

/** The command each form asks for (its permission is the command's: STAFF_PERMISSION). */
const FORM_KIND: Record<WorkForm, StaffAction["kind"]> = {
  acknowledge: "acknowledge",
  assign: "assign",
  priority: "set_priority",
  request_information: "request_information",
  answer: "answer",
  status: "change_status",
  refer: "refer",
  merge: "merge",
  redact: "redact",
  visibility: "set_visibility",
  note: "note",
};

/** The reason-code select of each form, where a refusal about the reason belongs. */
const REASON_FIELD: Partial<Record<WorkForm, string>> = {
  answer: "answer_reason",
  status: "status_reason",
  refer: "refer_reason",
  merge: "merge_reason",
};

/** Where a refusal's message goes: beside the field it is about, else at the form. */
function refusalField(form: WorkForm, reason: StaffRefusal): string {
  switch (reason) {
    case "reason_required":
    case "reason_does_not_fit":
    case "unknown_reason_code":
      return REASON_FIELD[form] ?? formField(form);
    case "unknown_department":
      return "department";
    case "unknown_assignee":
      return "assignee";
    case "merge_target_not_found":
    case "merge_into_itself":
      return "merge_into";
    case "not_allowed":
      // The form may not be on the page at all: the message goes to the error summary.
      return "form";
    default:
      return formField(form);
  }
}

const ASSIGNABLE = ["officer", "department_head", "participation_coordinator"];
/** Events a citizen makes; with no account behind them they are still the citizen's. */
const CITIZEN_EVENTS = new Set(["submitted", "information_added", "rated"]);

const pagePath = (slug: string, code: string) => `/m/${slug}/workspace/cases/${code}`;

/** What was typed in a form's fields, to show it again (a list for the photo checkboxes). */
function valuesOf(body: unknown, form: WorkForm): FailedForm["values"] {
  const values: Record<string, string | readonly string[]> = {};
  for (const name of FIELDS[form]) {
    const raw = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
    values[name] = Array.isArray(raw)
      ? raw.filter((v): v is string => typeof v === "string").slice(0, MAX_PHOTOS)
      : typed(body, name);
  }
  return values;
}

/** The version a form was shown at, when it carries a sane one. */
function versionOf(body: unknown): number | undefined {
  const v = typed(body, "version");
  return /^\d{1,9}$/.test(v) ? Number(v) : undefined;
}

export async function caseWorkRoutes(app: FastifyInstance) {
  const { database, clock, calendar, profile, config } = app.deps;
  const db = database.db;
  const { timeZone } = profile;

  // Another state of the page for the browser suite: the coordinator, who may take every action, on a case
  // being worked on.
  for (const extra of [
    { sample: "/m/prishtine/workspace/cases/PRI-2026-000004", as: "koordinatori.prishtine", status: 200 },
  ]) {
    app.pageSamples.push(extra.sample);
    app.pages.push(extra);
  }

  /** The case of the address, for someone who may see it as staff; otherwise an answer is sent. */
  async function caseOf(req: Req, reply: FastifyReply): Promise<Found | undefined> {
    const municipality = (await referenceData(db)).municipalityBySlug(req.params.slug);
    if (!municipality) return void (await notFound(req, reply));
    if (!req.user) {
      const back = req.method === "GET" ? req.url : pagePath(municipality.slug, req.params.code);
      return void (await reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303));
    }
    const c = await loadCase(db, req.params.code);
    // A case of another municipality, and one the actor may not see, look like no case at all.
    if (!c || c.kase.municipalityId !== municipality.id) return void (await notFound(req, reply));
    if (!can(req.actor, "case.view_staff", staffSubject(c.kase))) return void (await notFound(req, reply));
    return { c, municipality: { id: municipality.id, slug: municipality.slug } };
  }

  /** Writes that a member of staff saw a case's personal data: once per person, case and local day. */
  async function auditPersonalView(req: FastifyRequest, kase: CaseRow) {
    const now = clock.now();
    const actorId = req.user!.id;
    const since = startOfLocalDay(localDateOf(now, timeZone), timeZone);
    const [seen] = await db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectType, "case"),
          eq(auditLog.subjectId, kase.trackingCode),
          eq(auditLog.actorId, actorId),
          eq(auditLog.action, "case.personal_data_viewed"),
          gte(auditLog.at, since),
        ),
      )
      .limit(1);
    if (seen) return;
    await appendAudit(db, {
      at: now,
      actorId,
      action: "case.personal_data_viewed",
      subjectType: "case",
      subjectId: kase.trackingCode,
      municipalityId: kase.municipalityId,
      ip: req.ip,
    });
  }

  /**
   * Where text about to be published names the citizen who chose not to show their name: the name they
   * gave with the case, or their account's (what a template's {{citizen_name}} is filled with).
   */
  async function hiddenNamesIn(text: string, kase: CaseRow): Promise<PersonalDataFinding[]> {
    if (kase.showName) return [];
    const [account] = kase.submitterId
      ? await db.select({ name: users.name }).from(users).where(eq(users.id, kase.submitterId))
      : [];
    const names = [...new Set([kase.contactName, account?.name])];
    return names.flatMap((name) => findName(text, name));
  }

  /** The answers to the category's questions, as text in the page's language. */
  async function answersOf(kase: CaseRow, lang: Language): Promise<CaseWorkPageProps["answers"]> {
    const attributes = kase.attributes ?? {};
    if (Object.keys(attributes).length === 0) return [];
    const [row] = await db
      .select()
      .from(categoryQuestions)
      .where(eq(categoryQuestions.categoryId, kase.categoryId));
    const questions: CategoryQuestion[] = [...(row?.questions ?? [])].sort((a, b) => a.order - b.order);
    const text = (q: CategoryQuestion | undefined, value: string | number | string[]) => {
      const list = (Array.isArray(value) ? value : [value]).map(String);
      return list
        .map((k) => {
          const named = q?.values?.find((v) => v.key === k);
          return named ? localized(named.name, lang) : k;
        })
        .join(", ");
    };
    const known = questions
      .filter((q) => attributes[q.code] !== undefined)
      .map((q) => ({ question: localized(q.description, lang), answer: text(q, attributes[q.code]!) }));
    // Answers to questions the category no longer asks are still what the citizen sent.
    const other = Object.entries(attributes)
      .filter(([code]) => !questions.some((q) => q.code === code))
      .map(([code, value]) => ({ question: code, answer: text(undefined, value) }));
    return [...known, ...other];
  }

  /** The three clocks, the running one's time left, the pause and the escalation step. */
  function slaOf(
    kase: CaseRow,
    standard: ReturnType<Awaited<ReturnType<typeof referenceData>>["standardFor"]>,
  ) {
    const now = clock.now();
    const status = kase.status as CaseStatus;
    let readings: ReturnType<typeof readCaseClocks> | undefined;
    try {
      readings = standard
        ? readCaseClocks(
            {
              receivedAt: kase.receivedAt,
              standard,
              pauses: pausesOf(kase.slaPauses),
              acknowledgedAt: kase.acknowledgedAt ?? undefined,
              firstRespondedAt: kase.firstResponseAt ?? undefined,
              resolvedAt: kase.resolvedAt ?? undefined,
            },
            now,
            calendar,
          )
        : undefined;
    } catch (e) {
      // A year the calendar has no holidays for: the stored due dates are still shown.
      if (!(e instanceof RangeError)) throw e;
    }
    const running = runningClock({
      status,
      acknowledgedAt: kase.acknowledgedAt,
      firstResponseAt: kase.firstResponseAt,
    });
    const due = { ack: kase.ackDueAt, firstResponse: kase.responseDueAt, resolution: kase.resolutionDueAt };
    // As the SLA engine reads it (slaTracking.ts): awaiting the citizen, or a pause of its own running (a
    // proposal collecting support).
    const paused = status === "awaiting_citizen" || kase.slaPauses.some((p) => !p.to);
    const sla: SlaView = {
      clocks: CLOCKS.map((name) => {
        const r = readings?.[name];
        const answered = r?.state === "met" || r?.state === "missed";
        return {
          name,
          dueAt: due[name],
          state: r === undefined ? undefined : answered || running !== undefined ? r.state : "stopped",
          running: running === name,
        };
      }),
      escalationLevel: kase.escalationLevel,
    };
    if (paused) sla.paused = { workingDaysLeft: running ? readings?.[running].workingDaysLeft : undefined };
    else if (running && kase.slaDueAt) sla.timeLeft = timeLeft(kase.slaDueAt, now, calendar);
    return sla;
  }

  /** Renders the page: the case as it is now, with a failed form's text and message when there is one. */
  async function sendWork(
    req: Req,
    reply: FastifyReply,
    found: Found,
    state: { notice?: WorkDone; failed?: FailedForm; template?: string } = {},
    status = 200,
  ) {
    const fresh = (await loadCase(db, found.c.kase.trackingCode)) ?? found.c;
    const { kase, category, municipality, events } = fresh;
    const { lang } = req;
    const actor = req.actor;
    const subject = staffSubject(kase);
    const permitted = (form: WorkForm) => can(actor, STAFF_PERMISSION[FORM_KIND[form]], subject);
    const ref = await referenceData(db);
    const now = clock.now();
    const caseStatus = kase.status as CaseStatus;
    const type = kase.type as CaseType;
    const possible = (action: LifecycleAction) => {
      const d = decideTransition(action, { status: caseStatus, type, doneAt: kase.resolvedAt, now });
      return d.ok || d.reason === "reason_required";
    };
    const failed = state.failed;
    // A form is on the page when the actor may take its action and the case's status allows it now; the
    // form that just failed stays, so its text is never lost.
    const show = (form: WorkForm, offered: boolean) => permitted(form) && (offered || failed?.name === form);
    const collator = new Intl.Collator(htmlLang(lang));
    const byLabel = (a: Choice, b: Choice) => collator.compare(a.label, b.label);
    const mayPersonal = can(actor, "case.view_personal_data", subject);

    const [photos, depts, staff, reasons, mergedInto] = await Promise.all([
      db
        .select()
        .from(casePhotos)
        .where(eq(casePhotos.caseId, kase.id))
        .orderBy(asc(casePhotos.position), asc(casePhotos.createdAt)),
      db.select().from(departments).where(eq(departments.municipalityId, kase.municipalityId)),
      db
        .select({ id: users.id, name: users.name, department: departments.name })
        .from(roleAssignments)
        .innerJoin(users, eq(users.id, roleAssignments.userId))
        .leftJoin(departments, eq(departments.id, roleAssignments.departmentId))
        .where(
          and(
            eq(roleAssignments.municipalityId, kase.municipalityId),
            inArray(roleAssignments.role, ASSIGNABLE),
            isNull(users.deletedAt),
          ),
        ),
      db.select().from(reasonCodes).where(eq(reasonCodes.active, true)),
      kase.mergedIntoId === null
        ? Promise.resolve([])
        : db.select({ code: cases.trackingCode }).from(cases).where(eq(cases.id, kase.mergedIntoId)),
    ]);

    // Names of everyone the page mentions: who acted on the timeline, the assignees, the submitter's account.
    const ids = new Set<string>();
    for (const e of events) {
      if (e.actorId) ids.add(e.actorId);
      if (typeof e.data?.assigneeId === "string") ids.add(e.data.assigneeId);
    }
    if (kase.assigneeId) ids.add(kase.assigneeId);
    if (mayPersonal && kase.submitterId) ids.add(kase.submitterId);
    const people = ids.size
      ? await db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(inArray(users.id, [...ids]))
      : [];
    const personById = new Map(people.map((u) => [u.id, u]));
    const departmentNames = new Map(depts.map((d) => [d.id, localized(d.name, lang)]));
    const staffChoices = new Map<string, Choice>();
    for (const s of staff) {
      if (staffChoices.has(s.id) && !s.department) continue;
      staffChoices.set(s.id, {
        value: s.id,
        label: s.department ? `${s.name} (${localized(s.department, lang)})` : s.name,
      });
    }
    const peopleNames = new Map<string, string>([
      ...people.map((u) => [u.id, u.name] as [string, string]),
      ...staff.map((s) => [s.id, s.name] as [string, string]),
    ]);
    // The submitter is "the citizen" on the timeline: their name is personal data.
    if (kase.submitterId) peopleNames.delete(kase.submitterId);

    const reasonsOf = (kind: string): Choice[] =>
      reasons
        .filter((r) => r.appliesTo === kind)
        .map((r) => ({ value: r.code, label: localized(r.name, lang) }))
        .sort(byLabel);

    // ── Forms.
    const forms: WorkForms = {};
    if (show("acknowledge", possible("acknowledge"))) forms.acknowledge = true;
    if (show("assign", possible("assign")))
      forms.assign = {
        departments: depts
          .map((d) => ({ value: String(d.id), label: localized(d.name, lang) }))
          .sort(byLabel),
        staff: [...staffChoices.values()].sort(byLabel),
      };
    if (show("priority", isOpen(caseStatus))) forms.priority = true;
    if (show("request_information", possible("request_information"))) forms.requestInformation = true;
    if (show("answer", isOpen(caseStatus))) {
      const finalMove: LifecycleAction = type === "issue_report" ? "resolve" : "answer";
      const caseLanguage: Language = isLanguage(kase.language) ? kase.language : "sq";
      const templates = await templatesFor(db, {
        municipalityId: kase.municipalityId,
        type: kase.type,
        categoryId: kase.categoryId,
        language: caseLanguage,
      });
      const chosen = templates.find((tpl) => String(tpl.id) === state.template);
      const account = kase.submitterId ? personById.get(kase.submitterId) : undefined;
      forms.answer = {
        final: possible(finalMove) ? finalMove : undefined,
        reasons: reasonsOf("resolved"),
        templates: templates.map((tpl) => ({ value: String(tpl.id), label: tpl.title })),
        template: chosen ? String(chosen.id) : "",
        // The template in the case's language, with what the case knows filled in; the citizen's name only
        // for staff who may see it (otherwise the placeholder stays, to be written by hand).
        prefill: chosen
          ? fillTemplate(chosen.body, {
              tracking_code: kase.trackingCode,
              title: kase.title,
              municipality: localized(municipality.name, caseLanguage),
              officer_name: req.user!.name,
              ...(kase.responseDueAt
                ? { due_date: formatDay({ lang: caseLanguage, timeZone }, kase.responseDueAt, true) }
                : {}),
              ...(mayPersonal && (kase.contactName ?? account?.name)
                ? { citizen_name: (kase.contactName ?? account?.name)! }
                : {}),
            })
          : "",
      };
    }
    const changes = STATUS_CHANGES.filter((s) => possible(s));
    if (show("status", changes.length > 0)) {
      // Only the reason codes of the kinds the offered changes take (lifecycle.ts TRANSITIONS).
      const kinds = [...new Set(changes.flatMap((s) => TRANSITIONS[s].reason ?? []))];
      forms.status = {
        options: changes,
        reasons: kinds
          .map((kind) => ({ kind, options: reasonsOf(kind) }))
          .filter((g) => g.options.length > 0),
      };
    }
    if (show("refer", possible("refer"))) forms.refer = { reasons: reasonsOf("referred") };
    if (show("merge", possible("merge"))) forms.merge = { reasons: reasonsOf("merged") };
    if (show("redact", true)) forms.redact = true;
    if (show("visibility", true)) forms.visibility = true;
    if (show("note", true)) forms.note = true;

    // ── Personal data, only where the role allows, and audited.
    let personal: CaseWorkPageProps["personal"];
    if (mayPersonal) {
      const account = kase.submitterId ? personById.get(kase.submitterId) : undefined;
      const any = kase.contactName || kase.contactEmail || kase.contactPhone || account;
      personal = any
        ? {
            name: kase.contactName,
            email: kase.contactEmail,
            phone: kase.contactPhone,
            account: account ? { name: account.name, email: account.email } : undefined,
          }
        : "none";
      if (any) await auditPersonalView(req, kase);
    }

    const timeline: TimelineEntry[] = events.map((e) => ({
      id: e.id,
      at: e.at,
      type: e.type,
      isPublic: e.isPublic,
      actor:
        e.actorId === null
          ? CITIZEN_EVENTS.has(e.type)
            ? { kind: "citizen" }
            : { kind: "system" }
          : e.actorId === kase.submitterId
            ? { kind: "citizen" }
            : peopleNames.has(e.actorId)
              ? { kind: "staff", name: peopleNames.get(e.actorId)! }
              : { kind: "system" },
      toStatus: e.toStatus,
      reasonCode: e.reasonCode,
      message: e.message,
      data: e.data ?? {},
    }));

    const props: CaseWorkPageProps = {
      ctx: pageContext(req, reply),
      municipality: { slug: found.municipality.slug, name: localized(municipality.name, lang) },
      kase: {
        trackingCode: kase.trackingCode,
        type,
        status: caseStatus,
        channel: kase.channel,
        priority: kase.priority,
        visibility: kase.visibility,
        title: kase.title,
        description: kase.description,
        address: kase.address,
        latitude: kase.latitude,
        longitude: kase.longitude,
        receivedAt: kase.receivedAt,
        reasonCode: kase.reasonCode,
        referredTo: kase.referredTo,
        version: kase.version,
        departmentId: kase.departmentId,
        assigneeId: kase.assigneeId,
        language: isLanguage(kase.language) ? kase.language : "sq",
        lang: isLanguage(kase.language)
          ? htmlLang(kase.language)
          : /^[a-z]{2,3}$/.test(kase.language)
            ? kase.language
            : "sq",
      },
      category: category.name,
      answers: await answersOf(kase, lang),
      names: { departments: departmentNames, people: peopleNames },
      mergedInto: mergedInto[0]?.code,
      reasons: ref.reasonNames,
      personal,
      original: can(actor, "case.redact", subject)
        ? { title: kase.originalTitle, description: kase.originalDescription }
        : undefined,
      photos: photos.map((ph) => ({
        id: ph.id,
        hidden: ph.hidden,
        // The photo route serves staff who work the case every photo of it, hidden ones too.
        shown: { width: ph.width, height: ph.height },
      })),
      sla: slaOf(kase, ref.standardFor(kase.municipalityId, kase.categoryId, kase.priority)),
      timeline,
      forms,
      ...(state.notice ? { notice: state.notice } : {}),
      ...(failed ? { failed } : {}),
    };
    return sendPage(reply, <CaseWorkPage {...props} />, status);
  }

  app.get<{ Params: Params; Querystring: { done?: unknown; template?: unknown } }>(
    "/m/:slug/workspace/cases/:code",
    {
      config: { page: { sample: "/m/prishtine/workspace/cases/PRI-2026-000003", as: "zyrtari.prishtine" } },
    },
    async (req, reply) => {
      const found = await caseOf(req, reply);
      if (!found) return reply;
      const { done, template } = req.query ?? {};
      return sendWork(req, reply, found, {
        ...((WORK_DONE as readonly unknown[]).includes(done) ? { notice: done as WorkDone } : {}),
        ...(typeof template === "string" && /^\d{1,9}$/.test(template) ? { template } : {}),
      });
    },
  );

  /** One action's POST route: the pipeline of the file's header. */
  function action<F extends WorkForm>(form: F) {
    const spec = SPECS[form] as FormSpec<F>;
    app.post<{ Params: Params }>(
      `/m/:slug/workspace/cases/:code/${FORM_PATH[form]}`,
      { config: { rateLimit: { max: 120, timeWindow: 60_000 } } },
      async (req, reply) => {
        const found = await caseOf(req, reply);
        if (!found) return reply;
        const { kase } = found.c;
        const values = valuesOf(req.body, form);
        const shown = versionOf(req.body);
        const fail = (errors: FieldErrors, extra: Partial<FailedForm> = {}, status = 422) =>
          sendWork(
            req,
            reply,
            found,
            {
              failed: {
                name: form,
                values,
                errors,
                ...(shown !== undefined ? { version: shown } : {}),
                ...extra,
              },
            },
            status,
          );

        const parsed = validate(SCHEMAS[form], req.body);
        if (shown === undefined) return fail({ [formField(form)]: `${E}.version` });
        if (!parsed.ok) return fail(parsed.errors);
        const input = parsed.value as Input<F>;

        // Nothing becomes public while it holds what looks like personal data, unless staff confirm it.
        const published = spec.published?.(input, kase);
        const findings: PersonalDataFinding[] = published
          ? [...findPersonalData(published), ...(await hiddenNamesIn(published, kase))].sort(
              (a, b) => a.index - b.index,
            )
          : [];
        if (findings.length > 0 && typed(req.body, "confirm_personal_data") !== "yes")
          return fail({ confirm_personal_data: "workspace_case.personalData.errors.confirm" }, { findings });

        const staffAction = spec.action(input);
        // An answer that does not end the case is only for open cases (a closed one is answered no more).
        if (staffAction.kind === "answer" && !staffAction.final && !isOpen(kase.status as CaseStatus))
          return fail({ [formField(form)]: "workspace_case.refusals.not_allowed_from_status" });

        const result = await actOnCase(
          {
            db,
            now: clock.now(),
            calendar,
            actor: req.actor,
            ip: req.ip,
            baseUrl: baseUrl(config),
            poke: app.deps.pokeOutbox,
          },
          { code: kase.trackingCode, version: shown, action: staffAction },
        );
        if (result.ok)
          return reply.redirect(
            `${pagePath(found.municipality.slug, kase.trackingCode)}?done=${spec.done}`,
            303,
          );
        const message = `workspace_case.refusals.${result.reason}`;
        switch (result.reason) {
          case "not_found":
            return notFound(req, reply);
          case "case_changed": {
            // Sent again at the version it has now: the officer has seen what changed and decides.
            const current = (await loadCase(db, kase.trackingCode))?.kase.version;
            return fail(
              { [formField(form)]: message },
              {
                changes: (result.changes ?? []).map((e) => e.id),
                ...(current !== undefined ? { version: current } : {}),
              },
              409,
            );
          }
          case "not_allowed":
            return fail({ form: message }, {}, 403);
          default:
            return fail({ [refusalField(form, result.reason)]: message });
        }
      },
    );
  }
  for (const form of Object.keys(SPECS) as WorkForm[]) action(form);

  // The forms' addresses are no pages: coming to one (the language switch on a refused form) leads to the case.
  app.get<{ Params: Params & { form: string } }>(
    "/m/:slug/workspace/cases/:code/:form",
    async (req, reply) => {
      if (!Object.values(FORM_PATH).includes(req.params.form)) return notFound(req, reply);
      return reply.redirect(
        pagePath(encodeURIComponent(req.params.slug), encodeURIComponent(req.params.code)),
        303,
      );
    },
  );
}
