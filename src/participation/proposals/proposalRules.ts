// The rules of a proposal that need no database: the threshold in force when it is published, when it
// stops collecting support, and the stage it is at, named once for pages, JSON and notices alike.
import { addDays, localDateOf, startOfLocalDay } from "../../calendar/zone.ts";
import type { ParticipationSettings } from "../settings.ts";

/** The category of a proposal of a normative act, whose threshold is a share of the registered voters. */
export const NORMATIVE_CATEGORY = "regulation-proposal";

export const DECISIONS = ["accepted", "rejected", "under_consideration"] as const;
export type Decision = (typeof DECISIONS)[number];

export const PROGRESS_STATUSES = ["planned", "in_progress", "completed", "stalled"] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** Where a published proposal is; `rejected` and `closed` also cover a case ended by other means. */
export const STAGES = [
  "collecting",
  "threshold_reached",
  "under_consideration",
  "accepted",
  "rejected",
  "expired",
  "closed",
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The supports a proposal needs: for a normative act, the legal share of the registered voters (Regulation
 * on municipal acts, Art. 13 pt 1.5) when the municipality has said how many there are; else its threshold.
 */
export function thresholdFor(
  settings: Pick<
    ParticipationSettings,
    "proposalThreshold" | "normativeThresholdPercent" | "registeredVoters"
  >,
  categoryCode: string,
): number {
  if (categoryCode === NORMATIVE_CATEGORY && settings.registeredVoters && settings.registeredVoters > 0)
    return Math.max(1, Math.ceil((settings.normativeThresholdPercent * settings.registeredVoters) / 100));
  return settings.proposalThreshold;
}

/** Support is collected through the end of the window's last local day (calendar days, as the law counts). */
export function supportClosesAt(publishedAt: Date, windowDays: number, timeZone: string): Date {
  return startOfLocalDay(addDays(localDateOf(publishedAt, timeZone), windowDays + 1), timeZone);
}

/** Whole days left to support, counting a part of a day as a day; 0 once closed. */
export function daysLeft(closesAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((closesAt.getTime() - now.getTime()) / 86_400_000));
}

export interface StageInput {
  caseStatus: string;
  supportClosesAt: Date;
  thresholdReachedAt: Date | null;
  expiredAt: Date | null;
  decision: string | null;
}

/** Case statuses that end a proposal as "closed" when no decision was recorded (rejected is its own stage). */
export const CLOSING_CASE_STATUSES = ["closed", "referred", "merged", "answered", "resolved"] as const;

/**
 * The stage of a published proposal at `now`: the decision first, then the case's end, then its support.
 * The lists filter by the same rule in SQL (proposalQueries.ts stageSql): change both together.
 */
export function stageOf(p: StageInput, now: Date): Stage {
  if (p.decision === "accepted" || p.decision === "rejected") return p.decision;
  if (p.caseStatus === "rejected") return "rejected";
  if (p.expiredAt) return "expired";
  // Answered or resolved without a recorded decision: staff ended it through the case's own page.
  if ((CLOSING_CASE_STATUSES as readonly string[]).includes(p.caseStatus)) return "closed";
  if (p.decision === "under_consideration") return "under_consideration";
  if (p.thresholdReachedAt) return "threshold_reached";
  // The window has passed and the expiry pass has not come yet: no longer collecting all the same.
  if (p.supportClosesAt.getTime() <= now.getTime()) return "expired";
  return "collecting";
}

/** Whether a proposal takes supports now. */
export const isCollecting = (p: StageInput, now: Date) => stageOf(p, now) === "collecting";
