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
 * Importing staff sends invitations (a role is given only when one is accepted): `staff.invite` on the
 * municipality — its admins; the ministry and the operator while it is not yet live, so that they can seed
 * its first administrator. Given the id alone, whether it is live is not known: its admins only.
 */
export const mayImportStaff = (actor: Actor, m: number | { id: number; liveAt: Date | null }) =>
  can(
    actor,
    "staff.invite",
    typeof m === "number"
      ? { municipalityId: m }
      : { municipalityId: m.id, municipalityLive: m.liveAt !== null },
  );
