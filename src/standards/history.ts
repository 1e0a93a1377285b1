// Reading the national standards' history (issue 9): the changes, newest first, with who made them, and
// a CSV of them in a page's language.
import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { categories, type LocalizedText, standardChanges, users } from "../db/schema.ts";
import { csvLine } from "../kernel/csv.ts";
import type { Kind } from "./model.ts";
import { changeLines, subjectWords, type Words } from "./words.ts";

export interface ChangeRow {
  id: number;
  kind: string;
  subject: string;
  before: unknown;
  after: unknown;
  reason: string;
  appliesFrom: string;
  appliedAt: Date | null;
  changedAt: Date;
  /** Who made it; null when the account is gone. */
  by: string | null;
}

/** How many changes a page lists at most; the CSV has them all. */
export const PAGE_LIMIT = 500;

/** The changes, newest first: of one kind, or only those still waiting for their day. */
export async function changeHistory(
  db: Db,
  filter: { kind?: Kind | undefined; pending?: boolean; id?: number } = {},
  limit?: number,
): Promise<ChangeRow[]> {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(standardChanges.kind, filter.kind));
  if (filter.pending) where.push(isNull(standardChanges.appliedAt));
  if (filter.id !== undefined) where.push(eq(standardChanges.id, filter.id));
  const query = db
    .select({ change: standardChanges, name: users.name, gone: users.deletedAt })
    .from(standardChanges)
    .leftJoin(users, eq(users.id, standardChanges.changedBy))
    .where(and(...where))
    .orderBy(desc(standardChanges.changedAt), desc(standardChanges.id));
  const rows = await (limit === undefined ? query : query.limit(limit));
  return rows.map(({ change: c, name, gone }) => ({
    id: c.id,
    kind: c.kind,
    subject: c.subject,
    before: c.before,
    after: c.after,
    reason: c.reason,
    appliesFrom: c.appliesFrom,
    appliedAt: c.appliedAt,
    changedAt: c.changedAt,
    by: gone ? null : (name ?? null),
  }));
}

/** Every national category's names by code, for naming the subjects of changes. */
export async function categoryNames(db: Db): Promise<Map<string, LocalizedText>> {
  const rows = await db
    .select({ code: categories.code, name: categories.name })
    .from(categories)
    .where(isNull(categories.municipalityId));
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The history as CSV (with a byte order mark, so spreadsheets read it as UTF-8), in the words' language. */
export function historyCsv(w: Words, rows: readonly ChangeRow[], formerUser: string): string {
  const head = csvLine([
    "id",
    "changed_at",
    "kind",
    "subject",
    "what",
    "change",
    "reason",
    "applies_from",
    "applied_at",
    "changed_by",
    "before",
    "after",
  ]);
  const lines = rows.map((r) =>
    csvLine([
      String(r.id),
      r.changedAt.toISOString(),
      r.kind,
      r.subject,
      subjectWords(w, r),
      changeLines(w, r).join("\n"),
      r.reason,
      r.appliesFrom,
      r.appliedAt?.toISOString() ?? "",
      r.by ?? formerUser,
      r.before == null ? "" : JSON.stringify(r.before),
      r.after == null ? "" : JSON.stringify(r.after),
    ]),
  );
  return `\uFEFF${head}${lines.join("")}`;
}
