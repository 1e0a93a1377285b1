// Builds the Fastify app from its dependencies: infrastructure first (logging, security headers, cookies,
// language, errors), then each capability's routes. Nothing here knows about a particular page.
import { randomUUID } from "node:crypto";
import { createBrotliCompress, createGzip, constants as zlibConstants } from "node:zlib";
import compress from "@fastify/compress";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { API_PREFIX, apiRoutes } from "./api/plugin.ts";
import { apiClientRoutes } from "./api/web/apiClientRoutes.tsx";
import type { WorkingCalendar } from "./calendar/calendar.ts";
import { calendarRoutes } from "./calendar/web/calendarRoutes.tsx";
import { photoRoutes } from "./cases/photos/photoRoutes.ts";
import type { PhotoStore } from "./cases/photos/storage.ts";
import { assistedRoutes } from "./cases/web/assistedRoutes.tsx";
import { caseActionRoutes } from "./cases/web/caseActionRoutes.tsx";
import { caseListRoutes } from "./cases/web/caseListRoutes.tsx";
import { caseRoutes } from "./cases/web/caseRoutes.tsx";
import { submitRoutes } from "./cases/web/submitRoutes.tsx";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import { guidanceRoutes } from "./guidance/guidanceRoutes.tsx";
import { identityRoutes } from "./identity/web/routes.tsx";
import { registerSessions } from "./identity/web/sessionPlugin.ts";
import { staffRoutes } from "./identity/web/staffRoutes.tsx";
import type { Clock } from "./kernel/clock.ts";
import { ministryRoutes } from "./ministry/ministryRoutes.tsx";
import type { Mailer } from "./notifications/mailer.ts";
import { notificationRoutes } from "./notifications/web/notificationRoutes.tsx";
import { outboxRoutes } from "./notifications/web/outboxRoutes.tsx";
import { webhookRoutes } from "./notifications/web/webhookRoutes.tsx";
import { onboardingRoutes } from "./onboarding/onboardingRoutes.tsx";
import { open311Routes } from "./open311/open311Routes.ts";
import { openDataRoutes } from "./opendata/openDataRoutes.ts";
import { healthRoutes } from "./ops/health.ts";
import { consultationRoutes } from "./participation/consultations/consultationRoutes.tsx";
import { meetingRoutes } from "./participation/meetings/meetingRoutes.tsx";
import { proposalRoutes } from "./participation/proposals/proposalRoutes.tsx";
import type { Profile } from "./reference/profile.ts";
import { municipalityRoutes } from "./reference/web/routes.tsx";
import { reportRoutes } from "./reports/reportRoutes.tsx";
import { standardsRoutes } from "./standards/standardsRoutes.tsx";
import { statsRoutes } from "./stats/web/statsRoutes.tsx";
import type { Assets } from "./web/assets.ts";
import { COMPRESS_MIN_BYTES } from "./web/assets.ts";
import { registerLanguage } from "./web/context.ts";
import { answerFrameworkError, installErrorHandling } from "./web/errors.tsx";
import { parseFormValues } from "./web/formValues.ts";
import { compressPage, PageCache, registerPageCache } from "./web/pageCache.ts";
import { shellRoutes } from "./web/routes/shell.ts";
import { registerSecurityHeaders } from "./web/securityHeaders.ts";
import { styleGuideRoutes } from "./web/styleGuide.tsx";
import { municipalAdminRoutes } from "./workspace/adminRoutes.tsx";
import { caseWorkRoutes } from "./workspace/caseWorkRoutes.tsx";
import { inboxRoutes } from "./workspace/inboxRoutes.tsx";

export interface AppDeps {
  config: Config;
  database: Database;
  profile: Profile;
  calendar: WorkingCalendar;
  clock: Clock;
  assets: Assets;
  mailer: Mailer;
  /** Wakes the outbox worker after a transaction that queued messages (a no-op where none runs). */
  pokeOutbox: () => void;
  /** Where photos are kept; absent: files under config.uploadsDir (see photoStoreOf). */
  photoStore?: PhotoStore;
}

/** The absolute address used in links sent by email. */
export function baseUrl(config: Config): string {
  return (
    config.publicUrl ??
    `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`
  ).replace(/\/$/, "");
}

/** A page route declares a sample URL so the browser suite can visit every page there is. */
export interface PageRouteConfig {
  /**
   * A page: its sample URL, the demo account to view it as (by email local part, e.g. "lirije.shala";
   * absent: a visitor) and the status the sample answers with (200 by default).
   */
  page?: { sample: string; as?: string; status?: number };
  /** State-changing routes check the CSRF token unless they say `csrf: false` (API keys, webhooks). */
  csrf?: boolean;
  /** A public page that may be kept a few seconds for visitors (src/web/pageCache.ts). */
  publicCache?: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    deps: AppDeps;
    /** Sample URLs of every HTML page route, collected as routes are added. */
    pageSamples: string[];
    /** The same, with who views each sample and the status it answers with. */
    pages: { sample: string; as?: string; status: number }[];
  }
  interface FastifyContextConfig extends PageRouteConfig {}
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * How answers are compressed (brotli, else gzip), by what they are — measured in docs/PERFORMANCE.md:
 * - an answer held whole in memory up to 64 KB (pages, JSON) in one call at the page level (brotli 4 /
 *   gzip 6, a millisecond or two for the largest page, far less than rendering it);
 * - a stream (the open-data CSV and JSON downloads) or a larger answer as it flows, at the lowest level
 *   (brotli 1 / gzip 1, ~130,000 export rows a second on one core, a quarter of the bytes): the download
 *   must keep its 50,000 rows a second, and a level 6 stream held it near that alone;
 * - hashed assets (copies made once at start-up, src/web/assets.ts), kept public pages (src/web/pageCache.ts)
 *   and Open311's kept answers arrive with their content-encoding set, and are left as they are;
 * - images, PDFs and other binary types not at all: they are compressed already.
 * The plugin compresses a body held in memory through the synchronous functions below and a stream
 * through the stream constructors, which is how one registration gives two levels.
 */
