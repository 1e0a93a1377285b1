// THE policy table of E-Komuna: who may do what, on what. Pure: no HTTP, no database; callers load the
// actor and describe the subject. Every rule here is checked by policy.test.ts against the hand-written
// grid in policy-grid.md: change both together, and only when the product decision changes.
import type { Role, StaffRole } from "./roles.ts";

export interface RoleAssignment {
  role: StaffRole;
  municipalityId: number | null;
  departmentId: number | null;
}

export type Actor =
  | { kind: "visitor" }
  | {
      kind: "user";
      userId: string;
      identityLevel: "basic" | "verified";
      roles: readonly RoleAssignment[];
    };

/** What an action is about. Absent fields mean "not applicable". */
export interface Subject {
  municipalityId?: number; // the municipality the thing belongs to
  departmentId?: number | null; // the department a case is assigned to (null = not yet assigned)
  ownerId?: string | null; // the account that submitted/owns it (a case's submitter, a comment's author)
  assigneeId?: string | null; // the officer a case is assigned to
  isPublic?: boolean; // a case's or item's visibility
  /** The request carries the item's private tracking link token, checked by the caller (a case's anonymous submitter). */
  trackingLinkHeld?: boolean;
  /** Whether the municipality has gone live (municipalities.live_at set); absent: not known, so not "not yet live". */
  municipalityLive?: boolean;
}

/** Every action and its one-line meaning; ACTIONS lists the keys in this order. */
export const DESCRIPTIONS = {
  // Public and citizen
  "case.view_public": "Read a public case and its public timeline",
  "case.view_private": "Read a non-public case (the citizen's view of it)",
  "case.submit": "Submit a case (anonymous input per category is checked elsewhere)",
  "case.follow": "Follow a case to be notified of its progress",
  "case.add_information": "Add information to one's own case",
  "case.reopen": "Reopen one's own closed case",
  "case.rate": "Rate the answer to one's own case",
  "proposal.submit": "Submit a proposal to the municipality",
  "proposal.support": "Support a proposal (a verified-identity requirement is checked elsewhere)",
  "consultation.comment": "Comment in a public consultation",
  "comment.report_abuse": "Report a comment as abusive",
  "account.manage_own": "Manage one's own account",
  // Staff, on cases (subject = the case, or the municipality where stated)
  "case.view_staff": "Read a case's full timeline and internal notes",
  "case.view_personal_data": "See the personal data of a case's submitter",
  "case.acknowledge": "Acknowledge receipt of a case",
  "case.request_information": "Ask the submitter for more information",
  "case.answer": "Answer a case",
  "case.change_status": "Change a case's status",
  "case.add_internal_note": "Add an internal note to a case",
  "case.assign": "Assign a case to a department or officer",
  "case.set_priority": "Set a case's priority",
  "case.refer": "Refer a case to another institution",
  "case.merge": "Merge duplicate cases",
  "case.redact": "Redact the public text of a case",
  "case.set_visibility": "Make a case public or private",
  "case.enter_assisted": "Enter a case from the counter, the phone or paper (subject = the municipality)",
  "case.export_personal": "Export the inbox as CSV with personal data (subject = the municipality)",
  "case.ministry_action": "Send a reminder or a note on an escalated case",
  // Workspace and municipal administration (subject = the municipality)
  "workspace.view": "Open the municipal staff workspace",
  "department.manage": "Create and edit departments",
  "category.configure": "Configure case categories",
  "routing.manage": "Manage the routing rules from categories to departments",
  "sla.tighten": "Shorten the answer deadlines below the national standard",
  "municipality.configure": "Configure the municipality's settings",
  "staff.invite": "Invite staff members",
  "staff.manage_roles": "Grant and revoke staff roles",
  "template.manage": "Manage answer templates",
  "webhook.manage": "Manage webhooks",
  "consultation.manage": "Create and run consultations",
  "consultation.moderate": "Moderate consultation comments",
  "meeting.manage": "Manage public meetings",
  "proposal.moderate": "Moderate proposals",
  "proposal.answer": "Answer proposals formally",
  "consultation.disposition": "Record how each consultation comment was taken into account",
  "statistics.view_internal": "See internal statistics",
  "audit.view": "Read the audit log",
  // Ministry and platform (no subject)
  "ministry.dashboard": "Open the ministry's monitoring dashboard",
  "ministry.reports": "Produce the ministry's reports",
  "standards.manage": "Manage the national service standards",
  "municipality.onboard": "Bring a municipality onto the platform",
  "platform.settings": "Change the platform settings",
  "api_client.manage": "Manage API clients",
  "outbox.view_dead": "See undeliverable outgoing messages",
  "admin.create_national": "Create national (ministry and operator) accounts",
} as const satisfies Record<string, string>;

