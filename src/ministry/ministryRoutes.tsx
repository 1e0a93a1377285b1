// The ministry's oversight (issue 9): the national dashboard with drill-down, alerts on systematic lateness, and the queue of cases escalated to the ministry.
import type { FastifyInstance } from "fastify";

export async function ministryRoutes(_app: FastifyInstance) {}
