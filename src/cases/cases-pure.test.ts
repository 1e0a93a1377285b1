import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCalendar } from "../calendar/calendar.ts";
import type { CategoryQuestion } from "../db/schema.ts";
import { pausesAfter } from "./commands/applyTransition.ts";
import { coarsen, distanceMetres, pointInArea } from "./geo.ts";
import { publicCaseView } from "./publicView.ts";
import { checkAnswers } from "./questions.ts";
import { dueAt } from "./sla.ts";

const q = (
  code: string,
  datatype: CategoryQuestion["datatype"],
  required = false,
  values?: string[],
): CategoryQuestion => ({
  code,
  datatype,
  required,
  order: 0,
  description: { sq: code, sr: code },
  ...(values ? { values: values.map((key) => ({ key, name: { sq: key, sr: key } })) } : {}),
});

describe("answers to a category's extra questions", () => {
  const questions = [
    q("depth", "number", true),
    q("since", "datetime"),
    q("side", "singlevaluelist", true, ["left", "right"]),
    q("hazards", "multivaluelist", false, ["traffic", "children", "night"]),
    q("note", "string"),
  ];

  it("normalises good answers and drops unknown ones", () => {
    expect(
      checkAnswers(questions, {
        depth: "12,5",
        since: "2026-11-20",
        side: "left",
        hazards: ["night", "traffic", "night"],
        x: "y",
      }),
    ).toEqual({
      ok: true,
      answers: { depth: 12.5, since: "2026-11-20", side: "left", hazards: ["night", "traffic"] },
    });
  });

  it("stores line breaks as \\n and no spaces at the ends, as every other text field", () => {
    expect(
      checkAnswers([...questions, q("where", "text")], {
        depth: "3",
        side: "right",
        where: "  Para shkollës\r\nte hyrja\rlindore \n",
      }),
    ).toEqual({ ok: true, answers: { depth: 3, side: "right", where: "Para shkollës\nte hyrja\nlindore" } });
  });

  it("names each problem by question: missing, not a number, not a date, not an option, too long", () => {
    expect(
      checkAnswers(questions, {
        depth: "deep",
        since: "yesterday",
        side: "middle",
        hazards: ["fire"],
        note: "x".repeat(201),
      }),
    ).toEqual({
      ok: false,
      errors: {
        depth: "validation.answer.number",
        since: "validation.answer.datetime",
        side: "validation.answer.choice",
        hazards: "validation.answer.choice",
        note: "validation.answer.too_long",
      },
    });
    expect(checkAnswers(questions, {})).toEqual({
      ok: false,
      errors: { depth: "validation.answer.required", side: "validation.answer.required" },
    });
  });
});

describe("locations", () => {
  const square = {
    type: "Polygon",
    coordinates: [
      [
        [21, 42],
        [21.2, 42],
        [21.2, 42.2],
        [21, 42.2],
        [21, 42],
      ],
      [
        [21.05, 42.05],
        [21.1, 42.05],
        [21.1, 42.1],
        [21.05, 42.1],
        [21.05, 42.05],
      ],
    ],
  };

  it("is inside a municipality's polygon, not in its holes", () => {
    expect(pointInArea(42.15, 21.15, square)).toBe(true);
    expect(pointInArea(42.07, 21.07, square)).toBe(false);
    expect(pointInArea(42.3, 21.15, square)).toBe(false);
    expect(pointInArea(42.15, 21.15, { type: "MultiPolygon", coordinates: [square.coordinates] })).toBe(true);
  });

  it("measures distances in metres and coarsens to about 100 m", () => {
    expect(Math.round(distanceMetres({ lat: 42.6629, lng: 21.1655 }, { lat: 42.6638, lng: 21.1655 }))).toBe(
      100,
    );
    fc.assert(
      fc.property(
        fc.double({ min: 41, max: 44, noNaN: true }),
        (x) => Math.abs(coarsen(x) - x) <= 0.0005 + 1e-12,
      ),
    );
  });
});

describe("deadlines in each unit", () => {
  const calendar = buildCalendar({
    timeZone: "Europe/Belgrade",
    holidays: [
      {
        date: "2026-12-25",
        observed: "2026-12-25",
        name: { en: "Catholic Christmas", sq: "Krishtlindjet" },
        rule: "fixed",
        status: "law",
      },
    ],
    years: [2026, 2027],
  });
  const friday = new Date("2026-12-18T14:00:00Z");

  it("counts working days past weekends and holidays, calendar days to the end of the day, hours exactly", () => {
    expect(dueAt(friday, 1, "working_days", calendar).toISOString()).toBe("2026-12-21T23:00:00.000Z");
    expect(dueAt(friday, 7, "calendar_days", calendar).toISOString()).toBe("2026-12-25T23:00:00.000Z");
    expect(dueAt(friday, 48, "hours", calendar).toISOString()).toBe("2026-12-20T14:00:00.000Z");
    expect(dueAt(new Date("2026-12-24T10:00:00Z"), 1, "working_days", calendar).toISOString()).toBe(
      "2026-12-28T23:00:00.000Z",
    );
  });
});

