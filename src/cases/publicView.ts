// THE one door for personal data: what anyone may see of a case is built here and nowhere else, so no
// page, feed or API can leak a name, an email, a phone number or a sensitive location by forgetting.
import type { casePhotos, cases } from "../db/schema.ts";
import { coarsen } from "./geo.ts";
import { redactPersonalData } from "./personalData.ts";
import { thumbnailSize } from "./photos/photoView.ts";
import type { CaseStatus, CaseType } from "./statuses.ts";

type CaseRow = typeof cases.$inferSelect;
type PhotoRow = Pick<typeof casePhotos.$inferSelect, "id" | "width" | "height" | "hidden" | "position">;

export interface PublicEvent {
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  reasonCode: string | null;
  message: string | null;
  at: Date;
  /** For an escalation: the step of the ladder (1 department head, 2 coordinator, 3 ministry). */
  escalationLevel?: 1 | 2 | 3;
}

/** A photo anyone may see: served at /photos/:id, its thumbnail at /photos/:id/thumbnail. */
export interface PublicPhoto {
  id: string;
  width: number;
  height: number;
  thumbnail: { width: number; height: number };
}

export interface PublicCase {
  trackingCode: string;
  type: CaseType;
  status: CaseStatus;
  channel: string;
  /**
   * In this and every text below (description, name, address, timeline messages but published answers),
   * what looks like an email, a phone or a personal number is replaced by `REDACTION_MARKER` (personalData.ts).
   */
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
  /** None for sensitive categories; never one hidden by moderation. */
  photos: PublicPhoto[];
}

/**
 * Whether anyone may see a photo of a case: the case is public, its category is not sensitive (a photo
 * can show the place, or the person, as precisely as an address), and moderation has not hidden it.
 * The photo route asks this same question.
 */
export function isPublicPhoto(
  row: Pick<CaseRow, "visibility">,
  category: { sensitive: boolean },
  photo: { hidden: boolean },
): boolean {
  return row.visibility === "public" && !category.sensitive && !photo.hidden;
}

/** What the public view reads of a case (a case about to be written has it too). */
export type ViewedCase = Pick<
  CaseRow,
  | "visibility"
  | "trackingCode"
  | "type"
  | "status"
  | "channel"
  | "title"
  | "description"
  | "showName"
  | "contactName"
  | "latitude"
  | "longitude"
  | "address"
  | "receivedAt"
  | "acknowledgedAt"
  | "responseDueAt"
  | "resolutionDueAt"
  | "resolvedAt"
  | "closedAt"
  | "reasonCode"
>;

/**
 * The public view of a case: no contact details, no account, no internal events, the name only when
 * shown by choice, a coarse location (no address) and no photos for sensitive categories, only the
 * photos moderation has not hidden, and no text that looks like personal data (a citizen types their
 * phone number into a description) except in published answers, which staff checked and confirmed
 * (personalData.ts: the office's own number belongs there). Private cases have no public
 * view at all (undefined). Staff pages read the case itself, so they keep the original words.
 */
export function publicCaseView(
  row: ViewedCase,
  category: { sensitive: boolean },
  events: readonly (Omit<PublicEvent, "escalationLevel"> & {
    isPublic: boolean;
    data?: Record<string, unknown> | null;
  })[],
  photos: readonly PhotoRow[] = [],
): PublicCase | undefined {
  if (row.visibility !== "public") return undefined;
  const sensitive = category.sensitive;
  const hasPoint = row.latitude !== null && row.longitude !== null;
  return {
    trackingCode: row.trackingCode,
    type: row.type as CaseType,
    status: row.status as CaseStatus,
    channel: row.channel,
    title: publicText(row.title),
    description: publicText(row.description),
    submitterName: row.showName ? publicText(row.contactName) : null,
    location: hasPoint
      ? sensitive
        ? { latitude: coarsen(row.latitude!), longitude: coarsen(row.longitude!), precision: "approximate" }
        : { latitude: row.latitude!, longitude: row.longitude!, precision: "exact" }
      : null,
    address: sensitive ? null : publicText(row.address),
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
        // A published answer went through the staff's personal-data check (personalData.ts), which may have
        // confirmed a number on purpose (the office's phone); everything else is redacted here.
        message: e.type === "answer_published" ? e.message : publicText(e.message),
        at: e.at,
        ...(e.type === "escalated" ? { escalationLevel: escalationLevelOf(e.data) } : {}),
      })),
    photos: photos
      .filter((photo) => isPublicPhoto(row, category, photo))
      .toSorted((a, b) => a.position - b.position)
      .map((photo) => ({
        id: photo.id,
        width: photo.width,
        height: photo.height,
        thumbnail: thumbnailSize(photo.width, photo.height),
      })),
  };
}

/** What a list of cases shows of each one: never a name, a contact, an address or a location. */
export interface PublicCaseSummary {
  trackingCode: string;
  type: CaseType;
  status: CaseStatus;
  title: string;
  receivedAt: Date;
}

/**
 * The list view of a case, under the same rules as `publicCaseView`: private cases have none
 * (undefined), and since a list shows no submitter, address or location at all, the name-by-choice and
 * coarse-location rules hold by leaving them out; the title is redacted as on the case page. Takes only
 * the columns it needs, so a list query never has to select personal data to build it.
 */
export function publicCaseSummary(
  row: Pick<CaseRow, "visibility" | "trackingCode" | "type" | "status" | "title" | "receivedAt">,
): PublicCaseSummary | undefined {
  if (row.visibility !== "public") return undefined;
  return {
    trackingCode: row.trackingCode,
    type: row.type as CaseType,
    status: row.status as CaseStatus,
    title: publicText(row.title),
    receivedAt: row.receivedAt,
  };
}

/**
 * A text as anyone may read it. Callers that read only the columns they need leave the others null (a map
 * point has no description), so a text that is not there stays as it is instead of failing.
 */
export function publicText<T extends string | null>(text: T): T {
  return (text ? redactPersonalData(text) : text) as T;
}

/** The ladder step an escalation event names (its data carries only the step, the role, the clock). */
function escalationLevelOf(data: Record<string, unknown> | null | undefined): 1 | 2 | 3 {
  const level = data?.level;
  return level === 2 || level === 3 ? level : 1;
}
