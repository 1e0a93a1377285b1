// A citizen's input becomes a case: one statement (atomic, one round trip) writes the case with its
// deadlines, the "submitted" event, the audit entry and the acknowledgement email in the outbox.
// The same idempotency key always finds the same case: a double click, a refresh or a retry never
// makes a second one.
import { eq } from "drizzle-orm";
import type { Actor } from "../../access/policy.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { localDateOf } from "../../calendar/zone.ts";
import type { Db } from "../../db/client.ts";
import { executeNamedText } from "../../db/named.ts";
import { cases } from "../../db/schema.ts";
import { newToken } from "../../identity/tokens.ts";
import type { Language } from "../../kernel/i18n.ts";
import { caseEventData } from "../../notifications/webhooks.ts";
import { categoryStandard, referenceData } from "../../reference/referenceCache.ts";
import { caseAcknowledgementEmail, caseAcknowledgementNotice } from "../emails.ts";
import { pointInArea } from "../geo.ts";
import { publicCaseView } from "../publicView.ts";
import { checkAnswers } from "../questions.ts";
import type { Standard } from "../sla.ts";
import { slaColumns } from "../slaTracking.ts";
import type { CaseType, Channel } from "../statuses.ts";
import { takeTrackingCode } from "../trackingCode.ts";

export interface SubmitCaseInput {
  municipality: string;
  type: CaseType;
  category: string;
  answers: Record<string, unknown>;
  title: string;
  description: string;
  location?: { latitude: number; longitude: number } | undefined;
  address?: string | undefined;
  contact: {
    name?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
    showName: boolean;
  };
  language: Language;
  channel: Channel;
  /** For input received at the counter, by phone, on paper or by email: when it was received. */
  receivedAt?: Date | undefined;
  idempotencyKey: string;
  /** Photos uploaded while the journey's draft was written. */
  draftId?: string | undefined;
  /** Staff who entered input received at the counter, by phone, on paper or by email. */
  enteredBy?: string | undefined;
}

export interface SubmitCaseDeps {
  db: Db;
  now: Date;
  calendar: WorkingCalendar;
  bounds: { south: number; west: number; north: number; east: number };
  baseUrl: string;
  poke: () => void;
  actor: Actor;
  ip?: string | undefined;
}

export type SubmitCaseResult =
  | {
      ok: true;
      /** False when the idempotency key had already made this case (a retry). */
      created: boolean;
      trackingCode: string;
      caseId: number;
      /** The private tracking link's token; only on creation (it is stored hashed). */
      trackingToken?: string;
      responseDueAt: Date;
      resolutionDueAt: Date;
    }
  | {
      ok: false;
      reason:
        | "unknown_municipality"
        | "category_not_offered"
        | "account_required"
        | "location_required"
        | "outside_area"
        | "received_in_future";
    }
  | { ok: false; reason: "invalid_answers"; errors: Record<string, string> };

async function findByKey(db: Pick<Db, "select">, key: string) {
  const [found] = await db.select().from(cases).where(eq(cases.idempotencyKey, key)).limit(1);
  return found;
}

/**
 * Whether a case was already made with this idempotency key. A route that refuses something submitCase
 * does not check asks it first, so that a retry of an accepted submission gets its case back even when what
 * the route checks has changed since (a language switched off), as submitCase does for its own refusals.
 */
export async function madeWithKey(db: Pick<Db, "select">, key: string): Promise<boolean> {
  const [found] = await db.select({ id: cases.id }).from(cases).where(eq(cases.idempotencyKey, key)).limit(1);
  return found !== undefined;
}

export async function submitCase(input: SubmitCaseInput, deps: SubmitCaseDeps): Promise<SubmitCaseResult> {
  const checked = await check(input, deps);
  if (!checked.ok) {
    // A retry of a submission that was accepted earlier gets that case, even if what it is checked
    // against has changed since (a category switched off): the check is only repeated for the
    // answer, the case already exists. Refusals are rare, so this lookup costs the common path nothing.
    const replay = await findByKey(deps.db, input.idempotencyKey);
    return replay ? replayed(replay) : checked;
  }
  return write(input, deps, checked);
}

