import type { FastifyInstance } from "fastify";

export async function apiClientRoutes(_app: FastifyInstance): Promise<void> {}
