// Onboarding municipalities (issue 9): the pilot flag, staff imported from CSV, categories and languages, and the checklist before going live.
import type { FastifyInstance } from "fastify";

export async function onboardingRoutes(_app: FastifyInstance) {}
