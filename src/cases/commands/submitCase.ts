// A citizen's input becomes a case: one transaction writes the case with its tracking code and
// deadlines, the "submitted" event, the audit entry and the acknowledgement email in the outbox.
// The same idempotency key always finds the same case: a double click, a refresh or a retry never
// makes a second one.
import { and, eq, isNull, or } from "drizzle-orm";
import type { Actor } from "../../access/policy.ts";
import { appendAudit } from "../../audit/audit.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import {
  caseEvents,
  casePhotos,
  cases,
  categories,
  categoryQuestions,
  municipalities,
  municipalityAreas,
  municipalityCategories,
} from "../../db/schema.ts";
import { newToken } from "../../identity/tokens.ts";
import type { Language } from "../../kernel/i18n.ts";
import { enqueue } from "../../notifications/outbox.ts";
import { caseAcknowledgementEmail } from "../emails.ts";
import { pointInArea } from "../geo.ts";
import { checkAnswers } from "../questions.ts";
import { deadlines, type SlaUnit } from "../sla.ts";
import type { CaseType, Channel } from "../statuses.ts";
import { nextTrackingCode } from "../trackingCode.ts";

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

export async function submitCase(input: SubmitCaseInput, deps: SubmitCaseDeps): Promise<SubmitCaseResult> {
  const { db, now } = deps;
  const replay = await findByKey(db, input.idempotencyKey);
  if (replay) return replayed(replay);

  const [municipality] = await db
    .select()
    .from(municipalities)
    .where(and(eq(municipalities.slug, input.municipality), eq(municipalities.active, true)))
    .limit(1);
  if (!municipality) return { ok: false, reason: "unknown_municipality" };

  const [category] = await db
    .select({ category: categories, questions: categoryQuestions.questions })
    .from(categories)
    .leftJoin(categoryQuestions, eq(categoryQuestions.categoryId, categories.id))
    .leftJoin(
      municipalityCategories,
      and(
        eq(municipalityCategories.categoryId, categories.id),
        eq(municipalityCategories.municipalityId, municipality.id),
      ),
    )
    .where(
      and(
        eq(categories.code, input.category),
        eq(categories.type, input.type),
        eq(categories.active, true),
        or(isNull(categories.municipalityId), eq(categories.municipalityId, municipality.id)),
        or(isNull(municipalityCategories.enabled), eq(municipalityCategories.enabled, true)),
      ),
    )
    .limit(1);
  if (!category) return { ok: false, reason: "category_not_offered" };
  const cat = category.category;

  // Staff entering a walk-in's request identify the person by the contact details they record.
  const assisted = input.enteredBy !== undefined && input.channel !== "web" && input.channel !== "api";
  const signedIn = deps.actor.kind === "user";
  if (!signedIn && !assisted && (input.type === "proposal" || !cat.anonymousAllowed)) {
    return { ok: false, reason: "account_required" };
  }

  const checked = checkAnswers(category.questions ?? [], input.answers);
  if (!checked.ok) return { ok: false, reason: "invalid_answers", errors: checked.errors };

  if (input.type === "issue_report" && !input.location && !input.address?.trim())
    return { ok: false, reason: "location_required" };
  if (input.location) {
    const { latitude: lat, longitude: lng } = input.location;
    const b = deps.bounds;
    if (lat < b.south || lat > b.north || lng < b.west || lng > b.east)
      return { ok: false, reason: "outside_area" };
    const [area] = await db
      .select()
      .from(municipalityAreas)
      .where(eq(municipalityAreas.municipalityId, municipality.id));
    if (area && !pointInArea(lat, lng, area.geometry)) return { ok: false, reason: "outside_area" };
  }

  const receivedAt = input.receivedAt ?? now;
  if (receivedAt.getTime() > now.getTime() + 60_000) return { ok: false, reason: "received_in_future" };
  const due = deadlines(receivedAt, { ...cat, unit: cat.slaUnit as SlaUnit }, deps.calendar);
  const { token, id: tokenHash } = newToken();

  const result = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(cases)
      .values({
        trackingCode: await nextTrackingCode(
          tx,
          municipality,
          Number(localYear(receivedAt, deps.calendar.timeZone)),
        ),
        municipalityId: municipality.id,
        type: input.type,
        categoryId: cat.id,
        channel: input.channel,
        status: "submitted",
        language: input.language,
        title: input.title,
        description: input.description,
        latitude: input.location?.latitude ?? null,
        longitude: input.location?.longitude ?? null,
        address: input.address?.trim() || null,
        attributes: checked.answers,
        submitterId: deps.actor.kind === "user" ? deps.actor.userId : null,
        contactName: input.contact.name?.trim() || null,
        contactEmail: input.contact.email?.trim() || null,
        contactPhone: input.contact.phone?.trim() || null,
        showName: input.contact.showName,
        receivedAt,
        ...due,
        trackingTokenHash: tokenHash,
        idempotencyKey: input.idempotencyKey,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: cases.idempotencyKey })
      .returning();
    // Lost a race with the same key: the other transaction's case is the one.
    if (!row) return undefined;
    await tx.insert(caseEvents).values({
      caseId: row.id,
      municipalityId: municipality.id,
      type: "submitted",
      toStatus: "submitted",
      actorId: input.enteredBy ?? (deps.actor.kind === "user" ? deps.actor.userId : null),
      isPublic: true,
      data: { channel: input.channel, ...(input.enteredBy ? { enteredBy: input.enteredBy } : {}) },
      at: receivedAt,
    });
    if (input.draftId) {
      await tx
        .update(casePhotos)
        .set({ caseId: row.id, draftId: null })
        .where(eq(casePhotos.draftId, input.draftId));
    }
    await appendAudit(tx, {
      at: now,
      actorId: input.enteredBy ?? (deps.actor.kind === "user" ? deps.actor.userId : null),
      action: input.enteredBy ? "case.entered_for_citizen" : "case.submitted",
      subjectType: "case",
      subjectId: row.trackingCode,
      municipalityId: municipality.id,
      ip: deps.ip ?? null,
      data: { channel: input.channel, type: input.type, category: cat.code },
    });
    if (row.contactEmail) {
      await enqueue(
        tx,
        {
          kind: "email",
          payload: caseAcknowledgementEmail({
            to: row.contactEmail,
            language: input.language,
            name: row.contactName ?? "",
            trackingCode: row.trackingCode,
            title: row.title,
            link: `${deps.baseUrl}/track/${row.trackingCode}?token=${token}`,
            dueAt: due.responseDueAt,
            timeZone: deps.calendar.timeZone,
          }),
        },
        now,
      );
    }
    return row;
  });
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

function localYear(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(d);
}