export type Action = keyof typeof DESCRIPTIONS;
export const ACTIONS: readonly Action[] = Object.freeze(Object.keys(DESCRIPTIONS) as Action[]);

// ── Scopes: the condition under which a role's grant applies. `held` = the actor's assignments of the role
// being checked (empty for the pseudo-roles visitor and citizen).
type Scope = (actor: Actor, subject: Subject, held: readonly RoleAssignment[]) => boolean;

const userIdOf = (actor: Actor) => (actor.kind === "user" ? actor.userId : undefined);
const sameMunicipality = (a: RoleAssignment, s: Subject) =>
  s.municipalityId !== undefined && a.municipalityId === s.municipalityId;

/** No condition. */
const anyone: Scope = () => true;
/** Only public things. */
const publicOnly: Scope = (_actor, s) => s.isPublic === true;
/** Only the actor's own things (cases they submitted, their comments, their account). */
const own: Scope = (actor, s) => s.ownerId != null && s.ownerId === userIdOf(actor);
/** The holder of a case's private tracking link: whoever submitted it, with or without an account. */
const trackingLink: Scope = (_actor, s) => s.trackingLinkHeld === true;
/** The actor's own things, or public ones. */
const ownOrPublic: Scope = (actor, s, held) => own(actor, s, held) || publicOnly(actor, s, held);
/** Things of a municipality where the actor holds the role. */
const ownMunicipality: Scope = (_actor, s, held) => held.some((a) => sameMunicipality(a, s));
/** Cases of a department where the actor holds the role; an unassigned case is in nobody's department. */
const ownDepartment: Scope = (_actor, s, held) =>
  s.departmentId != null && held.some((a) => sameMunicipality(a, s) && a.departmentId === s.departmentId);
/**
 * A municipality still being onboarded (not yet live), as the caller states it: the ministry and the operator
 * set it up until it goes live, and its own admins take over from then on.
 */
const notYetLive: Scope = (_actor, s) => s.municipalityLive === false;
/** Cases of the own department, or assigned to the actor personally in a municipality where they hold the role. */
const ownDepartmentOrAssigned: Scope = (actor, s, held) =>
  ownDepartment(actor, s, held) ||
  (s.assigneeId != null && s.assigneeId === userIdOf(actor) && ownMunicipality(actor, s, held));

// ── The table. Every actor has the pseudo-role `visitor`; every account also has `citizen`; a user with
// several role assignments gets the union of their grants. Anything not allowed here is refused.
interface Grant {
  roles: readonly Role[];
  actions: readonly Action[];
  scope: Scope;
}
const allow = (roles: Role | readonly Role[], actions: readonly Action[], scope: Scope): Grant => ({
  roles: typeof roles === "string" ? [roles] : roles,
  actions,
  scope,
});

const HANDLERS = ["officer", "department_head"] as const satisfies readonly Role[];
const CASE_WORK = [
  "case.acknowledge",
  "case.request_information",
  "case.answer",
  "case.change_status",
  "case.add_internal_note",
] as const satisfies readonly Action[];
const CASE_STEERING = [
  "case.assign",
  "case.set_priority",
  "case.refer",
  "case.merge",
  "case.redact",
] as const satisfies readonly Action[];
const MUNICIPAL_STAFF = [
  "officer",
  "department_head",
  "participation_coordinator",
  "municipal_admin",
] as const satisfies readonly Role[];
const MUNICIPAL_SETUP = [
  "department.manage",
  "category.configure",
  "routing.manage",
  "sla.tighten",
  "municipality.configure",
] as const satisfies readonly Action[];
const PARTICIPATION = [
  "consultation.manage",
  "consultation.moderate",
  "meeting.manage",
  "proposal.moderate",
  "proposal.answer",
] as const satisfies readonly Action[];

