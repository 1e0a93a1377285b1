// Reports (issue 9): periodic performance reports per municipality and national, the pilot evaluation, and the standard operating procedures page.
import type { FastifyInstance } from "fastify";

export async function reportRoutes(_app: FastifyInstance) {}
