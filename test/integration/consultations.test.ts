// A consultation from draft to report through its pages, as Prishtinë's coordinator and two demo citizens:
// the period's rules, publishing, PDF documents, comments with supports and abuse reports, moderation,
// refusal after closing, dispositions and the report with its open data; and the figures.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  consultationComments,
  consultations,
  municipalities,
  notifications,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { seedDemoConsultations } from "../../src/participation/consultations/demo.ts";
import { consultationFigures } from "../../src/participation/consultations/figures.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let coordinator: WebClient;
let lirije: WebClient;
let stefan: WebClient;
let prishtine: number;
const db = () => p.deps.database.db;
const L = "/m/prishtine/participation/consultations";

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/\s+/g, " ");

const details = (over: Record<string, string> = {}) => ({
  kind: "budget",
  titleSq: "Buxheti 2027",
  titleSr: "Budžet 2027",
  titleEn: "Budget 2027",
  summarySq: "Projekti i buxhetit për vitin 2027.",
  summarySr: "Nacrt budžeta za 2027. godinu.",
  summaryEn: "",
  departmentId: "",
  opensOn: "2026-11-26",
  closesOn: "2026-12-10",
  ...over,
});

/** Posts a multipart form (a PDF upload) with the session and CSRF token of `web`. */
async function upload(web: WebClient, url: string, page: string, title: string, file: Buffer) {
  const token = (await web.get(page)).body.match(/name="_csrf" value="([^"]+)"/)![1]!;
  const b = "----ekomunatest";
  const part = (name: string, value: string) =>
    `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const payload = Buffer.concat([
    Buffer.from(part("_csrf", token) + part("title", title)),
    Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="Buxheti 2027 – projekt.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return p.app.inject({
    method: "POST",
    url,
    remoteAddress: web.remoteAddress,
    headers: {
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "content-type": `multipart/form-data; boundary=${b}`,
    },
    payload,
  });
}

let id: number;
/** Prishtinë's consultations in the demo, before the tests add theirs. */
let demoCount: number;
const YEAR_2026 = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-01-01T00:00:00Z") };
const YEAR_2027 = { from: new Date("2027-01-01T00:00:00Z"), to: new Date("2028-01-01T00:00:00Z") };
let demoFigures: Record<"y2026" | "y2027", Awaited<ReturnType<typeof consultationFigures>>>;

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  prishtine = (await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine")))[0]!.id;
  demoCount = (await db().select().from(consultations).where(eq(consultations.municipalityId, prishtine)))
    .length;
  demoFigures = {
    y2026: await consultationFigures(db(), { municipalityId: prishtine, ...YEAR_2026 }),
    y2027: await consultationFigures(db(), { municipalityId: prishtine, ...YEAR_2027 }),
  };
  coordinator = await signIn("koordinatori.prishtine");
  lirije = await signIn("lirije.shala");
  stefan = await signIn("stefan.ilic");
});
afterAll(async () => p?.close());

describe("a consultation, from draft to report", () => {
  it("refuses a period shorter than the minimum, a closing before the opening and an opening in the past", async () => {
    const short = await coordinator.submit(`${L}/new`, details({ closesOn: "2026-12-09" }));
    expect(short.statusCode).toBe(422);
    expect(text(short.body)).toContain("must stay open at least 15 days");
    expect(short.body).toContain('value="Buxheti 2027"');
    const before = await coordinator.submit(`${L}/new`, details({ closesOn: "2026-11-20" }));
    expect(before.statusCode).toBe(422);
    expect(text(before.body)).toContain("closing date must be after the opening date");
    const past = await coordinator.submit(`${L}/new`, details({ opensOn: "2026-11-25" }));
    expect(past.statusCode).toBe(422);
    expect(text(past.body)).toContain("opening date cannot be in the past");
    const missing = await coordinator.submit(`${L}/new`, details({ titleSr: "" }));
    expect(missing.statusCode).toBe(422);
    expect(text(missing.body)).toContain("Enter the title in Serbian");
    expect(
      await db().select().from(consultations).where(eq(consultations.municipalityId, prishtine)),
    ).toHaveLength(demoCount);
  });

  it("reports every problem of the form at once: the missing fields and the period's rules", async () => {
    const res = await coordinator.submit(
      `${L}/new`,
      details({ kind: "", titleSr: "", opensOn: "2026-11-25", closesOn: "2026-12-01" }),
    );
    expect(res.statusCode).toBe(422);
    const shown = text(res.body);
    expect(shown).toContain("Choose the kind of consultation");
    expect(shown).toContain("Enter the title in Serbian");
    expect(shown).toContain("opening date cannot be in the past");
    expect(shown).toContain("must stay open at least 15 days");
    for (const field of ["kind", "titleSr", "opensOn", "closesOn"])
      expect(res.body).toContain(`href="#field-${field}"`);
    expect(
      await db().select().from(consultations).where(eq(consultations.municipalityId, prishtine)),
    ).toHaveLength(demoCount);
  });

  it("creates a draft that only staff can preview, and publishes it once it has a section", async () => {
    const created = await coordinator.submit(`${L}/new`, details());
    expect(created.statusCode).toBe(303);
    id = Number(created.headers.location!.toString().match(/consultations\/(\d+)/)![1]);
    expect((await new WebClient(p.app).get(`/consultations/${id}`)).statusCode).toBe(404);
    expect((await lirije.get(`/consultations/${id}`)).statusCode).toBe(404);
    expect((await coordinator.get(`/consultations/${id}`)).statusCode).toBe(200);
    expect((await lirije.get(`${L}/${id}`)).statusCode).toBe(404);

    const refused = await coordinator.submit(`${L}/${id}`, {}, `${L}/${id}/publish`);
    expect(refused.statusCode).toBe(422);
    expect(text(refused.body)).toContain("Add at least one section");

    for (const n of [1, 2])
      expect(
        (
          await coordinator.submit(`${L}/${id}/sections/new`, {
            headingSq: `Kapitulli ${n}`,
            headingSr: `Poglavlje ${n}`,
            bodySq: `Teksti ${n}`,
            bodySr: `Tekst ${n}`,
          })
        ).statusCode,
      ).toBe(303);
    const notPdf = await upload(
      coordinator,
      `${L}/${id}/documents`,
      `${L}/${id}`,
      "Projekti",
      Buffer.from("hello"),
    );
    expect(notPdf.statusCode).toBe(422);
    expect(text(notPdf.body)).toContain("The file must be a PDF");
    const pdf = Buffer.from("%PDF-1.4\n% test\n");
    expect(
      (await upload(coordinator, `${L}/${id}/documents`, `${L}/${id}`, "Projekti", pdf)).statusCode,
    ).toBe(303);

    expect((await coordinator.submit(`${L}/${id}`, {}, `${L}/${id}/publish`)).statusCode).toBe(303);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "consultation.publish"), eq(auditLog.subjectId, String(id))));
    expect(audit).toBeDefined();
    // Published: sections can no longer change.
    const late = await coordinator.submit(`${L}/${id}/sections/new`, {
      headingSq: "x",
      headingSr: "x",
      bodySq: "x",
      bodySr: "x",
    });
    expect(late.statusCode).toBe(422);
  });

  it("shows the consultation publicly with its stage in words and serves its PDF as a download", async () => {
    const visitor = new WebClient(p.app);
    visitor.cookies.set("lang", "en");
    const list = await visitor.get("/m/prishtine/consultations");
    expect(list.statusCode).toBe(200);
    expect(text(list.body)).toContain("Budget 2027");
    expect(text(list.body)).toContain("Open: 15 days left");
    const page = await visitor.get(`/consultations/${id}`);
    const doc = page.body.match(/href="(\/consultations\/\d+\/documents\/[0-9a-f-]+)"/)![1]!;
    const file = await visitor.get(doc);
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("application/pdf");
    expect(file.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(file.headers["content-disposition"])).toMatch(
      /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/,
    );
    expect(file.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("takes a document added after publication, listed with its date, and keeps every document", async () => {
    const annex = Buffer.from("%PDF-1.4\n% annex\n");
    const added = await upload(
      coordinator,
      `${L}/${id}/documents`,
      `${L}/${id}`,
      "Shtojca e korrigjuar",
      annex,
    );
    expect(added.statusCode).toBe(303);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "consultation.document_add"), eq(auditLog.subjectId, String(id))));
    expect(audit.map((a) => (a.data as { stage: string }).stage)).toEqual(["draft", "open"]);
    const visitor = new WebClient(p.app, { "accept-language": "en" });
    const page = text((await visitor.get(`/consultations/${id}`)).body);
    expect(page).toContain("Shtojca e korrigjuar (PDF, 1 KB) · added on");
    expect(page).toMatch(/Projekti \(PDF, 1 KB\) · added on \w+ 26, 2026/);
    // Removing a published document is refused, whichever it is: both stay, files and rows.
    const manage = await coordinator.get(`${L}/${id}`);
    expect(manage.body).not.toContain("/remove");
    const docs = [...manage.body.matchAll(/\/documents\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    expect(new Set(docs).size).toBe(2);
    for (const doc of new Set(docs)) {
      const refused = await coordinator.postWithToken(`${L}/${id}/documents/${doc}/remove`, {}, `${L}/${id}`);
      expect(refused.statusCode).toBe(422);
      expect(text(refused.body)).toContain("kept for the record");
      expect((await visitor.get(`/consultations/${id}/documents/${doc}`)).statusCode).toBe(200);
    }
  });

  it("once open, refuses moving the opening date or closing earlier", async () => {
    const moved = await coordinator.submit(
      `${L}/${id}/edit`,
      details({ opensOn: "2026-11-27", closesOn: "2026-12-11" }),
    );
    expect(moved.statusCode).toBe(422);
    expect(text(moved.body)).toContain("opening date can no longer change");
    const earlier = await coordinator.submit(`${L}/${id}/edit`, details({ closesOn: "2026-12-09" }));
    expect(earlier.statusCode).toBe(422);
    expect(text(earlier.body)).toContain("closing date can only move later");
    expect(
      (await coordinator.submit(`${L}/${id}/edit`, details({ closesOn: "2026-12-12" }))).statusCode,
    ).toBe(303);
  });

  let commentId: number;
  it("lets citizens comment, reply and support once; the author follows", async () => {
    const empty = await lirije.submit(
      `/consultations/${id}`,
      { body: "  " },
      `/consultations/${id}/comments`,
    );
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain("Enter your comment");
    const tooLong = await lirije.submit(
      `/consultations/${id}`,
      { body: "a".repeat(4001) },
      `/consultations/${id}/comments`,
    );
    expect(tooLong.statusCode).toBe(422);
    const sent = await lirije.submit(
      `/consultations/${id}`,
      { body: "Më shumë para për rrugët.", showName: "yes" },
      `/consultations/${id}/comments`,
    );
    expect(sent.statusCode).toBe(303);
    commentId = Number(sent.headers.location!.toString().match(/comment-(\d+)/)![1]);
    const reply = await stefan.submit(`/consultations/${id}/comments/${commentId}/reply`, {
      body: "Slažem se.",
    });
    expect(reply.statusCode).toBe(303);

    const url = `/consultations/${id}/comments/${commentId}/support`;
    const page = await stefan.get(`/consultations/${id}`);
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    // Two supports at once from one account: one is counted.
    const both = await Promise.all([stefan.post(url, { _csrf: token }), stefan.post(url, { _csrf: token })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([303, 422]);
    const again = await stefan.post(url, { _csrf: token });
    expect(again.statusCode).toBe(422);
    expect(text(again.body)).toContain("You already support this comment");
    const [row] = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.id, commentId));
    expect(row!.supportCount).toBe(1);
    const shown = text(
      (await new WebClient(p.app, { "accept-language": "en" }).get(`/consultations/${id}`)).body,
    );
    expect(shown).toContain("1 support");
    // Named only by choice: Lirije chose it, Stefan did not.
    expect(shown).toContain("Lirije Shala");
    expect(shown).toContain("Participant 2");
    expect(shown).not.toContain("Stefan");
  });

  it("takes one abuse report per account, and a moderator hides the comment with a reason its author still sees", async () => {
    const reportUrl = `/consultations/${id}/comments/${commentId}/report`;
    expect((await stefan.submit(reportUrl, { reason: "Ofendon." })).statusCode).toBe(303);
    const twice = await stefan.submit(reportUrl, { reason: "Prapë." });
    expect(twice.statusCode).toBe(422);
    expect(text(twice.body)).toContain("already reported");

    const queue = await coordinator.get("/m/prishtine/participation/moderation");
    expect(text(queue.body)).toContain("Ofendon.");
    const noReason = await coordinator.submit(
      "/m/prishtine/participation/moderation",
      {},
      `/m/prishtine/participation/comments/${commentId}/hide`,
    );
    expect(noReason.statusCode).toBe(422);
    const hidden = await coordinator.submit(
      "/m/prishtine/participation/moderation",
      { [`reason-${commentId}`]: "Gjuhë fyese" },
      `/m/prishtine/participation/comments/${commentId}/hide`,
    );
    expect(hidden.statusCode).toBe(303);
    expect((await stefan.get(`/consultations/${id}`)).body).not.toContain("Më shumë para për rrugët.");
    const own = text((await lirije.get(`/consultations/${id}`)).body);
    expect(own).toContain("Më shumë para për rrugët.");
    expect(own).toContain("Gjuhë fyese");
    const [author] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    const told = await db().select().from(notifications).where(eq(notifications.userId, author!.id));
    expect(told.some((n) => n.body.includes("Gjuhë fyese"))).toBe(true);
    // Shown again, for the report.
    expect(
      (
        await coordinator.submit(
          "/m/prishtine/participation/moderation",
          {},
          `/m/prishtine/participation/comments/${commentId}/unhide`,
        )
      ).statusCode,
    ).toBe(303);
  });

  it("after closing refuses comments and saves nothing; the report waits for every disposition", async () => {
    p.clock.set("2026-12-13T09:00:00Z");
    // Sessions lapse over two weeks: sign in again.
    lirije = await signIn("lirije.shala");
    coordinator = await signIn("koordinatori.prishtine");
    const before = (
      await db().select().from(consultationComments).where(eq(consultationComments.consultationId, id))
    ).length;
    // The page offers no form any more; a form left open in a browser tab is refused.
    const late = await lirije.postWithToken(
      `/consultations/${id}/comments`,
      { body: "Vonë" },
      `/consultations/${id}`,
    );
    expect(late.statusCode).toBe(422);
    const shown = text(late.body);
    expect(shown).toContain("The consultation is closed");
    expect(
      (await db().select().from(consultationComments).where(eq(consultationComments.consultationId, id)))
        .length,
    ).toBe(before);

    const D = `${L}/${id}/dispositions`;
    const missing = await coordinator.submit(
      D,
      { summarySq: "Faleminderit", summarySr: "Hvala" },
      `${L}/${id}/report`,
    );
    expect(missing.statusCode).toBe(422);
    expect(text(missing.body)).toContain("2 comments still have no disposition");
    expect(
      (await db().select().from(consultations).where(eq(consultations.id, id)))[0]!.reportPublishedAt,
    ).toBeNull();

    const rows = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.consultationId, id));
    const noReason = await coordinator.submit(D, { save: "all", [`disposition-${rows[0]!.id}`]: "accepted" });
    expect(noReason.statusCode).toBe(422);
    const fields: Record<string, string> = { save: "all" };
    for (const r of rows) {
      fields[`disposition-${r.id}`] = r.parentId ? "noted" : "partly_accepted";
      fields[`reason-${r.id}`] = "Rruga e Agim Ramadanit hyn në plan.";
    }
    expect((await coordinator.submit(D, fields)).statusCode).toBe(303);
    const published = await coordinator.submit(
      D,
      { summarySq: "Faleminderit", summarySr: "Hvala" },
      `${L}/${id}/report`,
    );
    expect(published.statusCode).toBe(303);
  });

  it("publishes the report anonymised, as a page and as open data, and tells participants in their language", async () => {
    const visitor = new WebClient(p.app, { "accept-language": "en" });
    const page = text((await visitor.get(`/consultations/${id}/report`)).body);
    expect(page).toContain("Lirije Shala"); // she chose to be named
    expect(page).toContain("Participant 2");
    expect(page).not.toContain("Stefan");
    expect(page).toContain("Partly accepted");
    const csv = await visitor.get(`/consultations/${id}/report.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain("@");
    expect(csv.body.split("\r\n")[0]).toBe(
      "comment_id,reply_to,section,author,language,body,supports,disposition,reason,reply_to_hidden",
    );
    const json = JSON.parse((await visitor.get(`/consultations/${id}/report.json`)).body);
    expect(json.comments).toHaveLength(2);
    expect(JSON.stringify(json)).not.toMatch(/@|authorId|author_id/);
    expect(json.totals).toMatchObject({ partly_accepted: 1, noted: 1 });

    const [s] = await db().select().from(users).where(eq(users.email, "stefan.ilic@demo.ekomuna.example"));
    const told = await db().select().from(notifications).where(eq(notifications.userId, s!.id));
    expect(told.some((n) => n.subject.startsWith("Objavljen je izveštaj o konsultaciji"))).toBe(true);
  });

  it("counts the figures of a period", async () => {
    // What this file's consultation added to the demo's figures: its two comments, both disposed of, and
    // its report; nothing in the year after.
    const f = await consultationFigures(db(), { municipalityId: prishtine, ...YEAR_2026 });
    const before = demoFigures.y2026;
    expect(f).toMatchObject({
      held: before.held + 1,
      comments: before.comments + 2,
      withDisposition: before.withDisposition + 2,
      reportsPublished: before.reportsPublished + 1,
      reportsOverdue: before.reportsOverdue,
    });
    const later = await consultationFigures(db(), { municipalityId: prishtine, ...YEAR_2027 });
    expect(later).toEqual(demoFigures.y2027);
  });
});

