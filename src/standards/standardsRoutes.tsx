// National standards (issue 9): the ministry's one place for the category taxonomy, response standards, reason codes, standard responses and participation defaults, each change versioned; what changed, for municipalities.
import type { FastifyInstance } from "fastify";

export async function standardsRoutes(_app: FastifyInstance) {}
