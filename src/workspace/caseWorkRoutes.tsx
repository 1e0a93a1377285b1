// A case as staff work it (issue 5). Being built.
import type { FastifyInstance } from "fastify";

export async function caseWorkRoutes(_app: FastifyInstance) {}
