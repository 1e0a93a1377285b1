// The coordinator's commands on a consultation: save it (a new draft, or changes within what its stage
// allows), its sections while a draft, its PDF documents (added at any stage, removed only from a draft),
// and publishing it. Each writes its audit entry in the same transaction; outcomes have names, mapped to
// messages by the routes.
import { and, asc, eq, max, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { localDateOf } from "../../calendar/zone.ts";
import type { PhotoStore } from "../../cases/photos/storage.ts";
import { newDocumentKey } from "../../cases/photos/storage.ts";
import type { Db } from "../../db/client.ts";
import {
  consultationDocuments,
  consultationSections,
  consultations,
  type LocalizedText,
} from "../../db/schema.ts";
import { participationSettingsFor } from "../settings.ts";
import {
  type ConsultationKind,
  type ConsultationRow,
  checkDates,
  complete,
  type DateProblem,
  stageOf,
} from "./model.ts";

export interface ManageDeps {
  db: Db;
  now: Date;
  timeZone: string;
  actorId: string;
  municipalityId: number;
}

export interface ConsultationInput {
  kind: ConsultationKind;
  title: LocalizedText;
  summary: LocalizedText;
  departmentId: number | null;
  opensOn: string;
  closesOn: string;
}

export type SaveResult =
  | { ok: true; id: number }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "dates"; problem: DateProblem; minDays: number };

/** The municipality's consultation, or undefined (another municipality's is not found either). */
export async function ownConsultation(
  db: Pick<Db, "select">,
  municipalityId: number,
  id: number,
): Promise<ConsultationRow | undefined> {
  const [row] = await db
    .select()
    .from(consultations)
    .where(and(eq(consultations.id, id), eq(consultations.municipalityId, municipalityId)));
  return row;
}

/** Creates a draft (no id) or changes one within what its stage allows. */
export async function saveConsultation(
  d: ManageDeps,
  id: number | undefined,
  input: ConsultationInput,
): Promise<SaveResult> {
  const today = localDateOf(d.now, d.timeZone);
  const { consultationMinDays: minDays } = await participationSettingsFor(d.db, d.municipalityId);
  return d.db.transaction(async (tx) => {
    let before: ConsultationRow | undefined;
    if (id !== undefined) {
      // Locked: a publish and an edit at once must not each check the other's old dates.
      [before] = await tx
        .select()
        .from(consultations)
        .where(and(eq(consultations.id, id), eq(consultations.municipalityId, d.municipalityId)))
        .for("update");
      if (!before) return { ok: false, reason: "not_found" } as const;
    }
    const problem = checkDates(input, before, today, minDays);
    if (problem) return { ok: false, reason: "dates", problem, minDays } as const;
    if (!before) {
      // Raw insert: the schema maps updatedAt onto created_at as well, so Drizzle's insert names that
      // column twice (reported to the lead).
      const { rows } = (await tx.execute(sql`
        insert into consultations (municipality_id, kind, title, summary, department_id, opens_on, closes_on, created_by, created_at)
        values (${d.municipalityId}, ${input.kind}, ${JSON.stringify(input.title)}::jsonb, ${JSON.stringify(input.summary)}::jsonb,
                ${input.departmentId}, ${input.opensOn}::date, ${input.closesOn}::date, ${d.actorId}::uuid, ${d.now.toISOString()}::timestamptz)
        returning id`)) as unknown as { rows: { id: number }[] };
      const row = rows[0];
      await appendAudit(tx, {
        at: d.now,
        actorId: d.actorId,
        action: "consultation.create",
        subjectType: "consultation",
        subjectId: String(row!.id),
        municipalityId: d.municipalityId,
        data: { kind: input.kind, opensOn: input.opensOn, closesOn: input.closesOn },
      });
      return { ok: true, id: row!.id } as const;
    }
    await tx.update(consultations).set(input).where(eq(consultations.id, before.id));
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.edit",
      subjectType: "consultation",
      subjectId: String(before.id),
      municipalityId: d.municipalityId,
      data: {
        stage: stageOf(before, today),
        from: { opensOn: before.opensOn, closesOn: before.closesOn },
        to: { opensOn: input.opensOn, closesOn: input.closesOn },
      },
    });
    return { ok: true, id: before.id } as const;
  });
}

