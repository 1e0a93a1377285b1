// Hostile files through every upload: photos (the journey's form and the REST API) and documents (a
// consultation's PDFs, a meeting's minutes). Polyglots (a JPEG that is also HTML, a PDF carrying HTML and
// JavaScript), images with scripts in their EXIF, XMP, comment and PNG text, a PNG declaring
// 50,000 × 50,000 pixels, zero-byte and truncated files, and files whose name says image or PDF but whose
// bytes are something else. Each is refused with a message, or cleaned: a photo is re-encoded and the
// bytes served carry no trace of the script; a document is only ever a download. Nothing is served as
// active content: the content type is fixed, `nosniff`, a sandboxing CSP, and documents as attachments.
// The files are made here: images by sharp, the rest as bytes.
import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import { and, eq, lt, sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import {
  casePhotos,
  consultationDocuments,
  municipalities,
  publicMeetings,
  users,
} from "../../src/db/schema.ts";
import { DEMO_EMAIL_DOMAIN } from "../../src/demo/demoContent.ts";
import { createSession } from "../../src/identity/sessions.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;

const SCRIPT = "<script>alert('ekomuna')</script>";
/** What must never come back from a cleaned file: the script, the markup around it, the metadata blocks. */
const TRACES = ["<script", "alert(", "<html", "onload", "Exif\0\0", "http://ns.adobe.com/xap/1.0/", "tEXt"];

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "latin1"), data])));
  return Buffer.concat([length, Buffer.from(type, "latin1"), data, crc]);
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose header declares `width` × `height` (8-bit RGB) over a few bytes of data: a decompression bomb. */
function bombPng(width: number, height: number) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(64 * 1024))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

interface Hostile {
  name: string;
  /** The file name and type a browser would send with it. */
  filename: string;
  type: string;
  bytes: Buffer;
  /** For photos: the refusal expected, or undefined when it must be taken and cleaned. */
  photo?: string | readonly string[];
}

let files: Hostile[];
let pdfs: Hostile[];

async function makeFiles() {
  const picture = sharp({ create: { width: 120, height: 80, channels: 3, background: "#2a7f62" } });
  const jpeg = await picture.clone().jpeg().toBuffer();
  const png = await picture.clone().png().toBuffer();
  const comment = Buffer.from(SCRIPT);
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>${SCRIPT.replace(/</g, "&lt;")}</dc:description><dc:title><html><body onload="alert(1)"></body></html></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`;
  const html = Buffer.from(`<!doctype html><html><body>${SCRIPT}</body></html>`);
  const pdf = Buffer.from(
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n" +
      `2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% <html><body>${SCRIPT}</body></html>\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
  const kept: Hostile[] = [
    {
      name: "a JPEG with HTML after its end",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: Buffer.concat([jpeg, html]),
    },
    {
      name: "a JPEG with a script in a comment segment",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2)]),
    },
    {
      name: "a JPEG with scripts in its EXIF",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: await picture
        .clone()
        .withExif({ IFD0: { ImageDescription: SCRIPT, Artist: SCRIPT, Copyright: "<html>" } })
        .jpeg()
        .toBuffer(),
    },
    {
      name: "a JPEG with a script in its XMP",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: await picture.clone().withXmp(xmp).jpeg().toBuffer(),
    },
    {
      name: "a PNG with a script in a text chunk",
      filename: "photo.png",
      type: "image/png",
      bytes: Buffer.concat([
        png.subarray(0, png.length - 12),
        chunk("tEXt", Buffer.from(`Comment\0${SCRIPT}`, "latin1")),
        png.subarray(png.length - 12),
      ]),
    },
  ];
  // The refusals first: a sixth photo is refused for the count (five a draft) before it is looked at.
  files = [
    {
      name: "a PNG declaring 50,000 × 50,000 pixels",
      filename: "photo.png",
      type: "image/png",
      bytes: bombPng(50_000, 50_000),
      photo: "too_many_pixels",
    },
    {
      name: "a zero-byte file",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: Buffer.alloc(0),
      // The form reads an empty file as none chosen; the API, as a file that is no image.
      photo: ["no_file", "not_an_image"],
    },
    {
      name: "a truncated JPEG",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      photo: "corrupt",
    },
    {
      name: "a truncated PNG",
      filename: "photo.png",
      type: "image/png",
      bytes: png.subarray(0, png.length - 30),
      photo: "corrupt",
    },
    {
      name: "an HTML page named .jpg",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: html,
      photo: "not_an_image",
    },
    {
      name: "an SVG with a script named .png",
      filename: "photo.png",
      type: "image/png",
      bytes: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">${SCRIPT}<rect width="10" height="10"/></svg>`,
      ),
      photo: ["unsupported_format", "not_an_image"],
    },
    {
      name: "a PDF named .jpg",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: pdf,
      photo: ["not_an_image", "unsupported_format"],
    },
    {
      name: "a GIF named .jpg",
      filename: "photo.jpg",
      type: "image/jpeg",
      bytes: await picture.clone().gif().toBuffer(),
      photo: "unsupported_format",
    },
    ...kept,
  ];
  pdfs = [
    { name: "a PDF with JavaScript and HTML", filename: "budget.pdf", type: "application/pdf", bytes: pdf },
    { name: "a truncated PDF", filename: "budget.pdf", type: "application/pdf", bytes: pdf.subarray(0, 40) },
    { name: "an HTML page named .pdf", filename: "budget.pdf", type: "application/pdf", bytes: html },
    {
      name: "a JPEG polyglot named .pdf",
      filename: "budget.pdf",
      type: "application/pdf",
      bytes: Buffer.concat([jpeg, pdf]),
    },
    { name: "a zero-byte file", filename: "budget.pdf", type: "application/pdf", bytes: Buffer.alloc(0) },
  ];
}

