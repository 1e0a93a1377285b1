// What the proposal routes share: the municipality of a page and who may see it, the command context,
// the notice after a redirect, and the form helpers. Each route file reads top to bottom with these.

import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type Action, can } from "../../access/policy.ts";
import { baseUrl } from "../../app.ts";
import { publicText } from "../../cases/publicView.ts";
import { type LocalizedText, municipalities } from "../../db/schema.ts";
import { localized } from "../../kernel/localized.ts";
import { notFound } from "../../web/errors.tsx";
import { typed } from "../../web/forms.tsx";
import type { ProposalDeps } from "./moderateProposal.ts";
import type { ListItem } from "./proposalPages.tsx";
import type { PublishedProposal } from "./proposalQueries.ts";
import { type Stage, stageOf } from "./proposalRules.ts";

export const K = "proposals";
export const E = `${K}.errors`;
export type Municipality = { id: number; slug: string; name: LocalizedText };
export type Values = Record<string, string>;
export type Slug = { Params: { slug: string } };
export type Code = { Params: { code: string } };
export type SlugCode = { Params: { slug: string; code: string } };

/** What a redirect after a change may announce (`?done=`), each a catalog key under proposals.done. */
export const DONE = new Set([
  "supported",
  "withdrawn",
  "threshold",
  "published",
  "rejected",
  "decided",
  "progress",
  "milestone",
  "settings",
]);

// ── Validation: messages are catalog keys under proposals.errors.

/** A whole number typed in a form, within bounds; optional fields may be left empty (undefined). */
export const wholeNumber = (min: number, max: number, message: string, optional = false) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "" && optional) return;
      if (!/^\d{1,9}$/.test(s) || Number(s) < min || Number(s) > max)
        ctx.addIssue({ code: "custom", message });
    })
    .transform((s) => (s === "" ? undefined : Number(s)));

export const valuesOf = (body: unknown, fields: readonly string[]): Values =>
  Object.fromEntries(fields.map((f) => [f, typed(body, f)]));

/** The stage of a published proposal at `now`, from its row and its case's status. */
export const stageFor = (p: PublishedProposal["proposal"], caseStatus: string, now: Date): Stage =>
  stageOf({ ...p, caseStatus }, now);

export function listItem(row: PublishedProposal, now: Date): ListItem {
  return {
    trackingCode: row.trackingCode,
    // The list is public: the title as the public view shows it (no phone or email the citizen typed).
    title: publicText(row.title),
    language: row.language,
    categoryName: row.categoryName,
    count: row.proposal.supportCount,
    threshold: row.proposal.threshold,
    facts: {
      stage: stageFor(row.proposal, row.caseStatus, now),
      proposal: row.proposal,
      responseDueAt: row.responseDueAt,
      now,
    },
  };
}

/** The helpers that need the app: its database, clock and calendar. */
export function routeKit(app: FastifyInstance) {
  const { database, clock, config, calendar } = app.deps;
  const db = database.db;

  async function municipalityOf(slug: string): Promise<Municipality | undefined> {
    const [m] = await db
      .select({
        id: municipalities.id,
        slug: municipalities.slug,
        name: municipalities.name,
        active: municipalities.active,
      })
      .from(municipalities)
      .where(eq(municipalities.slug, slug))
      .limit(1);
    return m?.active ? { id: m.id, slug: m.slug, name: m.name } : undefined;
  }
  /** The municipality with its name in the page language, for the layout. */
  const named = (req: FastifyRequest, m: Municipality) => ({
    name: localized(m.name, req.lang),
    slug: m.slug,
  });

  /**
   * The municipality of a staff page when the actor may take one of the actions there; otherwise answered:
   * log in first, or not found (an unknown municipality and a refusal look the same).
   */
  async function staffGate(
    req: FastifyRequest<Slug>,
    reply: FastifyReply,
    actions: readonly Action[],
  ): Promise<Municipality | undefined> {
    const m = await municipalityOf(req.params.slug);
    if (!m) return void (await notFound(req, reply));
    if (!req.user) {
      const next = req.method === "GET" ? req.url : `/m/${m.slug}`;
      return void (await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303));
    }
    if (!actions.some((a) => can(req.actor, a, { municipalityId: m.id })))
      return void (await notFound(req, reply));
    return m;
  }

  const commandDeps = (req: FastifyRequest): ProposalDeps => ({
    db,
    now: clock.now(),
    calendar,
    actor: req.actor,
    ip: req.ip,
    baseUrl: baseUrl(config),
    poke: app.deps.pokeOutbox,
  });

  const noticeOf = (req: FastifyRequest, status: number) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    return status === 200 && typeof done === "string" && DONE.has(done)
      ? req.t(`${K}.done.${done}`)
      : undefined;
  };

  return { db, clock, municipalityOf, named, staffGate, commandDeps, noticeOf };
}
