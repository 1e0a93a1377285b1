// Dates as GeoReport v2 writes and reads them: the W3C profile of ISO 8601 with the time zone always
// given. Answers carry the country's local time with its offset (`2026-11-26T11:00:00+01:00`), as the
// specification's examples do, so a reader sees the time the municipality's clock showed.
import { offsetOf } from "../calendar/zone.ts";

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/**
 * `YYYY-MM-DDThh:mm:ss±hh:mm` in `timeZone` (whole seconds: the specification's examples have none
 * finer). Formatting through Intl costs ~10 µs, so only the zone's offset is asked of it, once per
 * quarter-hour: a list of 1,000 requests has 3,000 dates.
 */
export function w3cDateTime(d: Date, timeZone: string): string {
  const seconds = Math.floor(d.getTime() / 1000) * 1000;
  // The zone's offset, kept per quarter hour by the calendar (exact across a DST switch).
  const offset = Math.round(offsetOf(seconds, timeZone) / 60_000);
  const local = new Date(seconds + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/**
 * A W3C date-time with its zone: `YYYY-MM-DDThh:mm[:ss[.s…]](Z|±hh:mm)`. A space where the offset's `+`
 * belongs is read as `+`: an unencoded `+` in a query string arrives as a space.
 */
const W3C = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+\- ]\d{2}:\d{2})$/;

/** The instant a W3C date-time names, or undefined when it is not one (or names no real day or time). */
export function parseW3cDateTime(text: string): Date | undefined {
  const m = W3C.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = "0", fraction = "", zone = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC rolls 31 April over into May: a day that does not exist in its month is refused instead.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > daysInMonth) return undefined;
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  // Date.UTC reads years 0–99 as 1900–1999: the year is set on its own.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  date.setTime(date.getTime() - offset * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