const GRANTS: readonly Grant[] = [
  // Public and citizen
  allow("visitor", ["case.view_public"], publicOnly),
  allow("citizen", ["case.view_private"], own),
  allow("visitor", ["case.view_private", "case.add_information", "case.reopen", "case.rate"], trackingLink),
  allow(HANDLERS, ["case.view_private"], ownDepartmentOrAssigned),
  allow(["participation_coordinator", "municipal_admin"], ["case.view_private"], ownMunicipality),
  allow("visitor", ["case.submit"], anyone),
  allow("citizen", ["case.follow"], ownOrPublic),
  allow("citizen", ["case.add_information", "case.reopen", "case.rate", "account.manage_own"], own),
  allow("citizen", ["proposal.submit", "proposal.support"], anyone),
  allow("citizen", ["consultation.comment", "comment.report_abuse"], anyone),
  // Staff, on cases
  allow(HANDLERS, ["case.view_staff"], ownDepartmentOrAssigned),
  allow(["participation_coordinator", "municipal_admin"], ["case.view_staff"], ownMunicipality),
  allow("ministry_monitor", ["case.view_staff"], anyone),
  allow(HANDLERS, ["case.view_personal_data", ...CASE_WORK], ownDepartmentOrAssigned),
  allow("participation_coordinator", ["case.view_personal_data", ...CASE_WORK], ownMunicipality),
  allow("department_head", CASE_STEERING, ownDepartment),
  allow("participation_coordinator", CASE_STEERING, ownMunicipality),
  allow("participation_coordinator", ["case.set_visibility", "case.export_personal"], ownMunicipality),
  allow([...HANDLERS, "participation_coordinator"], ["case.enter_assisted"], ownMunicipality),
  allow("ministry_monitor", ["case.ministry_action"], anyone),
  // Workspace and municipal administration
  allow(MUNICIPAL_STAFF, ["workspace.view", "statistics.view_internal"], ownMunicipality),
  allow("municipal_admin", MUNICIPAL_SETUP, ownMunicipality),
  allow("municipal_admin", ["staff.invite", "staff.manage_roles", "webhook.manage"], ownMunicipality),
  allow("platform_operator", ["staff.manage_roles", "webhook.manage"], anyone),
  // Until a municipality goes live the ministry and the operator seed its staff (its first admin above all);
  // from then on its own admins invite.
  allow(["ministry_monitor", "platform_operator"], ["staff.invite"], notYetLive),
  allow(["municipal_admin", "participation_coordinator"], ["template.manage"], ownMunicipality),
  allow("participation_coordinator", [...PARTICIPATION, "consultation.disposition"], ownMunicipality),
  allow("department_head", ["consultation.disposition"], ownMunicipality),
  allow("ministry_monitor", ["statistics.view_internal"], anyone),
  allow("municipal_admin", ["audit.view"], ownMunicipality),
  allow(["ministry_monitor", "platform_operator"], ["audit.view"], anyone),
  // Ministry and platform
  allow("ministry_monitor", ["ministry.dashboard", "ministry.reports", "standards.manage"], anyone),
  allow(["ministry_monitor", "platform_operator"], ["municipality.onboard"], anyone),
  allow("platform_operator", ["platform.settings", "api_client.manage"], anyone),
  allow("platform_operator", ["outbox.view_dead", "admin.create_national"], anyone),
];

/** The table indexed by action: which role may take it under which scope. */
const BY_ACTION = new Map<string, { role: Role; scope: Scope }[]>();
for (const grant of GRANTS) {
  for (const action of grant.actions) {
    const rows = BY_ACTION.get(action) ?? [];
    for (const role of grant.roles) rows.push({ role, scope: grant.scope });
    BY_ACTION.set(action, rows);
  }
}

/** Whether the actor may take the action on the subject. Unknown actions are refused. */
export function can(actor: Actor, action: Action, subject: Subject = {}): boolean {
  const rows = BY_ACTION.get(action) ?? [];
  return rows.some(({ role, scope }) => {
    if (role === "visitor") return scope(actor, subject, []);
    if (actor.kind !== "user") return false;
    if (role === "citizen") return scope(actor, subject, []);
    const held = actor.roles.filter((a) => a.role === role);
    return held.length > 0 && scope(actor, subject, held);
  });
}

export class NotAllowedError extends Error {
  override readonly name = "NotAllowedError";
  readonly action: Action;
  constructor(action: Action) {
    super(`Not allowed: ${action}`);
    this.action = action;
  }
}

/** Returns when the actor may take the action; throws NotAllowedError otherwise. */
export function authorize(actor: Actor, action: Action, subject?: Subject): void {
  if (!can(actor, action, subject)) throw new NotAllowedError(action);
}

/** For pages: which of these actions the actor may take on the subject (to decide which buttons to show). */
export function allowedActions(actor: Actor, actions: readonly Action[], subject?: Subject): Action[] {
  return actions.filter((action) => can(actor, action, subject));
}