describe("the demo consultations and who may see what", () => {
  let open: number;
  let reported: number;
  beforeAll(async () => {
    p.clock.set("2026-11-26T10:00:00Z");
    const [lirijeRow] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    const ids = new Map<string, string>();
    for (const u of await db().select().from(users)) ids.set(u.email.split("@")[0]!, u.id);
    const before = (await db().select().from(consultations)).map((c) => c.id);
    await db().transaction((tx) =>
      seedDemoConsultations(tx, {
        now: p.clock.now(),
        municipalityId: () => prishtine,
        userId: (local) => ids.get(local)!,
        calendar: p.deps.calendar,
      }),
    );
    [open, reported] = (await db().select().from(consultations))
      .map((c) => c.id)
      .filter((c) => !before.includes(c))
      .sort((a, b) => a - b) as [number, number];
    expect(lirijeRow).toBeDefined();
    coordinator = await signIn("koordinatori.prishtine");
    lirije = await signIn("lirije.shala");
  });

  it("keeps a published report as it is: its comments can no longer be hidden or shown again", async () => {
    const [comment] = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.consultationId, reported));
    const before = (await coordinator.get(`/consultations/${reported}/report.json`)).body;
    const hide = await coordinator.postWithToken(
      `/m/prishtine/participation/comments/${comment!.id}/hide`,
      { [`reason-${comment!.id}`]: "Vonë" },
      "/m/prishtine/participation/moderation",
    );
    expect(hide.statusCode).toBe(303);
    expect(hide.headers.location).toContain("done=locked_by_report");
    const [after] = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.id, comment!.id));
    expect(after!.hiddenAt).toBeNull();
    expect((await coordinator.get(`/consultations/${reported}/report.json`)).body).toBe(before);
    const page = await coordinator.get(hide.headers.location as string);
    expect(text(page.body)).toContain("can no longer be hidden or shown again");
  });

  it("shows the dispositions of a published report read-only: no form, no fields, each one as text", async () => {
    const page = await coordinator.get(`${L}/${reported}/dispositions`);
    expect(page.statusCode).toBe(200);
    const main = page.body.slice(page.body.indexOf("<main"), page.body.indexOf("</main>"));
    expect(main).not.toMatch(/<form|<select|<textarea|<fieldset|<button/);
    const shown = text(main);
    expect(shown).toContain("the dispositions are final");
    for (const d of ["Accepted", "Not accepted", "Noted"]) expect(shown).toContain(`Disposition ${d}`);
  });

  it("shows the open budget consultation and the published report in the three languages", async () => {
    for (const lang of ["sq", "sr", "en"]) {
      const web = new WebClient(p.app, { "accept-language": lang });
      const page = await web.get(`/consultations/${open}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('lang="sr-Latn"'); // a citizen's comment in Serbian is marked
      expect((await web.get(`/consultations/${reported}/report`)).statusCode).toBe(200);
    }
    expect((await new WebClient(p.app).get(`/consultations/${open}/report`)).statusCode).toBe(404);
  });

  it("offers the demo budget's summary as a PDF download, a whole file any reader can open", async () => {
    const visitor = new WebClient(p.app, { "accept-language": "en" });
    const page = await visitor.get(`/consultations/${open}`);
    expect(text(page.body)).toContain("Projektbuxheti 2027 – përmbledhja");
    const href = page.body.match(/href="(\/consultations\/\d+\/documents\/[0-9a-f-]+)"/)![1]!;
    const file = await visitor.get(href);
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("application/pdf");
    const pdf = file.rawPayload.toString("latin1");
    expect(pdf.startsWith("%PDF-1.4\n")).toBe(true);
    expect(pdf.endsWith("%%EOF\n")).toBe(true);
    // The cross-reference table points at each object, and startxref at the table.
    const startxref = Number(pdf.match(/startxref\n(\d+)\n%%EOF/)![1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe("xref");
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    for (const [i, o] of offsets.entries()) expect(pdf.slice(o, o + 8)).toBe(`${i + 1} 0 obj\n`);
    const length = Number(pdf.match(/\/Length (\d+)/)![1]);
    const stream = pdf.indexOf("stream\n") + "stream\n".length;
    expect(pdf.slice(stream + length, stream + length + 10)).toBe("\nendstream");
    // Its text in Latin-1 (Albanian letters whole), parentheses escaped.
    expect(pdf).toContain("(Komuna e Prishtin\xebs - Projektbuxheti 2027 \\(p\xebrmbledhje\\)) Tj");
  });

  it("opens the staff pages for the coordinator, and answers not found to a citizen and another municipality's coordinator", async () => {
    for (const path of [
      L,
      `${L}/new`,
      `${L}/${open}`,
      `${L}/${open}/edit`,
      `${L}/${reported}/dispositions`,
      "/m/prishtine/participation/moderation",
    ]) {
      expect((await coordinator.get(path)).statusCode, path).toBe(200);
      expect((await lirije.get(path)).statusCode, path).toBe(404);
    }
    const prizren = await signIn("koordinatori.prizren");
    expect((await prizren.get(`${L}/${open}`)).statusCode).toBe(404);
    // Prizren's coordinator cannot hide a comment of Prishtinë's through Prizren's address either.
    const [comment] = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.consultationId, open));
    const hide = await prizren.postWithToken(
      `/m/prizren/participation/comments/${comment!.id}/hide`,
      { [`reason-${comment!.id}`]: "x" },
      "/m/prizren/participation/moderation",
    );
    expect(hide.statusCode).toBe(404);
    const [after] = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.id, comment!.id));
    expect(after!.hiddenAt).toBeNull();
    // Dispositions exist only once a consultation is closed.
    expect((await coordinator.get(`${L}/${open}/dispositions`)).statusCode).toBe(404);
    const visitor = await new WebClient(p.app).get(L);
    expect(visitor.statusCode).toBe(303);
    expect(String(visitor.headers.location)).toMatch(/^\/login\?next=/);
  });

  it("sends a visitor who tries to comment to log in, and saves nothing", async () => {
    const before = (await db().select().from(consultationComments)).length;
    const res = await new WebClient(p.app).postWithToken(`/consultations/${open}/comments`, {
      body: "Hello",
    });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toMatch(/^\/login/);
    expect((await db().select().from(consultationComments)).length).toBe(before);
  });

  it("refuses a document over 20 MB with 413", async () => {
    const created = await coordinator.submit(
      `${L}/new`,
      details({ opensOn: "2026-12-01", closesOn: "2026-12-20" }),
    );
    const draft = Number(String(created.headers.location).match(/consultations\/(\d+)/)![1]);
    const big = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(20 * 1024 * 1024)]);
    const res = await upload(coordinator, `${L}/${draft}/documents`, `${L}/${draft}`, "Large", big);
    expect(res.statusCode).toBe(413);
  });
});

describe("a report with a reply to a comment hidden by moderation", () => {
  it("shows the reply in its place, saying its comment was hidden, alike on the page, in CSV and in JSON", async () => {
    p.clock.set("2026-11-26T10:00:00Z");
    coordinator = await signIn("koordinatori.prishtine");
    const created = await coordinator.submit(
      `${L}/new`,
      details({ opensOn: "2026-11-27", closesOn: "2026-12-11" }),
    );
    const cid = Number(String(created.headers.location).match(/consultations\/(\d+)/)![1]);
    await coordinator.submit(`${L}/${cid}/sections/new`, {
      headingSq: "Kapitulli",
      headingSr: "Poglavlje",
      bodySq: "Teksti",
      bodySr: "Tekst",
    });
    expect((await coordinator.submit(`${L}/${cid}`, {}, `${L}/${cid}/publish`)).statusCode).toBe(303);

    p.clock.set("2026-11-28T10:00:00Z");
    lirije = await signIn("lirije.shala");
    stefan = await signIn("stefan.ilic");
    coordinator = await signIn("koordinatori.prishtine");
    const parent = await lirije.submit(
      `/consultations/${cid}`,
      { body: "Një koment që do të fshihet." },
      `/consultations/${cid}/comments`,
    );
    const parentId = Number(String(parent.headers.location).match(/comment-(\d+)/)![1]);
    await stefan.submit(`/consultations/${cid}/comments/${parentId}/reply`, {
      body: "Ali ovaj odgovor ostaje.",
    });
    await lirije.submit(
      `/consultations/${cid}`,
      { body: "Një koment tjetër." },
      `/consultations/${cid}/comments`,
    );
    // Reported, so the moderation queue offers to hide it.
    await stefan.submit(`/consultations/${cid}/comments/${parentId}/report`, { reason: "Ofendon." });
    expect(
      (
        await coordinator.submit(
          "/m/prishtine/participation/moderation",
          { [`reason-${parentId}`]: "Gjuhë fyese" },
          `/m/prishtine/participation/comments/${parentId}/hide`,
        )
      ).statusCode,
    ).toBe(303);

    p.clock.set("2026-12-13T10:00:00Z");
    coordinator = await signIn("koordinatori.prishtine");
    const rows = await db()
      .select()
      .from(consultationComments)
      .where(eq(consultationComments.consultationId, cid));
    const reply = rows.find((r) => r.parentId === parentId)!;
    const fields: Record<string, string> = { save: "all" };
    for (const r of rows.filter((x) => x.hiddenAt === null)) {
      fields[`disposition-${r.id}`] = "noted";
      fields[`reason-${r.id}`] = "U mor parasysh.";
    }
    const D = `${L}/${cid}/dispositions`;
    expect((await coordinator.submit(D, fields)).statusCode).toBe(303);
    expect(
      (await coordinator.submit(D, { summarySq: "Faleminderit", summarySr: "Hvala" }, `${L}/${cid}/report`))
        .statusCode,
    ).toBe(303);

    const visitor = new WebClient(p.app, { "accept-language": "en" });
    const page = await visitor.get(`/consultations/${cid}/report`);
    const item = page.body.match(new RegExp(`<li id="comment-${reply.id}"[\\s\\S]*?</li>`))![0];
    expect(text(item)).toContain("Reply to a comment hidden by moderation");
    expect(text(item)).toContain("Ali ovaj odgovor ostaje.");
    // The hidden comment is nowhere: not its words, not a link to it, not in the totals.
    expect(page.body).not.toContain("Një koment që do të fshihet.");
    expect(page.body).not.toContain(`#comment-${parentId}`);
    expect(text(page.body)).toMatch(/All comments 2/);

    const json = JSON.parse((await visitor.get(`/consultations/${cid}/report.json`)).body);
    expect(json.comments).toHaveLength(2);
    expect(json.comments.find((k: { id: number }) => k.id === reply.id)).toMatchObject({
      replyTo: null,
      replyToHidden: true,
    });
    expect(json.comments.every((k: { id: number }) => k.id !== parentId)).toBe(true);
    const csv = (await visitor.get(`/consultations/${cid}/report.csv`)).body.split("\r\n");
    const line = csv.find((l) => l.startsWith(`${reply.id},`))!;
    expect(line.startsWith(`${reply.id},,`)).toBe(true);
    expect(line.endsWith(",true")).toBe(true);
    expect(csv.find((l) => l.startsWith(`${parentId},`))).toBeUndefined();
  });
});
