// An S3-compatible server on loopback for the tests of the S3 store: s3rver, a stand-in for Amazon S3 (or
// MinIO, Ceph…), a boundary we do not own. It speaks S3's HTTP API to the real AWS SDK, keeps objects in a
// directory, and knows one account (access key id S3RVER). It checks that the access key id exists but,
// unlike S3, not the signature made with the secret key: a wrong secret is not refused here.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import S3rver from "s3rver";

/** The access key s3rver knows (its secret is the same word). */
export const S3RVER_KEY = "S3RVER";

export async function startS3Server(bucket = "ekomuna-test") {
  const directory = await mkdtemp(join(tmpdir(), "ekomuna-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // As in the store (src/cases/photos/s3Store.ts): the SDK's notice about its future Node versions only.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import("@aws-sdk/client-s3");
  // The test's own look into the bucket, apart from the store under test.
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
  });
  return {
    endpoint,
    bucket,
    /** The environment that puts the platform's photos and documents into this bucket. */
    env: {
      EKOMUNA_STORAGE: "s3",
      EKOMUNA_S3_ENDPOINT: endpoint,
      EKOMUNA_S3_BUCKET: bucket,
      EKOMUNA_S3_ACCESS_KEY_ID: S3RVER_KEY,
      EKOMUNA_S3_SECRET_ACCESS_KEY: S3RVER_KEY,
    } as Record<string, string>,
    /** Every object's key in the bucket, sorted. */
    async keys(): Promise<string[]> {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((o) => o.Key!).sort();
    },
    /** An object's bytes, or undefined when the bucket has none under `key`. */
    async object(key: string): Promise<Buffer | undefined> {
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const chunks: Buffer[] = [];
        for await (const c of got.Body as Readable) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      } catch (e) {
        if ((e as Error).name === "NoSuchKey") return undefined;
        throw e;
      }
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