export type DraftResult = { ok: true } | { ok: false; reason: "not_found" | "not_draft" };

/** Runs `change` on a draft of the municipality, locked; anything published is refused. */
async function onDraft(
  d: ManageDeps,
  id: number,
  change: (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) => Promise<boolean>,
): Promise<DraftResult> {
  return d.db.transaction(async (tx) => {
    const [c] = await tx
      .select({ publishedAt: consultations.publishedAt })
      .from(consultations)
      .where(and(eq(consultations.id, id), eq(consultations.municipalityId, d.municipalityId)))
      .for("update");
    if (!c) return { ok: false, reason: "not_found" } as const;
    if (c.publishedAt) return { ok: false, reason: "not_draft" } as const;
    if (!(await change(tx))) return { ok: false, reason: "not_found" } as const;
    return { ok: true } as const;
  });
}

export async function sections(db: Pick<Db, "select">, consultationId: number) {
  return db
    .select()
    .from(consultationSections)
    .where(eq(consultationSections.consultationId, consultationId))
    .orderBy(asc(consultationSections.position), asc(consultationSections.id));
}

export function addSection(d: ManageDeps, id: number, s: { heading: LocalizedText; body: LocalizedText }) {
  return onDraft(d, id, async (tx) => {
    const [last] = await tx
      .select({ n: max(consultationSections.position) })
      .from(consultationSections)
      .where(eq(consultationSections.consultationId, id));
    await tx.insert(consultationSections).values({ consultationId: id, position: (last?.n ?? 0) + 1, ...s });
    return true;
  });
}

export function updateSection(
  d: ManageDeps,
  id: number,
  sectionId: number,
  s: { heading: LocalizedText; body: LocalizedText },
) {
  return onDraft(d, id, async (tx) => {
    const changed = await tx
      .update(consultationSections)
      .set(s)
      .where(and(eq(consultationSections.id, sectionId), eq(consultationSections.consultationId, id)))
      .returning({ id: consultationSections.id });
    return changed.length > 0;
  });
}

export function removeSection(d: ManageDeps, id: number, sectionId: number) {
  return onDraft(d, id, async (tx) => {
    const gone = await tx
      .delete(consultationSections)
      .where(and(eq(consultationSections.id, sectionId), eq(consultationSections.consultationId, id)))
      .returning({ id: consultationSections.id });
    return gone.length > 0;
  });
}

/** Swaps a section with its neighbour above ("up") or below ("down"); at an end nothing moves. */
export function moveSection(d: ManageDeps, id: number, sectionId: number, direction: "up" | "down") {
  return onDraft(d, id, async (tx) => {
    const list = await sections(tx, id);
    const i = list.findIndex((s) => s.id === sectionId);
    if (i < 0) return false;
    const j = direction === "up" ? i - 1 : i + 1;
    if (j < 0 || j >= list.length) return true;
    // Positions rewritten 1..n in the new order: older rows may share a position.
    const order = list.map((s) => s.id);
    [order[i], order[j]] = [order[j]!, order[i]!];
    for (const [k, sid] of order.entries())
      await tx
        .update(consultationSections)
        .set({ position: k + 1 })
        .where(eq(consultationSections.id, sid));
    return true;
  });
}

export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export type DocumentResult = { ok: true } | { ok: false; reason: "not_found" | "not_pdf" | "too_large" };

/**
 * Stores a PDF (checked by its first bytes) and lists it on the consultation, with the day it was added:
 * while a draft, and after publication too (the minutes of a hearing, a corrected annex).
 */
