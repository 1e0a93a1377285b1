// The participation rules that apply to a municipality: its own row of participation_settings when it
// has one, else the national row (seeded from the profile; the ministry's to change).
import { eq, isNull, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { participationSettings } from "../db/schema.ts";

export type ParticipationSettings = typeof participationSettings.$inferSelect;

/** The rules for a municipality (or the national ones when `municipalityId` is null). */
export async function participationSettingsFor(
  db: Pick<Db, "select">,
  municipalityId: number | null,
): Promise<ParticipationSettings> {
  const rows = await db
    .select()
    .from(participationSettings)
    .where(
      municipalityId === null
        ? isNull(participationSettings.municipalityId)
        : or(
            isNull(participationSettings.municipalityId),
            eq(participationSettings.municipalityId, municipalityId),
          ),
    );
  const own = rows.find((r) => r.municipalityId !== null);
  const national = rows.find((r) => r.municipalityId === null);
  const found = own ?? national;
  if (!found) throw new Error("No national participation settings: run the reference seed.");
  // The national consultation minimum is the law's: a municipality's own row below it (left there by a
  // national change that applied later, src/standards/appliedConflicts.ts) is held to it, as a looser
  // response standard is by resolveStandard.
  if (own && national && own.consultationMinDays < national.consultationMinDays)
    return { ...own, consultationMinDays: national.consultationMinDays };
  return found;
}
