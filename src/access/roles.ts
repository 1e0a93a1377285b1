// The roles of PRODUCT.md. A citizen is anyone with an account and no staff role; staff roles are scoped.

export const STAFF_ROLES = [
  "officer",
  "department_head",
  "participation_coordinator",
  "municipal_admin",
  "ministry_monitor",
  "platform_operator",
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = "visitor" | "citizen" | StaffRole;

/** What each staff role is scoped to: a department of a municipality, a municipality, or everything. */
export const ROLE_SCOPE: Record<StaffRole, "department" | "municipality" | "national"> = {
  officer: "department",
  department_head: "department",
  participation_coordinator: "municipality",
  municipal_admin: "municipality",
  ministry_monitor: "national",
  platform_operator: "national",
};

/** Roles created from the command line (or by an operator), never by a municipality's invitation. */
export const NATIONAL_ROLES = [
  "ministry_monitor",
  "platform_operator",
] as const satisfies readonly StaffRole[];
