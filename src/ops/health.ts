import type { FastifyInstance } from "fastify";

/** GET /healthz: 200 {"status":"ok"} when the database answers a query, 503 otherwise. */
export async function healthRoutes(app: FastifyInstance) {
  app.get("/healthz", async (_req, reply) => {
    const ok = await app.deps.database.ping();
    return reply
      .status(ok ? 200 : 503)
      .header("cache-control", "no-store")
      .send(ok ? { status: "ok" } : { status: "unavailable" });
  });
}
