// The REST API under /api/v1: JSON in, JSON out, the same things the web pages do (submit a case with
// photos, read one, list and filter, add information, follow) for programs and for the site's own
// scripts. Registered by app.ts with the prefix /api/v1; everything here stays inside that scope: the
// error and not-found answers, validation (zod, in the handlers), authentication, rate limits and the
// OpenAPI description.
//
// The request pipeline, top to bottom:
//   onRequest   the session (app-wide) → the API key, if one is sent (authenticate) → the rate limit of
//               the route's kind (read/write) for that client, person or address
//   preHandler  CSRF tokens are not used here (config.csrf = false): a refused key answers 401; a write
//               on a session from another site answers 403 (isCrossSite)
//   handler     validate → authorize (can()) → the command → the answer
import swagger from "@fastify/swagger";
import type { FastifyError, FastifyInstance } from "fastify";
import { baseUrl } from "../app.ts";
import { classify } from "../web/errors.tsx";
import { ApiKeyResolver } from "./apiKeys.ts";
import { apiRoute, authenticate, isCrossSite, limitBucket } from "./auth.ts";
import { caseEndpoints } from "./caseEndpoints.ts";
import { sendApiError } from "./errors.ts";
import { swaggerOptions } from "./openapi.ts";
import { photoEndpoints } from "./photoEndpoints.ts";

export const API_PREFIX = "/api/v1";

export async function apiRoutes(app: FastifyInstance) {
  const { database, clock, config } = app.deps;
  const resolver = new ApiKeyResolver(
    database.db,
    () => clock.now(),
    (err) => app.log.error({ err }, "could not record an API key's use"),
  );

  app.decorateRequest("apiClient", undefined);
  app.decorateRequest("apiKeyRefused", false);

  // The handlers validate with zod, so that every refusal has the API's shape and a message per field in
  // the request's language; the route schemas are there to describe the API (OpenAPI), not to check it.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  await app.register(swagger, swaggerOptions(baseUrl(config)));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, code } = classify(err);
    if (status >= 500) req.log.error({ err }, "API request failed");
    else req.log.info({ code, status }, "API request refused");
    return sendApiError(req, reply, status, code);
  });
  app.setNotFoundHandler((req, reply) => sendApiError(req, reply, 404, "not_found"));

  app.addHook("onRequest", async (req) => {
    await authenticate(req, resolver);
  });
  // One counter per client (or person, or address) and kind across the whole API, after the key is known.
  const limiter = app.rateLimit({
    timeWindow: 60_000,
    keyGenerator: (req) => limitBucket(req, req.routeOptions.config.apiLimit ?? "read").key,
    max: (req) => limitBucket(req, req.routeOptions.config.apiLimit ?? "read").max,
  });
  app.addHook("onRequest", limiter);
  app.addHook("preHandler", async (req, reply) => {
    if (req.apiKeyRefused) {
      reply.header("www-authenticate", 'Bearer realm="E-Komuna API", error="invalid_token"');
      return sendApiError(req, reply, 401, "invalid_api_key");
    }
    const write = req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS";
    if (write && !req.apiClient && req.user && isCrossSite(req, config))
      return sendApiError(req, reply, 403, "cross_site_request");
  });

  await app.register(caseEndpoints);
  await app.register(photoEndpoints);

  // Anything else under /api/v1 (an unknown path, or a method a path does not take) is a 404 in the API's
  // shape; as a route of its own it also skips the form CSRF check that a POST would otherwise meet.
  app.all("/*", { config: apiRoute("read") }, async (req, reply) =>
    sendApiError(req, reply, 404, "not_found"),
  );

  app.get("/openapi.json", { config: apiRoute("read"), schema: { hide: true } }, async (_req, reply) =>
    reply.header("cache-control", "public, max-age=300").send(app.swagger()),
  );
}
