// What a national change would do to the municipalities' own, stricter settings (issue 9): a municipality
// may only tighten a response standard (sla.ts checkTighter) and may only lengthen the consultation
// minimum, so a national change that leaves a municipality's setting on the wrong side is refused, naming
// the municipality and the clocks. Pure: the rules and the municipalities' settings come from the caller.
import {
  CLOCKS,
  type ClockName,
  checkTighter,
  type Priority,
  resolveStandard,
  ruleFor,
  type Standard,
  type StandardRule,
} from "../cases/sla.ts";
import type { LocalizedText } from "../db/schema.ts";

const AMOUNT_OF: Record<ClockName, "ackWithin" | "firstResponseWithin" | "resolutionWithin"> = {
  ack: "ackWithin",
  firstResponse: "firstResponseWithin",
  resolution: "resolutionWithin",
};
/** Larger than any amount a form accepts: a clock set to it never decides a comparison. */
const UNBOUNDED = 1_000_000;

/**
 * The clocks on which `candidate` could give a later deadline than `national` (sla.ts checkTighter says
 * only the first). Each clock is checked alone: the others are set so that they always pass.
 */
export function looserClocks(national: Standard, candidate: Standard): ClockName[] {
  return CLOCKS.filter((clock) => {
    const n = { ...national };
    const c = { ...candidate };
    for (const other of CLOCKS) {
      if (other === clock) continue;
      n[AMOUNT_OF[other]] = UNBOUNDED;
      c[AMOUNT_OF[other]] = 0;
    }
    return !checkTighter(n, c).ok;
  });
}

/**
 * The national standard a municipality's own rule for a category is held to, as the municipal admin page
 * holds it: with no priority, the national rule without a priority; with one, the national standard that
 * applies to cases of that priority.
 */
export function nationalStandardFor(
  national: readonly StandardRule[],
  key: { type: string; category: string },
  priority: Priority | null,
): Standard | undefined {
  if (priority === null)
    return ruleFor(
      national.filter((r) => r.priority === undefined),
      { ...key, priority: "normal" },
    )?.standard;
  return resolveStandard({ national }, { ...key, priority })?.standard;
}

/** A municipality's own response standard for a category (a row of sla_standards with its municipality). */
export interface MunicipalStandard {
  municipalityId: number;
  municipality: LocalizedText;
  priority: Priority | null;
  standard: Standard;
}

export interface SlaConflict {
  municipalityId: number;
  municipality: LocalizedText;
  priority: Priority | null;
  /** The clocks on which the municipality's standard would be longer than the national one. */
  clocks: ClockName[];
  own: Standard;
  national: Standard;
}

/**
 * The municipalities whose own standard for the category the change would leave looser than the national
 * one. A rule already looser before the change (left by an earlier national change dated ahead, say) is
 * not held against this change: it is ignored when standards are resolved either way.
 */
export function slaConflicts(input: {
  key: { type: string; category: string };
  before: readonly StandardRule[];
  after: readonly StandardRule[];
  municipal: readonly MunicipalStandard[];
}): SlaConflict[] {
  const conflicts: SlaConflict[] = [];
  for (const m of input.municipal) {
    const after = nationalStandardFor(input.after, input.key, m.priority);
    if (!after) continue;
    const clocks = looserClocks(after, m.standard);
    if (clocks.length === 0) continue;
    const before = nationalStandardFor(input.before, input.key, m.priority);
    if (before && looserClocks(before, m.standard).length > 0) continue;
    conflicts.push({ ...m, clocks, own: m.standard, national: after });
  }
  return conflicts;
}

/** A national change of a category's response standard still waiting for its day (null: a rule removed). */
export interface PendingSla {
  appliesFrom: string;
  priority: Priority | null;
  standard: Standard | null;
}

/**
 * The national rules of a category (its own standard first, as the admin page and referenceCache order
 * them) as they will stand once each waiting change has applied, in the order of their days.
 */
export function rulesAhead(
  rules: readonly StandardRule[],
  key: { type: string; category: string },
  pending: readonly PendingSla[],
): { appliesFrom: string; rules: StandardRule[] }[] {
  const stages: { appliesFrom: string; rules: StandardRule[] }[] = [];
  let now = [...rules];
  for (const change of [...pending].sort((a, b) => a.appliesFrom.localeCompare(b.appliesFrom))) {
    const same = (r: StandardRule) =>
      r.type === key.type && r.category === key.category && (r.priority ?? null) === change.priority;
    if (change.priority === null) {
      // The category's own standard: it stays first, only its times change.
      now = now.map((r) => (same(r) && change.standard ? { ...r, standard: change.standard } : r));
    } else {
      now = now.filter((r) => !same(r));
      if (change.standard) now.push({ ...key, priority: change.priority, standard: change.standard });
    }
    stages.push({ appliesFrom: change.appliesFrom, rules: now });
  }
  return stages;
}

/** Where a municipality's own standard would be longer than a national one already decided for a later day. */
export interface LooserAhead {
  appliesFrom: string;
  clock: ClockName;
  national: Standard;
}

/**
 * Whether a municipality's own standard for a category (and priority, or none) would be looser than the
 * national standard on the day of a waiting change: the first such day and clock. A municipality may only
 * tighten, and on that day the change would leave its rule looser — resolveStandard would then drop it.
 */
export function looserAhead(input: {
  key: { type: string; category: string };
  rules: readonly StandardRule[];
  pending: readonly PendingSla[];
  priority: Priority | null;
  own: Standard;
}): LooserAhead | undefined {
  for (const stage of rulesAhead(input.rules, input.key, input.pending)) {
    const national = nationalStandardFor(stage.rules, input.key, input.priority);
    if (!national) continue;
    const checked = checkTighter(national, input.own);
    if (!checked.ok) return { appliesFrom: stage.appliesFrom, clock: checked.clock, national };
  }
  return undefined;
}

export interface ParticipationConflict {
  municipalityId: number;
  municipality: LocalizedText;
  consultationMinDays: number;
}

/**
 * The municipalities whose own consultation minimum would be shorter than the national one: the law's
 * minimum binds them, so their own rules may only keep consultations open longer. As for standards, a
 * municipality already below the old minimum is not held against the change.
 */
export function participationConflicts(
  national: { before: number; after: number },
  own: readonly ParticipationConflict[],
): ParticipationConflict[] {
  return own.filter(
    (m) => m.consultationMinDays < national.after && m.consultationMinDays >= national.before,
  );
}
