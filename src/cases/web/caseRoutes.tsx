// Following a case: its public page, the private tracking link (for anyone who submitted without an
// account, or is not signed in), and a signed-in person's own submissions. What the submitter may do on
// the page (add information, reopen, rate, follow) is posted to caseActionRoutes; the page itself, with
// those forms where they apply, is rendered here for both.
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can, type Subject } from "../../access/policy.ts";
import { hashToken, TOKEN_PATTERN } from "../../identity/tokens.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { isFollowing } from "../commands/followCase.ts";
import { REOPEN_WINDOW_DAYS } from "../commands/reopenCase.ts";
import { decideTransition, isOpen } from "../lifecycle.ts";
import { publicCaseView } from "../publicView.ts";
import { type LoadedCase, listOwnCases, listShownPhotos, loadCase } from "../queries/caseQueries.ts";
import type { CaseStatus, CaseType } from "../statuses.ts";
import { type CaseActionsView, CasePage, type FailedActionForm, MyCasesPage } from "./casePages.tsx";

/** The states of the case page the browser suite visits besides the route's own sample (see demoContent). */
const EXTRA_SAMPLES = [
  // Resolved a few days ago, seen by its submitter: the rating, reopen and follow forms.
  { sample: "/cases/PRI-2026-000014", as: "lirije.shala", status: 200 },
  // The municipality asked its submitter for information: the form that answers it.
  { sample: "/cases/PRI-2026-000005", as: "lirije.shala", status: 200 },
];

/** What the success message after each action says (`?done=` on the page it returns to). */
export const DONE = [
  "information_added",
  "information_resumed",
  "reopened",
  "rated",
  "followed",
  "unfollowed",
] as const;
export type Done = (typeof DONE)[number];

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether `token` opens the case's private tracking link (compared as hashes, in constant time). */
export function holdsTrackingLink(c: LoadedCase, token: unknown): token is string {
  return (
    typeof token === "string" &&
    TOKEN_PATTERN.test(token) &&
    c.kase.trackingTokenHash !== null &&
    sameHash(hashToken(token), c.kase.trackingTokenHash)
  );
}

/**
 * The subject of a case for the policy table. `trackingLinkHeld` only after the caller has checked the
 * token with holdsTrackingLink: the policy trusts it.
 */
export function caseSubject(c: LoadedCase, trackingLinkHeld = false): Subject {
  return {
    municipalityId: c.kase.municipalityId,
    departmentId: c.kase.departmentId,
    ownerId: c.kase.submitterId,
    assigneeId: c.kase.assigneeId,
    isPublic: c.kase.visibility === "public",
    ...(trackingLinkHeld ? { trackingLinkHeld: true } : {}),
  };
}

/** How the page is seen: by anyone, by its submitter (or staff) signed in, or through the tracking link. */
export type CaseAccess = { kind: "public" | "owner" } | { kind: "tracking_link"; token: string };

/** Where the page of a case is, for the one who is looking (the tracking link keeps its token). */
export function casePagePath(code: string, access: CaseAccess, done?: Done): string {
  if (access.kind === "tracking_link")
    return `/track/${code}?token=${access.token}${done ? `&done=${done}` : ""}`;
  return `/cases/${code}${done ? `?done=${done}` : ""}`;
}

/** Answered, resolved (or closed since), and not rated yet; rateAnswer decides again when it is posted. */
const RATEABLE: readonly string[] = ["answered", "resolved", "closed"];

/** Which forms apply, for whom: the policy says who, the case's status says when. */
async function actionsFor(
  req: FastifyRequest,
  c: LoadedCase,
  access: CaseAccess,
): Promise<Omit<CaseActionsView, "notice" | "form">> {
  const { kase } = c;
  const s = caseSubject(c, access.kind === "tracking_link");
  const status = kase.status as CaseStatus;
  const now = req.server.deps.clock.now();
  const reopenable =
    can(req.actor, "case.reopen", s) &&
    decideTransition("reopen", {
      status,
      type: kase.type as CaseType,
      doneAt: kase.resolvedAt,
      now,
      reopenWindowDays: REOPEN_WINDOW_DAYS,
    }).ok;
  const mayRate = can(req.actor, "case.rate", s);
  // Follow state is one more query: only for someone signed in who may follow (the public page stays fast).
  let follow: CaseActionsView["follow"];
  if (req.user) {
    follow = can(req.actor, "case.follow", caseSubject(c))
      ? { following: await isFollowing(req.server.deps.database.db, kase.id, req.user.id) }
      : undefined;
  } else if (kase.visibility === "public") {
    follow = "sign_in";
  }
  return {
    action: access.kind === "tracking_link" ? `/track/${kase.trackingCode}` : `/cases/${kase.trackingCode}`,
    ...(access.kind === "tracking_link" ? { token: access.token } : {}),
    casePath: `/cases/${kase.trackingCode}`,
    addInformation: isOpen(status) && can(req.actor, "case.add_information", s),
    reopenUntil:
      reopenable && kase.resolvedAt
        ? new Date(kase.resolvedAt.getTime() + REOPEN_WINDOW_DAYS * 86_400_000)
        : undefined,
    rate: mayRate && RATEABLE.includes(status) && kase.resolvedAt !== null && kase.satisfaction === null,
    rating:
      mayRate && kase.satisfaction !== null
        ? {
            resolved: kase.satisfactionResolved,
            satisfaction: kase.satisfaction,
            comment: kase.satisfactionComment,
          }
        : undefined,
    follow,
  };
}