/** Everything that can refuse a submission, against the reference data kept in the process. */
async function check(input: SubmitCaseInput, deps: SubmitCaseDeps) {
  const ref = await referenceData(deps.db, deps.now.getTime());
  const municipality = ref.municipalityBySlug(input.municipality);
  if (!municipality) return { ok: false as const, reason: "unknown_municipality" as const };
  const offered = ref.offeredCategory(municipality.id, input.type, input.category);
  if (!offered) return { ok: false as const, reason: "category_not_offered" as const };
  const cat = offered.category;

  // Staff entering a walk-in's request identify the person by the contact details they record.
  const assisted = input.enteredBy !== undefined && input.channel !== "web" && input.channel !== "api";
  const signedIn = deps.actor.kind === "user";
  if (!signedIn && !assisted && (input.type === "proposal" || !cat.anonymousAllowed)) {
    return { ok: false as const, reason: "account_required" as const };
  }

  const answers = checkAnswers(offered.questions, input.answers);
  if (!answers.ok) return { ok: false as const, reason: "invalid_answers" as const, errors: answers.errors };

  if (input.type === "issue_report" && !input.location && !input.address?.trim())
    return { ok: false as const, reason: "location_required" as const };
  if (input.location) {
    const { latitude: lat, longitude: lng } = input.location;
    const b = deps.bounds;
    if (lat < b.south || lat > b.north || lng < b.west || lng > b.east)
      return { ok: false as const, reason: "outside_area" as const };
    const area = ref.area(municipality.id);
    if (area && !pointInArea(lat, lng, area.geometry))
      return { ok: false as const, reason: "outside_area" as const };
  }

  const receivedAt = input.receivedAt ?? deps.now;
  if (receivedAt.getTime() > deps.now.getTime() + 60_000)
    return { ok: false as const, reason: "received_in_future" as const };
  const standardOf = ref.standardFor(municipality.id, cat.id, "normal");
  // Routing: the first matching rule's department; none matches: the participation coordinator's.
  const departmentId =
    ref.departmentFor(municipality.id, {
      categoryId: cat.id,
      latitude: input.location?.latitude,
      longitude: input.location?.longitude,
    }) ?? null;
  return {
    ok: true as const,
    municipality,
    cat,
    answers: answers.answers,
    receivedAt,
    standardOf,
    departmentId,
  };
}

