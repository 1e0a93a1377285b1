// The journey's photos step as a person without JavaScript uses it: a plain multipart form posting to
// the upload route and coming back, thumbnails with a "Remove" form each, refusals shown at the field,
// "Continue", the row on "check your answers", and the photos on the case once it is sent.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDraftPhotos } from "../../src/cases/photos/photoCommands.ts";
import { casePhotos, cases } from "../../src/db/schema.ts";
import { hashToken } from "../../src/identity/tokens.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let uploads: string;
beforeAll(async () => {
  uploads = await mkdtemp(join(tmpdir(), "ekomuna-submit-photos-"));
  p = await createTestPlatform({ env: { EKOMUNA_UPLOADS_DIR: uploads } });
});
afterAll(async () => {
  await p?.close();
  await rm(uploads, { recursive: true, force: true });
});

const db = () => p.deps.database.db;

const jpeg = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: "#2a7a3b" } })
    .jpeg()
    .toBuffer();

/** Submits a step's form and expects to be sent on (303); answers where to. */
async function step(web: WebClient, url: string, fields: Record<string, string>, action?: string) {
  const res = await web.submit(url, fields, action);
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  return res.headers.location as string;
}

/** Posts the upload form of `page` (its CSRF token and `next`) with files, as a browser would. */
async function upload(web: WebClient, page: string, files: { name: string; bytes: Buffer; type: string }[]) {
  const html = (await web.get(page)).body;
  const form = html.match(
    /<form method="post" enctype="multipart\/form-data" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/,
  );
  expect(form, "the upload form").not.toBeNull();
  const hidden = [...form![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)];
  const data = new FormData();
  for (const h of hidden) data.append(h[1]!, h[2]!);
  for (const f of files) data.append("photo", new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const request = new Request("http://localhost/", { method: "POST", body: data });
  return p.app.inject({
    method: "POST",
    url: form![1]!,
    remoteAddress: web.remoteAddress,
    headers: {
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "content-type": request.headers.get("content-type")!,
    },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

const thumbnails = (html: string) => [...html.matchAll(/<img ([^>]*?)\/?>/g)].map((m) => m[1]!);

describe("the photos step", () => {
  it("adds, refuses, removes and keeps photos through plain forms, and sends them with the case", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
    const base = (started.headers.location as string).replace(/\/category$/, "");
    const token = base.split("/")[2]!;
    await step(web, `${base}/category`, { category: "potholes" });
    await step(web, `${base}/details`, { title: "Pothole with a photo", description: "Deep." });
    expect(await step(web, `${base}/location`, { address: "Rruga B" })).toBe(`${base}/photos`);

    const empty = await web.get(`${base}/photos`);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain("<title>Would you like to add photos? – E-Komuna</title>");
    expect(empty.body).toContain("Photos are optional. You can add up to 5");
    expect(empty.body).toContain(`class="back-link" href="${base}/location"`);
    expect(empty.body).toContain(
      `<form method="post" enctype="multipart/form-data" action="/drafts/${token}/photos"`,
    );
    expect(empty.body).toContain(`<input type="hidden" name="next" value="${base}/photos"/>`);
    expect(empty.body).toMatch(
      /<input[^>]*name="photo" type="file" accept="image\/jpeg,image\/png,image\/webp" multiple/,
    );
    expect(empty.body).toContain('<label class="label" for="field-photo">Photos (optional)</label>');
    expect(thumbnails(empty.body)).toEqual([]);

    // A photo: back to the step, which shows its thumbnail (served with the draft's token).
    const added = await upload(web, `${base}/photos`, [
      { name: "IMG_1.JPG", bytes: await jpeg(), type: "image/jpeg" },
    ]);
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`${base}/photos`);
    const one = await web.get(`${base}/photos`);
    const [photo] = await listDraftPhotos(db(), hashToken(token));
    expect(thumbnails(one.body)).toEqual([
      `src="/photos/${photo!.id}/thumbnail?draft=${token}" width="400" height="300" alt="Photo 1 of 1"`,
    ]);
    expect(one.body).toContain('aria-label="Remove photo 1"');
    const thumb = await web.get(`/photos/${photo!.id}/thumbnail?draft=${token}`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers["content-type"]).toBe("image/jpeg");

    // Not a photo: back with the reason, shown at the field with the error summary.
    const refused = await upload(web, `${base}/photos`, [
      { name: "notes.txt", bytes: Buffer.from("hello"), type: "text/plain" },
    ]);
    expect(refused.headers.location).toBe(`${base}/photos?photoError=not_an_image`);
    const error = await web.get(refused.headers.location as string);
    expect(error.statusCode).toBe(422);
    expect(error.body).toContain("<title>Error: Would you like to add photos? – E-Komuna</title>");
    expect(error.body).toContain('<a href="#field-photo">The file is not a photo.');
    expect(error.body).toMatch(
      /<p class="error-message" id="field-photo-error">[\s\S]*The file is not a photo\. Choose a JPEG, PNG or WebP image\.<\/span><\/p>/,
    );
    expect(error.body).toContain('aria-describedby="field-photo-hint field-photo-error"');
    expect(thumbnails(error.body)).toHaveLength(1);

    // Another, then remove it with its own form.
    await upload(web, `${base}/photos`, [
      {
        name: "b.png",
        bytes: await sharp(await jpeg(300, 200))
          .png()
          .toBuffer(),
        type: "image/png",
      },
    ]);
    const two = await listDraftPhotos(db(), hashToken(token));
    expect(two).toHaveLength(2);
    expect((await web.get(`${base}/photos`)).body).toContain('alt="Photo 2 of 2"');
    expect(await step(web, `${base}/photos`, {}, `/drafts/${token}/photos/${two[1]!.id}/delete`)).toBe(
      `${base}/photos`,
    );
    expect((await listDraftPhotos(db(), hashToken(token))).map((r) => r.id)).toEqual([photo!.id]);

    // Continue: on to the contact details, whose "Back" comes here.
    expect(await step(web, `${base}/photos`, {}, `${base}/photos`)).toBe(`${base}/contact`);
    expect((await web.get(`${base}/contact`)).body).toContain(`class="back-link" href="${base}/photos"`);
    expect(await step(web, `${base}/contact`, { name: "", email: "", phone: "", language: "en" })).toBe(
      `${base}/check`,
    );

    const check = await web.get(`${base}/check`);
    expect(check.body).toMatch(/<dt>Photos<\/dt><dd class="summary-list__value">1<\/dd>/);
    expect(check.body).toContain(`<a href="${base}/photos?return=check">`);

    // Changing the photos from "check your answers" keeps ?return=check and goes back there.
    const changing = await web.get(`${base}/photos?return=check`);
    expect(changing.body).toContain(`class="back-link" href="${base}/check"`);
    expect(changing.body).toContain(`<input type="hidden" name="next" value="${base}/photos?return=check"/>`);
    const refusedAgain = await upload(web, `${base}/photos?return=check`, []);
    expect(refusedAgain.headers.location).toBe(`${base}/photos?return=check&photoError=no_file`);
    expect(await step(web, `${base}/photos?return=check`, {}, `${base}/photos?return=check`)).toBe(
      `${base}/check`,
    );

    expect(await step(web, `${base}/check`, {}, `${base}/check`)).toBe(`${base}/done`);
    const [kase] = await db()
      .select()
      .from(cases)
      .where(eq(cases.idempotencyKey, hashToken(token)));
    const [stored] = await db().select().from(casePhotos).where(eq(casePhotos.id, photo!.id));
    expect(stored).toMatchObject({ caseId: kase!.id, draftId: null });

    const page = await web.get(`/cases/${kase!.trackingCode}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<ul class="photo-gallery">');
    expect(page.body).toContain(`<a href="/photos/${photo!.id}"><img src="/photos/${photo!.id}/thumbnail"`);
    expect((await web.get(`/photos/${photo!.id}`)).headers["content-type"]).toBe("image/jpeg");
  });

  it("answers 400, not 500, to a multipart body without a boundary or cut short", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
    const token = (started.headers.location as string).split("/")[2]!;
    for (const [contentType, payload] of [
      ["multipart/form-data", "whatever"],
      [
        "multipart/form-data; boundary=x",
        '--x\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n\r\nabc',
      ],
    ] as const) {
      const res = await p.app.inject({
        method: "POST",
        url: `/drafts/${token}/photos`,
        remoteAddress: web.remoteAddress,
        headers: {
          cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
          "content-type": contentType,
        },
        payload,
      });
      expect(res.statusCode, contentType).toBe(400);
      expect(res.body).not.toMatch(/node_modules|\bat \S+ \(/);
    }
  });

  it("shows None on check for no photos, and no upload form once there are five", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
    const base = (started.headers.location as string).replace(/\/category$/, "");
    await step(web, `${base}/category`, { category: "potholes" });
    await step(web, `${base}/details`, { title: "No photos", description: "None." });
    await step(web, `${base}/location`, { address: "Rruga C" });
    // Photos hold nothing up: the contact step is open without going through them.
    expect(await step(web, `${base}/contact`, { name: "", email: "", phone: "", language: "en" })).toBe(
      `${base}/check`,
    );
    expect((await web.get(`${base}/check`)).body).toMatch(
      /<dt>Photos<\/dt><dd class="summary-list__value">None<\/dd>/,
    );

    const small = await jpeg(60, 40);
    const five = Array.from({ length: 5 }, (_, i) => ({
      name: `${i}.jpg`,
      bytes: small,
      type: "image/jpeg",
    }));
    expect((await upload(web, `${base}/photos`, five)).headers.location).toBe(`${base}/photos`);
    const full = await web.get(`${base}/photos`);
    expect(thumbnails(full.body)).toHaveLength(5);
    expect(full.body).not.toContain('enctype="multipart/form-data"');
    expect(full.body).toContain("You can add up to 5 photos. Remove one to add another.");
  });
});
