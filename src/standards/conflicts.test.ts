import { describe, expect, it } from "vitest";
import type { Standard, StandardRule } from "../cases/sla.ts";
import {
  looserAhead,
  looserClocks,
  type MunicipalStandard,
  participationConflicts,
  rulesAhead,
  slaConflicts,
} from "./conflicts.ts";

const days = (ack: number, first: number, resolution: number): Standard => ({
  unit: "working_days",
  ackWithin: ack,
  firstResponseWithin: first,
  resolutionWithin: resolution,
});
const hours = (ack: number, first: number, resolution: number): Standard => ({
  ...days(ack, first, resolution),
  unit: "hours",
});
const name = (sq: string) => ({ sq, sr: sq });
const key = { type: "issue_report", category: "waste" };
const own = (standard: Standard): StandardRule => ({ ...key, standard });

describe("looserClocks", () => {
  it("names every clock on which the candidate could be later, not only the first", () => {
    expect(looserClocks(days(1, 3, 7), days(2, 3, 9))).toEqual(["ack", "resolution"]);
    expect(looserClocks(days(1, 3, 7), days(1, 2, 5))).toEqual([]);
  });

  it("compares across units as checkTighter does", () => {
    // 24 hours is never later than one working day; 25 may be.
    expect(looserClocks(days(1, 3, 7), hours(24, 72, 168))).toEqual([]);
    expect(looserClocks(days(1, 3, 7), hours(25, 72, 169))).toEqual(["ack", "resolution"]);
    // Working days can stretch past any bound in hours: every clock is refused.
    expect(looserClocks(hours(48, 96, 200), days(1, 1, 1))).toEqual(["ack", "firstResponse", "resolution"]);
  });
});

describe("slaConflicts", () => {
  const prishtine: MunicipalStandard = {
    municipalityId: 1,
    municipality: name("Prishtinë"),
    priority: null,
    standard: days(1, 3, 5),
  };
  const pejaUrgent: MunicipalStandard = {
    municipalityId: 2,
    municipality: name("Pejë"),
    priority: "urgent",
    standard: days(1, 1, 3),
  };

  it("names the municipalities whose own standard the national change would leave looser, with the clocks", () => {
    const conflicts = slaConflicts({
      key,
      before: [own(days(1, 3, 7))],
      after: [own(days(1, 2, 4))],
      municipal: [prishtine, pejaUrgent],
    });
    expect(conflicts.map((c) => [c.municipality.sq, c.priority, c.clocks])).toEqual([
      ["Prishtinë", null, ["firstResponse", "resolution"]],
    ]);
    expect(conflicts[0]!.national).toEqual(days(1, 2, 4));
  });

  it("holds a municipality's rule for a priority to the national standard for that priority", () => {
    const urgent: StandardRule = { ...key, priority: "urgent", standard: days(1, 1, 2) };
    const conflicts = slaConflicts({
      key,
      before: [own(days(1, 3, 7))],
      after: [own(days(1, 3, 7)), urgent],
      municipal: [prishtine, pejaUrgent],
    });
    expect(conflicts.map((c) => [c.municipality.sq, c.clocks])).toEqual([["Pejë", ["resolution"]]]);
  });

  it("does not hold against the change a rule that was already looser before it", () => {
    const stale: MunicipalStandard = { ...prishtine, standard: days(1, 3, 9) };
    expect(
      slaConflicts({ key, before: [own(days(1, 3, 7))], after: [own(days(1, 3, 6))], municipal: [stale] }),
    ).toEqual([]);
  });

  it("finds nothing when the national standard grows longer", () => {
    expect(
      slaConflicts({
        key,
        before: [own(days(1, 3, 7))],
        after: [own(days(2, 5, 10))],
        municipal: [prishtine, pejaUrgent],
      }),
    ).toEqual([]);
  });
});

describe("participationConflicts", () => {
  const own = [
    { municipalityId: 1, municipality: name("Prishtinë"), consultationMinDays: 15 },
    { municipalityId: 2, municipality: name("Pejë"), consultationMinDays: 30 },
    { municipalityId: 3, municipality: name("Gjakovë"), consultationMinDays: 10 },
  ];
  it("names the municipalities whose own minimum would be shorter than the new national one", () => {
    expect(participationConflicts({ before: 15, after: 20 }, own).map((c) => c.municipality.sq)).toEqual([
      "Prishtinë",
    ]);
    expect(participationConflicts({ before: 15, after: 14 }, own)).toEqual([]);
  });
});

describe("looserAhead: a municipality's rule against national changes still waiting for their day", () => {
  const national = [own(days(2, 5, 10))];

  it("refuses a rule tighter today but looser than a change decided for a later day, naming the day and clock", () => {
    const pending = [{ appliesFrom: "2026-12-15", priority: null, standard: days(2, 2, 10) }];
    expect(looserAhead({ key, rules: national, pending, priority: null, own: days(1, 3, 8) })).toEqual({
      appliesFrom: "2026-12-15",
      clock: "firstResponse",
      national: days(2, 2, 10),
    });
    expect(
      looserAhead({ key, rules: national, pending, priority: null, own: days(1, 2, 8) }),
    ).toBeUndefined();
    expect(
      looserAhead({ key, rules: national, pending: [], priority: null, own: days(1, 3, 8) }),
    ).toBeUndefined();
  });

  it("holds a rule for a priority to the national rule for it that is coming, and to the category's", () => {
    const urgent = [{ appliesFrom: "2027-01-04", priority: "urgent" as const, standard: days(1, 1, 3) }];
    const ahead = looserAhead({
      key,
      rules: national,
      pending: urgent,
      priority: "urgent",
      own: days(1, 2, 3),
    });
    expect(ahead).toMatchObject({ appliesFrom: "2027-01-04", clock: "firstResponse" });
    // A rule for every priority (none) is held to the category's own standard, which the change leaves.
    expect(
      looserAhead({ key, rules: national, pending: urgent, priority: null, own: days(1, 2, 3) }),
    ).toBeUndefined();
  });

  it("applies waiting changes in the order of their days, each stage on the one before", () => {
    const stages = rulesAhead(national, key, [
      { appliesFrom: "2027-02-01", priority: "high", standard: null },
      { appliesFrom: "2027-01-01", priority: "high", standard: days(1, 4, 9) },
    ]);
    expect(stages.map((s) => s.appliesFrom)).toEqual(["2027-01-01", "2027-02-01"]);
    expect(stages[0]!.rules).toHaveLength(2);
    expect(stages[1]!.rules).toEqual(national);
  });
});
