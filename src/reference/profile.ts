// A country profile is data: its municipalities, national categories with their response standards,
// reason codes, holidays and settings, in profiles/<code>/. Kosovo (xk) is the first; the code never
// asks which country it runs for.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { LocalizedText } from "../db/schema.ts";
import { parseCsv } from "../kernel/csv.ts";

export const profilesDir = fileURLToPath(new URL("../../profiles", import.meta.url));

const yesNo = z.enum(["yes", "no"]).transform((v) => v === "yes");
const days = z.coerce.number().int().min(0).max(365);
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const municipalityRow = z.object({
  slug: z.string().regex(/^[a-z0-9-]+$/),
  code: z.string().regex(/^[A-Z]{3}$/),
  name_sq: z.string().min(1),
  name_sr: z.string().min(1),
  name_en: z.string().min(1),
  // Its name in Turkish or Bosnian where it has one of its own (Mamuşa); empty or no column: none, and a
  // Turkish page shows the Albanian name, a Bosnian page the Serbian one (localized()).
  name_tr: z.string().optional(),
  name_bs: z.string().optional(),
  languages: z.string().transform((s) => s.split(" ").filter(Boolean)),
  majority: z.string(),
});

const seatRow = z.object({
  slug: z.string().regex(/^[a-z0-9-]+$/),
  latitude: z.coerce.number().min(-90).max(90),
  longitude: z.coerce.number().min(-180).max(180),
});

const categoryRow = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/),
  type: z.enum(["issue_report", "request", "feedback", "proposal"]),
  group: z.string().min(1),
  name_sq: z.string().min(1),
  name_sr: z.string().min(1),
  name_en: z.string().min(1),
  sensitive: yesNo,
  anonymous_allowed: yesNo,
  ack_working_days: days,
  first_response_working_days: days,
  resolution_working_days: days,
});

const reasonRow = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/),
  applies_to: z.string().min(1),
  name_sq: z.string().min(1),
  name_sr: z.string().min(1),
  name_en: z.string().min(1),
});

const holidayRow = z.object({
  date: localDate,
  observed: localDate,
  name_en: z.string().min(1),
  name_sq: z.string().min(1),
  name_sr: z.string().min(1),
  rule: z.enum(["fixed", "easter", "announced"]),
  status: z.enum(["law", "check", "provisional", "confirmed"]),
});

const settings = z.object({
  code: z.string().regex(/^[A-Z]{2}$/),
  name: z.object({ sq: z.string(), sr: z.string(), en: z.string() }),
  timeZone: z.string().min(1),
  weekend: z.array(z.number().int().min(0).max(6)),
  languages: z.array(z.string()),
  defaultLanguage: z.string(),
  consultationMinimumDays: z.number().int().min(1),
  /** The national defaults for proposals: support window (calendar days) and threshold (supports). */
  proposals: z.object({
    windowDays: z.number().int().min(1),
    threshold: z.number().int().min(1),
    normativeThresholdPercent: z.number().int().min(1).max(100),
  }),
  ministry: z.object({
    sq: z.string(),
    sr: z.string(),
    en: z.string(),
    tr: z.string().optional(),
    bs: z.string().optional(),
  }),
  bounds: z.object({ south: z.number(), west: z.number(), north: z.number(), east: z.number() }),
});

const names = (r: { name_sq: string; name_sr: string; name_en: string }): LocalizedText => ({
  sq: r.name_sq,
  sr: r.name_sr,
  en: r.name_en,
});

function readRows<T>(dir: string, file: string, row: z.ZodType<T>): T[] {
  return parseCsv(readFileSync(join(dir, file), "utf8")).map((record, i) => {
    const parsed = row.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file} row ${i + 2}: ${issue?.path.join(".")} ${issue?.message}`);
    }
    return parsed.data;
  });
}

/** Reads and validates a profile folder; a wrong row names the file, row and field. */
export function loadProfile(code = "xk", dir = join(profilesDir, code)) {
  const s = settings.parse(JSON.parse(readFileSync(join(dir, "profile.json"), "utf8")));
  return {
    ...s,
    municipalities: readRows(dir, "municipalities.csv", municipalityRow).map((r) => ({
      slug: r.slug,
      code: r.code,
      name: {
        ...names(r),
        ...(r.name_tr?.trim() ? { tr: r.name_tr.trim() } : {}),
        ...(r.name_bs?.trim() ? { bs: r.name_bs.trim() } : {}),
      },
      languages: r.languages,
      majority: r.majority || null,
    })),
    /** Where each municipality's seat is (WGS 84, approximate): where its maps open. */
    seats: new Map(
      readRows(dir, "municipality-seats.csv", seatRow).map((r) => [
        r.slug,
        { latitude: r.latitude, longitude: r.longitude },
      ]),
    ),
    categories: readRows(dir, "categories.csv", categoryRow).map((r) => ({
      code: r.code,
      type: r.type,
      group: r.group,
      name: names(r),
      sensitive: r.sensitive,
      anonymousAllowed: r.anonymous_allowed,
      slaUnit: "working_days" as const,
      ackWithin: r.ack_working_days,
      firstResponseWithin: r.first_response_working_days,
      resolutionWithin: r.resolution_working_days,
    })),
    reasonCodes: readRows(dir, "reason-codes.csv", reasonRow).map((r) => ({
      code: r.code,
      appliesTo: r.applies_to,
      name: names(r),
    })),
    holidays: readRows(dir, "holidays.csv", holidayRow).map((r) => ({
      code: r.name_en
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, ""),
      date: r.date,
      observed: r.observed,
      name: names(r),
      rule: r.rule,
      status: r.status,
    })),
  };
}

export type Profile = ReturnType<typeof loadProfile>;
