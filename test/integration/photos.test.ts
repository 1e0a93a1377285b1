// Photos end to end on a real database and a real uploads directory: added to a draft, moved onto the
// case when it is sent, served only where anyone may see them (or with the draft's token), uploaded
// through a plain multipart form with its CSRF token.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import {
  addDraftPhoto,
  listCasePhotos,
  listDraftPhotos,
  MAX_PHOTOS_PER_DRAFT,
  purgeAbandonedDraftPhotos,
  removeDraftPhoto,
} from "../../src/cases/photos/photoCommands.ts";
import { photoStoreOf } from "../../src/cases/photos/storage.ts";
import { createDraft } from "../../src/cases/web/submitJourney.ts";
import { caseDrafts, casePhotos, cases } from "../../src/db/schema.ts";
import { hashToken } from "../../src/identity/tokens.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let uploads: string;
beforeAll(async () => {
  uploads = await mkdtemp(join(tmpdir(), "ekomuna-photos-"));
  p = await createTestPlatform({ now: "2026-11-27T10:00:00Z", env: { EKOMUNA_UPLOADS_DIR: uploads } });
});
afterAll(async () => {
  await p?.close();
  await rm(uploads, { recursive: true, force: true });
});

const db = () => p.deps.database.db;
const store = () => photoStoreOf(p.deps);
const visitor: Actor = { kind: "visitor" };

/** A phone's JPEG, with its camera and GPS position in the EXIF. */
const phoneJpeg = (width = 800, height = 600, background = "#2a7a3b") =>
  sharp({ create: { width, height, channels: 3, background } })
    .withExif({
      IFD0: { Make: "PhoneMaker", Model: "Phone 12" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "42/1 39/1 4680/100" }, // GPS
    })
    .jpeg()
    .toBuffer();

async function newDraft() {
  const { token } = await createDraft(db(), { municipality: "prishtine" }, null, p.clock.now());
  return { token, id: hashToken(token) };
}

async function addPhoto(draftId: string, bytes?: Buffer) {
  const added = await addDraftPhoto(db(), store(), {
    draftId,
    bytes: bytes ?? (await phoneJpeg()),
    now: p.clock.now(),
  });
  if (!added.ok) throw new Error(`photo refused: ${added.reason}`);
  return added.photo;
}

