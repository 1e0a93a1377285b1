// Staff record input received at the counter, by phone, on paper or by email, with its real date.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, caseEvents, cases } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let officer: WebClient;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  officer = new WebClient(p.app);
  officer.cookies.set("lang", "en");
  await officer.submit("/login", {
    email: "zyrtari.prishtine@demo.ekomuna.example",
    password: DEMO_PASSWORD,
  });
});
afterAll(() => p.close());

const letter = {
  category: "social-assistance",
  channel: "paper",
  receivedDate: "2026-11-20",
  receivedTime: "09:30",
  title: "Kërkesë për ndihmë sociale",
  description: "Familja prej pesë anëtarësh kërkon ndihmë për dimër.",
  address: "",
  contactName: "Hajrije Krasniqi",
  contactEmail: "",
  contactPhone: "+383 44 111 222",
  language: "sq",
};

describe("recording input received outside the platform", () => {
  it("records a letter with its channel and the time it really arrived, and hands over the code and link", async () => {
    const res = await officer.submit("/m/prishtine/assisted", letter);
    expect(res.statusCode).toBe(200);
    const code = res.body.match(/class="confirmation__code">(PRI-2026-\d{6})</)?.[1];
    expect(code).toBeDefined();
    expect(res.body).toMatch(new RegExp(`/track/${code}\\?token=[A-Za-z0-9_-]{43}`));
    const [row] = await p.deps.database.db.select().from(cases).where(eq(cases.trackingCode, code!));
    expect(row).toMatchObject({
      channel: "paper",
      submitterId: null,
      contactName: "Hajrije Krasniqi",
      type: "request",
    });
    expect(row!.receivedAt.toISOString()).toBe("2026-11-20T08:30:00.000Z");
    // Social assistance: acknowledge within 2 working days of Friday 20 Nov → end of Tuesday 24 Nov.
    expect(row!.ackDueAt!.toISOString()).toBe("2026-11-24T23:00:00.000Z");
    const [event] = await p.deps.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, row!.id));
    expect(event!.data).toMatchObject({ channel: "paper", enteredBy: expect.any(String) });
    const [audit] = await p.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, code!));
    expect(audit!.action).toBe("case.entered_for_citizen");
  });

  it("records a form once however often it is sent", async () => {
    const page = await officer.get("/m/prishtine/assisted");
    const key = page.body.match(/name="idempotencyKey" value="([^"]+)"/)![1]!;
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const form = { _csrf: token, idempotencyKey: key, ...letter, title: "Once only" };
    const first = await officer.post("/m/prishtine/assisted", form);
    const second = await officer.post("/m/prishtine/assisted", form);
    expect(second.body).toContain("This form had already been recorded");
    const code = first.body.match(/class="confirmation__code">([^<]+)</)![1];
    expect(second.body).toContain(code!);
    const rows = await p.deps.database.db.select().from(cases).where(eq(cases.title, "Once only"));
    expect(rows).toHaveLength(1);
  });

  it("refuses a date in the future and a missing address for a problem at a place, keeping what was typed", async () => {
    const future = await officer.submit("/m/prishtine/assisted", { ...letter, receivedDate: "2026-12-01" });
    expect(future.statusCode).toBe(422);
    expect(future.body).toContain("The date and time received cannot be in the future");
    expect(future.body).toContain("Familja prej pesë anëtarësh");
    const pothole = await officer.submit("/m/prishtine/assisted", { ...letter, category: "potholes" });
    expect(pothole.statusCode).toBe(422);
    expect(pothole.body).toContain(
      '<a href="#field-address">A problem at a place needs an address or place</a>',
    );
    const bad = await officer.submit("/m/prishtine/assisted", {
      ...letter,
      receivedDate: "20.11.2026",
      title: "",
    });
    expect(bad.body).toContain("<title>Error: Record input received outside the platform – E-Komuna</title>");
    expect(bad.body).toContain("Enter the date it was received, like 2026-11-20");
    expect(bad.body).toContain("Enter a short title");
  });

  it("is only for staff of that municipality", async () => {
    expect((await officer.get("/m/prizren/assisted")).statusCode).toBe(404);
    const citizen = new WebClient(p.app);
    await citizen.submit("/login", { email: "lirije.shala@demo.ekomuna.example", password: DEMO_PASSWORD });
    expect((await citizen.get("/m/prishtine/assisted")).statusCode).toBe(404);
    const visitor = await p.app.inject({ url: "/m/prishtine/assisted" });
    expect(visitor.statusCode).toBe(303);
  });
});
