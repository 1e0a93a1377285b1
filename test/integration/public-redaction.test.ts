// Personal data a citizen types into a public case leaves through no public door: not the case page, the
// list, Open311 or the open data. Staff who work the case still read the original words, because their
// page reads the case itself, not its public view. A number staff confirm into a published answer (the
// office's own, past the personal-data check) is theirs to publish and stays.

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { REDACTION_MARKER } from "../../src/cases/personalData.ts";
import { users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const COORDINATOR = "koordinatori.prishtine@demo.ekomuna.example";

const EMAIL = "drita.rrjedhje@example.org";
const PHONE = "044 765 432";
const PERSONAL_NUMBER = "1122334455";
const ANSWER_PHONE = "038 512 345";
const TITLE = "Ujë rrjedh në rrugë";
const TITLE_WITH_PHONE = `${TITLE}, thirrni ${PHONE}`;
const DESCRIPTION = `Shkruani te ${EMAIL}, numri im personal ${PERSONAL_NUMBER}.`;

const get = (url: string) => p.app.inject({ url, headers: { cookie: "lang=en" } });

let code: string;
let staff: WebClient;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "potholes",
      answers: {},
      title: TITLE_WITH_PHONE,
      description: DESCRIPTION,
      address: "Rruga B 12",
      location: { latitude: 42.6629, longitude: 21.1655 },
      contact: { showName: false, name: "Drita Rrjedhje", email: "drita@example.org" },
      language: "sq",
      channel: "web",
      idempotencyKey: "public-redaction-1",
    },
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: { kind: "visitor" },
    },
  );
  if (!made.ok) throw new Error(made.reason);
  code = made.trackingCode;
  // An answer with a phone number in it, as staff may confirm past the personal-data check.
  await act({ kind: "acknowledge" });
  await act({ kind: "answer", message: `Për detaje thirrni ${ANSWER_PHONE}.`, final: false });

  staff = new WebClient(p.app);
  staff.cookies.set("lang", "en");
  const login = await staff.submit("/login", { email: COORDINATOR, password: DEMO_PASSWORD });
  if (login.statusCode !== 303) throw new Error("could not log in");
});
afterAll(() => p.close());

async function act(action: StaffAction) {
  const [coordinator] = await db().select().from(users).where(eq(users.email, COORDINATOR));
  const done = await actOnCase(
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      actor: await loadActor(db(), coordinator!),
      baseUrl: "http://x",
      poke: () => {},
    },
    { code, action },
  );
  if (!done.ok) throw new Error(`${action.kind}: ${done.reason}`);
}

/** Fails naming the personal data a public answer let out. */
function expectNoPersonalData(body: string) {
  for (const personal of [EMAIL, PHONE, PERSONAL_NUMBER]) expect(body).not.toContain(personal);
}

describe("personal data in a public case", () => {
  it("is replaced on the public case page, the rest of the text kept", async () => {
    const res = await get(`/cases/${code}`);
    expect(res.statusCode).toBe(200);
    expectNoPersonalData(res.body);
    expect(res.body).toContain(`${TITLE}, thirrni ${REDACTION_MARKER}`);
    expect(res.body).toContain(`Shkruani te ${REDACTION_MARKER}, numri im personal ${REDACTION_MARKER}.`);
    expect(res.body).toContain(`Për detaje thirrni ${ANSWER_PHONE}.`);
  });

  it("is replaced in the public list of cases", async () => {
    const res = await get("/cases");
    expect(res.body).toContain(code);
    expectNoPersonalData(res.body);
    expect(res.body).toContain(`${TITLE}, thirrni ${REDACTION_MARKER}`);
  });

  it("is replaced on the public map", async () => {
    const res = await get("/cases/map.json");
    expect(res.statusCode).toBe(200);
    const point = (JSON.parse(res.body) as { points: { trackingCode: string; title: string }[] }).points.find(
      (pt) => pt.trackingCode === code,
    );
    expect(point?.title).toBe(`${TITLE}, thirrni ${REDACTION_MARKER}`);
  });

  it("is replaced in Open311, in JSON and XML", async () => {
    const json = await get("/open311/v2/requests.json?jurisdiction_id=prishtine");
    const request = (JSON.parse(json.body) as { service_request_id: string; description: string }[]).find(
      (r) => r.service_request_id === code,
    );
    expect(request?.description).toBe(
      `Shkruani te ${REDACTION_MARKER}, numri im personal ${REDACTION_MARKER}.`,
    );
    for (const personal of [EMAIL, PHONE, PERSONAL_NUMBER]) expect(json.body).not.toContain(personal);
    const one = await get(`/open311/v2/requests/${code}.xml?jurisdiction_id=prishtine`);
    expect(one.statusCode).toBe(200);
    for (const personal of [EMAIL, PHONE, PERSONAL_NUMBER]) expect(one.body).not.toContain(personal);
  });

  it("is replaced in the REST API", async () => {
    const res = await get(`/api/v1/cases/${code}`);
    expect(res.statusCode).toBe(200);
    expectNoPersonalData(res.body);
    expect((JSON.parse(res.body) as { description: string }).description).toBe(
      `Shkruani te ${REDACTION_MARKER}, numri im personal ${REDACTION_MARKER}.`,
    );
  });

  it("is not in the open data", async () => {
    for (const format of ["csv", "json"]) {
      const res = await get(`/open-data/cases.${format}`);
      expect(res.body).toContain(code);
      for (const personal of [EMAIL, PHONE, PERSONAL_NUMBER]) expect(res.body).not.toContain(personal);
    }
  });

  it("is still there, as written, for staff who work the case", async () => {
    const res = await staff.get(`/m/prishtine/workspace/cases/${code}`);
    expect(res.statusCode).toBe(200);
    for (const personal of [EMAIL, PHONE, PERSONAL_NUMBER, ANSWER_PHONE])
      expect(res.body).toContain(personal);
  });
});