async function submit(draftId: string, over: Partial<SubmitCaseInput> = {}) {
  const result = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "potholes",
      answers: {},
      title: "Gropë e thellë",
      description: "Para shkollës.",
      location: { latitude: 42.6629, longitude: 21.1655 },
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: draftId,
      draftId,
      ...over,
    },
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "https://ekomuna.example.org",
      poke: () => {},
      actor: visitor,
    },
  );
  if (!result.ok) throw new Error(`not submitted: ${result.reason}`);
  return result;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  p.app.inject({ method: "GET", url, headers });

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(uploads, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe("a photo on a draft, then on the case", () => {
  let draft: { token: string; id: string };
  let photoId: string;
  let caseId: number;

  it("is stored re-encoded under the uploads directory", async () => {
    draft = await newDraft();
    const photo = await addPhoto(draft.id);
    photoId = photo.id;
    expect(photo).toMatchObject({ draftId: draft.id, caseId: null, width: 800, height: 600, position: 0 });
    expect(await storedFiles()).toEqual(
      expect.arrayContaining([photo.storageKey.split("/")[1], photo.thumbnailKey.split("/")[1]]),
    );
    expect((await listDraftPhotos(db(), draft.id)).map((r) => r.id)).toEqual([photo.id]);
  });

  it("is served only with its draft's token while on the draft", async () => {
    expect((await get(`/photos/${photoId}`)).statusCode).toBe(404);
    expect((await get(`/photos/${photoId}/thumbnail`)).statusCode).toBe(404);
    const other = await newDraft();
    expect((await get(`/photos/${photoId}?draft=${other.token}`)).statusCode).toBe(404);
    expect((await get(`/photos/${photoId}?draft=not-a-token`)).statusCode).toBe(404);
    const res = await get(`/photos/${photoId}?draft=${draft.token}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/jpeg");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const thumb = await get(`/photos/${photoId}/thumbnail?draft=${draft.token}`);
    expect(thumb.statusCode).toBe(200);
    expect((await sharp(thumb.rawPayload).metadata()).width).toBe(400);
  });

  it("moves onto the case when the draft is sent, and is then public without EXIF", async () => {
    const result = await submit(draft.id);
    caseId = result.caseId;
    expect((await listCasePhotos(db(), caseId, { includeHidden: false })).map((r) => r.id)).toEqual([
      photoId,
    ]);
    expect(await listDraftPhotos(db(), draft.id)).toEqual([]);

    const res = await get(`/photos/${photoId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      "content-type": "image/jpeg",
      "x-content-type-options": "nosniff",
      "content-disposition": `inline; filename="photo-${photoId}.jpg"`,
      "cache-control": "private, max-age=31536000, immutable",
    });
    expect(res.headers["content-security-policy"]).toContain("sandbox");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(Number(res.headers["content-length"])).toBe(res.rawPayload.length);
    const meta = await sharp(res.rawPayload).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 800, height: 600 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(res.rawPayload.includes(Buffer.from("PhoneMaker"))).toBe(false);

    const thumb = await get(`/photos/${photoId}/thumbnail`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers["content-disposition"]).toBe(`inline; filename="photo-${photoId}-thumbnail.jpg"`);
    expect(await sharp(thumb.rawPayload).metadata()).toMatchObject({ width: 400, height: 300 });
    expect((await get(`/photos/${photoId}`, { "accept-language": "en" })).statusCode).toBe(200);
  });

  it("is not served once hidden, nor for a private case, nor for a sensitive category", async () => {
    await db().update(casePhotos).set({ hidden: true }).where(eq(casePhotos.id, photoId));
    expect((await get(`/photos/${photoId}`)).statusCode).toBe(404);
    expect((await get(`/photos/${photoId}/thumbnail`)).statusCode).toBe(404);
    expect(await listCasePhotos(db(), caseId, { includeHidden: false })).toEqual([]);
    expect(await listCasePhotos(db(), caseId, { includeHidden: true })).toHaveLength(1);
    await db().update(casePhotos).set({ hidden: false }).where(eq(casePhotos.id, photoId));
    expect((await get(`/photos/${photoId}`)).statusCode).toBe(200);

    await db().update(cases).set({ visibility: "private" }).where(eq(cases.id, caseId));
    expect((await get(`/photos/${photoId}`)).statusCode).toBe(404);
    expect((await get(`/photos/${photoId}/thumbnail`)).statusCode).toBe(404);
    await db().update(cases).set({ visibility: "public" }).where(eq(cases.id, caseId));

    const noisy = await newDraft();
    const noisePhoto = await addPhoto(noisy.id);
    await submit(noisy.id, { category: "noise" });
    expect((await get(`/photos/${noisePhoto.id}`)).statusCode).toBe(404);
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await p.app.inject({ method: "HEAD", url: `/photos/${photoId}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/jpeg");
    expect(res.rawPayload.length).toBe(0);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    expect((await get("/photos/00000000-0000-4000-8000-000000000000")).statusCode).toBe(404);
    expect((await get("/photos/..%2F..%2Fetc%2Fpasswd")).statusCode).toBe(404);
    expect((await get("/photos/nope/thumbnail")).statusCode).toBe(404);
  });
});

describe("the case page", () => {
  it("shows the non-hidden photos as lazy thumbnails linking to the full photo", async () => {
    const draft = await newDraft();
    const first = await addPhoto(draft.id, await phoneJpeg(1200, 900));
    const hidden = await addPhoto(draft.id);
    const third = await addPhoto(draft.id, await phoneJpeg(600, 900));
    const { trackingCode } = await submit(draft.id);
    await db().update(casePhotos).set({ hidden: true }).where(eq(casePhotos.id, hidden.id));

    const page = await get(`/cases/${trackingCode}`, { "accept-language": "en" });
    expect(page.statusCode).toBe(200);
    const images = [...page.body.matchAll(/<a href="([^"]+)"><img ([^>]*)\/?>/g)];
    expect(images.map((m) => m[1])).toEqual([`/photos/${first.id}`, `/photos/${third.id}`]);
    expect(images[0]![2]).toContain(`src="/photos/${first.id}/thumbnail"`);
    expect(images[0]![2]).toContain('width="400" height="300"');
    expect(images[0]![2]).toContain('loading="lazy"');
    expect(images[0]![2]).toContain('alt="Photo 1 of 2"');
    expect(images[1]![2]).toContain('width="267" height="400"');
    expect(images[1]![2]).toContain('alt="Photo 2 of 2"');
    expect(page.body).not.toContain(hidden.id);

    const sq = await get(`/cases/${trackingCode}`, { "accept-language": "sq" });
    expect(sq.body).toContain('alt="Fotografia 1 nga 2"');
  });
});

describe("photo commands", () => {
  it("refuses a sixth photo on a draft, leaving no file behind", async () => {
    const draft = await newDraft();
    for (let i = 0; i < MAX_PHOTOS_PER_DRAFT; i++) await addPhoto(draft.id);
    const before = (await storedFiles()).length;
    const sixth = await addDraftPhoto(db(), store(), {
      draftId: draft.id,
      bytes: await phoneJpeg(),
      now: p.clock.now(),
    });
    expect(sixth).toEqual({ ok: false, reason: "too_many" });
    expect((await storedFiles()).length).toBe(before);
    expect((await listDraftPhotos(db(), draft.id)).map((r) => r.position)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps the limit when uploads to one draft race", async () => {
    const draft = await newDraft();
    const bytes = await phoneJpeg(200, 150);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        addDraftPhoto(db(), store(), { draftId: draft.id, bytes, now: p.clock.now() }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_PHOTOS_PER_DRAFT);
    expect(results.filter((r) => !r.ok)).toEqual(Array(3).fill({ ok: false, reason: "too_many" }));
    expect((await listDraftPhotos(db(), draft.id)).map((r) => r.position)).toEqual([0, 1, 2, 3, 4]);
  });

  it("refuses what is not a photo, and a draft that does not exist or has expired", async () => {
    const draft = await newDraft();
    const now = p.clock.now();
    expect(
      await addDraftPhoto(db(), store(), { draftId: draft.id, bytes: Buffer.from("just some words"), now }),
    ).toEqual({
      ok: false,
      reason: "not_an_image",
    });
    const bytes = await phoneJpeg(100, 100);
    expect(await addDraftPhoto(db(), store(), { draftId: "f".repeat(64), bytes, now })).toEqual({
      ok: false,
      reason: "no_draft",
    });
    await db()
      .update(caseDrafts)
      .set({ expiresAt: new Date(now.getTime() - 1) })
      .where(eq(caseDrafts.id, draft.id));
    expect(await addDraftPhoto(db(), store(), { draftId: draft.id, bytes, now })).toEqual({
      ok: false,
      reason: "no_draft",
    });
  });

  it("removes a draft's photo with its files, and only from its own draft", async () => {
    const draft = await newDraft();
    const other = await newDraft();
    const photo = await addPhoto(draft.id);
    expect(await removeDraftPhoto(db(), store(), { draftId: other.id, photoId: photo.id })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await removeDraftPhoto(db(), store(), { draftId: draft.id, photoId: "nope" })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await removeDraftPhoto(db(), store(), { draftId: draft.id, photoId: photo.id })).toEqual({
      ok: true,
    });
    expect(await listDraftPhotos(db(), draft.id)).toEqual([]);
    expect(await store().get(photo.storageKey)).toBeUndefined();
    expect(await store().get(photo.thumbnailKey)).toBeUndefined();
  });

  it("purges the photos of expired drafts, and only those", async () => {
    const live = await newDraft();
    const expired = await newDraft();
    const kept = await addPhoto(live.id);
    const gone = await addPhoto(expired.id);
    await db()
      .update(caseDrafts)
      .set({ expiresAt: new Date(p.clock.now().getTime() - 1) })
      .where(eq(caseDrafts.id, expired.id));
    expect(await purgeAbandonedDraftPhotos(db(), store(), p.clock.now())).toBeGreaterThanOrEqual(1);
    expect((await listDraftPhotos(db(), live.id)).map((r) => r.id)).toEqual([kept.id]);
    expect(await listDraftPhotos(db(), expired.id)).toEqual([]);
    expect(await store().get(gone.storageKey)).toBeUndefined();
  });
});

describe("uploading through the form", () => {
  /** A browser's multipart encoding of a form (fields first, as the page's form has them). */
  async function multipart(
    fields: Record<string, string>,
    files: { name: string; bytes: Buffer; type?: string }[],
  ) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files)
      form.append("photo", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "image/jpeg" }), f.name);
    const request = new Request("http://localhost/", { method: "POST", body: form });
    return {
      payload: Buffer.from(await request.arrayBuffer()),
      contentType: request.headers.get("content-type")!,
    };
  }

  async function browser() {
    const client = new WebClient(p.app);
    const page = await client.get("/login");
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (!csrf) throw new Error("no CSRF token on /login");
    const upload = async (
      token: string,
      fields: Record<string, string>,
      files: { name: string; bytes: Buffer; type?: string }[],
    ) => {
      const body = await multipart(fields, files);
      return p.app.inject({
        method: "POST",
        url: `/drafts/${token}/photos`,
        remoteAddress: client.remoteAddress,
        headers: {
          cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
          "content-type": body.contentType,
        },
        payload: body.payload,
      });
    };
    return { client, csrf, upload };
  }

  it("adds the photos with the CSRF token as a form field, and comes back to `next`", async () => {
    const { csrf, upload } = await browser();
    const draft = await newDraft();
    const next = `/submit/${draft.token}/details?x=1`;
    const res = await upload(draft.token, { _csrf: csrf, next }, [
      { name: "IMG_0001.JPG", bytes: await phoneJpeg() },
      {
        name: "screenshot.png",
        bytes: await sharp(await phoneJpeg(300, 200))
          .png()
          .toBuffer(),
        type: "image/png",
      },
    ]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(next);
    const photos = await listDraftPhotos(db(), draft.id);
    expect(photos.map((r) => [r.position, r.width])).toEqual([
      [0, 800],
      [1, 300],
    ]);
  });

  it("refuses an upload without the CSRF token (403) and adds nothing", async () => {
    const { upload } = await browser();
    const draft = await newDraft();
    const res = await upload(draft.token, { next: "/" }, [{ name: "a.jpg", bytes: await phoneJpeg() }]);
    expect(res.statusCode).toBe(403);
    const wrong = await upload(draft.token, { _csrf: "forged", next: "/" }, [
      { name: "a.jpg", bytes: await phoneJpeg() },
    ]);
    expect(wrong.statusCode).toBe(403);
    expect(await listDraftPhotos(db(), draft.id)).toEqual([]);
  });

  it("comes back to `next` with photoError=<reason> when a file is refused", async () => {
    const { csrf, upload } = await browser();
    const draft = await newDraft();
    const next = `/submit/${draft.token}/details`;
    const send = async (files: { name: string; bytes: Buffer; type?: string }[]) =>
      (await upload(draft.token, { _csrf: csrf, next }, files)).headers.location;

    expect(await send([{ name: "photo.jpg", bytes: Buffer.from("not a photo"), type: "image/jpeg" }])).toBe(
      `${next}?photoError=not_an_image`,
    );
    const gif = await sharp({ create: { width: 5, height: 5, channels: 3, background: "#000" } })
      .gif()
      .toBuffer();
    expect(await send([{ name: "a.gif", bytes: gif, type: "image/gif" }])).toBe(
      `${next}?photoError=unsupported_format`,
    );
    expect(await send([{ name: "", bytes: Buffer.alloc(0), type: "application/octet-stream" }])).toBe(
      `${next}?photoError=no_file`,
    );
    expect(await send([])).toBe(`${next}?photoError=no_file`);
    const huge = Buffer.concat([await phoneJpeg(), Buffer.alloc(10 * 1024 * 1024)]);
    expect(await send([{ name: "huge.jpg", bytes: huge }])).toBe(`${next}?photoError=too_large`);
    expect(await listDraftPhotos(db(), draft.id)).toEqual([]);
  });

  it("answers 413 for more than five files at once, and 404 for a draft it cannot use", async () => {
    const { csrf, upload } = await browser();
    const draft = await newDraft();
    const small = await phoneJpeg(50, 50);
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `${i}.jpg`, bytes: small }));
    const res = await upload(draft.token, { _csrf: csrf, next: "/" }, six);
    expect(res.statusCode).toBe(413);
    expect(res.headers["content-type"]).toContain("text/html");

    const english = await p.app.inject({
      method: "POST",
      url: `/drafts/${draft.token}/photos`,
      headers: {
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(60 * 1024 * 1024),
        "accept-language": "en",
      },
      payload: "",
    });
    expect(english.statusCode).toBe(413);
    expect(english.body).toContain("at most 5 photos of up to 10 MB each");

    const unknown = await upload("A".repeat(43), { _csrf: csrf, next: "/" }, [
      { name: "a.jpg", bytes: small },
    ]);
    expect(unknown.statusCode).toBe(404);
  });

  it("takes files only from a multipart body: a JSON look-alike naming a server file gets 415", async () => {
    const { client, csrf } = await browser();
    const draft = await newDraft();
    const res = await p.app.inject({
      method: "POST",
      url: `/drafts/${draft.token}/photos`,
      remoteAddress: client.remoteAddress,
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": "application/json",
      },
      payload: JSON.stringify({
        _csrf: csrf,
        next: "/",
        photo: { upload: true, bytes: "/etc/hostname", truncated: false },
      }),
    });
    expect(res.statusCode).toBe(415);
    expect(await listDraftPhotos(db(), draft.id)).toEqual([]);
  });

  it("never sends anyone elsewhere: a `next` that is not a local path becomes /", async () => {
    const { csrf, upload } = await browser();
    const draft = await newDraft();
    const res = await upload(draft.token, { _csrf: csrf, next: "https://evil.example/" }, [
      { name: "a.jpg", bytes: await phoneJpeg(100, 100) },
    ]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/");
  });

  it("parses multipart on the photo routes only", async () => {
    const { client, csrf } = await browser();
    const body = await multipart({ _csrf: csrf, email: "x@example.org", password: "x" }, []);
    const res = await p.app.inject({
      method: "POST",
      url: "/login",
      remoteAddress: client.remoteAddress,
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": body.contentType,
      },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(415);
  });

  it("removes a photo through its form", async () => {
    const { client, csrf } = await browser();
    const draft = await newDraft();
    const photo = await addPhoto(draft.id);
    const next = `/submit/${draft.token}/details`;
    const res = await client.post(`/drafts/${draft.token}/photos/${photo.id}/delete`, { _csrf: csrf, next });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(next);
    expect(await listDraftPhotos(db(), draft.id)).toEqual([]);
    const forged = await client.post(`/drafts/${draft.token}/photos/${photo.id}/delete`, { next });
    expect(forged.statusCode).toBe(403);
  });
});
