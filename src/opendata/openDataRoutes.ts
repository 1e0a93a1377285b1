import type { FastifyInstance } from "fastify";

export async function openDataRoutes(_app: FastifyInstance): Promise<void> {}
