// The preferences a person is offered, the form's validation, and reading unsubscribe links: pure.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validate } from "../web/forms.tsx";
import { sign, verify } from "./keys.ts";
import {
  choicesOf,
  editableTopics,
  preferencesSchema,
  readUnsubscribeToken,
  topicsFor,
} from "./preferences.ts";
import { MODES, REQUIRED_TOPICS, STAFF_TOPICS, TOPICS } from "./topics.ts";

describe("the topics a person is offered", () => {
  it("offers staff topics to staff only", () => {
    expect(topicsFor(false).some((t) => STAFF_TOPICS.has(t))).toBe(false);
    expect(topicsFor(true)).toEqual([...TOPICS]);
    expect(topicsFor(false)).toContain("case_answer");
  });

  it("offers no choice for what the case or the law needs, digest or off for the daily summary", () => {
    for (const topic of REQUIRED_TOPICS) expect(choicesOf(topic)).toEqual([]);
    expect(choicesOf("open_work_digest")).toEqual(["digest", "off"]);
    expect(choicesOf("case_status")).toEqual(MODES);
    expect(editableTopics(topicsFor(false))).not.toContain("information_requested");
  });
});

describe("the preferences form", () => {
  const schema = preferencesSchema(topicsFor(false));
  const all = Object.fromEntries(editableTopics(topicsFor(false)).map((t) => [t, "digest"]));

  it("takes one offered choice per topic and ignores what cannot be chosen", () => {
    const form = validate(schema, {
      ...all,
      case_status: "off",
      information_requested: "off",
      assignment: "off",
    });
    expect(form.ok).toBe(true);
    if (!form.ok) return;
    expect(form.value.case_status).toBe("off");
    // A required topic, and a staff topic on a citizen's form, are not choices: they are dropped.
    expect(form.value).not.toHaveProperty("information_requested");
    expect(form.value).not.toHaveProperty("assignment");
  });

  it("refuses a value a topic does not offer, at that field, with a catalog message", () => {
    const staff = preferencesSchema(topicsFor(true));
    const staffAll = Object.fromEntries(editableTopics(topicsFor(true)).map((t) => [t, "off"]));
    const form = validate(staff, { ...staffAll, open_work_digest: "immediate", case_answer: "sometimes" });
    expect(form.ok).toBe(false);
    if (form.ok) return;
    expect(form.errors).toEqual({
      open_work_digest: "notifications.preferences.errors.choose",
      case_answer: "notifications.preferences.errors.choose",
    });
  });

  it("refuses a missing answer, and any body that is not one (never throws)", () => {
    const { case_status: _, ...missing } = all;
    expect(validate(schema, missing)).toEqual({
      ok: false,
      errors: { case_status: "notifications.preferences.errors.choose" },
    });
    fc.assert(
      fc.property(fc.anything(), (body) => {
        const form = validate(schema, body);
        if (form.ok)
          for (const [topic, mode] of Object.entries(form.value))
            expect(choicesOf(topic as never)).toContain(mode);
      }),
    );
  });
});

describe("unsubscribe links", () => {
  const key = "test-key";
  const check = (signed: string) => verify(key, signed);
  const user = "0b9c6a8e-4f2d-4a4b-9a51-2f1f3b5e7c11";

  it("read back what notify signed: an account or an address, and the topic", () => {
    expect(readUnsubscribeToken(sign(key, `u:${user}|case_status`), check)).toEqual({
      kind: "user",
      userId: user,
      topic: "case_status",
    });
    expect(readUnsubscribeToken(sign(key, "e:Ana|Lee@Example.org|case_answer"), check)).toEqual({
      kind: "email",
      email: "ana|lee@example.org",
      topic: "case_answer",
    });
  });

  it("refuse a forged, altered or malformed link", () => {
    const good = sign(key, `u:${user}|case_status`);
    expect(readUnsubscribeToken(sign("another-key", `u:${user}|case_status`), check)).toBeUndefined();
    expect(readUnsubscribeToken(good.replace("case_status", "case_answer"), check)).toBeUndefined();
    expect(readUnsubscribeToken(sign(key, `u:${user}|no_such_topic`), check)).toBeUndefined();
    expect(readUnsubscribeToken(sign(key, "u:not-a-uuid|case_status"), check)).toBeUndefined();
    expect(readUnsubscribeToken(sign(key, "x:someone|case_status"), check)).toBeUndefined();
    expect(readUnsubscribeToken(sign(key, "case_status"), check)).toBeUndefined();
    expect(readUnsubscribeToken(["a", "b"], check)).toBeUndefined();
    expect(readUnsubscribeToken("", check)).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(readUnsubscribeToken(s, check)).toBeUndefined();
      }),
    );
  });
});
