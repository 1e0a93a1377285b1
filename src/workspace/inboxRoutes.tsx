// The staff inbox (issue 5). Being built.
import type { FastifyInstance } from "fastify";

export async function inboxRoutes(_app: FastifyInstance) {}