const ANSWER_CODECS = {
  brotliCompressSync: (body: Buffer) => compressPage(body, "br"),
  gzipSync: (body: Buffer) => compressPage(body, "gzip"),
  createBrotliCompress: () => createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } }),
  createGzip: () => createGzip({ level: 1 }),
};
const COMPRESSIBLE =
  /^text\/(?!event-stream)|^application\/(?:[\w.-]+\+)?(?:json|xml|javascript)\b|^image\/svg\+xml\b/;

/**
 * Graceful shutdown with keep-alive clients (browsers, proxies): Node's server.close() closes only the
 * connections idle at that instant, so one that finishes its request afterwards would hold the process
 * open until its keep-alive timeout. While closing, answers say `Connection: close` and connections that
 * fall idle are closed, so in-flight requests finish and then the process exits at once.
 */
function closeKeepAliveOnShutdown(app: FastifyInstance) {
  let closing = false;
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook("preClose", async () => {
    closing = true;
    sweeper = setInterval(() => app.server.closeIdleConnections?.(), 50);
    sweeper.unref();
  });
  app.addHook("onClose", async () => {
    clearInterval(sweeper);
  });
  app.addHook("onSend", async (_req, reply) => {
    if (closing) reply.header("connection", "close");
  });
}

export async function buildApp(deps: AppDeps, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    // Reuse a caller's (or the proxy's) request id when it is sane, so logs line up across services.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // What the router refuses before any hook or route runs (a URL it cannot decode, a path segment past
    // maxParamLength) is answered in the shape of the area the URL names, not Fastify's own English JSON.
    frameworkErrors: answerFrameworkError,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200, querystringParser: parseFormValues },
  });

  app.decorate("deps", deps);
  app.decorate("pageSamples", [] as string[]);
  app.decorate("pages", [] as { sample: string; as?: string; status: number }[]);
  app.addHook("onRoute", (route) => {
    const page = (route.config as PageRouteConfig | undefined)?.page;
    if (page && route.method !== "HEAD") {
      app.pageSamples.push(page.sample);
      app.pages.push({
        sample: page.sample,
        status: page.status ?? 200,
        ...(page.as ? { as: page.as } : {}),
      });
    }
  });
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  closeKeepAliveOnShutdown(app);

  const https = config.publicUrl?.startsWith("https:") ?? false;
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Map tiles are images from the configured tile server, and nothing else comes from it.
        imgSrc: ["'self'", "data:", ...(config.map ? [config.map.tileOrigin] : [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only where the platform is served over TLS; on plain http it would be meaningless or harmful.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
    permissionsPolicy: "camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
  });
  await app.register(cookie);
  await app.register(formbody, { parser: parseFormValues });
  await app.register(csrf, {
    cookieKey: "_csrf",
    cookieOpts: { path: "/", httpOnly: true, sameSite: "lax", secure: https },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === "string"
        ? body._csrf
        : (req.headers["x-csrf-token"] as string | undefined);
    },
  });
  // Rate limits are declared per route (config.rateLimit); none applies globally.
  await app.register(rateLimit, { global: false });
  registerLanguage(app);
  installErrorHandling(app);
  registerSessions(app);
  // Every state-changing request from a browser carries the CSRF token of its form.
  app.addHook("preHandler", (req, reply, done) => {
    const safe = req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS";
    if (safe || (req.routeOptions.config as PageRouteConfig).csrf === false) return done();
    app.csrfProtection(req, reply, done);
  });
  registerPageCache(app, new PageCache(config.pageCacheSeconds * 1000, () => deps.clock.now().getTime()));
  await app.register(compress, {
    encodings: ["br", "gzip"],
    threshold: COMPRESS_MIN_BYTES,
    syncThreshold: 64 * 1024,
    customTypes: COMPRESSIBLE,
    zlib: ANSWER_CODECS,
    // Compressed request bodies are not accepted: a small upload must not inflate past the body limit.
    globalDecompression: false,
  });

  await app.register(healthRoutes);
  await app.register(shellRoutes);
  await app.register(municipalityRoutes);
  await app.register(identityRoutes);
  await app.register(caseRoutes);
  await app.register(caseActionRoutes);
  await app.register(assistedRoutes);
  await app.register(photoRoutes);
  await app.register(caseListRoutes);
  await app.register(staffRoutes);
  await app.register(inboxRoutes);
  await app.register(caseWorkRoutes);
  await app.register(municipalAdminRoutes);
  await app.register(calendarRoutes);
  await app.register(submitRoutes);
  await app.register(notificationRoutes);
  await app.register(webhookRoutes);
  await app.register(outboxRoutes);
  await app.register(apiClientRoutes);
  await app.register(statsRoutes);
  await app.register(openDataRoutes);
  await app.register(open311Routes);
  await app.register(consultationRoutes);
  await app.register(meetingRoutes);
  await app.register(proposalRoutes);
  await app.register(standardsRoutes);
  await app.register(ministryRoutes);
  await app.register(reportRoutes);
  await app.register(onboardingRoutes);
  await app.register(guidanceRoutes);
  await app.register(styleGuideRoutes);
  await app.register(apiRoutes, { prefix: API_PREFIX });
  return app;
}
