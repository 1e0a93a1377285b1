// The statuses of the one national case lifecycle (PRODUCT.md). The transitions between them live in
// lifecycle.ts; here only what each status is and how Open311 sees it.

export const CASE_STATUSES = [
  "submitted",
  "acknowledged",
  "assigned",
  "in_progress",
  "awaiting_citizen",
  "answered",
  "resolved",
  "reopened",
  "closed",
  "rejected",
  "referred",
  "merged",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Open311 sees only open or closed; everything the municipality still owes is open. */
export const OPEN311_STATUS: Record<CaseStatus, "open" | "closed"> = {
  submitted: "open",
  acknowledged: "open",
  assigned: "open",
  in_progress: "open",
  awaiting_citizen: "open",
  answered: "closed",
  resolved: "closed",
  reopened: "open",
  closed: "closed",
  rejected: "closed",
  referred: "closed",
  merged: "closed",
};

export const CASE_TYPES = ["issue_report", "request", "feedback", "proposal"] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const CHANNELS = ["web", "api", "counter", "phone", "paper", "email"] as const;
export type Channel = (typeof CHANNELS)[number];