describe("the public view of a case", () => {
  const row = {
    id: 1,
    trackingCode: "PRI-2026-000001",
    municipalityId: 1,
    type: "issue_report",
    categoryId: 1,
    channel: "web",
    status: "submitted",
    reasonCode: null,
    priority: "normal",
    visibility: "public",
    language: "sq",
    title: "Zhurmë natën",
    description: "Muzikë e lartë çdo natë",
    latitude: 42.662912,
    longitude: 21.165503,
    address: "Rruga Agim Ramadani 15, kati 3",
    submitterId: "00000000-0000-4000-8000-000000000001",
    contactName: "Lirije Shala",
    contactEmail: "lirije@example.org",
    contactPhone: "+383 44 123 456",
    showName: false,
    departmentId: null,
    assigneeId: null,
    receivedAt: new Date("2026-11-26T10:00:00Z"),
    acknowledgedAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    ackDueAt: null,
    responseDueAt: null,
    resolutionDueAt: null,
    attributes: {},
    trackingTokenHash: "a".repeat(64),
    idempotencyKey: "k",
    satisfaction: null,
    satisfactionResolved: null,
    satisfactionComment: null,
    search: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    slaPauses: [],
    nextSlaCheckAt: null,
    slaMarks: {},
    escalationLevel: 0,
    mergedIntoId: null,
    referredTo: null,
    originalTitle: null,
    originalDescription: null,
    version: 0,
    slaState: "on_track",
    slaDueAt: null,
  };
  const events = [
    {
      type: "submitted",
      fromStatus: null,
      toStatus: "submitted",
      reasonCode: null,
      message: null,
      at: row.receivedAt,
      isPublic: true,
    },
    {
      type: "note",
      fromStatus: null,
      toStatus: null,
      reasonCode: null,
      message: "internal: call her back",
      at: row.receivedAt,
      isPublic: false,
    },
  ];

  it("has no contact details, account, token or internal event, and no name unless shown", () => {
    const view = publicCaseView(row, { sensitive: false }, events)!;
    const text = JSON.stringify(view);
    for (const secret of [
      "Lirije",
      "lirije@example.org",
      "123 456",
      row.submitterId,
      row.trackingTokenHash,
      "internal",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(view.location).toEqual({ latitude: 42.662912, longitude: 21.165503, precision: "exact" });
    expect(view.timeline).toHaveLength(1);
    expect(publicCaseView({ ...row, showName: true }, { sensitive: false }, events)!.submitterName).toBe(
      "Lirije Shala",
    );
  });

  it("coarsens the location and drops the address for a sensitive category", () => {
    const view = publicCaseView(row, { sensitive: true }, events)!;
    expect(view.location).toEqual({ latitude: 42.663, longitude: 21.166, precision: "approximate" });
    expect(view.address).toBeNull();
  });

  it("has nothing to show of a private case", () => {
    expect(publicCaseView({ ...row, visibility: "private" }, { sensitive: false }, events)).toBeUndefined();
  });
});

describe("the possible-duplicates index", () => {
  it("covers exactly the open statuses, so the planner can use it for the duplicates query", async () => {
    const { readFileSync } = await import("node:fs");
    const { OPEN_STATUSES } = await import("./lifecycle.ts");
    const migration = readFileSync(
      new URL("../../drizzle/0007_case_list_indexes.sql", import.meta.url),
      "utf8",
    );
    const listed = migration.match(/"cases_open_public_place".*status in \(([^)]*)\)/)?.[1];
    expect(listed?.split(",").map((s) => s.trim().replaceAll("'", ""))).toEqual([...OPEN_STATUSES]);
  });
});

describe("dates on case pages", () => {
  it("are shown in the profile's time zone, not one written into the code", async () => {
    const { formatDay, formatDateTime } = await import("./web/casePages.tsx");
    // 23:30 UTC on 30 November is already 1 December in Kosovo, still 30 November in New York.
    const d = new Date("2026-11-30T23:30:00Z");
    expect(formatDay({ lang: "en", timeZone: "Europe/Belgrade" }, d)).toBe("December 1, 2026");
    expect(formatDay({ lang: "en", timeZone: "America/New_York" }, d)).toBe("November 30, 2026");
    expect(formatDateTime({ lang: "en", timeZone: "Europe/Belgrade" }, d)).toBe("Dec 1, 2026, 12:30 AM");
  });
});

describe("the pauses of a case's clocks across a move", () => {
  const at = new Date("2026-11-20T10:00:00Z");
  const kase = (status: string, pauses: { from: string; to?: string }[]) =>
    ({ status, slaPauses: pauses }) as unknown as Parameters<typeof pausesAfter>[0];

  it("opens one on awaiting the citizen and closes it when the case moves on", () => {
    expect(pausesAfter(kase("in_progress", []), "awaiting_citizen", at)).toEqual([
      { from: at.toISOString() },
    ]);
    expect(
      pausesAfter(kase("awaiting_citizen", [{ from: "2026-11-18T09:00:00.000Z" }]), "in_progress", at),
    ).toEqual([{ from: "2026-11-18T09:00:00.000Z", to: at.toISOString() }]);
  });

  it("closes a pause still open when the case ends, whatever opened it (a proposal collecting support)", () => {
    const collecting = kase("acknowledged", [{ from: "2026-09-01T08:00:00.000Z" }]);
    expect(pausesAfter(collecting, "closed", at)).toEqual([
      { from: "2026-09-01T08:00:00.000Z", to: at.toISOString() },
    ]);
    expect(pausesAfter(collecting, "rejected", at)).toEqual([
      { from: "2026-09-01T08:00:00.000Z", to: at.toISOString() },
    ]);
    // Still open, still collecting: the pause stays open.
    expect(pausesAfter(collecting, "in_progress", at)).toEqual([{ from: "2026-09-01T08:00:00.000Z" }]);
  });
});
