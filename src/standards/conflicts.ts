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
