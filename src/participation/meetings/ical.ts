// iCalendar (RFC 5545) for a municipality's public meetings: pure, the time and the words passed in.
// Calendar programs subscribe to the feed and update an event when its SEQUENCE grows, so every change
// to a meeting raises it (meetings.ts); a cancelled meeting stays in the feed as STATUS:CANCELLED, which
// is what removes it from a subscriber's calendar. The feed is published (METHOD:PUBLISH), so each
// event's DTSTAMP is the time the feed was made (RFC 5545 3.8.7.2).

export interface CalendarEvent {
  uid: string;
  start: Date;
  end: Date;
  sequence: number;
  summary: string;
  location: string;
  description: string;
  url: string;
  cancelled: boolean;
}

export interface CalendarFeed {
  /** Names this product and the language of the text, "-//E-Komuna//Public meetings//SQ". */
  prodId: string;
  name: string;
  /** When the feed was made: every event's DTSTAMP. */
  stamp: Date;
  /** BCP 47 tag of the events' text (all of it in one language). */
  language: string;
  events: readonly CalendarEvent[];
}

/** A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as "\n". */
export function escapeText(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n");
}

/** An instant in UTC, "20261215T160000Z" (RFC 5545 3.3.5, form 2). */
export function utcStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

const OCTETS = 75;
const utf8 = new TextEncoder();

/**
 * One content line folded (RFC 5545 3.1): no line longer than 75 octets, each continuation starting with
 * a space, and never inside a UTF-8 character (ë and đ are two octets, so counting characters would not do).
 */
export function foldLine(line: string): string {
  if (utf8.encode(line).length <= OCTETS) return line;
  const parts: string[] = [];
  let current = "";
  let size = 0;
  // The first line holds 75 octets; each continuation 74 after its leading space.
  let limit = OCTETS;
  for (const ch of line) {
    const n = utf8.encode(ch).length;
    if (size + n > limit) {
      parts.push(current);
      current = "";
      size = 0;
      limit = OCTETS - 1;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** The whole feed: CRLF line ends, every line folded. */
export function renderCalendar(feed: CalendarFeed): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${feed.prodId}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(feed.name)}`,
  ];
  for (const e of feed.events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${e.uid}`,
      `DTSTAMP:${utcStamp(feed.stamp)}`,
      `DTSTART:${utcStamp(e.start)}`,
      `DTEND:${utcStamp(e.end)}`,
      `SEQUENCE:${e.sequence}`,
      `SUMMARY;LANGUAGE=${feed.language}:${escapeText(e.summary)}`,
      `LOCATION;LANGUAGE=${feed.language}:${escapeText(e.location)}`,
      `DESCRIPTION;LANGUAGE=${feed.language}:${escapeText(e.description)}`,
      `URL:${e.url}`,
      `STATUS:${e.cancelled ? "CANCELLED" : "CONFIRMED"}`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
