// Every input is made here with sharp (or by hand, for the broken ones): no binary fixtures.
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isPublicPhoto, publicCaseView } from "../publicView.ts";
import { photoUrl, thumbnailSize } from "./photoView.ts";
import { MAX_PHOTO_BYTES, processPhoto } from "./processPhoto.ts";

const solid = (width: number, height: number, background = "#3366cc") =>
  sharp({ create: { width, height, channels: 3, background } });

/** A JPEG as a phone writes it: camera details and the GPS position in its EXIF. */
const phoneJpeg = (width = 640, height = 480) =>
  solid(width, height)
    .withExif({
      IFD0: { Make: "PhoneMaker", Model: "Phone 12", Software: "Camera 1.0" },
      // IFD3 is where libvips keeps the GPS directory.
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "42/1 39/1 4680/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "21/1 9/1 5580/100",
      },
    })
    .withIccProfile("p3")
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="42,39.78N"/></rdf:RDF></x:xmpmeta>',
    )
    .jpeg()
    .toBuffer();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small, valid-looking PNG whose header claims width × height pixels: a decompression bomb. */
function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.alloc(4096))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Whether an EXIF block points to a GPS directory (tag 0x8825, in either byte order). */
const hasGps = (exif: Buffer) =>
  exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

async function pixel(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

describe("processPhoto", () => {
  it("re-encodes a phone's JPEG without any metadata: no EXIF, no GPS, no XMP, no ICC profile", async () => {
    const input = await phoneJpeg();
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(hasGps(before.exif!)).toBe(true);
    expect(before.icc).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(input.includes(Buffer.from("PhoneMaker"))).toBe(true);

    const result = await processPhoto(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const out of [result.image, result.thumbnail]) {
      const meta = await sharp(out).metadata();
      expect(meta.format).toBe("jpeg");
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(out.includes(Buffer.from("PhoneMaker"))).toBe(false);
      expect(out.includes(Buffer.from("Exif\0\0"))).toBe(false);
    }
    expect(result).toMatchObject({ width: 640, height: 480 });
  });

  it("fits a 4000×3000 PNG within 2048 px (2048×1536) and its thumbnail within 400 px", async () => {
    const result = await processPhoto(await solid(4000, 3000).png().toBuffer());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([result.width, result.height]).toEqual([2048, 1536]);
    const image = await sharp(result.image).metadata();
    expect([image.width, image.height, image.format]).toEqual([2048, 1536, "jpeg"]);
    const thumb = await sharp(result.thumbnail).metadata();
    expect([thumb.width, thumb.height]).toEqual([400, 300]);
    expect(thumbnailSize(result.width, result.height)).toEqual({ width: 400, height: 300 });
  });

  it("never enlarges a small photo, nor its thumbnail", async () => {
    const result = await processPhoto(await solid(300, 120).webp().toBuffer());
    expect(result).toMatchObject({ ok: true, width: 300, height: 120 });
    if (!result.ok) return;
    const thumb = await sharp(result.thumbnail).metadata();
    expect([thumb.width, thumb.height]).toEqual([300, 120]);
  });

  it("turns a photo upright by its EXIF orientation before dropping it", async () => {
    // Stored 600×400 with a red left half and a blue right half; orientation 6 says "turn 90° clockwise
    // to view", so upright it is 400×600 with red on top and blue below.
    const half = await solid(300, 400, "#ff0000").png().toBuffer();
    const input = await solid(600, 400, "#0000ff")
      .composite([{ input: half, left: 0, top: 0 }])
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect((await sharp(input).metadata()).orientation).toBe(6);

    const result = await processPhoto(input);
    expect(result).toMatchObject({ ok: true, width: 400, height: 600 });
    if (!result.ok) return;
    const meta = await sharp(result.image).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([400, 600, undefined]);
    const [r1, , b1] = await pixel(result.image, 200, 100);
    const [r2, , b2] = await pixel(result.image, 200, 500);
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    expect(r2).toBeLessThan(60);
    expect(b2).toBeGreaterThan(200);
    const thumb = await sharp(result.thumbnail).metadata();
    expect([thumb.width, thumb.height]).toEqual([267, 400]);
  });

  it("puts a transparent PNG on white", async () => {
    const input = await sharp({
      create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const result = await processPhoto(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [r, g, b] = await pixel(result.image, 25, 25);
    expect(Math.min(r, g, b)).toBeGreaterThan(245);
  });

  it("judges the format from the bytes, not the name: a text file is not an image", async () => {
    expect(await processPhoto(Buffer.from("holiday.jpg\nThis is not a photo at all.\n"))).toEqual({
      ok: false,
      reason: "not_an_image",
    });
    expect(await processPhoto(Buffer.alloc(0))).toEqual({ ok: false, reason: "not_an_image" });
    // A string would be a file path to sharp: never read one.
    const path = "/etc/hostname" as unknown as Buffer;
    expect(await processPhoto(path)).toEqual({ ok: false, reason: "not_an_image" });
  });

  it("refuses image formats other than JPEG, PNG and WebP", async () => {
    const gif = await solid(20, 20).gif().toBuffer();
    expect(await processPhoto(gif)).toEqual({ ok: false, reason: "unsupported_format" });
    const tiff = await solid(20, 20).tiff().toBuffer();
    expect(await processPhoto(tiff)).toEqual({ ok: false, reason: "unsupported_format" });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>');
    expect(await processPhoto(svg)).toEqual({ ok: false, reason: "unsupported_format" });
  });

  it("refuses a truncated JPEG and a truncated PNG as corrupt", async () => {
    const jpeg = await phoneJpeg(800, 600);
    for (const fraction of [0.5, 0.9, 0.99]) {
      const cut = jpeg.subarray(0, Math.floor(jpeg.length * fraction));
      expect(await processPhoto(cut)).toEqual({ ok: false, reason: "corrupt" });
    }
    const png = await sharp(Buffer.alloc(200 * 200 * 3, 0x5a), {
      raw: { width: 200, height: 200, channels: 3 },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(await processPhoto(png.subarray(0, png.length - 5000))).toEqual({ ok: false, reason: "corrupt" });
  });

  it("refuses a PNG whose header claims 100000×100000 pixels, before decoding it", async () => {
    const started = Date.now();
    expect(await processPhoto(pngClaiming(100_000, 100_000))).toEqual({
      ok: false,
      reason: "too_many_pixels",
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses more than 10 MB without looking inside", async () => {
    const big = Buffer.alloc(MAX_PHOTO_BYTES + 1);
    big.set(await phoneJpeg(10, 10));
    expect(await processPhoto(big)).toEqual({ ok: false, reason: "too_large" });
  });
});

describe("photos in the public view", () => {
  const row = { visibility: "public" };
  const photo = (id: string, over: { hidden?: boolean; position?: number } = {}) => ({
    id,
    width: 2048,
    height: 1536,
    hidden: false,
    position: 0,
    ...over,
  });

  it("shows a public case's photos in order, never a hidden one, none for a sensitive category", () => {
    expect(isPublicPhoto(row, { sensitive: false }, { hidden: false })).toBe(true);
    expect(isPublicPhoto(row, { sensitive: false }, { hidden: true })).toBe(false);
    expect(isPublicPhoto(row, { sensitive: true }, { hidden: false })).toBe(false);
    expect(isPublicPhoto({ visibility: "private" }, { sensitive: false }, { hidden: false })).toBe(false);
  });

  it("builds the photo list of publicCaseView from the rows it is given", () => {
    const kase = {
      visibility: "public",
      latitude: null,
      longitude: null,
      showName: false,
    } as unknown as Parameters<typeof publicCaseView>[0];
    const rows = [
      photo("b", { position: 1 }),
      photo("hidden", { hidden: true, position: 2 }),
      photo("a", { position: 0 }),
    ];
    const view = publicCaseView(kase, { sensitive: false }, [], rows)!;
    expect(view.photos).toEqual([
      { id: "a", width: 2048, height: 1536, thumbnail: { width: 400, height: 300 } },
      { id: "b", width: 2048, height: 1536, thumbnail: { width: 400, height: 300 } },
    ]);
    expect(publicCaseView(kase, { sensitive: true }, [], rows)!.photos).toEqual([]);
    expect(publicCaseView(kase, { sensitive: false }, [])!.photos).toEqual([]);
  });

  it("links to a photo, its thumbnail, and a draft's photo with the draft's token", () => {
    expect(photoUrl("a")).toBe("/photos/a");
    expect(photoUrl("a", { thumbnail: true })).toBe("/photos/a/thumbnail");
    expect(photoUrl("a", { thumbnail: true, draftToken: "t-_1" })).toBe("/photos/a/thumbnail?draft=t-_1");
  });
});
