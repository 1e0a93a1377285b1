import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACTIONS } from "../access/policy.ts";
import {
  ACTION_PERMISSION,
  decideTransition,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  TRANSITIONS,
} from "./lifecycle.ts";
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, type CaseType } from "./statuses.ts";

/** The hand-written grid: status → action → cell. */
function readGrid(): Map<string, Map<string, string>> {
  const lines = readFileSync(new URL("./lifecycle-grid.md", import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("|"));
  const split = (l: string) =>
    l
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  const [header, , ...rows] = lines;
  const actions = split(header!).slice(1);
  expect([...actions].sort()).toEqual([...LIFECYCLE_ACTIONS].sort());
  return new Map(
    rows.map((r) => {
      const [from, ...cells] = split(r);
      return [from!, new Map(actions.map((a, i) => [a, cells[i]!]))];
    }),
  );
}

const REASON_KIND: Record<string, string> = {
  rejected: "rejected",
  referred: "referred",
  merged: "merged",
  closed: "closed",
};
const NOW = new Date("2026-11-26T10:00:00Z");

/** What the grid says for a type: the target status, or undefined when refused. */
function expected(cell: string, type: CaseType): CaseStatus | undefined {
  if (cell === "-") return undefined;
  if (cell === "answered*") return type === "issue_report" ? undefined : "answered";
  if (cell === "resolved*") return type === "issue_report" ? "resolved" : undefined;
  return cell as CaseStatus;
}

describe("the lifecycle", () => {
  const grid = readGrid();

  it("has a grid row for every status", () => {
    expect([...grid.keys()].sort()).toEqual([...CASE_STATUSES].sort());
  });

  it("matches the grid for every status × action × case type", () => {
    const differences: string[] = [];
    for (const status of CASE_STATUSES) {
      for (const action of LIFECYCLE_ACTIONS) {
        for (const type of CASE_TYPES) {
          const rule = TRANSITIONS[action];
          const reasonKind = rule.reasonRequired ? rule.reason : undefined;
          const result = decideTransition(action, {
            status,
            type,
            ...(reasonKind ? { reasonCode: { code: "x", appliesTo: REASON_KIND[reasonKind]! } } : {}),
            doneAt: new Date(NOW.getTime() - 86_400_000),
            now: NOW,
          });
          const want = expected(grid.get(status)!.get(action)!, type);
          const got = result.ok ? result.to : undefined;
          if (want !== got)
            differences.push(`${status} × ${action} × ${type}: grid ${want ?? "-"}, code ${got ?? "-"}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it("needs a national reason code of the right kind for rejections, referrals, merges and withdrawals", () => {
    const base = { status: "assigned" as const, type: "issue_report" as const };
    expect(decideTransition("reject", base)).toEqual({ ok: false, reason: "reason_required" });
    expect(
      decideTransition("reject", { ...base, reasonCode: { code: "duplicate", appliesTo: "merged" } }),
    ).toEqual({
      ok: false,
      reason: "reason_does_not_fit",
    });
    expect(
      decideTransition("reject", { ...base, reasonCode: { code: "not-feasible", appliesTo: "rejected" } }),
    ).toEqual({
      ok: true,
      to: "rejected",
    });
    expect(
      decideTransition("merge", { ...base, reasonCode: { code: "duplicate", appliesTo: "merged" } }),
    ).toEqual({
      ok: true,
      to: "merged",
    });
    expect(decideTransition("withdraw", base)).toEqual({ ok: false, reason: "reason_required" });
  });

  it("refuses a reason code on an action that takes none", () => {
    expect(
      decideTransition("acknowledge", {
        status: "submitted",
        type: "request",
        reasonCode: { code: "x", appliesTo: "rejected" },
      }),
    ).toEqual({ ok: false, reason: "reason_does_not_fit" });
  });

  it("lets the citizen reopen only within the reopen window after the answer", () => {
    const doneAt = new Date("2026-10-01T10:00:00Z");
    const input = { status: "resolved" as const, type: "issue_report" as const, doneAt };
    expect(decideTransition("reopen", { ...input, now: new Date("2026-10-31T09:00:00Z") })).toEqual({
      ok: true,
      to: "reopened",
    });
    expect(decideTransition("reopen", { ...input, now: new Date("2026-10-31T11:00:00Z") })).toEqual({
      ok: false,
      reason: "reopen_window_passed",
    });
    expect(
      decideTransition("reopen", { ...input, now: new Date("2026-10-05T00:00:00Z"), reopenWindowDays: 3 }),
    ).toEqual({
      ok: false,
      reason: "reopen_window_passed",
    });
  });

  it("names the refusal for a type the action is not for", () => {
    expect(decideTransition("resolve", { status: "in_progress", type: "request" })).toEqual({
      ok: false,
      reason: "not_for_this_type",
    });
    expect(decideTransition("answer", { status: "in_progress", type: "issue_report" })).toEqual({
      ok: false,
      reason: "not_for_this_type",
    });
  });

  it("maps every lifecycle action to an action of the policy table", () => {
    for (const action of LIFECYCLE_ACTIONS as readonly LifecycleAction[]) {
      expect(ACTIONS).toContain(ACTION_PERMISSION[action]);
    }
  });
});