export async function addDocument(
  d: ManageDeps,
  store: PhotoStore,
  id: number,
  doc: { title: string; fileName: string; bytes: Buffer },
): Promise<DocumentResult> {
  if (doc.bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, reason: "too_large" };
  if (!doc.bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) return { ok: false, reason: "not_pdf" };
  const c = await ownConsultation(d.db, d.municipalityId, id);
  if (!c) return { ok: false, reason: "not_found" };
  const key = newDocumentKey();
  // The file first: a row never names a missing file; a file whose row was not written is removed below.
  await store.put(key, doc.bytes, "application/pdf");
  const result = await d.db.transaction(async (tx) => {
    // Locked: two uploads at once take the next positions one after the other.
    const [locked] = await tx
      .select()
      .from(consultations)
      .where(and(eq(consultations.id, id), eq(consultations.municipalityId, d.municipalityId)))
      .for("update");
    if (!locked) return { ok: false, reason: "not_found" } as const;
    const [last] = await tx
      .select({ n: max(consultationDocuments.position) })
      .from(consultationDocuments)
      .where(eq(consultationDocuments.consultationId, id));
    const [row] = await tx
      .insert(consultationDocuments)
      .values({
        consultationId: id,
        title: doc.title,
        fileName: doc.fileName,
        storageKey: key,
        bytes: doc.bytes.length,
        position: (last?.n ?? 0) + 1,
        createdAt: d.now,
      })
      .returning({ id: consultationDocuments.id });
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.document_add",
      subjectType: "consultation",
      subjectId: String(id),
      municipalityId: d.municipalityId,
      data: {
        document: row!.id,
        title: doc.title,
        bytes: doc.bytes.length,
        stage: stageOf(locked, localDateOf(d.now, d.timeZone)),
      },
    });
    return { ok: true } as const;
  });
  if (!result.ok) await store.delete(key);
  return result;
}

/** Removes a document of a draft; once published, documents are kept for the record. */
export async function removeDocument(d: ManageDeps, store: PhotoStore, id: number, docId: string) {
  let key: string | undefined;
  const result = await onDraft(d, id, async (tx) => {
    const [gone] = await tx
      .delete(consultationDocuments)
      .where(and(eq(consultationDocuments.id, docId), eq(consultationDocuments.consultationId, id)))
      .returning({ key: consultationDocuments.storageKey, title: consultationDocuments.title });
    if (!gone) return false;
    key = gone.key;
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.document_remove",
      subjectType: "consultation",
      subjectId: String(id),
      municipalityId: d.municipalityId,
      data: { document: docId, title: gone.title },
    });
    return true;
  });
  if (result.ok && key) await store.delete(key);
  return result;
}

export type PublishResult =
  | { ok: true }
  | { ok: false; reason: "not_found" | "not_draft" | "no_section" | "missing_translation" }
  | { ok: false; reason: "dates"; problem: DateProblem; minDays: number };

/** Publishes a draft: it needs a section, every text in both official languages, and dates that still hold. */
export async function publishConsultation(d: ManageDeps, id: number): Promise<PublishResult> {
  const today = localDateOf(d.now, d.timeZone);
  const { consultationMinDays: minDays } = await participationSettingsFor(d.db, d.municipalityId);
  return d.db.transaction(async (tx) => {
    const [c] = await tx
      .select()
      .from(consultations)
      .where(and(eq(consultations.id, id), eq(consultations.municipalityId, d.municipalityId)))
      .for("update");
    if (!c) return { ok: false, reason: "not_found" } as const;
    if (c.publishedAt) return { ok: false, reason: "not_draft" } as const;
    const list = await sections(tx, id);
    if (list.length === 0) return { ok: false, reason: "no_section" } as const;
    if (
      !complete(c.title) ||
      !complete(c.summary) ||
      list.some((s) => !complete(s.heading) || !complete(s.body))
    )
      return { ok: false, reason: "missing_translation" } as const;
    // Checked as a new period: a draft saved last month may have an opening day now past.
    const problem = checkDates(c, undefined, today, minDays);
    if (problem) return { ok: false, reason: "dates", problem, minDays } as const;
    await tx
      .update(consultations)
      .set({ publishedAt: d.now })
      .where(and(eq(consultations.id, id), sql`${consultations.publishedAt} is null`));
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.publish",
      subjectType: "consultation",
      subjectId: String(id),
      municipalityId: d.municipalityId,
      data: { opensOn: c.opensOn, closesOn: c.closesOn, sections: list.length },
    });
    return { ok: true } as const;
  });
}
