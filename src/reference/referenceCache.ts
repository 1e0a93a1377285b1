// Reference data — municipalities, categories with their questions and enablement, municipal areas,
// reason codes — kept in the process. It changes a few times a year and is read on every submission and
// case page; reading it from the database each time was three of a case creation's seven round trips
// (docs/PERFORMANCE.md).
//
// Freshness: a change made through this process calls forgetReferenceData(db) and the next read loads
// anew. A change made by another process (`ekomuna boundaries import` while the server runs, another
// instance) is seen within REFERENCE_TTL_MS: an older copy is still answered once while a fresh one loads
// in the background, so no request waits for the reload.

import {
  type Priority,
  resolveStandard,
  type SlaUnit,
  type Standard,
  type StandardRule,
} from "../cases/sla.ts";
import type { Db } from "../db/client.ts";
import {
  type CategoryQuestion,
  categories,
  categoryQuestions,
  type LocalizedText,
  municipalities,
  municipalityAreas,
  municipalityCategories,
  reasonCodes,
  slaStandards,
} from "../db/schema.ts";
import { loadRoutingRules, routeCase } from "../workspace/routing.ts";

export const REFERENCE_TTL_MS = 30_000;

type Municipality = typeof municipalities.$inferSelect;
type Category = typeof categories.$inferSelect;
type Area = typeof municipalityAreas.$inferSelect;

export interface OfferedCategory {
  category: Category;
  questions: CategoryQuestion[];
  duplicateRadiusM: number | undefined;
}

export interface ReferenceData {
  /** An active municipality by its slug. */
  municipalityBySlug(slug: string): Municipality | undefined;
  /** A municipality by id, active or not (its old cases keep it). */
  municipalityById(id: number): Municipality | undefined;
  /**
   * The category a municipality offers for a type and code: active, national or its own (its own wins),
   * and not switched off by the municipality.
   */
  offeredCategory(municipalityId: number, type: string, code: string): OfferedCategory | undefined;
  /** The imported territory of a municipality, when there is one. */
  area(municipalityId: number): Area | undefined;
  /** Every reason code's name (inactive ones too: old events still name them). */
  reasonNames: ReadonlyMap<string, LocalizedText>;
  /** Active reason codes by code, with what they apply to. */
  activeReason(code: string): { code: string; appliesTo: string } | undefined;
  /** A category by id (active or not: old cases keep theirs). */
  category(id: number): Category | undefined;
  /**
   * The response standard for a case: the category's national standard, refined by national rows for
   * its type, category and priority, and by the municipality's tightening (sla.ts resolveStandard).
   */
  standardFor(municipalityId: number, categoryId: number, priority: string): Standard | undefined;
  /** The department a new case goes to by the municipality's routing rules; undefined: the coordinator. */
  departmentFor(
    municipalityId: number,
    kase: { categoryId: number; latitude?: number | null; longitude?: number | null },
  ): number | undefined;
}

/** A category's own (national) standard. */
export function categoryStandard(c: Category): Standard {
  return {
    unit: c.slaUnit as SlaUnit,
    ackWithin: c.ackWithin,
    firstResponseWithin: c.firstResponseWithin,
    resolutionWithin: c.resolutionWithin,
  };
}

