// What a message is about: the topics a person chooses for (at once, daily digest, or off). Each
// message the platform sends has one. A topic the case or the law needs cannot be switched off or delayed:
// its messages always go at once, whatever the preference says.

export const TOPICS = [
  // Citizens
  "case_acknowledged",
  "case_status",
  "case_answer",
  "information_requested",
  "case_resolved",
  "case_reopened",
  "followed_updates",
  // Staff
  "assignment",
  "sla_warning",
  "sla_escalation",
  "open_work_digest",
  // The ministry's monitors
  "oversight_alert",
  // A municipality's administrators: a national change left one of its own settings looser (issue 9)
  "standards_conflict",
] as const;
export type Topic = (typeof TOPICS)[number];

export const MODES = ["immediate", "digest", "off"] as const;
export type Mode = (typeof MODES)[number];

/** Messages the case or the law needs: always sent at once (PRODUCT.md, issue 6). */
export const REQUIRED_TOPICS: ReadonlySet<Topic> = new Set<Topic>([
  "case_acknowledged",
  "information_requested",
  "sla_escalation",
]);

/** Who a topic is for: the preferences page shows staff topics only to staff. */
export const STAFF_TOPICS: ReadonlySet<Topic> = new Set<Topic>([
  "assignment",
  "sla_warning",
  "sla_escalation",
  "open_work_digest",
  "oversight_alert",
  "standards_conflict",
]);

/** The daily digest of one's open work is a digest or nothing: "at once" has no meaning for it. */
export const DIGEST_ONLY_TOPICS: ReadonlySet<Topic> = new Set<Topic>(["open_work_digest"]);

export const isTopic = (v: unknown): v is Topic =>
  typeof v === "string" && (TOPICS as readonly string[]).includes(v);
export const isMode = (v: unknown): v is Mode =>
  typeof v === "string" && (MODES as readonly string[]).includes(v);

/** The mode that applies: required topics at once; no choice made, at once (the digest topic: digest). */
export function effectiveMode(topic: Topic, chosen: Mode | undefined): Mode {
  if (REQUIRED_TOPICS.has(topic)) return "immediate";
  if (DIGEST_ONLY_TOPICS.has(topic)) return chosen === "off" ? "off" : "digest";
  return chosen ?? "immediate";
}
