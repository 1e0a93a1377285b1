// Photos and documents in an S3-compatible bucket (EKOMUNA_STORAGE=s3), through the real AWS SDK against
// s3rver: a stand-in for S3 at a boundary we do not own (test/support/s3.ts says what it checks and what
// not). The store itself (put, get as a stream, delete, a missing object, a wrong key or bucket), then the
// platform on it: a photo added in the submission journey and one through the API land in the bucket and
// are served from it, a consultation's PDF too, and /healthz reports the bucket.
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { listDraftPhotos } from "../../src/cases/photos/photoCommands.ts";
import { S3PhotoStore } from "../../src/cases/photos/s3Store.ts";
import {
  newDocumentKey,
  newPhotoKeys,
  photoStoreOf,
  type StoredObject,
} from "../../src/cases/photos/storage.ts";
import type { S3Settings } from "../../src/config.ts";
import { casePhotos, consultationDocuments } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { hashToken } from "../../src/identity/tokens.ts";
import { translator } from "../../src/kernel/i18n.ts";
import { DEMO_DOCUMENT } from "../../src/participation/consultations/demo.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { S3RVER_KEY, startS3Server } from "../support/s3.ts";
import { WebClient } from "../support/webClient.ts";

let s3: Awaited<ReturnType<typeof startS3Server>>;
const stores: S3PhotoStore[] = [];
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await s3?.close();
});

function storeWith(over: Partial<S3Settings> = {}) {
  const store = new S3PhotoStore({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    ...over,
  });
  stores.push(store);
  return store;
}

async function bytesOf(object: StoredObject | undefined): Promise<Buffer> {
  if (!object) throw new Error("no object");
  const chunks: Buffer[] = [];
  for await (const c of object.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const jpeg = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: "#2a7a3b" } })
    .jpeg()
    .toBuffer();

describe("the S3 store", () => {
  it("keeps an object under its key, streams it back with its size and type, and removes it", async () => {
    const store = storeWith();
    const { image } = newPhotoKeys();
    const photo = await jpeg(320, 240);
    await store.put(image, photo, "image/jpeg");
    expect(await s3.object(image)).toEqual(photo);

    const got = await store.get(image);
    expect(got).toMatchObject({ contentType: "image/jpeg", size: photo.length });
    expect(await bytesOf(got)).toEqual(photo);

    const doc = newDocumentKey();
    const pdf = Buffer.from("%PDF-1.4\n% a document\n%%EOF\n");
    await store.put(doc, pdf, "application/pdf");
    const gotPdf = await store.get(doc);
    expect(gotPdf).toMatchObject({ contentType: "application/pdf", size: pdf.length });
    expect(await bytesOf(gotPdf)).toEqual(pdf);

    await store.delete(image);
    expect(await store.get(image)).toBeUndefined();
    expect(await s3.object(image)).toBeUndefined();
    // Nothing under a key is not an error, to read or to remove.
    await store.delete(image);
    expect(await store.get(newPhotoKeys().thumbnail)).toBeUndefined();
    await store.delete(doc);
  });

  it("refuses a key that is not one it makes, before asking the server", async () => {
    const store = storeWith();
    const before = await s3.keys();
    for (const key of ["../ekomuna-test/x.jpg", "ab/photo.jpg", "/etc/passwd", "ab/../../x.pdf"]) {
      await expect(store.put(key, Buffer.from("x"), "image/jpeg")).rejects.toThrow(/not a photo key/);
      await expect(store.get(key)).rejects.toThrow(/not a photo key/);
      await expect(store.delete(key)).rejects.toThrow(/not a photo key/);
    }
    expect(await s3.keys()).toEqual(before);
  });

  it("refuses a wrong access key and a missing bucket with what failed, never as a missing photo", async () => {
    const key = newPhotoKeys().image;
    const wrong = storeWith({ credentials: { accessKeyId: "NOT-A-KEY", secretAccessKey: "x" } });
    await expect(wrong.put(key, Buffer.from("x"), "image/jpeg")).rejects.toThrow(
      `S3 upload of ${key} in bucket ekomuna-test failed: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.`,
    );
    await expect(wrong.get(key)).rejects.toThrow(/S3 download .* failed: InvalidAccessKeyId/);
    expect(await wrong.check()).toBe(false);

    const nowhere = storeWith({ bucket: "no-such-bucket" });
    await expect(nowhere.get(key)).rejects.toThrow(
      /S3 download of .* in bucket no-such-bucket failed: NoSuchBucket/,
    );
    expect(await nowhere.check()).toBe(false);
    expect(await storeWith().check()).toBe(true);
    expect(await s3.keys()).not.toContain(key);
  });
});

