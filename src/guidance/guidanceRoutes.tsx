// Guidance for citizens and staff (issue 10): how it works, what happens after you submit, privacy,
// accessibility, the workspace guide and each municipality's leaflet. Filled in by the guidance work.
import type { FastifyInstance } from "fastify";

export async function guidanceRoutes(_app: FastifyInstance) {}
