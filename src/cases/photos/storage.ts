// Where photo and document bytes live. The rest of the code sees only `PhotoStore` (put, get, delete by
// key): files on the local disk (the default), or an S3-compatible bucket (s3Store.ts, EKOMUNA_STORAGE=s3)
// that several instances share. Keys are made here (random, never from user input) and checked again on
// every call, so no key can name a path outside the store.
import { randomBytes, randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import type { AppDeps } from "../../app.ts";
import { S3PhotoStore } from "./s3Store.ts";

export interface StoredObject {
  body: Readable;
  contentType: string;
  /** Size in bytes, when the store knows it (for Content-Length). */
  size?: number | undefined;
}

export interface PhotoStore {
  /** Stores `body` under `key`, all or nothing: a reader never sees half an object. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object under `key`, or undefined when there is none. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Removes the object; a key with nothing under it is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Whether the store answers, for /healthz; absent where there is nothing to ask (the local disk is
   * the process's own).
   */
  check?(): Promise<boolean>;
}

/**
 * A store that did not answer as it should (a bucket unreachable, refusing the credentials, missing): the
 * request that needed it is answered 503 "unavailable", a failure of a service beside the platform, not a
 * 500 of the platform's own (src/web/errors.tsx reads statusCode). What failed is in the message, for the log.
 */
export class StorageUnavailableError extends Error {
  readonly statusCode = 503;
}

/**
 * A key is two hex characters (a shard, so no directory grows huge), a slash and a UUID file name: a
 * photo (`.jpg`, its thumbnail `.thumb.jpg`) or a document (`.pdf`: consultation papers, meeting minutes).
 */
const KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}(?:(?:\.thumb)?\.jpg|\.pdf)$/;

/** A new random key for a photo and its thumbnail (same name, `.thumb` before the extension). */
export function newPhotoKeys(): { image: string; thumbnail: string } {
  const id = randomUUID();
  const base = `${id.slice(0, 2)}/${id}`;
  return { image: `${base}.jpg`, thumbnail: `${base}.thumb.jpg` };
}

/** A new random key for a PDF document. */
export function newDocumentKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}.pdf`;
}

export function isPhotoKey(key: string): boolean {
  return KEY.test(key);
}

/** Objects in files under one directory (the uploads directory); directories are made as needed. */
export class LocalDiskPhotoStore implements PhotoStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    if (!isPhotoKey(key)) throw new Error(`not a photo key: ${JSON.stringify(key)}`);
    const full = resolve(this.root, key);
    // The pattern already rules out "..", absolute paths and backslashes; this is the belt to its braces.
    if (!full.startsWith(this.root + sep)) throw new Error("photo key outside the store");
    return full;
  }

  async put(key: string, body: Buffer, _contentType: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    // Write beside the target under a temporary name, flush, then rename: rename is atomic within a
    // file system, so a crash leaves either the whole file or a stray *.tmp, never half a photo.
    const temp = join(dirname(target), `.${randomBytes(8).toString("hex")}.tmp`);
    const handle = await open(temp, "wx", 0o640);
    try {
      await handle.writeFile(body);
      await handle.sync();
    } catch (e) {
      await handle.close().catch(() => {});
      await unlink(temp).catch(() => {});
      throw e;
    }
    await handle.close();
    try {
      await rename(temp, target);
    } catch (e) {
      await unlink(temp).catch(() => {});
      throw e;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.path(key);
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    try {
      const { size } = await handle.stat();
      // Only re-encoded JPEGs and checked PDFs are stored; the key's extension says which.
      const contentType = key.endsWith(".pdf") ? "application/pdf" : "image/jpeg";
      return { body: handle.createReadStream(), contentType, size };
    } catch (e) {
      await handle.close().catch(() => {});
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.path(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

const stores = new WeakMap<AppDeps, PhotoStore>();

/**
 * The app's photo store: the one given in its dependencies, else the configured one (the bucket with
 * EKOMUNA_STORAGE=s3, otherwise the local disk under `uploadsDir`), one per app.
 */
export function photoStoreOf(deps: AppDeps): PhotoStore {
  if (deps.photoStore) return deps.photoStore;
  let store = stores.get(deps);
  if (!store) {
    const { storage } = deps.config;
    store =
      storage.kind === "s3" ? new S3PhotoStore(storage) : new LocalDiskPhotoStore(deps.config.uploadsDir);
    stores.set(deps, store);
  }
  return store;
}
