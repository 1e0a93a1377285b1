// What the submitter does on a case's page after sending it: add information (which answers the
// municipality when it asked for some), reopen within the window, rate the answer once; and what anyone
// signed in does: follow a public case (or their own), or stop. The submitter comes through one of two
// doors: /cases/:code signed in, or /track/:code with the private tracking link, whose token travels in
// a hidden input (never in a URL that a Referer could carry away) and is checked again on every post.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type Action, authorize } from "../../access/policy.ts";
import { baseUrl } from "../../app.ts";
import { safeLocalPath } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { typed, validate } from "../../web/forms.tsx";
import { textField } from "../../web/textField.ts";
import { addInformation } from "../commands/addInformation.ts";
import { followCase, unfollowCase } from "../commands/followCase.ts";
import { rateAnswer } from "../commands/rateAnswer.ts";
import { reopenCase } from "../commands/reopenCase.ts";
import { type LoadedCase, loadCase } from "../queries/caseQueries.ts";
import type { FailedActionForm } from "./casePages.tsx";
import {
  type CaseAccess,
  casePagePath,
  caseSubject,
  type Done,
  holdsTrackingLink,
  sendCasePage,
} from "./caseRoutes.tsx";

const INFORMATION_MAX = 4000;
const REASON_MAX = 2000;
const COMMENT_MAX = 2000;

const informationForm = z.object({
  information: textField(
    INFORMATION_MAX,
    "caseActions.information.errors.required",
    "caseActions.information.errors.tooLong",
  ),
});
const reopenForm = z.object({
  why: textField(REASON_MAX, "caseActions.reopen.errors.required", "caseActions.reopen.errors.tooLong"),
});
const ratingForm = z.object({
  resolved: z.enum(["yes", "no"], { error: "caseActions.rating.errors.resolved" }),
  satisfaction: z.enum(["1", "2", "3", "4", "5"], { error: "caseActions.rating.errors.satisfaction" }),
  comment: textField(COMMENT_MAX, undefined, "caseActions.rating.errors.commentTooLong"),
});

/** What each refusal of a command tells the person; anything else means the case moved on meanwhile. */
const CONFLICTS: Record<string, string> = {
  case_changed: "caseActions.conflict.case_changed",
  case_closed: "caseActions.conflict.case_closed",
  already_rated: "caseActions.conflict.already_rated",
  not_answered: "caseActions.conflict.not_answered",
  reopen_window_passed: "caseActions.conflict.reopen_window_passed",
  not_allowed_from_status: "caseActions.conflict.not_reopenable",
};
const conflictMessage = (reason: string) => CONFLICTS[reason] ?? "caseActions.conflict.case_changed";

/** Posting is cheap to repeat; a token-guessing loop is not welcome (the tracking page has the same limit). */
const LIMITED = { config: { rateLimit: { max: 60, timeWindow: 60_000 } } };

type Door = "/cases" | "/track";
type Req = FastifyRequest<{ Params: { code: string } }>;
interface Acting {
  c: LoadedCase;
  access: CaseAccess;
}

