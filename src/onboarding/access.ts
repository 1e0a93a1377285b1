// Who may do what in onboarding, from the policy table (policy.ts): the ministry and the platform operator
// onboard any municipality (`municipality.onboard`); a municipality's own admin does the municipal parts
// with the actions it already holds there. The pilot flag is the ministry's choice alone.
import { type Actor, can } from "../access/policy.ts";

/** The ministry's list of every municipality, and the pilot flag. */
export const mayOnboard = (actor: Actor) => can(actor, "municipality.onboard");

/** The checklist, going live and offline, and the languages. */
export const mayConfigure = (actor: Actor, municipalityId: number) =>
  mayOnboard(actor) || can(actor, "municipality.configure", { municipalityId });

/** Which national categories the municipality receives. */
export const mayChooseCategories = (actor: Actor, municipalityId: number) =>
  mayOnboard(actor) || can(actor, "category.configure", { municipalityId });

/**
 * Importing staff invites people and gives roles: both rights on the municipality (its admin, the
 * operator). The invitation command itself asks for `staff.invite`, so the ministry does not import.
 */
export const mayImportStaff = (actor: Actor, municipalityId: number) =>
  can(actor, "staff.invite", { municipalityId }) && can(actor, "staff.manage_roles", { municipalityId });
