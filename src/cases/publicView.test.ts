import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findPersonalData, REDACTION_MARKER } from "./personalData.ts";
import { type PublicCase, publicCaseSummary, publicCaseView, type ViewedCase } from "./publicView.ts";

const at = new Date("2026-11-26T10:00:00Z");

const kase: ViewedCase = {
  visibility: "public",
  trackingCode: "PRI-2026-000123",
  type: "issue_report",
  status: "answered",
  channel: "web",
  title: "Gropë te shkolla",
  description: "Gropë e thellë para shkollës, rreth 40 cm.",
  showName: true,
  contactName: "Arta Krasniqi",
  latitude: 42.662912,
  longitude: 21.165503,
  address: "Rruga B 12, hyrja 3",
  receivedAt: at,
  acknowledgedAt: at,
  responseDueAt: at,
  resolutionDueAt: at,
  resolvedAt: null,
  closedAt: null,
  reasonCode: null,
};

/** A public event with a message someone typed: by default, information the citizen added. */
const event = (message: string | null, type = "information_added") => ({
  type,
  fromStatus: null,
  toStatus: null,
  reasonCode: null,
  message,
  at,
  isPublic: true,
});

/** Every text of a view that came from what someone typed. */
const textsOf = (view: PublicCase) => [
  view.title,
  view.description,
  view.submitterName ?? "",
  view.address ?? "",
  ...view.timeline.map((e) => e.message ?? ""),
];

describe("personal data in the public view of a case", () => {
  it("replaces an email, a phone number or a personal number in every text anyone may see", () => {
    const view = publicCaseView(
      {
        ...kase,
        title: "Gropë, thirrni 044 123 456",
        description: "Më shkruani te arta.krasniqi@example.org, numri personal 1234567890.",
        contactName: "arta@example.org",
        address: "Rruga B 12, tel. +383 49 111 222",
      },
      { sensitive: false },
      [event("Na thirrni në 038 512 345.")],
    )!;
    expect(view).toMatchObject({
      title: `Gropë, thirrni ${REDACTION_MARKER}`,
      description: `Më shkruani te ${REDACTION_MARKER}, numri personal ${REDACTION_MARKER}.`,
      submitterName: REDACTION_MARKER,
      address: `Rruga B 12, tel. ${REDACTION_MARKER}`,
      timeline: [{ message: `Na thirrni në ${REDACTION_MARKER}.` }],
    });
    const json = JSON.stringify(view);
    for (const personal of ["example.org", "123 456", "1234567890", "111 222", "512 345"]) {
      expect(json).not.toContain(personal);
    }
  });

  it("keeps a published answer as staff wrote it: they checked it and may give the office's number", () => {
    const view = publicCaseView(kase, { sensitive: false }, [
      event("Na thirrni në 038 512 345.", "answer_published"),
      event("Ja numri im: 044 123 456.", "information_added"),
    ])!;
    expect(view.timeline.map((e) => e.message)).toEqual([
      "Na thirrni në 038 512 345.",
      `Ja numri im: ${REDACTION_MARKER}.`,
    ]);
  });

  it("shows text without personal data exactly as it was written", () => {
    const view = publicCaseView(kase, { sensitive: false }, [
      event("U riparua më 25.11.2026."),
      event(null),
    ])!;
    expect(view).toMatchObject({
      title: kase.title,
      description: kase.description,
      submitterName: kase.contactName,
      address: kase.address,
      timeline: [{ message: "U riparua më 25.11.2026." }, { message: null }],
    });
  });

  it("redacts the title in the list view the same way", () => {
    expect(publicCaseSummary({ ...kase, title: "Thirrni 049/123/456" })!.title).toBe(
      `Thirrni ${REDACTION_MARKER}`,
    );
    expect(publicCaseSummary(kase)!.title).toBe(kase.title);
  });

  it("keeps a text that was not read as it is, for callers that read only some columns", () => {
    // The map reads no description, address or name: its rows carry null there.
    const partial = {
      ...kase,
      title: "Thirrni 044 123 456",
      description: null,
      address: null,
      contactName: null,
    };
    const view = publicCaseView(partial as unknown as ViewedCase, { sensitive: false }, [])!;
    expect(view).toMatchObject({ title: `Thirrni ${REDACTION_MARKER}`, description: null, address: null });
    expect(view.submitterName).toBeNull();
  });

  it("still shows no name that was not chosen, no address for a sensitive category and no private case", () => {
    expect(publicCaseView({ ...kase, showName: false }, { sensitive: false }, [])!.submitterName).toBeNull();
    expect(publicCaseView(kase, { sensitive: true }, [])!.address).toBeNull();
    expect(publicCaseView({ ...kase, visibility: "private" }, { sensitive: false }, [])).toBeUndefined();
  });

  // What people type, with personal data among it and near misses beside it.
  const text = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          " ",
          ".",
          "-",
          "/",
          "+",
          "@",
          "0",
          "44",
          "123",
          "+383",
          "a",
          "ë",
          ".org",
          "Rruga B 12",
        ),
        fc.constantFrom("arta.krasniqi@example.org", "+383 44 123 456", "044-123-456", "1234567890"),
        fc.stringMatching(/^[0-9]{1,11}$/),
        fc.string({ maxLength: 6, unit: "grapheme" }),
      ),
      { maxLength: 20 },
    )
    .map((parts) => parts.join(""));
  const typed = (of: fc.Arbitrary<string>) =>
    fc.record({
      title: of,
      description: of,
      contactName: of,
      address: of,
      messages: fc.array(of, { maxLength: 3 }),
    });
  type Typed = {
    title: string;
    description: string;
    contactName: string;
    address: string;
    messages: string[];
  };
  const viewOf = (t: Typed) =>
    publicCaseView(
      { ...kase, title: t.title, description: t.description, contactName: t.contactName, address: t.address },
      { sensitive: false },
      t.messages.map((m) => event(m)),
    )!;

  it("never lets out text the personal data check would flag (property)", () => {
    fc.assert(
      fc.property(typed(text), (t) => {
        for (const shown of textsOf(viewOf(t))) expect(findPersonalData(shown)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it("lets text without personal data through unchanged (property)", () => {
    fc.assert(
      fc.property(typed(text.filter((s) => findPersonalData(s).length === 0)), (t) => {
        expect(textsOf(viewOf(t))).toEqual([t.title, t.description, t.contactName, t.address, ...t.messages]);
      }),
      { numRuns: 1000 },
    );
  });
});
