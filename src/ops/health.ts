import type { FastifyInstance } from "fastify";
import { photoStoreOf } from "../cases/photos/storage.ts";

/**
 * GET /healthz: 200 {"status":"ok"} when the database answers a query, 503 {"status":"unavailable"}
 * otherwise. With photos and documents in an S3-compatible bucket, the bucket is asked too (a HeadBucket,
 * reused for a few seconds) and reported as `storage`: a bucket that does not answer makes the status
 * "degraded" but the answer stays 200. Every instance shares the bucket, so taking them all out of the
 * load balancer would refuse every page and submission, where only photos and documents are missing.
 */
export async function healthRoutes(app: FastifyInstance) {
  const store = photoStoreOf(app.deps);
  app.get("/healthz", async (_req, reply) => {
    const [database, storage] = await Promise.all([app.deps.database.ping(), store.check?.()]);
    const status = !database ? "unavailable" : storage === false ? "degraded" : "ok";
    return reply
      .status(database ? 200 : 503)
      .header("cache-control", "no-store")
      .send({
        status,
        ...(storage === undefined ? {} : { storage: storage ? "ok" : "unavailable" }),
      });
  });
}
