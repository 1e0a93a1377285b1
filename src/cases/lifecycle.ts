// The one national case lifecycle as a pure state machine: which action may move a case from which
// status to which, and which outcomes need a national reason code of which kind. Who may take an
// action is the policy table's business (ACTION_PERMISSION maps each action to its policy action).
import type { Action as PolicyAction } from "../access/policy.ts";
import type { CaseStatus, CaseType } from "./statuses.ts";

export const LIFECYCLE_ACTIONS = [
  "acknowledge",
  "assign",
  "start",
  "request_information",
  "provide_information",
  "answer",
  "resolve",
  "reopen",
  "close",
  "withdraw",
  "reject",
  "refer",
  "merge",
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** The open statuses: the municipality still owes an answer (the SLA clocks run, or are paused). */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  "submitted",
  "acknowledged",
  "assigned",
  "in_progress",
  "awaiting_citizen",
  "reopened",
];
/** Handled but not final: the citizen may still reopen (within the reopen window) or rate it. */
export const DONE_STATUSES: readonly CaseStatus[] = ["answered", "resolved"];
/** Final. */
export const FINAL_STATUSES: readonly CaseStatus[] = ["closed", "rejected", "referred", "merged"];

const BEFORE_WORK: readonly CaseStatus[] = ["submitted", "acknowledged", "reopened"];
const IN_HAND: readonly CaseStatus[] = ["submitted", "acknowledged", "assigned", "in_progress", "reopened"];

interface Rule {
  from: readonly CaseStatus[];
  to: CaseStatus;
  /** The kind of national reason code the outcome needs (reason-codes.csv applies_to); none when absent. */
  reason?: "rejected" | "referred" | "merged" | "closed" | "resolved";
  reasonRequired?: boolean;
  /** Only for these case types. */
  types?: readonly CaseType[];
  /** Statuses of `from` the action leaves as they are (it changes who holds the case, not where it stands). */
  stays?: readonly CaseStatus[];
}

/** THE transition table. */
export const TRANSITIONS: Record<LifecycleAction, Rule> = {
  acknowledge: { from: ["submitted", "reopened"], to: "acknowledged" },
  // A case awaiting the citizen may be given to another department or officer: it keeps waiting (and its
  // clocks stay paused) until the citizen answers.
  assign: {
    from: ["submitted", "acknowledged", "assigned", "in_progress", "awaiting_citizen", "reopened"],
    to: "assigned",
    stays: ["awaiting_citizen"],
  },
  start: { from: ["acknowledged", "assigned", "reopened"], to: "in_progress" },
  request_information: {
    from: ["acknowledged", "assigned", "in_progress", "reopened"],
    to: "awaiting_citizen",
  },
  provide_information: { from: ["awaiting_citizen"], to: "in_progress" },
  // Requests, feedback and proposals are answered; issue reports are resolved.
  answer: {
    from: ["acknowledged", "assigned", "in_progress", "awaiting_citizen", "reopened"],
    to: "answered",
    types: ["request", "feedback", "proposal"],
    reason: "resolved",
  },
  resolve: {
    from: ["acknowledged", "assigned", "in_progress", "awaiting_citizen", "reopened"],
    to: "resolved",
    types: ["issue_report"],
    reason: "resolved",
  },
  reopen: { from: ["answered", "resolved"], to: "reopened" },
  close: { from: ["answered", "resolved"], to: "closed", reason: "closed" },
  withdraw: { from: [...OPEN_STATUSES], to: "closed", reason: "closed", reasonRequired: true },
  reject: {
    from: [...IN_HAND, "awaiting_citizen"],
    to: "rejected",
    reason: "rejected",
    reasonRequired: true,
  },
  refer: { from: [...IN_HAND], to: "referred", reason: "referred", reasonRequired: true },
  merge: {
    from: [...BEFORE_WORK, "assigned", "in_progress"],
    to: "merged",
    reason: "merged",
    reasonRequired: true,
  },
};

/** The policy action that decides who may take each lifecycle action. */
export const ACTION_PERMISSION: Record<LifecycleAction, PolicyAction> = {
  acknowledge: "case.acknowledge",
  assign: "case.assign",
  start: "case.change_status",
  request_information: "case.request_information",
  provide_information: "case.add_information",
  answer: "case.answer",
  resolve: "case.change_status",
  reopen: "case.reopen",
  close: "case.change_status",
  withdraw: "case.add_information",
  reject: "case.change_status",
  refer: "case.refer",
  merge: "case.merge",
};

export type TransitionRefusal =
  | "not_allowed_from_status"
  | "not_for_this_type"
  | "reason_required"
  | "reason_does_not_fit"
  | "reopen_window_passed";

export type TransitionResult = { ok: true; to: CaseStatus } | { ok: false; reason: TransitionRefusal };

export interface TransitionInput {
  status: CaseStatus;
  type: CaseType;
  /** A national reason code and the kind it applies to (from the reason_codes table). */
  reasonCode?: { code: string; appliesTo: string } | undefined;
  /** For reopen: when the case was answered or resolved, the window, and now. */
  doneAt?: Date | null;
  reopenWindowDays?: number;
  now?: Date;
}

/** Decides a lifecycle action on a case; pure, so every state × action is tested exhaustively. */
export function decideTransition(action: LifecycleAction, input: TransitionInput): TransitionResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(input.status)) return { ok: false, reason: "not_allowed_from_status" };
  if (rule.types && !rule.types.includes(input.type)) return { ok: false, reason: "not_for_this_type" };
  if (input.reasonCode) {
    if (!rule.reason || input.reasonCode.appliesTo !== rule.reason)
      return { ok: false, reason: "reason_does_not_fit" };
  } else if (rule.reasonRequired) {
    return { ok: false, reason: "reason_required" };
  }
  if (action === "reopen") {
    const days = input.reopenWindowDays ?? 30;
    if (!input.doneAt || !input.now || input.now.getTime() - input.doneAt.getTime() > days * 86_400_000) {
      return { ok: false, reason: "reopen_window_passed" };
    }
  }
  return { ok: true, to: rule.stays?.includes(input.status) ? input.status : rule.to };
}

/** Whether the SLA clocks are paused in a status (waiting for the citizen). */
export const isPaused = (status: CaseStatus) => status === "awaiting_citizen";
export const isOpen = (status: CaseStatus) => OPEN_STATUSES.includes(status);
