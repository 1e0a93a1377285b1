// What the procedures page reads from the database: the national categories with their response standards,
// the national rows that refine them (the legal presets), the reason codes in force, and for a municipality
// its departments, its tightened standards, its own categories and the ones it switched off. The reference
// cache gives the municipalities, categories and reason codes; the standards' notes come from their table.
import { and, eq, isNull } from "drizzle-orm";
import type { Standard } from "../cases/sla.ts";
import type { Db } from "../db/client.ts";
import {
  categories,
  departments,
  type LocalizedText,
  municipalityCategories,
  reasonCodes,
  slaStandards,
} from "../db/schema.ts";
import { categoryStandard, referenceData } from "../reference/referenceCache.ts";

export interface CategoryStandard {
  id: number;
  code: string;
  type: string;
  name: LocalizedText;
  standard: Standard;
}

export interface StandardRow {
  type: string;
  /** The category's name; none: every category of the type. */
  category: LocalizedText | undefined;
  priority: string | undefined;
  standard: Standard;
  note: string | null;
}

export interface MunicipalProcedures {
  id: number;
  slug: string;
  name: LocalizedText;
  departments: { code: string; name: LocalizedText }[];
  /** Its own standards, tighter than the national ones when they were set. */
  standards: StandardRow[];
  /** Its own sub-categories, with their standards. */
  ownCategories: CategoryStandard[];
  /** National categories it does not offer. */
  switchedOff: LocalizedText[];
}

export interface ProceduresData {
  categories: CategoryStandard[];
  nationalRows: StandardRow[];
  reasons: { code: string; appliesTo: string; name: LocalizedText }[];
  municipality: MunicipalProcedures | undefined;
}

const TYPE_ORDER = ["issue_report", "request", "feedback", "proposal"];
const byType = (a: { type: string }, b: { type: string }) =>
  TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type);

function rowsOf(
  rows: (typeof slaStandards.$inferSelect)[],
  categoryName: (id: number) => LocalizedText | undefined,
): StandardRow[] {
  return rows
    .map((r) => ({
      type: r.type,
      category: r.categoryId === null ? undefined : categoryName(r.categoryId),
      priority: r.priority ?? undefined,
      standard: {
        unit: r.unit as Standard["unit"],
        ackWithin: r.ackWithin,
        firstResponseWithin: r.firstResponseWithin,
        resolutionWithin: r.resolutionWithin,
      },
      note: r.note,
    }))
    .sort(byType);
}

export async function loadProcedures(db: Db, municipalityId: number | undefined): Promise<ProceduresData> {
  const reference = await referenceData(db);
  const [national, nationalStandards, reasons] = await Promise.all([
    db
      .select()
      .from(categories)
      .where(and(isNull(categories.municipalityId), eq(categories.active, true))),
    db.select().from(slaStandards).where(isNull(slaStandards.municipalityId)),
    db.select().from(reasonCodes).where(eq(reasonCodes.active, true)),
  ]);
  const categoryName = (id: number) => reference.category(id)?.name;
  const asStandard = (c: typeof categories.$inferSelect): CategoryStandard => ({
    id: c.id,
    code: c.code,
    type: c.type,
    name: c.name,
    standard: categoryStandard(c),
  });
  let municipality: MunicipalProcedures | undefined;
  const m = municipalityId === undefined ? undefined : reference.municipalityById(municipalityId);
  if (m) {
    const [deps, own, standards, switches] = await Promise.all([
      db
        .select({ code: departments.code, name: departments.name })
        .from(departments)
        .where(eq(departments.municipalityId, m.id))
        .orderBy(departments.code),
      db
        .select()
        .from(categories)
        .where(and(eq(categories.municipalityId, m.id), eq(categories.active, true))),
      db.select().from(slaStandards).where(eq(slaStandards.municipalityId, m.id)),
      db
        .select({ categoryId: municipalityCategories.categoryId })
        .from(municipalityCategories)
        .where(
          and(eq(municipalityCategories.municipalityId, m.id), eq(municipalityCategories.enabled, false)),
        ),
    ]);
    municipality = {
      id: m.id,
      slug: m.slug,
      name: m.name,
      departments: deps,
      standards: rowsOf(standards, categoryName),
      ownCategories: own.map(asStandard).sort(byType),
      switchedOff: switches.flatMap((s) => {
        const name = categoryName(s.categoryId);
        return name ? [name] : [];
      }),
    };
  }
  return {
    categories: national.map(asStandard).sort(byType),
    nationalRows: rowsOf(nationalStandards, categoryName),
    reasons: reasons.map((r) => ({ code: r.code, appliesTo: r.appliesTo, name: r.name })),
    municipality,
  };
}
