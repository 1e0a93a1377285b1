// A NUL character (which PostgreSQL cannot store in text or jsonb) typed or pasted into any form field or
// query string: the form goes on with everything kept, the NUL shown as U+FFFD, and never a 500.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
});
afterAll(() => p.close());

it("keeps what was typed through the journey, with the NUL as �", async () => {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
  const base = (started.headers.location as string).replace(/\/category$/, "");
  await web.submit(`${base}/category`, { category: "potholes" });
  const details = await web.submit(`${base}/details`, {
    title: "Gropë\u0000 e thellë",
    description: "x\u0000y",
  });
  expect(details.statusCode).toBe(303);
  expect((await web.submit(`${base}/location`, { address: "Rruga\u0000B" })).statusCode).toBe(303);
  const kept = await web.get(`${base}/details`);
  expect(kept.statusCode).toBe(200);
  expect(kept.body).toContain("Gropë\uFFFD e thellë");
  expect((await web.get(`${base}/location`)).body).toContain("Rruga\uFFFDB");
});

it("answers a search and a login with NUL characters without a 500", async () => {
  const web = new WebClient(p.app);
  const search = await web.get("/cases?q=%00gropë&municipality=pri%00shtine");
  expect(search.statusCode).toBeLessThan(500);
  const login = await web.submit("/login", { email: "a\u0000@b.example", password: "x\u0000" });
  expect(login.statusCode).toBe(422);
});
