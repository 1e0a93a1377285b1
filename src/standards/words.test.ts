import { describe, expect, it } from "vitest";
import { translator } from "../kernel/i18n.ts";
import { changeLines, subjectWords, type Words } from "./words.ts";

const words = (lang: "en" | "sr"): Words => ({
  t: translator(lang),
  lang,
  categoryName: (code) =>
    code === "sewage" ? { sq: "Kanalizim", sr: "Kanalizacija", en: "Sewage" } : undefined,
});
const standard = (resolution: number) => ({
  unit: "working_days",
  ackWithin: 1,
  firstResponseWithin: 2,
  resolutionWithin: resolution,
});

describe("a change in words", () => {
  it("says what changed, before → after, and only what changed", () => {
    const change = {
      kind: "sla",
      subject: "sla:issue_report:sewage:*",
      before: {
        type: "issue_report",
        category: "sewage",
        priority: null,
        standard: standard(10),
        note: null,
      },
      after: { type: "issue_report", category: "sewage", priority: null, standard: standard(7), note: null },
    };
    expect(subjectWords(words("en"), change)).toBe("Response standard: Sewage (sewage) – All priorities");
    expect(changeLines(words("en"), change)).toEqual([
      "Standard: Acknowledge: 1 working day; First response: 2 working days; Resolution: 10 working days → Acknowledge: 1 working day; First response: 2 working days; Resolution: 7 working days",
    ]);
    expect(changeLines(words("sr"), change)[0]).toContain("Rešavanje: 7 radnih dana");
  });

  it("lists everything a change set when it created its subject, and says a removal", () => {
    const reason = {
      code: "not-owner",
      appliesTo: "rejected",
      name: { sq: "Jo", sr: "Ne", en: "No" },
      active: true,
    };
    const created = { kind: "reason_code", subject: "reason_code:not-owner", before: null, after: reason };
    expect(changeLines(words("en"), created)).toEqual([
      "Added.",
      "Explains the status: Rejected",
      "Names: Jo / Ne / No",
      "In use: Yes",
    ]);
    const removed = {
      kind: "sla",
      subject: "sla:issue_report:sewage:urgent",
      before: {
        type: "issue_report",
        category: "sewage",
        priority: "urgent",
        standard: standard(1),
        note: null,
      },
      after: null,
    };
    expect(subjectWords(words("en"), removed)).toBe("Response standard: Sewage (sewage) – Urgent");
    expect(changeLines(words("en"), removed)).toEqual(["Removed."]);
  });
});
