// The onboarding checklist (issue 9): what a municipality still lacks before it goes live. Its set-up is
// read in a handful of grouped queries for one municipality or all of them (the ministry's list of 38 asks
// the same few), then judged by the pure `checklistOf`, which the pages and the go-live command share.
import { and, count, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { CASE_TYPES, type CaseType } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import {
  categories,
  departments,
  emailTokens,
  type LocalizedText,
  municipalities,
  municipalityCategories,
  roleAssignments,
  users,
} from "../db/schema.ts";
import { loadRoutingRules, routeCase } from "../workspace/routing.ts";
import { requiredByLaw } from "./chooseLanguages.ts";

/** The national official languages: always offered, whatever a municipality chooses. */
export const OFFICIAL_LANGUAGES = ["sq", "sr"] as const;
/** The types a municipality must receive at least one category of (proposals are optional). */
export const REQUIRED_TYPES = ["issue_report", "request", "feedback"] as const satisfies readonly CaseType[];

export interface DepartmentSetup {
  id: number;
  code: string;
  name: LocalizedText;
  heads: number;
  officers: number;
}

export interface CategoryRef {
  id: number;
  code: string;
  type: string;
  name: LocalizedText;
}

/** What the checklist looks at, for one municipality. */
export interface MunicipalSetup {
  municipalityId: number;
  languages: readonly string[];
  /** Those it must offer: the national official languages and those the law makes official in it. */
  requiredLanguages: readonly string[];
  departments: DepartmentSetup[];
  coordinators: number;
  admins: number;
  /** Invitations into this municipality's roles sent and not yet accepted (nor expired). */
  pendingInvitations: number;
  /** Enabled categories (national and the municipality's own) by type. */
  enabledByType: Record<CaseType, number>;
  /** Enabled categories that no routing rule sends anywhere in the municipality: the coordinator gets them. */
  unrouted: CategoryRef[];
}

export type ChecklistItem =
  | { id: "departments"; done: boolean; count: number }
  | {
      id: "departmentStaff";
      done: boolean;
      withoutHead: DepartmentSetup[];
      withoutOfficer: DepartmentSetup[];
      pendingInvitations: number;
    }
  | { id: "coordinator"; done: boolean; count: number }
  | { id: "admin"; done: boolean; count: number }
  | { id: "categories"; done: boolean; missingTypes: CaseType[] }
  | { id: "routing"; done: boolean; unrouted: CategoryRef[]; enabled: number }
  | { id: "languages"; done: boolean; languages: readonly string[]; missing: readonly string[] };

export type ItemId = ChecklistItem["id"];
export const ITEM_IDS: readonly ItemId[] = [
  "departments",
  "departmentStaff",
  "coordinator",
  "admin",
  "categories",
  "routing",
  "languages",
];

/**
 * The checklist of a municipality's set-up, in the order a municipality works through it. Routing is done
 * when every enabled category has a rule or a coordinator exists to receive what none routes: a small
 * municipality may well send everything to its coordinator.
 */
export function checklistOf(s: MunicipalSetup): ChecklistItem[] {
  const withoutHead = s.departments.filter((d) => d.heads === 0);
  const withoutOfficer = s.departments.filter((d) => d.officers === 0);
  const missingTypes = REQUIRED_TYPES.filter((t) => s.enabledByType[t] === 0);
  return [
    { id: "departments", done: s.departments.length > 0, count: s.departments.length },
    {
      id: "departmentStaff",
      done: s.departments.length > 0 && withoutHead.length === 0 && withoutOfficer.length === 0,
      withoutHead,
      withoutOfficer,
      pendingInvitations: s.pendingInvitations,
    },
    { id: "coordinator", done: s.coordinators > 0, count: s.coordinators },
    { id: "admin", done: s.admins > 0, count: s.admins },
    { id: "categories", done: missingTypes.length === 0, missingTypes },
    {
      id: "routing",
      done: s.unrouted.length === 0 || s.coordinators > 0,
      unrouted: s.unrouted,
      enabled: Object.values(s.enabledByType).reduce((a, b) => a + b, 0),
    },
    {
      id: "languages",
      done: s.requiredLanguages.every((l) => s.languages.includes(l)),
      languages: s.languages,
      missing: s.requiredLanguages.filter((l) => !s.languages.includes(l)),
    },
  ];
}

/** How far a checklist is: items done of all. */
export const progressOf = (items: readonly ChecklistItem[]) => ({
  done: items.filter((i) => i.done).length,
  total: items.length,
});

/** The items still missing (what a refused go-live names). */
export const missingOf = (items: readonly ChecklistItem[]): ItemId[] =>
  items.filter((i) => !i.done).map((i) => i.id);

const emptyByType = (): Record<CaseType, number> =>
  Object.fromEntries(CASE_TYPES.map((t) => [t, 0])) as Record<CaseType, number>;

/**
 * The set-up of the given municipalities (all active ones when `ids` is absent). Each query is bounded by
 * configuration (departments, staff, categories, rules), never by cases. `db` may be a transaction.
 */
export async function loadSetups(
  db: Pick<Db, "select">,
  now: Date,
  ids?: readonly number[],
): Promise<Map<number, MunicipalSetup>> {
  const only = (column: AnyPgColumn) => (ids ? inArray(column, [...ids]) : undefined);
  // One after another, not in parallel: `db` may be a transaction, which runs one statement at a time.
  const ms = await db
    .select({ id: municipalities.id, slug: municipalities.slug, languages: municipalities.languages })
    .from(municipalities)
    .where(and(eq(municipalities.active, true), only(municipalities.id)));
  const depts = await db.select().from(departments).where(only(departments.municipalityId));
  const staff = await db
    .select({
      municipalityId: roleAssignments.municipalityId,
      departmentId: roleAssignments.departmentId,
      role: roleAssignments.role,
      n: count(),
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(isNull(users.deletedAt), only(roleAssignments.municipalityId)))
    .groupBy(roleAssignments.municipalityId, roleAssignments.departmentId, roleAssignments.role);
  const cats = await db
    .select({
      id: categories.id,
      code: categories.code,
      type: categories.type,
      name: categories.name,
      municipalityId: categories.municipalityId,
    })
    .from(categories)
    .where(eq(categories.active, true));
  const switches = await db
    .select()
    .from(municipalityCategories)
    .where(and(eq(municipalityCategories.enabled, false), only(municipalityCategories.municipalityId)));
  const rules = await loadRoutingRules(db);
  const pending = await db
    .select({ municipalityId: sql<string>`${emailTokens.data} ->> 'municipalityId'`, n: count() })
    .from(emailTokens)
    .where(
      and(eq(emailTokens.purpose, "invitation"), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)),
    )
    .groupBy(sql`${emailTokens.data} ->> 'municipalityId'`);

  const off = new Set(switches.map((s) => `${s.municipalityId}:${s.categoryId}`));
  const out = new Map<number, MunicipalSetup>();
  for (const m of ms) {
    const own = depts.filter((d) => d.municipalityId === m.id);
    const held = staff.filter((r) => r.municipalityId === m.id);
    const holders = (role: string, departmentId: number | null) =>
      held
        .filter((r) => r.role === role && (departmentId === null || r.departmentId === departmentId))
        .reduce((n, r) => n + r.n, 0);
    const enabled = cats.filter(
      (c) => (c.municipalityId === null || c.municipalityId === m.id) && !off.has(`${m.id}:${c.id}`),
    );
    const enabledByType = emptyByType();
    for (const c of enabled) if (c.type in enabledByType) enabledByType[c.type as CaseType]++;
    const municipalRules = rules.get(m.id) ?? [];
    // A case without a location matches only rules without an area: a category routed only in some areas
    // still reaches the coordinator from everywhere else, so it is listed too.
    const unrouted = enabled
      .filter((c) => routeCase(municipalRules, { categoryId: c.id }) === undefined)
      .map(({ id, code, type, name }) => ({ id, code, type, name }));
    out.set(m.id, {
      municipalityId: m.id,
      languages: m.languages,
      requiredLanguages: [...OFFICIAL_LANGUAGES, ...requiredByLaw(m.slug)],
      departments: own.map((d) => ({
        id: d.id,
        code: d.code,
        name: d.name,
        heads: holders("department_head", d.id),
        officers: holders("officer", d.id),
      })),
      coordinators: holders("participation_coordinator", null),
      admins: holders("municipal_admin", null),
      pendingInvitations: pending
        .filter((p) => p.municipalityId === String(m.id))
        .reduce((n, p) => n + p.n, 0),
      enabledByType,
      unrouted,
    });
  }
  return out;
}
