// The response standards as a citizen meets them (issue 10, "what happens after you submit"): for every
// category a municipality offers, the standard a case of normal priority gets, whether the municipality has
// tightened it, and the priorities that shorten it. Worked out by the same rule the cases are given theirs
// (sla.ts resolveStandard, as referenceCache.ts standardFor applies it), so the page cannot promise what the
// clocks do not enforce. Read from the tables on each view, not from the 30-second reference copy: a change
// of a standard shows on the next view.
import { and, eq, isNull, or } from "drizzle-orm";
import {
  PRIORITIES,
  type Priority,
  resolveStandard,
  type SlaUnit,
  type Standard,
  type StandardRule,
} from "../cases/sla.ts";
import { CASE_TYPES, type CaseType } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { categories, type LocalizedText, municipalityCategories, slaStandards } from "../db/schema.ts";

export interface GuideCategory {
  id: number;
  code: string;
  type: string;
  name: LocalizedText;
  /** Null: a national category; else the municipality whose own (sub-)category it is. */
  municipalityId: number | null;
  active: boolean;
  standard: Standard;
}

/** A row of the standards table: national (municipality null) or a municipality's tightening. */
export interface GuideRule {
  municipalityId: number | null;
  type: string;
  categoryId: number | null;
  priority: string | null;
  standard: Standard;
}

export interface StandardLine {
  category: { id: number; code: string; type: CaseType; name: LocalizedText };
  /** The standard a case of normal priority gets. */
  standard: Standard;
  /** What the national standard alone would give; undefined for the municipality's own categories. */
  national: Standard | undefined;
  /** The municipality made it tighter than the national standard. */
  tightened: boolean;
  /** Its own category (a municipal sub-category). */
  own: boolean;
  /** The priorities whose cases get another standard than normal priority, with that standard. */
  priorities: { priority: Priority; standard: Standard }[];
}

export const sameStandard = (a: Standard, b: Standard) =>
  a.unit === b.unit &&
  a.ackWithin === b.ackWithin &&
  a.firstResponseWithin === b.firstResponseWithin &&
  a.resolutionWithin === b.resolutionWithin;

const isCaseType = (t: string): t is CaseType => (CASE_TYPES as readonly string[]).includes(t);

/**
 * The standard of every category offered, by type in the order of CASE_TYPES: without a municipality, the
 * active national categories; with one, those it has not switched off and its own (which replace a national
 * one of the same type and code, as in referenceCache.ts offeredCategory).
 */
export function standardLines(input: {
  categories: readonly GuideCategory[];
  rules: readonly GuideRule[];
  municipalityId?: number | undefined;
  switchedOff?: ReadonlySet<number> | undefined;
}): StandardLine[] {
  const m = input.municipalityId;
  const codeOf = new Map(input.categories.map((c) => [c.id, c.code]));
  const ruleOf = (r: GuideRule): StandardRule => ({
    type: r.type,
    category: r.categoryId === null ? undefined : codeOf.get(r.categoryId),
    priority: (r.priority ?? undefined) as Priority | undefined,
    standard: r.standard,
  });
  // A row for a category not given (inactive, or another municipality's) must not read as one for the type.
  const known = input.rules.filter((r) => r.categoryId === null || codeOf.has(r.categoryId));
  const national = known.filter((r) => r.municipalityId === null).map(ruleOf);
  const municipal = m === undefined ? [] : known.filter((r) => r.municipalityId === m).map(ruleOf);
  const active = input.categories.filter((c) => c.active && isCaseType(c.type));
  const own = active.filter((c) => m !== undefined && c.municipalityId === m);
  const replaced = new Set(own.map((c) => `${c.type}:${c.code}`));
  const offered = [
    ...active.filter(
      (c) =>
        c.municipalityId === null && !input.switchedOff?.has(c.id) && !replaced.has(`${c.type}:${c.code}`),
    ),
    ...own,
  ];
  const lines = offered.map((c): StandardLine => {
    const ownRule: StandardRule = { type: c.type, category: c.code, standard: c.standard };
    // The category's own row first: a national row for it without a priority is then of equal
    // specificity, and the first of equals wins (as referenceCache.ts standardFor does).
    const resolve = (priority: Priority, withMunicipal: boolean) =>
      resolveStandard(
        { national: [ownRule, ...national], municipal: withMunicipal ? municipal : undefined },
        { type: c.type, category: c.code, priority },
      )?.standard ?? c.standard;
    const standard = resolve("normal", true);
    const nationalStandard = c.municipalityId === null ? resolve("normal", false) : undefined;
    return {
      category: { id: c.id, code: c.code, type: c.type as CaseType, name: c.name },
      standard,
      national: nationalStandard,
      tightened: nationalStandard !== undefined && !sameStandard(standard, nationalStandard),
      own: c.municipalityId !== null,
      priorities: PRIORITIES.filter((p) => p !== "normal").flatMap((priority) => {
        const s = resolve(priority, true);
        return sameStandard(s, standard) ? [] : [{ priority, standard: s }];
      }),
    };
  });
  return lines.sort((a, b) => CASE_TYPES.indexOf(a.category.type) - CASE_TYPES.indexOf(b.category.type));
}

const standardOf = (r: {
  unit: string;
  ackWithin: number;
  firstResponseWithin: number;
  resolutionWithin: number;
}): Standard => ({
  unit: r.unit as SlaUnit,
  ackWithin: r.ackWithin,
  firstResponseWithin: r.firstResponseWithin,
  resolutionWithin: r.resolutionWithin,
});

/** The standards in force now, nationally or for a municipality. */
export async function loadStandardLines(db: Db, municipalityId?: number): Promise<StandardLine[]> {
  const inScope = <C extends typeof categories.municipalityId | typeof slaStandards.municipalityId>(
    column: C,
  ) => (municipalityId === undefined ? isNull(column) : or(isNull(column), eq(column, municipalityId)));
  const [cats, rules, switches] = await Promise.all([
    db
      .select()
      .from(categories)
      .where(and(eq(categories.active, true), inScope(categories.municipalityId))),
    db.select().from(slaStandards).where(inScope(slaStandards.municipalityId)),
    municipalityId === undefined
      ? Promise.resolve([])
      : db
          .select({ categoryId: municipalityCategories.categoryId })
          .from(municipalityCategories)
          .where(
            and(
              eq(municipalityCategories.municipalityId, municipalityId),
              eq(municipalityCategories.enabled, false),
            ),
          ),
  ]);
  return standardLines({
    categories: cats.map((c) => ({
      id: c.id,
      code: c.code,
      type: c.type,
      name: c.name,
      municipalityId: c.municipalityId,
      active: c.active,
      standard: standardOf({ unit: c.slaUnit, ...c }),
    })),
    rules: rules.map((r) => ({
      municipalityId: r.municipalityId,
      type: r.type,
      categoryId: r.categoryId,
      priority: r.priority,
      standard: standardOf(r),
    })),
    municipalityId,
    switchedOff: new Set(switches.map((s) => s.categoryId)),
  });
}
