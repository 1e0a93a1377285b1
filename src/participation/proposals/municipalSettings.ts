// A municipality's own participation rules (municipal admin, "municipality.configure"): the proposal
// window and threshold, the registered voters a normative act's threshold is counted from, whether only
// verified identities may support, and the consultation minimum, never below the national one. Its own
// row replaces the national row whole, so the values it does not set here (the normative share, fixed by
// law) are carried over from the rules in force. Saved as one upsert on the scope's unique key, audited.
import { sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { appendAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/client.ts";
import { participationSettings } from "../../db/schema.ts";
import { type ParticipationState, subjectOf } from "../../standards/model.ts";
import { pendingChange } from "../../standards/recordChange.ts";
import { participationSettingsFor } from "../settings.ts";

export interface MunicipalParticipationInput {
  proposalWindowDays: number;
  proposalThreshold: number;
  registeredVoters: number | null;
  supportRequiresVerified: boolean;
  consultationMinDays: number;
}

export type SettingsResult =
  | { ok: true }
  | { ok: false; reason: "below_national_minimum"; minimum: number }
  /** Below the national minimum a change already decided sets from a later day (issue 9). */
  | { ok: false; reason: "below_pending_minimum"; minimum: number; appliesFrom: string };

export async function saveMunicipalParticipation(
  db: Db,
  input: MunicipalParticipationInput & {
    municipalityId: number;
    actorId: string;
    now: Date;
    ip?: string | undefined;
  },
): Promise<SettingsResult> {
  const national = await participationSettingsFor(db, null);
  if (input.consultationMinDays < national.consultationMinDays)
    return { ok: false, reason: "below_national_minimum", minimum: national.consultationMinDays };
  // A longer national minimum decided for a later day binds too: accepted now, the municipality's own rules
  // (which replace the national ones whole) would fall below the law's minimum on that day.
  const coming = await pendingChange(db, "participation", subjectOf.participation());
  const minimum = (coming?.after as ParticipationState | null | undefined)?.consultationMinDays;
  if (coming && minimum !== undefined && input.consultationMinDays < minimum)
    return { ok: false, reason: "below_pending_minimum", minimum, appliesFrom: coming.appliesFrom };
  const current = await participationSettingsFor(db, input.municipalityId);
  await db.transaction(async (tx) => {
    const values: [PgColumn, unknown][] = [
      [participationSettings.consultationMinDays, input.consultationMinDays],
      [participationSettings.proposalWindowDays, input.proposalWindowDays],
      [participationSettings.proposalThreshold, input.proposalThreshold],
      [participationSettings.normativeThresholdPercent, current.normativeThresholdPercent],
      [participationSettings.registeredVoters, input.registeredVoters],
      [participationSettings.supportRequiresVerified, input.supportRequiresVerified],
      [participationSettings.updatedBy, input.actorId],
      [participationSettings.updatedAt, input.now.toISOString()],
    ];
    const name = (c: PgColumn) => sql.identifier(c.name);
    // One statement on the scope's unique key (the municipality; the national row counts as 0), so two
    // admins saving at once both succeed, the later one's values kept. Drizzle's upsert takes columns
    // only, not the key's expression: the statement is written here, its names taken from the schema.
    await tx.execute(sql`
      insert into ${participationSettings} (${name(participationSettings.municipalityId)}, ${sql.join(
        values.map(([c]) => name(c)),
        sql`, `,
      )})
      values (${input.municipalityId}, ${sql.join(
        values.map(([c, v]) => sql`${v}::${sql.raw(c.getSQLType())}`),
        sql`, `,
      )})
      on conflict ((coalesce(${name(participationSettings.municipalityId)}, 0))) do update set ${sql.join(
        values.map(([c]) => sql`${name(c)} = excluded.${name(c)}`),
        sql`, `,
      )}`);
    await appendAudit(tx, {
      at: input.now,
      actorId: input.actorId,
      action: "participation.settings_saved",
      subjectType: "municipality",
      subjectId: String(input.municipalityId),
      municipalityId: input.municipalityId,
      ip: input.ip ?? null,
      data: {
        proposalWindowDays: input.proposalWindowDays,
        proposalThreshold: input.proposalThreshold,
        registeredVoters: input.registeredVoters,
        supportRequiresVerified: input.supportRequiresVerified,
        consultationMinDays: input.consultationMinDays,
      },
    });
  });
  return { ok: true };
}