async function load(db: Db): Promise<ReferenceData> {
  const [ms, cats, questions, switches, areas, reasons, standards, routing] = await Promise.all([
    db.select().from(municipalities),
    db.select().from(categories),
    db.select().from(categoryQuestions),
    db.select().from(municipalityCategories),
    db.select().from(municipalityAreas),
    db.select().from(reasonCodes),
    db.select().from(slaStandards),
    loadRoutingRules(db),
  ]);
  const bySlug = new Map(ms.filter((m) => m.active).map((m) => [m.slug, m]));
  const municipalityOfId = new Map(ms.map((m) => [m.id, m]));
  const questionsOf = new Map(questions.map((q) => [q.categoryId, q]));
  const switchedOff = new Set(
    switches.filter((s) => !s.enabled).map((s) => `${s.municipalityId}:${s.categoryId}`),
  );
  const national = new Map<string, Category>();
  const municipal = new Map<string, Category>();
  for (const c of cats) {
    if (!c.active) continue;
    if (c.municipalityId === null) national.set(`${c.type}:${c.code}`, c);
    else municipal.set(`${c.municipalityId}:${c.type}:${c.code}`, c);
  }
  const areaOf = new Map(areas.map((a) => [a.municipalityId, a]));
  const active = new Map(reasons.filter((r) => r.active).map((r) => [r.code, r]));
  const byId = new Map(cats.map((c) => [c.id, c]));
  const ruleOf = (row: (typeof standards)[number]): StandardRule => ({
    type: row.type,
    category: row.categoryId === null ? undefined : byId.get(row.categoryId)?.code,
    priority: (row.priority ?? undefined) as Priority | undefined,
    standard: {
      unit: row.unit as SlaUnit,
      ackWithin: row.ackWithin,
      firstResponseWithin: row.firstResponseWithin,
      resolutionWithin: row.resolutionWithin,
    },
  });
  const nationalRules = standards.filter((r) => r.municipalityId === null).map(ruleOf);
  const municipalRules = new Map<number, StandardRule[]>();
  for (const row of standards) {
    if (row.municipalityId === null) continue;
    municipalRules.set(row.municipalityId, [...(municipalRules.get(row.municipalityId) ?? []), ruleOf(row)]);
  }
  return {
    municipalityBySlug: (slug) => bySlug.get(slug),
    municipalityById: (id) => municipalityOfId.get(id),
    offeredCategory(municipalityId, type, code) {
      const category = municipal.get(`${municipalityId}:${type}:${code}`) ?? national.get(`${type}:${code}`);
      if (!category || switchedOff.has(`${municipalityId}:${category.id}`)) return undefined;
      const q = questionsOf.get(category.id);
      return { category, questions: q?.questions ?? [], duplicateRadiusM: q?.duplicateRadiusM };
    },
    area: (municipalityId) => areaOf.get(municipalityId),
    reasonNames: new Map(reasons.map((r) => [r.code, r.name])),
    activeReason(code) {
      const r = active.get(code);
      return r ? { code: r.code, appliesTo: r.appliesTo } : undefined;
    },
    category: (id) => byId.get(id),
    departmentFor: (municipalityId, kase) => routeCase(routing.get(municipalityId) ?? [], kase),
    standardFor(municipalityId, categoryId, priority) {
      const c = byId.get(categoryId);
      if (!c) return undefined;
      // The category's own row comes first: a national row for the same category and no priority is
      // then the same specificity, and the first of equals wins (sla.ts ruleFor).
      const own: StandardRule = { type: c.type, category: c.code, standard: categoryStandard(c) };
      const found = resolveStandard(
        { national: [own, ...nationalRules], municipal: municipalRules.get(municipalityId) },
        { type: c.type, category: c.code, priority: priority as Priority },
      );
      return found?.standard ?? own.standard;
    },
  };
}

interface Entry {
  loadedAt: number;
  data: Promise<ReferenceData>;
  refreshing?: boolean;
}
const entries = new WeakMap<Db, Entry>();

/** The reference data of a database, loaded at most once per REFERENCE_TTL_MS (see above). */
export function referenceData(db: Db, nowMs: number = Date.now()): Promise<ReferenceData> {
  const entry = entries.get(db);
  if (!entry) {
    const data = load(db);
    const fresh: Entry = { loadedAt: nowMs, data };
    entries.set(db, fresh);
    // A failed load is not kept: the next request tries again.
    data.catch(() => {
      if (entries.get(db) === fresh) entries.delete(db);
    });
    return data;
  }
  if (nowMs - entry.loadedAt >= REFERENCE_TTL_MS && !entry.refreshing) {
    entry.refreshing = true;
    load(db).then(
      (data) => {
        if (entries.get(db) === entry) entries.set(db, { loadedAt: Date.now(), data: Promise.resolve(data) });
      },
      () => {
        entry.refreshing = false;
      },
    );
  }
  return entry.data;
}

/** Forgets what is kept for a database: call after changing reference data through it. */
export function forgetReferenceData(db: Db): void {
  entries.delete(db);
}