type Part = { name: string; value: string } | { name: string; file: Hostile };

/**
 * A multipart body written by hand (not FormData), so that a hostile file name reaches the server as
 * sent; quotes are escaped as browsers do (%22), the rest is left alone.
 */
function multipart(parts: Part[]) {
  const boundary = `----ekomuna${randomBytes(8).toString("hex")}`;
  const out: Buffer[] = [];
  for (const part of parts) {
    out.push(Buffer.from(`--${boundary}\r\n`));
    if ("file" in part)
      out.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.file.filename.replace(/"/g, "%22")}"\r\n` +
            `Content-Type: ${part.file.type}\r\n\r\n`,
        ),
        part.file.bytes,
        Buffer.from("\r\n"),
      );
    else
      out.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(out), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(web: WebClient, url: string, parts: Part[], headers: Record<string, string> = {}) {
  const body = multipart(parts);
  return p.app.inject({
    method: "POST",
    url,
    remoteAddress: web.remoteAddress,
    headers: {
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "content-type": body.type,
      ...headers,
    },
    payload: body.payload,
  });
}

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1]!;

/** A served photo: a JPEG that can run nothing, with no trace of what came with the upload. */
async function expectCleanPhoto(res: LightMyRequestResponse, label: string) {
  expect(res.statusCode, label).toBe(200);
  expect(res.headers["content-type"], label).toBe("image/jpeg");
  expect(res.headers["x-content-type-options"], label).toBe("nosniff");
  expect(res.headers["content-security-policy"], label).toContain("sandbox");
  expect(String(res.headers["content-disposition"]), label).toMatch(
    /^inline; filename="photo-[0-9a-f-]+(-thumbnail)?\.jpg"$/,
  );
  const bytes = res.rawPayload;
  expect([...bytes.subarray(0, 3)], label).toEqual([0xff, 0xd8, 0xff]);
  const text = bytes.toString("latin1");
  for (const trace of TRACES) expect(text.includes(trace), `${label}: ${trace}`).toBe(false);
  const meta = await sharp(bytes).metadata();
  expect([meta.format, meta.exif, meta.xmp, meta.comments], label).toEqual([
    "jpeg",
    undefined,
    undefined,
    undefined,
  ]);
}

/** A served document: only ever a download, never read as anything but what it says. */
function expectDownload(res: LightMyRequestResponse, label: string) {
  expect(res.statusCode, label).toBe(200);
  expect(res.headers["content-type"], label).toBe("application/pdf");
  expect(res.headers["x-content-type-options"], label).toBe("nosniff");
  expect(res.headers["content-security-policy"], label).toContain("sandbox");
  const disposition = String(res.headers["content-disposition"]);
  expect(disposition, label).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]+$/);
  expect(disposition.match(/filename="([^"]*)"/)![1], label).not.toMatch(/[\\/"<>]|\.\./);
}

/** A client signed in as a demo account (a session made directly). */
async function demo(local: string) {
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, `${local}@${DEMO_EMAIL_DOMAIN}`));
  const session = await createSession(
    db(),
    { userId: u!.id, method: "password", now: p.clock.now() },
    p.deps.config.session,
  );
  const web = new WebClient(p.app);
  web.cookies.set("sid", session.token);
  web.cookies.set("lang", "en");
  return web;
}

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  await makeFiles();
});
afterAll(() => p?.close());

const photoCount = async () =>
  Number((await db().select({ n: sql<number>`count(*)` }).from(casePhotos))[0]!.n);

describe("photos through the submission journey's form", () => {
  it("cleans what is an image and refuses the rest with the reason shown at the field", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
    const draft = String(started.headers.location).replace(/\/category$/, "");
    const token = draft.split("/")[2]!;
    await web.submit(`${draft}/category`, { category: "potholes" });
    await web.submit(`${draft}/details`, { title: "Gropë", description: "E thellë." });
    await web.submit(`${draft}/location`, { address: "Rruga B" });
    const page = await web.get(`${draft}/photos`);
    expect(page.statusCode).toBe(200);
    const csrf = csrfOf(page.body);
    const next = `${draft}/photos`;
    for (const file of files) {
      const before = await photoCount();
      const res = await upload(web, `/drafts/${token}/photos`, [
        { name: "_csrf", value: csrf },
        { name: "next", value: next },
        { name: "photo", file },
      ]);
      expect(res.statusCode, file.name).toBe(303);
      const to = String(res.headers.location);
      if (file.photo === undefined) {
        expect(to, file.name).toBe(next);
        expect(await photoCount(), file.name).toBe(before + 1);
        continue;
      }
      const reason = new URL(to, "http://x").searchParams.get("photoError");
      expect([file.photo].flat(), file.name).toContain(reason);
      expect(await photoCount(), file.name).toBe(before);
      const shown = await web.get(to);
      expect(shown.body, file.name).toContain('class="error-message"');
    }
    // The form's way back (`next`), hostile too: a local path, never a broken header (these answered 500).
    for (const hostileNext of [
      `${next}\r\nSet-Cookie: sid=x`,
      `${next}\u0000`,
      `${next}?q=€ 👩🏽‍🚒`,
      "//evil.example/",
    ]) {
      const res = await upload(web, `/drafts/${token}/photos`, [
        { name: "_csrf", value: csrf },
        { name: "next", value: hostileNext },
        { name: "photo", file: files[0]! },
      ]);
      expect(res.statusCode, JSON.stringify(hostileNext)).toBe(303);
      expect(String(res.headers.location), JSON.stringify(hostileNext)).toMatch(/^\/(?!\/)[\x21-\x7e]*$/);
    }
    // Each kept photo, and its thumbnail, as served with the draft's token.
    const kept = await db().select().from(casePhotos).where(sql`${casePhotos.draftId} is not null`);
    expect(kept).toHaveLength(files.filter((f) => f.photo === undefined).length);
    for (const photo of kept) {
      await expectCleanPhoto(await web.get(`/photos/${photo.id}?draft=${token}`), `photo ${photo.id}`);
      await expectCleanPhoto(
        await web.get(`/photos/${photo.id}/thumbnail?draft=${token}`),
        `thumbnail ${photo.id}`,
      );
    }
  }, 60_000);
});

describe("photos through the REST API", () => {
  it("cleans what is an image and refuses the rest with a code and the file's index", async () => {
    const made = await createApiClient(db(), { name: "Uploader", now: p.clock.now(), via: "test" });
    if (!made.ok) throw new Error(made.reason);
    const auth = { authorization: `Bearer ${made.key}`, "accept-language": "en" };
    const created = await p.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      headers: { ...auth, "content-type": "application/json", "idempotency-key": "hostile-uploads" },
      payload: JSON.stringify({
        municipality: "prishtine",
        type: "issue_report",
        category: "potholes",
        title: "Gropë",
        description: "E thellë.",
        location: { latitude: 42.6629, longitude: 21.1655 },
      }),
    });
    expect(created.statusCode).toBe(201);
    const code = created.json().trackingCode as string;
    const visitor = new WebClient(p.app);
    for (const file of files) {
      const res = await upload(visitor, `/api/v1/cases/${code}/photos`, [{ name: "photos", file }], auth);
      const body = res.json();
      if (file.photo !== undefined) {
        expect(res.statusCode, file.name).toBe(422);
        expect(body.error.code, file.name).toBe("photo_refused");
        expect(body.error.fields["photos[0]"], file.name).toMatch(/\w/);
        continue;
      }
      expect(res.statusCode, file.name).toBe(201);
      // The case is public: anyone is served the photo, cleaned.
      for (const photo of body.photos as { id: string }[]) {
        await expectCleanPhoto(await visitor.get(`/photos/${photo.id}`), `${file.name} ${photo.id}`);
        await expectCleanPhoto(await visitor.get(`/photos/${photo.id}/thumbnail`), `${file.name} thumbnail`);
      }
    }
  }, 60_000);
});

describe("a consultation's documents", () => {
  it("takes a PDF, however hostile inside, only as a download; refuses what is not one with a message", async () => {
    const web = await demo("koordinatori.prishtine");
    const page = await web.get("/m/prishtine/participation/consultations/1");
    expect(page.statusCode).toBe(200);
    const csrf = csrfOf(page.body);
    const url = "/m/prishtine/participation/consultations/1/documents";
    const send = (file: Hostile, title: string) =>
      upload(web, url, [
        { name: "_csrf", value: csrf },
        { name: "title", value: title },
        { name: "file", file },
      ]);
    const newest = async () =>
      (
        await db()
          .select()
          .from(consultationDocuments)
          .orderBy(sql`${consultationDocuments.createdAt} desc, ${consultationDocuments.position} desc`)
          .limit(1)
      )[0]!;
    for (const file of pdfs) {
      const res = await send(file, "Buxheti 2027");
      expect(res.statusCode, file.name).toBeLessThan(500);
      if (!file.bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) {
        expect(res.statusCode, file.name).toBe(422);
        expect(res.body, file.name).toContain('class="error-summary"');
        expect(res.body, file.name).toContain('href="#field-file"');
        continue;
      }
      expect(res.statusCode, `${file.name}: ${res.body.slice(0, 300)}`).toBe(303);
      expectDownload(await web.get(`/consultations/1/documents/${(await newest()).id}`), file.name);
    }
    // Hostile names and titles on a PDF: stored as text, shown escaped, never in a header as sent.
    const names = [
      `"><img src=x onerror=alert(1)>.pdf`,
      "../../../../etc/passwd.pdf",
      "..\\..\\windows\\win.ini",
      "budget.pdf\u0000.html",
      "budžet 2027 — \u202efdp.exe.pdf",
    ];
    const titles = [
      `${SCRIPT} Buxheti`,
      "Buxheti\u0000 2027",
      "'; DROP TABLE consultations; --",
      "x".repeat(400),
      " ",
    ];
    for (const [i, filename] of names.entries()) {
      const title = titles[i]!;
      const label = `${JSON.stringify(filename)} titled ${JSON.stringify(title).slice(0, 40)}`;
      const res = await send({ ...pdfs[0]!, filename }, title);
      expect(res.statusCode, label).toBeLessThan(500);
      if (res.statusCode === 422) {
        expect(res.body, label).toContain('href="#field-title"');
        continue;
      }
      expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBe(303);
      expectDownload(await web.get(`/consultations/1/documents/${(await newest()).id}`), label);
    }
    // The listings show titles and names as text.
    for (const listing of [
      await web.get("/consultations/1"),
      await web.get("/m/prishtine/participation/consultations/1"),
    ]) {
      expect(listing.statusCode).toBe(200);
      expect(listing.body).not.toContain(SCRIPT);
      expect(listing.body).not.toContain("<img src=x");
    }
  }, 60_000);
});

describe("a meeting's minutes", () => {
  it("takes a PDF only as a download and refuses what is not one with a message", async () => {
    const web = await demo("koordinatori.prishtine");
    const [pri] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [held] = await db()
      .select()
      .from(publicMeetings)
      .where(and(eq(publicMeetings.municipalityId, pri!.id), lt(publicMeetings.startsAt, p.clock.now())))
      .limit(1);
    expect(held).toBeDefined();
    const path = `/m/prishtine/participation/meetings/${held!.id}`;
    const csrf = csrfOf((await web.get(path)).body);
    for (const file of pdfs) {
      const res = await upload(web, `${path}/minutes`, [
        { name: "_csrf", value: csrf },
        { name: "minutes", file: { ...file, filename: `"><svg onload=alert(1)>../minutes.pdf` } },
      ]);
      expect(res.statusCode, file.name).toBeLessThan(500);
      if (!file.bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) {
        expect(res.statusCode, file.name).toBe(422);
        expect(res.body, file.name).toContain('class="error-message"');
        continue;
      }
      expect(res.statusCode, file.name).toBe(303);
      expectDownload(await new WebClient(p.app).get(`/meetings/${held!.id}/minutes`), file.name);
    }
  }, 60_000);
});