export async function caseActionRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const { clock } = app.deps;

  /**
   * The case and how the actor reached it, once the policy allows the action; undefined after answering
   * 404. An unknown case, a wrong token and a refusal look the same: nothing confirms the case exists.
   */
  async function actingOn(req: Req, reply: FastifyReply, door: Door, action: Action) {
    const c = await loadCase(db, req.params.code);
    if (door === "/track") {
      // Every answer from here may carry the token in a form or a Location: no Referer leaves with it.
      reply.header("referrer-policy", "no-referrer");
      const token = (req.body as { token?: unknown } | undefined)?.token;
      if (!c || !holdsTrackingLink(c, token)) return void (await notFound(req, reply));
      authorize(req.actor, action, caseSubject(c, true));
      return { c, access: { kind: "tracking_link", token } } satisfies Acting;
    }
    if (!c) return void (await notFound(req, reply));
    authorize(req.actor, action, caseSubject(c));
    return { c, access: { kind: "owner" } } satisfies Acting;
  }

  /** Back to the case page, saying what was done. */
  const done = (reply: FastifyReply, at: Acting, what: Done) =>
    reply.redirect(casePagePath(at.c.kase.trackingCode, at.access, what), 303);

  /** The case page again with the typed values: 422 for bad input. */
  const invalid = (req: Req, reply: FastifyReply, at: Acting, form: FailedActionForm) =>
    sendCasePage(req, reply, at.c, at.access, { form, status: 422 });

  /** The case moved on meanwhile: 409, the page as it is now, the message and the typed values. */
  async function conflict(req: Req, reply: FastifyReply, at: Acting, form: FailedActionForm) {
    const now = (await loadCase(db, at.c.kase.trackingCode)) ?? at.c;
    return sendCasePage(req, reply, now, at.access, { form, status: 409 });
  }

  const actorId = (req: FastifyRequest) => req.user?.id ?? null;

  for (const door of ["/cases", "/track"] as const) {
    app.post<{ Params: { code: string } }>(`${door}/:code/information`, LIMITED, async (req, reply) => {
      const at = await actingOn(req, reply, door, "case.add_information");
      if (!at) return reply;
      const values = { information: typed(req.body, "information") };
      const form = validate(informationForm, req.body);
      if (!form.ok) return invalid(req, reply, at, { name: "information", values, errors: form.errors });
      const result = await addInformation(db, {
        kase: at.c.kase,
        text: form.value.information,
        actorId: actorId(req),
        now: clock.now(),
        calendar: app.deps.calendar,
        ip: req.ip,
      });
      if (!result.ok)
        return conflict(req, reply, at, {
          name: "information",
          values,
          errors: { form: conflictMessage(result.reason) },
        });
      // Answering the municipality's request puts the case back to work: say so, the clock runs again.
      return done(reply, at, result.resumed ? "information_resumed" : "information_added");
    });

    app.post<{ Params: { code: string } }>(`${door}/:code/reopen`, LIMITED, async (req, reply) => {
      const at = await actingOn(req, reply, door, "case.reopen");
      if (!at) return reply;
      const values = { why: typed(req.body, "why") };
      const form = validate(reopenForm, req.body);
      if (!form.ok) return invalid(req, reply, at, { name: "reopen", values, errors: form.errors });
      const result = await reopenCase(db, {
        kase: at.c.kase,
        why: form.value.why,
        actorId: actorId(req),
        now: clock.now(),
        calendar: app.deps.calendar,
        ip: req.ip,
        notify: { baseUrl: baseUrl(app.deps.config), poke: app.deps.pokeOutbox },
      });
      if (!result.ok)
        return conflict(req, reply, at, {
          name: "reopen",
          values,
          errors: { form: conflictMessage(result.reason) },
        });
      return done(reply, at, "reopened");
    });

    app.post<{ Params: { code: string } }>(`${door}/:code/rating`, LIMITED, async (req, reply) => {
      const at = await actingOn(req, reply, door, "case.rate");
      if (!at) return reply;
      const values = {
        resolved: typed(req.body, "resolved"),
        satisfaction: typed(req.body, "satisfaction"),
        comment: typed(req.body, "comment"),
      };
      const form = validate(ratingForm, req.body);
      if (!form.ok) return invalid(req, reply, at, { name: "rating", values, errors: form.errors });
      const result = await rateAnswer(db, {
        kase: at.c.kase,
        resolved: form.value.resolved === "yes",
        satisfaction: Number(form.value.satisfaction),
        comment: form.value.comment,
        actorId: actorId(req),
        now: clock.now(),
      });
      if (!result.ok)
        return conflict(req, reply, at, {
          name: "rating",
          values,
          errors: { form: conflictMessage(result.reason) },
        });
      return done(reply, at, "rated");
    });
  }

  /**
   * Follow or stop following: anyone signed in, on a public case or their own. `next` (a local path, in
   * the form or the query) lets another page offer the button and get the person back; without it, the
   * case page says what was done. Both are idempotent: following twice is following.
   */
  async function setFollowing(req: Req, reply: FastifyReply, on: boolean) {
    const c = await loadCase(db, req.params.code);
    if (!c) return notFound(req, reply);
    const casePath = `/cases/${c.kase.trackingCode}`;
    if (!req.user) {
      // A visitor is sent to log in and come back, but only for a public case: a private one stays unseen.
      if (c.kase.visibility !== "public") return notFound(req, reply);
      return reply.redirect(`/login?next=${encodeURIComponent(casePath)}`, 303);
    }
    authorize(req.actor, "case.follow", caseSubject(c));
    if (on) await followCase(db, c.kase.id, req.user.id, clock.now());
    else await unfollowCase(db, c.kase.id, req.user.id);
    const next = (req.body as { next?: unknown } | undefined)?.next ?? (req.query as { next?: unknown }).next;
    return reply.redirect(
      typeof next === "string" && next !== ""
        ? safeLocalPath(next)
        : `${casePath}?done=${on ? "followed" : "unfollowed"}`,
      303,
    );
  }

  app.post<{ Params: { code: string } }>("/cases/:code/follow", LIMITED, (req, reply) =>
    setFollowing(req, reply, true),
  );
  app.post<{ Params: { code: string } }>("/cases/:code/unfollow", LIMITED, (req, reply) =>
    setFollowing(req, reply, false),
  );
}