describe("the platform on the S3 store", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform({ demo: true, env: s3.env });
  });
  afterAll(async () => p?.close());
  const db = () => p.deps.database.db;

  async function signIn(local: string) {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    const res = await web.submit("/login", {
      email: `${local}@demo.ekomuna.example`,
      password: DEMO_PASSWORD,
    });
    if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
    return web;
  }

  /** Posts a multipart form with files, the CSRF token and hidden fields taken from `page`'s upload form. */
  async function postFiles(
    web: WebClient,
    page: string,
    files: { field: string; name: string; bytes: Buffer; type: string }[],
    fields: Record<string, string> = {},
  ) {
    const html = (await web.get(page)).body;
    const form = html.match(/<form([^>]*enctype="multipart\/form-data"[^>]*)>([\s\S]*?)<\/form>/);
    const action = form?.[1]?.match(/action="([^"]+)"/)?.[1];
    if (!form || !action) throw new Error(`no upload form on ${page}`);
    const data = new FormData();
    for (const h of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      data.append(h[1]!, h[2]!);
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    for (const f of files)
      data.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
    const request = new Request("http://localhost/", { method: "POST", body: data });
    return p.app.inject({
      method: "POST",
      url: action.replace(/&amp;/g, "&"),
      remoteAddress: web.remoteAddress,
      headers: {
        cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": request.headers.get("content-type")!,
      },
      payload: Buffer.from(await request.arrayBuffer()),
    });
  }

  it("reports the bucket on /healthz, and a bucket that does not answer as degraded, still 200", async () => {
    const ok = await p.app.inject({ url: "/healthz" });
    expect([ok.statusCode, ok.json()]).toEqual([200, { status: "ok", storage: "ok" }]);

    const broken = await createTestPlatform({ env: { ...s3.env, EKOMUNA_S3_ACCESS_KEY_ID: "NOT-A-KEY" } });
    try {
      const res = await broken.app.inject({ url: "/healthz" });
      expect([res.statusCode, res.json()]).toEqual([200, { status: "degraded", storage: "unavailable" }]);
      expect(res.headers["cache-control"]).toBe("no-store");
    } finally {
      await broken.close();
    }
  });

  it("keeps a photo added in the submission journey in the bucket, serves it, and removes it from there", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
    const base = (started.headers.location as string).replace(/\/category$/, "");
    const token = base.split("/")[2]!;
    for (const [path, fields] of [
      ["category", { category: "potholes" }],
      ["details", { title: "Pothole, photo in the bucket", description: "Deep." }],
      ["location", { address: "Rruga B" }],
    ] as const) {
      const res = await web.submit(`${base}/${path}`, fields);
      expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    }
    const before = await s3.keys();
    const added = await postFiles(web, `${base}/photos`, [
      { field: "photo", name: "IMG_1.JPG", bytes: await jpeg(), type: "image/jpeg" },
    ]);
    expect(added.statusCode).toBe(303);
    const [draft] = await listDraftPhotos(db(), hashToken(token));
    const [photo] = await db().select().from(casePhotos).where(eq(casePhotos.id, draft!.id));
    if (!photo) throw new Error("the draft's photo has no row");
    expect((await s3.keys()).filter((k) => !before.includes(k))).toEqual(
      [photo.storageKey, photo.thumbnailKey].sort(),
    );
    const thumb = await web.get(`/photos/${photo.id}/thumbnail?draft=${token}`);
    expect([thumb.statusCode, thumb.headers["content-type"]]).toEqual([200, "image/jpeg"]);
    expect(thumb.rawPayload).toEqual(await s3.object(photo.thumbnailKey));
    expect(Number(thumb.headers["content-length"])).toBe(thumb.rawPayload.length);

    const removed = await web.submit(`${base}/photos`, {}, `/drafts/${token}/photos/${photo.id}/delete`);
    expect(removed.statusCode).toBe(303);
    expect(await s3.keys()).toEqual(before);
    expect((await web.get(`/photos/${photo.id}/thumbnail?draft=${token}`)).statusCode).toBe(404);
  });

  it("keeps photos sent through the API in the bucket and serves them from it; one gone from the bucket is a 404", async () => {
    const made = await createApiClient(db(), { name: "S3 test client", now: p.clock.now(), via: "test" });
    if (!made.ok) throw new Error(made.reason);
    const headers = { authorization: `Bearer ${made.key}` };
    const created = await p.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      headers: { ...headers, "idempotency-key": `s3-${Date.now()}`, "content-type": "application/json" },
      payload: JSON.stringify({
        municipality: "prishtine",
        type: "issue_report",
        category: "potholes",
        title: "Gropë e fotografuar",
        description: "Në korsinë e djathtë.",
        location: { latitude: 42.6629, longitude: 21.1655 },
        language: "sq",
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const code = created.json().trackingCode as string;
    const data = new FormData();
    data.append("photos", new Blob([new Uint8Array(await jpeg(640, 480))], { type: "image/jpeg" }), "a.jpg");
    const request = new Request("http://localhost/", { method: "POST", body: data });
    const uploaded = await p.app.inject({
      method: "POST",
      url: `/api/v1/cases/${code}/photos`,
      headers: { ...headers, "content-type": request.headers.get("content-type")! },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const id = uploaded.json().photos[0].id as string;
    const [row] = await db().select().from(casePhotos).where(eq(casePhotos.id, id));
    const keys = await s3.keys();
    expect(keys).toContain(row!.storageKey);
    expect(keys).toContain(row!.thumbnailKey);

    const served = await p.app.inject({ url: `/photos/${id}` });
    expect([served.statusCode, served.headers["content-type"]]).toEqual([200, "image/jpeg"]);
    expect(served.rawPayload).toEqual(await s3.object(row!.storageKey));
    expect(served.headers["content-length"]).toBe(String(row!.bytes));

    // Removed from the bucket behind the platform's back: the photo is missing, not an error page.
    await storeWith().delete(row!.storageKey);
    expect((await p.app.inject({ url: `/photos/${id}` })).statusCode).toBe(404);
    expect((await p.app.inject({ url: `/photos/${id}/thumbnail` })).statusCode).toBe(200);

    // The bucket refusing the platform (here: credentials it does not know, asked of the real server) is a
    // service that is down, 503 with the page in the visitor's language, not a 500 of the platform's own.
    const store = photoStoreOf(p.deps);
    const wrong = storeWith({ credentials: { accessKeyId: "NOT-A-KEY", secretAccessKey: "x" } });
    const get = store.get;
    store.get = (key) => wrong.get(key);
    try {
      const down = await p.app.inject({
        url: `/photos/${id}/thumbnail`,
        headers: { "accept-language": "en" },
      });
      expect(down.statusCode).toBe(503);
      expect(down.body).not.toContain("InvalidAccessKeyId");
      expect(down.body).toContain(translator("en")("errors.unavailable.title"));
    } finally {
      store.get = get;
      await wrong.close();
    }
    expect((await p.app.inject({ url: `/photos/${id}/thumbnail` })).statusCode).toBe(200);
  });

  it("keeps a consultation's PDF in the bucket: the demo's, put there at start, and one a coordinator adds", async () => {
    const visitor = new WebClient(p.app);
    expect(await s3.object(DEMO_DOCUMENT.key)).toEqual(DEMO_DOCUMENT.bytes);
    const [demoDoc] = await db()
      .select()
      .from(consultationDocuments)
      .where(eq(consultationDocuments.storageKey, DEMO_DOCUMENT.key));
    const id = demoDoc!.consultationId;
    const demo = await visitor.get(`/consultations/${id}/documents/${demoDoc!.id}`);
    expect([demo.statusCode, demo.headers["content-type"]]).toEqual([200, "application/pdf"]);
    expect(demo.rawPayload).toEqual(DEMO_DOCUMENT.bytes);

    const coordinator = await signIn("koordinatori.prishtine");
    const pdf = Buffer.from("%PDF-1.4\n% an annex kept in S3\n%%EOF\n");
    const manage = `/m/prishtine/participation/consultations/${id}`;
    const added = await postFiles(
      coordinator,
      manage,
      [{ field: "file", name: "Shtojca.pdf", bytes: pdf, type: "application/pdf" }],
      { title: "Shtojca" },
    );
    expect(added.statusCode, added.body.slice(0, 500)).toBe(303);
    const [doc] = await db()
      .select()
      .from(consultationDocuments)
      .where(eq(consultationDocuments.title, "Shtojca"));
    expect(await s3.object(doc!.storageKey)).toEqual(pdf);
    const file = await visitor.get(`/consultations/${id}/documents/${doc!.id}`);
    expect([file.statusCode, file.headers["content-type"]]).toEqual([200, "application/pdf"]);
    expect(file.rawPayload).toEqual(pdf);
  });
});
