// The meetings pages and actions (issue 8). Filled in by the engineer building them.
import type { FastifyInstance } from "fastify";

export async function meetingRoutes(_app: FastifyInstance): Promise<void> {}
