// What every national standards route shares: who is asking (the ministry, standards.manage; a visitor
// logs in first, anyone else finds nothing, as elsewhere), the change's context, the notice after a
// change, and a refused change turned into messages at the fields of its form.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type Actor, can } from "../access/policy.ts";
import { localDateOf } from "../calendar/zone.ts";
import type { ClockName } from "../cases/sla.ts";
import { localized } from "../kernel/localized.ts";
import { forgetReferenceData } from "../reference/referenceCache.ts";
import { notFound } from "../web/errors.tsx";
import { type FieldErrors, typed } from "../web/forms.tsx";
import type { ChangeDeps, ChangeResult, Refusal } from "./recordChange.ts";
import { changePath, formatLocalDate, K, type Values } from "./ui.tsx";
import { standardWords } from "./words.ts";

const E = `${K}.errors`;
const A = "municipal_admin.standards";

/** What a redirect after a change may announce (`?done=`), each a catalog key under standards.done. */
const DONE = new Set(["applied", "scheduled", "withdrawn"]);

export const valuesOf = (body: unknown, fields: readonly string[]): Values =>
  Object.fromEntries(fields.map((f) => [f, typed(body, f)]));

/** Any staff role of a municipality, or the ministry: who may read what changed nationally. */
export function isStaff(actor: Actor): boolean {
  if (can(actor, "standards.manage")) return true;
  return (
    actor.kind === "user" &&
    actor.roles.some(
      (r) => r.municipalityId !== null && can(actor, "workspace.view", { municipalityId: r.municipalityId }),
    )
  );
}

export function routeKit(app: FastifyInstance) {
  const { database, clock, profile } = app.deps;
  const db = database.db;
  const timeZone = profile.timeZone;

  /** Lets the request through when `allowed`; otherwise answers: log in first, or not found. */
  async function gate(req: FastifyRequest, reply: FastifyReply, allowed: (actor: Actor) => boolean) {
    if (!req.user) {
      const next = req.method === "GET" ? req.url : "/ministry/standards";
      await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
      return false;
    }
    if (!allowed(req.actor)) {
      await notFound(req, reply);
      return false;
    }
    return true;
  }

  return {
    db,
    timeZone,
    /** The ministry's local day: the default, and the earliest, day a change applies from. */
    today: () => localDateOf(clock.now(), timeZone),
    ministry: (req: FastifyRequest, reply: FastifyReply) =>
      gate(req, reply, (actor) => can(actor, "standards.manage")),
    staff: (req: FastifyRequest, reply: FastifyReply) => gate(req, reply, isStaff),
    deps: (req: FastifyRequest): ChangeDeps => ({
      db,
      now: clock.now(),
      timeZone,
      actorId: req.user?.id ?? null,
      ip: req.ip,
    }),
    notice(req: FastifyRequest, status = 200) {
      const done = (req.query as { done?: unknown } | undefined)?.done;
      return status === 200 && typeof done === "string" && DONE.has(done)
        ? req.t(`${K}.done.${done}`)
        : undefined;
    },
    /**
     * After a change: what this process keeps in memory follows it at once (other processes within
     * REFERENCE_TTL_MS); a change applied now leads back to its subject's page, one waiting for its day to
     * the change's own page.
     */
    done(reply: FastifyReply, result: Extract<ChangeResult, { ok: true }>, page: string) {
      if (result.applied) {
        forgetReferenceData(db);
        const [path, anchor] = page.split("#");
        return reply.redirect(`${path}?done=applied${anchor ? `#${anchor}` : ""}`, 303);
      }
      return reply.redirect(`${changePath(result.id)}?done=scheduled`, 303);
    },
  };
}

export type RouteKit = ReturnType<typeof routeKit>;

/**
 * A refused change as messages at its form's fields. `not_found` is not a form problem: the caller answers
 * 404 for it. Conflicts name each municipality, its priority and its time, at the clock they concern.
 */
export function refusalErrors(req: FastifyRequest, refusal: Refusal): FieldErrors {
  const { t, lang } = req;
  const priority = (p: string | null) => t(`${A}.priority.${p ?? "all"}`);
  const amount = (unit: string, n: number) => t(`${A}.amount.${unit}`, { count: n });
  switch (refusal.reason) {
    case "pending":
      return { form: [`${E}.pending`, { date: formatLocalDate(lang, refusal.appliesFrom) }] };
    case "past_date":
      return { appliesFrom: [`${E}.appliesFrom_past`, {}] };
    case "unchanged":
      return { form: `${E}.unchanged` };
    case "exists":
      return { code: `${E}.codeTaken` };
    case "not_found":
      return { form: `${E}.notFound` };
    case "looser_than_category": {
      const errors: FieldErrors = {};
      for (const clock of refusal.clocks)
        errors[clock] = [
          `${E}.looserThanCategory`,
          { clock: t(`${A}.clock.${clock}`), category: standardWords(t, refusal.category) },
        ];
      return errors;
    }
    case "sla_conflict": {
      const errors: FieldErrors = {};
      const of: Record<ClockName, "ackWithin" | "firstResponseWithin" | "resolutionWithin"> = {
        ack: "ackWithin",
        firstResponse: "firstResponseWithin",
        resolution: "resolutionWithin",
      };
      for (const clock of ["ack", "firstResponse", "resolution"] as const) {
        const who = refusal.conflicts.filter((c) => c.clocks.includes(clock));
        if (who.length === 0) continue;
        errors[clock] = [
          `${E}.slaConflict`,
          {
            clock: t(`${A}.clock.${clock}`),
            municipalities: who
              .map(
                (c) =>
                  `${localized(c.municipality, lang)} (${priority(c.priority)}: ${amount(c.own.unit, c.own[of[clock]])})`,
              )
              .join(", "),
          },
        ];
      }
      return errors;
    }
    case "participation_conflict":
      return {
        consultationMinDays: [
          `${E}.participationConflict`,
          {
            municipalities: refusal.conflicts
              .map((c) => `${localized(c.municipality, lang)} (${c.consultationMinDays})`)
              .join(", "),
          },
        ],
      };
  }
}