/** The case page, with the forms that apply to whoever is looking; `form` when a submission failed. */
export async function sendCasePage(
  req: FastifyRequest,
  reply: FastifyReply,
  c: LoadedCase,
  access: CaseAccess,
  state: { done?: Done | undefined; form?: FailedActionForm; status?: number } = {},
) {
  const db = req.server.deps.database.db;
  const isPrivate = c.kase.visibility !== "public";
  // Photos are served only for public cases (see photoRoutes), so a private case's page shows none.
  const photos = isPrivate ? [] : await listShownPhotos(db, c.kase.id);
  // Still the one public-view function: a private case seen by someone allowed to see it gets the
  // same personal-data-free view, marked as private.
  const view = publicCaseView({ ...c.kase, visibility: "public" }, c.category, c.events, photos)!;
  const reasons = (await referenceData(db)).reasonNames;
  if (access.kind === "tracking_link") reply.header("referrer-policy", "no-referrer");
  return sendPage(
    reply,
    <CasePage
      ctx={pageContext(req, reply)}
      view={view}
      category={c.category.name}
      municipality={c.municipality}
      reasons={reasons}
      access={access.kind}
      isPrivate={isPrivate}
      actions={{
        ...(await actionsFor(req, c, access)),
        ...(state.done ? { notice: state.done } : {}),
        ...(state.form ? { form: state.form } : {}),
      }}
    />,
    state.status ?? 200,
  );
}

/** The `done` query parameter, when it names one of the success messages. */
function doneOf(req: FastifyRequest): Done | undefined {
  const done = (req.query as { done?: unknown }).done;
  return (DONE as readonly unknown[]).includes(done) ? (done as Done) : undefined;
}

export async function caseRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  // A route has one sample in its config; the other states of the case page are added here by hand.
  for (const extra of EXTRA_SAMPLES) {
    app.pageSamples.push(extra.sample);
    app.pages.push(extra);
  }

  app.get<{ Params: { code: string } }>(
    "/cases/:code",
    { config: { page: { sample: "/cases/PRI-2026-000001" }, publicCache: true } },
    async (req, reply) => {
      const c = await loadCase(db, req.params.code);
      if (!c) return notFound(req, reply);
      const s = caseSubject(c);
      const done = doneOf(req);
      if (can(req.actor, "case.view_public", s)) {
        const owner = req.user !== undefined && c.kase.submitterId === req.user.id;
        return sendCasePage(req, reply, c, { kind: owner ? "owner" : "public" }, { done });
      }
      if (can(req.actor, "case.view_private", s))
        return sendCasePage(req, reply, c, { kind: "owner" }, { done });
      return notFound(req, reply);
    },
  );

  app.get<{ Params: { code: string }; Querystring: { token?: string } }>(
    "/track/:code",
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (req, reply) => {
      const c = await loadCase(db, req.params.code);
      const token = req.query.token;
      // A wrong token and an unknown code look the same: codes alone reveal nothing.
      if (!c || !holdsTrackingLink(c, token)) return notFound(req, reply);
      if (!can(req.actor, "case.view_private", caseSubject(c, true))) return notFound(req, reply);
      return sendCasePage(req, reply, c, { kind: "tracking_link", token }, { done: doneOf(req) });
    },
  );

  app.get(
    "/account/cases",
    { config: { page: { sample: "/account/cases", as: "lirije.shala" } } },
    async (req, reply) => {
      if (!req.user) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      const rows = await listOwnCases(db, req.user.id);
      return sendPage(reply, <MyCasesPage ctx={pageContext(req, reply)} rows={rows} />);
    },
  );
}