async function write(
  input: SubmitCaseInput,
  deps: SubmitCaseDeps,
  {
    municipality,
    cat,
    answers,
    receivedAt,
    standardOf,
    departmentId,
  }: Extract<Awaited<ReturnType<typeof check>>, { ok: true }>,
): Promise<SubmitCaseResult> {
  const { db, now } = deps;
  // The standard (the category's, refined by priority rules and the municipality's tightening) and the
  // SLA columns the inbox and the scheduler read (slaTracking.ts).
  const standard = standardOf ?? categoryStandard(cat);
  const sla = slaColumns(
    {
      status: "submitted",
      receivedAt,
      standard,
      pauses: [],
      acknowledgedAt: null,
      firstResponseAt: null,
      resolvedAt: null,
      ackDueAt: null,
      responseDueAt: null,
      resolutionDueAt: null,
    },
    now,
    deps.calendar,
  );
  const due = {
    ackDueAt: sla.ackDueAt!,
    responseDueAt: sla.responseDueAt!,
    resolutionDueAt: sla.resolutionDueAt!,
  };
  const { token, id: tokenHash } = newToken();

  // The number is taken in a statement of its own, before the one that writes: the counter's row is
  // locked for that one statement, not for the whole submission, so submissions to one municipality do
  // not queue behind each other; submissions arriving together share that statement (trackingCode.ts). A
  // number is never given twice; a submission that fails after taking one (or loses an idempotency race)
  // leaves a gap in the sequence. The same statement sees whether the idempotency key already made a case
  // (a retry), and then takes no number.
  const trackingCode = await takeTrackingCode(
    db,
    municipality,
    Number(localDateOf(receivedAt, deps.calendar.timeZone).slice(0, 4)),
    input.idempotencyKey,
  );
  if (trackingCode === undefined) {
    const replay = await findByKey(db, input.idempotencyKey);
    if (replay) return replayed(replay);
    throw new Error("idempotency key seen without its case");
  }
  const actorId = input.enteredBy ?? (deps.actor.kind === "user" ? deps.actor.userId : null);
  const contactEmail = input.contact.email?.trim() || null;
  const contactName = input.contact.name?.trim() || null;
  const email = contactEmail
    ? caseAcknowledgementEmail({
        to: contactEmail,
        language: input.language,
        name: contactName ?? "",
        trackingCode,
        title: input.title,
        link: `${deps.baseUrl}/track/${trackingCode}?token=${token}`,
        dueAt: due.responseDueAt,
        timeZone: deps.calendar.timeZone,
      })
    : undefined;
  // A citizen signed in finds the acknowledgement in their notification centre too (not staff entering a
  // case for someone: the case is not theirs).
  const inApp =
    deps.actor.kind === "user" && !input.enteredBy
      ? caseAcknowledgementNotice({
          language: input.language,
          trackingCode,
          title: input.title,
          dueAt: due.responseDueAt,
          timeZone: deps.calendar.timeZone,
        })
      : undefined;
  // Integrations hear of the new case as its public view shows it (publicView.ts), the same for every
  // endpoint subscribed; the statement below queues it once per endpoint, none when there are none.
  const view = publicCaseView(
    {
      visibility: "public",
      trackingCode,
      type: input.type,
      status: "submitted",
      channel: input.channel,
      title: input.title,
      description: input.description,
      showName: input.contact.showName,
      contactName,
      latitude: input.location?.latitude ?? null,
      longitude: input.location?.longitude ?? null,
      address: input.address?.trim() || null,
      receivedAt,
      acknowledgedAt: null,
      responseDueAt: due.responseDueAt,
      resolutionDueAt: due.resolutionDueAt,
      resolvedAt: null,
      closedAt: null,
      reasonCode: null,
    },
    { sensitive: cat.sensitive },
    [],
  );
  const hook = view
    ? caseEventData(view, {
        municipality: municipality.slug,
        url: `${deps.baseUrl}/cases/${trackingCode}`,
        toStatus: "submitted",
      })
    : undefined;
  // The statement is written as text with numbered parameters, not built with drizzle's sql``: building
  // and flattening its ~50 parameters through drizzle cost a fifth of the command's time in the event loop
  // (docs/PERFORMANCE.md). `p` keeps a value and answers its placeholder; the text depends only on the
  // statement's shape (its name), never on a value, as a named statement's must (src/db/named.ts).
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const json = (v: unknown) => `${p(JSON.stringify(v))}::jsonb`;
  const at = (d: Date | null) => `${p(d ? d.toISOString() : null)}::timestamptz`;
  // One statement writes the case, its "submitted" event, its photos, the acknowledgement in the outbox
  // and the audit entry: atomic as a transaction, in one round trip (the API's case creation is
  // benchmarked; docs/PERFORMANCE.md). A retry that lost the race on the idempotency key inserts nothing:
  // every later part selects from the case the first part inserted. The case keeps the standard its
  // deadlines were computed from (sla_standard), so a later change of the standards moves no date of it.
  const statement = `submit_case${email ? "_mail" : ""}${inApp ? "_inapp" : ""}${hook ? "_hook" : ""}${input.draftId ? "_photos" : ""}`;
  const text = `
    with kase as (
      insert into cases (tracking_code, municipality_id, type, category_id, channel, status, language,
        title, description, latitude, longitude, address, attributes, submitter_id, contact_name,
        contact_email, contact_phone, show_name, department_id, received_at, ack_due_at, response_due_at,
        resolution_due_at, sla_state, sla_due_at, next_sla_check_at, sla_standard, tracking_token_hash,
        idempotency_key, created_at, updated_at)
      values (${p(trackingCode)}, ${p(municipality.id)}, ${p(input.type)}, ${p(cat.id)}, ${p(input.channel)},
        'submitted', ${p(input.language)}, ${p(input.title)}, ${p(input.description)},
        ${p(input.location?.latitude ?? null)}::double precision,
        ${p(input.location?.longitude ?? null)}::double precision,
        ${p(input.address?.trim() || null)}, ${json(answers)},
        ${p(deps.actor.kind === "user" ? deps.actor.userId : null)}::uuid, ${p(contactName)}, ${p(contactEmail)},
        ${p(input.contact.phone?.trim() || null)}, ${p(input.contact.showName)}, ${p(departmentId)}::integer,
        ${at(receivedAt)}, ${at(due.ackDueAt)}, ${at(due.responseDueAt)}, ${at(due.resolutionDueAt)},
        ${p(sla.slaState)}, ${at(sla.slaDueAt)}, ${at(sla.nextSlaCheckAt)}, ${json(slaStandardOf(standard))},
        ${p(tokenHash)}, ${p(input.idempotencyKey)}, ${at(now)}, ${at(now)})
      on conflict (idempotency_key) do nothing
      returning id, tracking_code
    ),
    event as (
      insert into case_events (case_id, municipality_id, type, to_status, actor_id, is_public, data, at)
      select id, ${p(municipality.id)}, 'submitted', 'submitted', ${p(actorId)}::uuid, true,
        ${json({ channel: input.channel, ...(input.enteredBy ? { enteredBy: input.enteredBy } : {}) })},
        ${at(receivedAt)}
      from kase
    ),
    audit as (
      insert into audit_log (at, actor_id, action, subject_type, subject_id, municipality_id, ip, data)
      select ${at(now)}, ${p(actorId)}::uuid, ${p(input.enteredBy ? "case.entered_for_citizen" : "case.submitted")},
        'case', tracking_code, ${p(municipality.id)}, ${p(deps.ip ?? null)},
        ${json({ channel: input.channel, type: input.type, category: cat.code })}
      from kase
    )${
      email
        ? `, mail as (
      insert into outbox (kind, topic, payload, created_at, available_at)
      select 'email', 'case_acknowledged', ${json(email)}, ${at(now)}, ${at(now)} from kase
    )`
        : ""
    }${
      inApp
        ? `, in_app as (
      insert into notifications (user_id, topic, case_id, subject, body, link, created_at)
      select ${p(actorId)}::uuid, 'case_acknowledged', id, ${p(inApp.subject)}, ${p(inApp.lines.join("\n\n"))},
        '/cases/' || tracking_code, ${at(now)}
      from kase
    )`
        : ""
    }${
      hook
        ? `, hooks as (
      insert into outbox (kind, topic, payload, created_at, available_at)
      select 'webhook', 'case.submitted',
        jsonb_build_object('endpointId', e.id, 'event', 'case.submitted', 'id', gen_random_uuid(),
          'occurredAt', ${p(now.toISOString())}::text, 'data', ${json(hook)}),
        ${at(now)}, ${at(now)}
      from webhook_endpoints e, kase
      where e.active and (e.municipality_id = ${p(municipality.id)} or e.municipality_id is null)
        and 'case.submitted' = any(e.events)
    )`
        : ""
    }${
      input.draftId
        ? `, photos as (
      update case_photos set case_id = kase.id, draft_id = null from kase where draft_id = ${p(input.draftId)}
    )`
        : ""
    }
    select id from kase`;
  const written = await executeNamedText<{ id: number | string }>(db, statement, text, values);
  const created = written[0];
  const result = created ? { id: Number(created.id), trackingCode } : undefined;
  if (!result) {
    const winner = await findByKey(db, input.idempotencyKey);
    if (winner) return replayed(winner);
    throw new Error("idempotency conflict without a case");
  }
  deps.poke();
  return {
    ok: true,
    created: true,
    caseId: result.id,
    trackingCode: result.trackingCode,
    trackingToken: token,
    responseDueAt: due.responseDueAt,
    resolutionDueAt: due.resolutionDueAt,
  };
}

/** The standard as cases.sla_standard keeps it: its four figures and nothing else. */
function slaStandardOf(s: Standard): NonNullable<typeof cases.$inferInsert.slaStandard> {
  return {
    unit: s.unit,
    ackWithin: s.ackWithin,
    firstResponseWithin: s.firstResponseWithin,
    resolutionWithin: s.resolutionWithin,
  };
}

function replayed(row: typeof cases.$inferSelect): SubmitCaseResult {
  return {
    ok: true,
    created: false,
    caseId: row.id,
    trackingCode: row.trackingCode,
    responseDueAt: row.responseDueAt!,
    resolutionDueAt: row.resolutionDueAt!,
  };
}
