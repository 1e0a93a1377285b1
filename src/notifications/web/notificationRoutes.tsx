// Placeholder registered in app.ts; its owner fills it in.
import type { FastifyInstance } from "fastify";

export async function notificationRoutes(_app: FastifyInstance): Promise<void> {}
