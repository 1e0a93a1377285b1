// The national reference data every installation starts with, seeded from profiles/xk.
import { asc, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseStatuses, categories, holidays, municipalities, reasonCodes } from "../../src/db/schema.ts";
import { loadCalendar } from "../../src/reference/loadCalendar.ts";
import { loadProfile } from "../../src/reference/profile.ts";
import { seedReference } from "../../src/reference/seedReference.ts";
import { createTestDatabase, type TestDatabase } from "../support/platform.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
const db = () => t.database.db;

describe("the seeded reference data", () => {
  it("has Kosovo's 38 municipalities with Albanian and Serbian names and unique tracking-code prefixes", async () => {
    const rows = await db().select().from(municipalities).orderBy(asc(municipalities.slug));
    expect(rows).toHaveLength(38);
    expect(new Set(rows.map((r) => r.code)).size).toBe(38);
    const prishtine = rows.find((r) => r.slug === "prishtine")!;
    expect(prishtine).toMatchObject({ code: "PRI", name: { sq: "Prishtinë", sr: "Priština" } });
    expect(rows.find((r) => r.slug === "hani-i-elezit")!.name.sr).toBe("Đeneral Janković");
    expect(rows.every((r) => r.languages.includes("sq") && r.languages.includes("sr"))).toBe(true);
  });

  it("has the national taxonomy: at least 20 issue-report categories and the other input types", async () => {
    const rows = await db().select().from(categories).where(isNull(categories.municipalityId));
    const byType = (type: string) => rows.filter((r) => r.type === type).map((r) => r.code);
    expect(byType("issue_report").length).toBeGreaterThanOrEqual(20);
    expect(byType("issue_report")).toEqual(
      expect.arrayContaining([
        "waste",
        "illegal-dumping",
        "sewage",
        "water-supply",
        "potholes",
        "public-lighting",
        "pavement",
        "road-signs",
        "accessibility-barrier",
        "parks",
        "stray-animals",
        "noise",
        "illegal-construction",
        "snow-ice",
        "transport-stops",
        "graffiti",
        "other-issue",
      ]),
    );
    expect(byType("request")).toContain("access-to-documents");
    expect(byType("feedback").length).toBeGreaterThan(0);
    expect(byType("proposal").length).toBeGreaterThan(0);
    const documents = rows.find((r) => r.code === "access-to-documents")!;
    expect(documents.name).toEqual({
      sq: "Qasje në dokumente publike",
      sr: "Pristup javnim dokumentima",
      en: "Access to public documents",
    });
    // Every category carries the three response clocks.
    expect(rows.every((r) => r.ackWithin >= 0 && r.firstResponseWithin >= r.ackWithin)).toBe(true);
  });

  it("has every status of the lifecycle, with Open311's open or closed", async () => {
    const rows = await db().select().from(caseStatuses).orderBy(asc(caseStatuses.position));
    expect(rows.map((r) => r.code)).toEqual([
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
    ]);
    expect(rows.find((r) => r.code === "awaiting_citizen")).toMatchObject({
      open311: "open",
      name: { sq: "Në pritje të qytetarit", sr: "Čeka se odgovor građanina", en: "Awaiting citizen" },
    });
    expect(rows.find((r) => r.code === "rejected")!.open311).toBe("closed");
  });

  it("has the national reason codes for outcomes", async () => {
    const rows = await db().select().from(reasonCodes);
    const codes = rows.map((r) => r.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "not-municipal-competence",
        "insufficient-information",
        "not-feasible",
        "duplicate",
      ]),
    );
    expect(rows.filter((r) => r.appliesTo === "referred").length).toBeGreaterThan(0);
  });

  it("has the 2025–2027 holidays with the weekend carry-over, making a working-day calendar", async () => {
    const rows = await db().select().from(holidays).where(eq(holidays.calendar, "XK"));
    const years = new Set(rows.map((r) => r.date.slice(0, 4)));
    expect([...years].sort()).toEqual(["2025", "2026", "2027"]);
    expect(rows.find((r) => r.date === "2026-05-09")).toMatchObject({ observed: "2026-05-11" });
    const calendar = await loadCalendar(db(), loadProfile());
    expect(calendar.timeZone).toBe("Europe/Belgrade");
    expect(calendar.holidays.has("2026-05-11")).toBe(true);
    expect(calendar.holidays.has("2026-01-02")).toBe(true);
  });

  it("seeds again without duplicating anything and brings names up to date", async () => {
    const before = await counts();
    const profile = loadProfile();
    const renamed = {
      ...profile,
      municipalities: profile.municipalities.map((m) =>
        m.slug === "junik" ? { ...m, name: { ...m.name, en: "Junik (renamed)" } } : m,
      ),
    };
    await seedReference(db(), renamed);
    expect(await counts()).toEqual(before);
    const [junik] = await db().select().from(municipalities).where(eq(municipalities.slug, "junik"));
    expect(junik!.name.en).toBe("Junik (renamed)");
    await seedReference(db(), profile);
  });
});

async function counts() {
  const out: Record<string, number> = {};
  for (const table of ["municipalities", "categories", "case_statuses", "reason_codes", "holidays"]) {
    const { rows } = (await db().execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as {
      rows: { n: number }[];
    };
    out[table] = rows[0]!.n;
  }
  return out;
}
