// The security headers of every answer (CSP, HSTS, referrer policy, …), worked out once at start-up.
// helmet decides them from its options alone — nothing in them depends on the request — yet
// @fastify/helmet ran helmet's middleware again for every request (parsing the CSP directives each time:
// 14 % of the server's CPU on a kept Open311 answer, docs/PERFORMANCE.md session 7). Here helmet runs
// once against a recording response, and a hook sets what it recorded.
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/** The headers helmet sets, and those it removes, for the given options. */
export function helmetHeaders(options: HelmetOptions): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    },
    removeHeader(name: string) {
      remove.push(name.toLowerCase());
    },
  };
  let called = false;
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err;
    called = true;
  });
  // helmet's middleware is synchronous; if a later version were not, the headers would be incomplete.
  if (!called) throw new Error("helmet did not finish synchronously");
  return { set, remove };
}

declare module "fastify" {
  interface FastifyInstance {
    /** The headers registerSecurityHeaders sets: for an answer made before any hook ran (errors.tsx). */
    securityHeaders: { set: Record<string, string>; remove: readonly string[] };
  }
}

/**
 * Sets the precomputed headers on every answer, 404s and errors included (onRequest runs for all): helmet's,
 * and the permissions policy, which helmet does not make.
 */
export function registerSecurityHeaders(
  app: FastifyInstance,
  { permissionsPolicy, ...options }: HelmetOptions & { permissionsPolicy?: string },
): void {
  const helmet = helmetHeaders(options);
  const set = permissionsPolicy ? { ...helmet.set, "permissions-policy": permissionsPolicy } : helmet.set;
  const { remove } = helmet;
  app.decorate("securityHeaders", { set, remove });
  app.addHook("onRequest", (_req, reply, done) => {
    reply.headers(set);
    for (const name of remove) reply.removeHeader(name);
    done();
  });
}
