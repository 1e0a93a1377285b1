// Photos and documents in an S3-compatible bucket (Amazon S3, MinIO, Ceph, Garage, a cloud's object
// store), so that several app instances on several machines see the same files without a shared file
// system. The keys are those of the local disk store, used as object names unchanged (and checked the
// same way), so a bucket filled by copying the uploads directory (`aws s3 sync`) serves the same links.
//
// The AWS SDK is loaded at the first call, not at start-up: it takes half a second to import, and a
// platform on the local disk never needs it.
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "../../config.ts";
import { isPhotoKey, type PhotoStore, StorageUnavailableError, type StoredObject } from "./storage.ts";

type Sdk = typeof import("@aws-sdk/client-s3");

/** How long a look at the bucket (for /healthz) is reused: a load balancer asks every few seconds. */
const CHECK_TTL_MS = 5_000;
/** A look at the bucket that takes longer than this counts as a failure. */
const CHECK_TIMEOUT_MS = 2_000;

const contentTypeOf = (key: string) => (key.endsWith(".pdf") ? "application/pdf" : "image/jpeg");

export class S3PhotoStore implements PhotoStore {
  private sdk: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
  private lastCheck: { at: number; result: Promise<boolean> } | undefined;

  constructor(readonly settings: S3Settings) {}

  private connect() {
    this.sdk ??= import("@aws-sdk/client-s3").then((sdk) => {
      // The SDK warns once per process that its releases from 2027 need Node 22; that is about its
      // future versions, not this one, and would otherwise reach every operator's log. Only this
      // warning is switched off (the SDK's own setting for it); an operator who set it keeps their value.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
      const s = this.settings;
      const client = new sdk.S3Client({
        region: s.region,
        forcePathStyle: s.forcePathStyle,
        ...(s.endpoint ? { endpoint: s.endpoint } : {}),
        ...(s.credentials ? { credentials: s.credentials } : {}),
        // Checksums only where S3 requires them: the SDK's newer default (a CRC32 header on every
        // upload, checked on every download) is refused or mishandled by many S3-compatible servers.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        // A server that does not answer fails the request (and the SDK retries it, 3 attempts in all)
        // instead of holding a citizen's upload open.
        requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
      });
      return { sdk, client };
    });
    return this.sdk;
  }

  private checked(key: string): string {
    if (!isPhotoKey(key)) throw new Error(`not a photo key: ${JSON.stringify(key)}`);
    return key;
  }

  /** The SDK's error with what was being done, to which bucket: an operator reads it in the log. */
  private failure(what: string, key: string | undefined, e: unknown): Error {
    const err = e as Error;
    const code = err.name && err.name !== "Error" ? `${err.name}: ` : "";
    return new StorageUnavailableError(
      `S3 ${what}${key ? ` of ${key}` : ""} in bucket ${this.settings.bucket} failed: ${code}${err.message}`,
      { cause: e },
    );
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const Key = this.checked(key);
    const { sdk, client } = await this.connect();
    try {
      // One PUT: S3 makes an object visible only once it is whole, so no reader sees half a photo.
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.settings.bucket,
          Key,
          Body: body,
          ContentType: contentType,
          ContentLength: body.length,
        }),
      );
    } catch (e) {
      throw this.failure("upload", key, e);
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const Key = this.checked(key);
    const { sdk, client } = await this.connect();
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key }));
      if (!res.Body) return undefined;
      // In Node the body is the HTTP response itself, streamed to the reader as it arrives.
      return {
        body: res.Body as Readable,
        // The key's extension decides, as on the local disk: only re-encoded JPEGs and checked PDFs are stored.
        contentType: contentTypeOf(key),
        size: res.ContentLength,
      };
    } catch (e) {
      if (isMissingObject(e)) return undefined;
      throw this.failure("download", key, e);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.checked(key);
    const { sdk, client } = await this.connect();
    try {
      // S3 answers 204 for a key with nothing under it too, as the interface wants.
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.settings.bucket, Key }));
    } catch (e) {
      if (isMissingObject(e)) return;
      throw this.failure("delete", key, e);
    }
  }

  /**
   * Whether the bucket answers (HeadBucket: no data read), for /healthz. One look is shared by the
   * requests of the next few seconds, and by those that arrive while it runs.
   */
  check(): Promise<boolean> {
    const now = Date.now();
    if (this.lastCheck && now - this.lastCheck.at < CHECK_TTL_MS) return this.lastCheck.result;
    const result = this.connect()
      .then(({ sdk, client }) =>
        client.send(new sdk.HeadBucketCommand({ Bucket: this.settings.bucket }), {
          abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        }),
      )
      .then(
        () => true,
        () => false,
      );
    this.lastCheck = { at: now, result };
    return result;
  }

  /** Closes the client's kept-alive connections (tests, and a process that stops). */
  async close(): Promise<void> {
    const connected = this.sdk;
    this.sdk = undefined;
    if (connected) (await connected).client.destroy();
  }
}

/**
 * A key with no object under it: 404 NoSuchKey. A 404 for a bucket that does not exist is not that: it is
 * a configuration to fix, and must not look like a photo that was deleted. (Amazon S3 answers 403 instead
 * of 404 for a missing key when the credentials may not list the bucket: docs/DEPLOYMENT.md says to grant it.)
 */
function isMissingObject(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (err.name === "NoSuchKey") return true;
  return err.$metadata?.httpStatusCode === 404 && err.name !== "NoSuchBucket";
}
