// A citizen's photo is never kept or shown as sent: it is decoded and re-encoded as a plain JPEG, which
// drops everything but the pixels — EXIF (with the GPS position of the person's phone), XMP, comments and
// colour profiles (converted to sRGB first). Only JPEG, PNG and WebP are accepted, judged from the bytes
// themselves, never from a file name or a claimed content type; anything else, anything damaged and
// anything that would decode to too many pixels (a "decompression bomb") is refused with a reason.
import sharp, { type Metadata } from "sharp";
import { MAX_EDGE, THUMBNAIL_EDGE, thumbnailSize } from "./photoView.ts";

export { MAX_EDGE, THUMBNAIL_EDGE, thumbnailSize };

/** Largest upload accepted, in bytes. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Largest image accepted, in pixels (width × height), checked from the header before decoding. */
export const MAX_INPUT_PIXELS = 50_000_000;
export const JPEG_QUALITY = 82;

/** The formats accepted, as sharp names them. */
const ACCEPTED = new Set(["jpeg", "png", "webp"]);

export type PhotoRefusal =
  | "not_an_image"
  | "unsupported_format"
  | "too_large"
  | "too_many_pixels"
  | "corrupt";

export type ProcessedPhoto =
  | {
      ok: true;
      /** The photo as stored: JPEG, upright, within MAX_EDGE, no metadata. */
      image: Buffer;
      thumbnail: Buffer;
      width: number;
      height: number;
    }
  | { ok: false; reason: PhotoRefusal };

const refuse = (reason: PhotoRefusal): ProcessedPhoto => ({ ok: false, reason });

export async function processPhoto(bytes: Buffer): Promise<ProcessedPhoto> {
  // Never anything but bytes: sharp would read a string as a file path on this server.
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) return refuse("not_an_image");
  if (bytes.length > MAX_PHOTO_BYTES) return refuse("too_large");

  let meta: Metadata;
  try {
    // The header only: what the bytes really are and how big they say the image is. No pixel limit
    // here, so that an oversized image is refused as such below rather than as an error.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    return refuse(
      /unsupported image format/i.test(String((e as Error).message)) ? "not_an_image" : "corrupt",
    );
  }
  if (!meta.format || !ACCEPTED.has(meta.format)) return refuse("unsupported_format");
  const { width, height } = meta;
  if (!width || !height) return refuse("corrupt");
  if (width * height > MAX_INPUT_PIXELS) return refuse("too_many_pixels");

  try {
    const image = await sharp(bytes, {
      // Checked again by the decoder itself, in case the header lied.
      limitInputPixels: MAX_INPUT_PIXELS,
      // Truncated or broken data is an error; harmless warnings (common in phones' JPEGs) are not.
      failOn: "error",
      sequentialRead: true,
    })
      .autoOrient()
      .flatten({ background: "#ffffff" })
      .resize(MAX_EDGE, MAX_EDGE, { fit: "inside", withoutEnlargement: true })
      // No keepMetadata/keepExif/keepIccProfile: sharp converts to sRGB and writes no metadata at all.
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    const size = thumbnailSize(image.info.width, image.info.height);
    const thumbnail = await sharp(image.data)
      .resize(size.width, size.height, { fit: "fill" })
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: true })
      .toBuffer();
    return { ok: true, image: image.data, thumbnail, width: image.info.width, height: image.info.height };
  } catch (e) {
    const message = String((e as Error).message);
    if (/pixel limit/i.test(message)) return refuse("too_many_pixels");
    return refuse("corrupt");
  }
}
