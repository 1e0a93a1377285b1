// THE one door for personal data: what anyone may see of a case is built here and nowhere else, so no
// page, feed or API can leak a name, an email, a phone number or a sensitive location by forgetting.
import type { cases } from "../db/schema.ts";
import { coarsen } from "./geo.ts";
import type { CaseStatus, CaseType } from "./statuses.ts";

type CaseRow = typeof cases.$inferSelect;

export interface PublicEvent {
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  reasonCode: string | null;
  message: string | null;
  at: Date;
}

export interface PublicCase {
  trackingCode: string;
  type: CaseType;
  status: CaseStatus;
  channel: string;
  title: string;
  description: string;
  /** The submitter's name only when they chose to show it. */
  submitterName: string | null;
  /** Exact for ordinary categories; rounded to about 100 m for sensitive ones. */
  location: { latitude: number; longitude: number; precision: "exact" | "approximate" } | null;
  /** Omitted for sensitive categories (an address can identify a person as well as a point). */
  address: string | null;
  receivedAt: Date;
  acknowledgedAt: Date | null;
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reasonCode: string | null;
  timeline: PublicEvent[];
}

/**
 * The public view of a case: no contact details, no account, no internal events, the name only when
 * shown by choice, and a coarse location (no address) for sensitive categories. Private cases have no
 * public view at all (undefined).
 */
export function publicCaseView(
  row: CaseRow,
  category: { sensitive: boolean },
  events: readonly (PublicEvent & { isPublic: boolean })[],
): PublicCase | undefined {
  if (row.visibility !== "public") return undefined;
  const sensitive = category.sensitive;
  const hasPoint = row.latitude !== null && row.longitude !== null;
  return {
    trackingCode: row.trackingCode,
    type: row.type as CaseType,
    status: row.status as CaseStatus,
    channel: row.channel,
    title: row.title,
    description: row.description,
    submitterName: row.showName ? row.contactName : null,
    location: hasPoint
      ? sensitive
        ? { latitude: coarsen(row.latitude!), longitude: coarsen(row.longitude!), precision: "approximate" }
        : { latitude: row.latitude!, longitude: row.longitude!, precision: "exact" }
      : null,
    address: sensitive ? null : row.address,
    receivedAt: row.receivedAt,
    acknowledgedAt: row.acknowledgedAt,
    responseDueAt: row.responseDueAt,
    resolutionDueAt: row.resolutionDueAt,
    resolvedAt: row.resolvedAt,
    closedAt: row.closedAt,
    reasonCode: row.reasonCode,
    timeline: events
      .filter((e) => e.isPublic)
      .map((e) => ({
        type: e.type,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        reasonCode: e.reasonCode,
        message: e.message,
        at: e.at,
      })),
  };
}
