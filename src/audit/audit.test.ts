// The canonical form an audit entry's hash covers: deterministic whatever the key order or absent fields.
import { describe, expect, it } from "vitest";
import { type AuditEntry, canonical, chainHash, GENESIS } from "./audit.ts";

const at = new Date("2026-11-26T10:00:00.123Z");

describe("canonical", () => {
  it("is a JSON array in fixed field order", () => {
    const entry: AuditEntry = {
      at,
      actorId: "0b6c9d2e-6f1a-4c3b-9d8e-7f6a5b4c3d2e",
      action: "case.view",
      subjectType: "case",
      subjectId: "PRI-2026-000123",
      municipalityId: 7,
      ip: "203.0.113.9",
      data: { b: 1, a: "x" },
    };
    expect(canonical(entry)).toBe(
      '["2026-11-26T10:00:00.123Z","0b6c9d2e-6f1a-4c3b-9d8e-7f6a5b4c3d2e","case.view","case","PRI-2026-000123",7,"203.0.113.9",{"a":"x","b":1}]',
    );
  });

  it("does not depend on the order of keys in data, at any depth", () => {
    const one = canonical({
      at,
      actorId: null,
      action: "a",
      data: { z: { y: 1, x: [{ q: 1, p: 2 }] }, a: null },
    });
    const two = canonical({
      at,
      actorId: null,
      action: "a",
      data: { a: null, z: { x: [{ p: 2, q: 1 }], y: 1 } },
    });
    expect(one).toBe(two);
    expect(one).toContain('{"a":null,"z":{"x":[{"p":2,"q":1}],"y":1}}');
  });

  it("keeps the order of array elements", () => {
    const one = canonical({ at, actorId: null, action: "a", data: { list: [1, 2] } });
    const two = canonical({ at, actorId: null, action: "a", data: { list: [2, 1] } });
    expect(one).not.toBe(two);
  });

  it("writes absent and undefined fields as null, the same as explicit nulls", () => {
    const absent = canonical({ at, actorId: null, action: "a" });
    const nulls = canonical({
      at,
      actorId: null,
      action: "a",
      subjectType: null,
      subjectId: null,
      municipalityId: null,
      ip: null,
      data: null,
    });
    expect(absent).toBe(nulls);
    expect(absent).toBe('["2026-11-26T10:00:00.123Z",null,"a",null,null,null,null,null]');
  });

  it("tells an empty data object from no data", () => {
    expect(canonical({ at, actorId: null, action: "a", data: {} })).not.toBe(
      canonical({ at, actorId: null, action: "a", data: null }),
    );
  });

  it("reads data as jsonb gives it back: Dates as ISO strings, undefined keys dropped", () => {
    const withDate = canonical({
      at,
      actorId: null,
      action: "a",
      data: { when: new Date("2026-01-02T03:04:05.000Z"), gone: undefined },
    });
    expect(withDate).toBe(
      canonical({ at, actorId: null, action: "a", data: { when: "2026-01-02T03:04:05.000Z" } }),
    );
  });

  it("keeps a __proto__ key as data", () => {
    const data = JSON.parse('{"__proto__":{"x":1},"a":2}') as Record<string, unknown>;
    expect(canonical({ at, actorId: null, action: "a", data })).toContain('{"__proto__":{"x":1},"a":2}');
  });
});

describe("chainHash", () => {
  it("is the sha256 of the previous hash, a newline and the canonical form, in hex", () => {
    const entry: AuditEntry = { at, actorId: null, action: "a" };
    const hash = chainHash(GENESIS, entry);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS, entry)).toBe(hash);
    expect(chainHash(hash, entry)).not.toBe(hash);
  });
});
