// The standard operating procedures, read from the rules the system enforces rather than written again:
// who may do what comes from the policy table itself (src/access/policy.ts), asked through can() in each
// situation its grid distinguishes (src/access/policy-grid.md: own or other municipality and department,
// assigned or not, own item, public, tracking link); the lifecycle from src/cases/lifecycle.ts; the warnings
// and the escalation ladder from src/cases/sla.ts and slaTracking.ts. Pure.
import {
  ACTIONS,
  type Action,
  type Actor,
  can,
  type RoleAssignment,
  type Subject,
} from "../access/policy.ts";
import { ROLE_SCOPE, type Role, STAFF_ROLES, type StaffRole } from "../access/roles.ts";
import {
  ACTION_PERMISSION,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  TRANSITIONS,
} from "../cases/lifecycle.ts";
import { DUE_SOON_SHARE, WARNING_90_SHARE } from "../cases/sla.ts";
import { ESCALATION_LADDER } from "../cases/slaTracking.ts";
import type { CaseStatus, CaseType } from "../cases/statuses.ts";

/** Every role of the policy table: the two everyone has, then the staff roles. */
export const ALL_ROLES: readonly Role[] = ["visitor", "citizen", ...STAFF_ROLES];

/**
 * Where a grant applies, as the policy grid names it: anywhere; in the actor's municipality; cases of their
 * department; cases assigned to them; their own items; public ones; the item whose tracking link they hold;
 * a municipality not yet live (being onboarded).
 */
export const CONDITIONS = [
  "anywhere",
  "municipality",
  "department",
  "assigned",
  "own",
  "public",
  "link",
  "onboarding",
] as const;
export type Condition = (typeof CONDITIONS)[number];

const ME = "procedures-actor";
const OTHER = "someone-else";
const HOME = 1;
const AWAY = 2;
const MY_DEPARTMENT = 10;
const OTHER_DEPARTMENT = 20;

/** The subject of each situation: everything else about it is someone else's, elsewhere, and private. */
const SITUATIONS: Record<Condition, Subject> = {
  anywhere: {
    municipalityId: AWAY,
    departmentId: OTHER_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: OTHER,
    isPublic: false,
  },
  municipality: {
    municipalityId: HOME,
    departmentId: OTHER_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: OTHER,
    isPublic: false,
  },
  department: {
    municipalityId: HOME,
    departmentId: MY_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: OTHER,
    isPublic: false,
  },
  assigned: {
    municipalityId: HOME,
    departmentId: OTHER_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: ME,
    isPublic: false,
  },
  own: {
    municipalityId: AWAY,
    departmentId: OTHER_DEPARTMENT,
    ownerId: ME,
    assigneeId: OTHER,
    isPublic: false,
  },
  public: {
    municipalityId: AWAY,
    departmentId: OTHER_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: OTHER,
    isPublic: true,
  },
  link: {
    municipalityId: AWAY,
    departmentId: OTHER_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: OTHER,
    isPublic: false,
    trackingLinkHeld: true,
  },
  onboarding: {
    municipalityId: AWAY,
    departmentId: OTHER_DEPARTMENT,
    ownerId: OTHER,
    assigneeId: OTHER,
    isPublic: false,
    municipalityLive: false,
  },
};

/** Someone holding only this role (a staff role where its scope puts it: a department of a municipality, one, or none). */
function actorOf(role: Role): Actor {
  if (role === "visitor") return { kind: "visitor" };
  const roles: RoleAssignment[] =
    role === "citizen"
      ? []
      : [
          {
            role,
            municipalityId: ROLE_SCOPE[role] === "national" ? null : HOME,
            departmentId: ROLE_SCOPE[role] === "department" ? MY_DEPARTMENT : null,
          },
        ];
  return { kind: "user", userId: ME, identityLevel: "verified", roles };
}

/** The role every holder of this one also is: a staff member has an account (citizen), a citizen is a visitor. */
const BELOW: Record<Role, Role | undefined> = {
  visitor: undefined,
  citizen: "visitor",
  ...(Object.fromEntries(STAFF_ROLES.map((r) => [r, "citizen"])) as Record<StaffRole, Role>),
};

/**
 * The situations in which the role lets its holder take the action, beyond what the role below already
 * allows (so an officer's list is what being an officer adds, as in the policy grid); "anywhere" alone when
 * it applies everywhere, and a municipality without its departments' and assignments' finer cases.
 */
export function conditionsOf(role: Role, action: Action): Condition[] {
  const actor = actorOf(role);
  const below = BELOW[role];
  const base = below ? actorOf(below) : undefined;
  const holds = (c: Condition) => {
    if (!can(actor, action, SITUATIONS[c])) return false;
    // The pseudo-roles under a staff role are asked as the same person (their own items are the same ones).
    if (!base) return true;
    const asBase: Actor = base.kind === "user" ? { ...base, userId: ME } : base;
    return !can(asBase, action, SITUATIONS[c]);
  };
  const found = CONDITIONS.filter(holds);
  if (found.includes("anywhere")) return ["anywhere"];
  if (found.includes("municipality")) return found.filter((c) => c !== "department" && c !== "assigned");
  return found;
}

export interface RolePermissions {
  role: Role;
  /** Where a staff role is held: a department, a municipality, or nationally; none for the pseudo-roles. */
  scope: "department" | "municipality" | "national" | undefined;
  actions: { action: Action; conditions: Condition[] }[];
}

/** What each role may do, in the policy table's order of actions. */
export function rolePermissions(): RolePermissions[] {
  return ALL_ROLES.map((role) => ({
    role,
    scope: role === "visitor" || role === "citizen" ? undefined : ROLE_SCOPE[role],
    actions: ACTIONS.flatMap((action) => {
      const conditions = conditionsOf(role, action);
      return conditions.length > 0 ? [{ action, conditions }] : [];
    }),
  }));
}

/** Who may take an action, and where: every role whose own grant covers it (not only what it adds). */
export function whoMay(action: Action): { role: Role; conditions: Condition[] }[] {
  return ALL_ROLES.flatMap((role) => {
    const conditions = conditionsOf(role, action);
    return conditions.length > 0 ? [{ role, conditions }] : [];
  });
}

export interface LifecycleStep {
  action: LifecycleAction;
  from: readonly CaseStatus[];
  to: CaseStatus;
  /** Only for these types; none: every type. */
  types: readonly CaseType[] | undefined;
  /** The kind of national reason code it takes, and whether one is required. */
  reason: string | undefined;
  reasonRequired: boolean;
  permission: Action;
  who: { role: Role; conditions: Condition[] }[];
}

/** The national lifecycle, step by step, with who may take each step. */
export function lifecycleSteps(): LifecycleStep[] {
  return LIFECYCLE_ACTIONS.map((action) => {
    const rule = TRANSITIONS[action];
    const permission = ACTION_PERMISSION[action];
    return {
      action,
      from: rule.from,
      to: rule.to,
      types: rule.types,
      reason: rule.reason,
      reasonRequired: rule.reasonRequired === true,
      permission,
      who: whoMay(permission),
    };
  });
}

/** When the running clock warns (shares of the time allowed) and how a breach climbs the ladder. */
export const SLA_MARKS = {
  dueSoonPercent: Math.round(DUE_SOON_SHARE * 100),
  warningPercent: Math.round(WARNING_90_SHARE * 100),
  ladder: ESCALATION_LADDER.map((rung) => ({
    level: rung.level,
    to: rung.to as StaffRole,
    afterWorkingDays: rung.afterWorkingDays,
  })),
};
