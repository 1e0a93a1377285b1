// Placeholder registered in app.ts; its owner fills it in.
import type { FastifyInstance } from "fastify";

export async function outboxRoutes(_app: FastifyInstance): Promise<void> {}
