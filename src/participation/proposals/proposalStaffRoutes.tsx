// The coordinator's proposal pages (proposal.moderate, proposal.answer): the lists, one proposal with the
// forms its stage calls for, and their posts: publish, reject, the decision, the progress record and its
// milestones. Each post reads top to bottom: who is asking, validate, the command, then 303 with a notice,
// or the page again with the problem at its field.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Action } from "../../access/policy.ts";
import { isValidLocalDate } from "../../calendar/zone.ts";
import { sendPage } from "../../web/context.ts";
import { notFound, sendError } from "../../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import { participationSettingsFor } from "../settings.ts";
import { decideProposal } from "./decideProposal.ts";
import { publishProposal, rejectProposal } from "./moderateProposal.ts";
import {
  awaitingModeration,
  loadProposal,
  milestonesOf,
  publishedProposals,
  rejectionReasons,
} from "./proposalQueries.ts";
import { DECISIONS, PROGRESS_STATUSES, type Stage, thresholdFor } from "./proposalRules.ts";
import {
  DECISION_FIELDS,
  MILESTONE_FIELDS,
  PROGRESS_FIELDS,
  REJECT_FIELDS,
  StaffListPage,
  StaffProposalPage,
  staffProposalPath,
} from "./proposalStaffPages.tsx";
import { addMilestone, recordProgress } from "./recordProgress.ts";
import {
  E,
  K,
  listItem,
  type Municipality,
  routeKit,
  type Slug,
  type SlugCode,
  stageFor,
  type Values,
  valuesOf,
  wholeNumber,
} from "./routeKit.ts";

const rejectForm = z.object({
  reasonCode: z.string({ error: `${E}.reasonRequired` }).min(1, `${E}.reasonRequired`),
  message: textField(5000, `${E}.messageRequired`, `${E}.messageTooLong`),
});
const decisionForm = z.object({
  decision: z.enum(DECISIONS, { error: `${E}.decisionRequired` }),
  decisionMessage: textField(5000, `${E}.messageRequired`, `${E}.messageTooLong`),
  decisionReason: z
    .string()
    .optional()
    .transform((s) => s ?? ""),
});
const progressForm = z.object({
  progressStatus: z.enum(PROGRESS_STATUSES, { error: `${E}.progressStatus` }),
  progressPercent: wholeNumber(0, 100, `${E}.percent`),
  budgetLine: textField(300, undefined, `${E}.budgetTooLong`),
});
const milestoneForm = z.object({
  on: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue({ code: "custom", message: `${E}.dateRequired` });
      else if (!isValidLocalDate(s)) ctx.addIssue({ code: "custom", message: `${E}.dateFormat` });
    }),
  textSq: textField(500, `${E}.textSqRequired`, `${E}.textTooLong`),
  textSr: textField(500, `${E}.textSrRequired`, `${E}.textTooLong`),
  textEn: textField(500, undefined, `${E}.textTooLong`),
  milestonePercent: wholeNumber(0, 100, `${E}.percent`, true),
});

/** The staff list's groups of stages, in the order shown. */
const STAFF_GROUPS = {
  collecting: ["collecting"],
  awaiting_decision: ["threshold_reached", "under_consideration"],
  decided: ["accepted", "rejected"],
  ended: ["expired", "closed"],
} as const satisfies Record<string, readonly Stage[]>;
const STAFF_GROUP_KEYS = Object.keys(STAFF_GROUPS) as (keyof typeof STAFF_GROUPS)[];

const pageNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/)
  .transform(Number)
  .optional();
const staffListQuery = z.object({
  queue: pageNumber,
  ...Object.fromEntries(STAFF_GROUP_KEYS.map((k) => [k, pageNumber])),
}) as unknown as z.ZodType<Partial<Record<"queue" | keyof typeof STAFF_GROUPS, number>>>;

export async function proposalStaffRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, named, staffGate, commandDeps, noticeOf } = routeKit(app);

  // ── Staff: the coordinator's list.

  const STAFF_ACTIONS: readonly Action[] = ["proposal.moderate", "proposal.answer"];

  app.get<Slug>(
    "/m/:slug/participation/proposals",
    { config: { page: { sample: "/m/prishtine/participation/proposals", as: "koordinatori.prishtine" } } },
    async (req, reply) => {
      const m = await staffGate(req, reply, STAFF_ACTIONS);
      if (!m) return reply;
      const query = staffListQuery.safeParse(req.query ?? {});
      if (!query.success) return sendError(req, reply, 400, "bad_request", req.t(`${E}.page`));
      const pages = query.data;
      const now = clock.now();
      // The queue and each group are paged on their own (`?queue=2`, `?decided=3`), newest first.
      const [queue, ...lists] = await Promise.all([
        awaitingModeration(db, m.id, pages.queue ?? 1),
        ...STAFF_GROUP_KEYS.map((key) =>
          publishedProposals(db, {
            municipalityId: m.id,
            publicOnly: false,
            now,
            stages: STAFF_GROUPS[key],
            page: pages[key] ?? 1,
          }),
        ),
      ]);
      // A page past the last (the list shrank since the link was made) is no page.
      if ([queue, ...lists].some((l) => l.page > l.pageCount)) return notFound(req, reply);
      return sendPage(
        reply,
        <StaffListPage
          ctx={pageContext(req, reply)}
          municipality={named(req, m)}
          queue={queue}
          groups={STAFF_GROUP_KEYS.map((key, i) => {
            const list = lists[i]!;
            return { key, ...list, items: list.rows.map((r) => listItem(r, now)) };
          })}
          pages={Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, String(v)]))}
          notice={noticeOf(req, 200)}
        />,
      );
    },
  );

  // ── Staff: one proposal, with the forms its stage calls for.

  async function sendStaffProposal(
    req: FastifyRequest<SlugCode>,
    reply: FastifyReply,
    m: Municipality,
    form: { values: Values; errors: FieldErrors },
    status = 200,
  ) {
    const found = await loadProposal(db, req.params.code);
    if (!found || found.kase.municipalityId !== m.id) return notFound(req, reply);
    const now = clock.now();
    const p = found.proposal;
    const [reasons, milestones, settings] = await Promise.all([
      rejectionReasons(db),
      p?.decision === "accepted" ? milestonesOf(db, found.kase.id) : Promise.resolve([]),
      p ? Promise.resolve(undefined) : participationSettingsFor(db, m.id),
    ]);
    return sendPage(
      reply,
      <StaffProposalPage
        ctx={pageContext(req, reply)}
        municipality={named(req, m)}
        code={found.kase.trackingCode}
        title={found.kase.title}
        description={found.kase.description}
        language={found.kase.language}
        categoryName={found.category.name}
        receivedAt={found.kase.receivedAt}
        status={found.kase.status}
        proposal={p}
        facts={
          p
            ? {
                stage: stageFor(p, found.kase.status, now),
                proposal: p,
                responseDueAt: found.kase.responseDueAt,
                now,
              }
            : undefined
        }
        {...(settings
          ? {
              publication: {
                threshold: thresholdFor(settings, found.category.code),
                windowDays: settings.proposalWindowDays,
                requiresVerified: settings.supportRequiresVerified,
              },
            }
          : {})}
        reasons={reasons}
        milestones={milestones}
        values={form.values}
        errors={form.errors}
        notice={noticeOf(req, status)}
      />,
      status,
    );
  }

  app.get<SlugCode>(
    "/m/:slug/participation/proposals/:code",
    {
      config: {
        page: {
          sample: "/m/prishtine/participation/proposals/PRI-2026-000015",
          as: "koordinatori.prishtine",
        },
      },
    },
    async (req, reply) => {
      const m = await staffGate(req, reply, STAFF_ACTIONS);
      if (!m) return reply;
      return sendStaffProposal(req, reply, m, { values: {}, errors: {} });
    },
  );

  /** A staff form's post: the gate, the form validated, the command, 303 back with a notice or the page again. */
  function staffPost<T>(
    path: string,
    action: Action,
    fields: readonly string[],
    parse: (body: unknown) => { ok: true; value: T } | { ok: false; errors: FieldErrors },
    run: (
      req: FastifyRequest<SlugCode>,
      value: T,
    ) => Promise<{ ok: true } | { ok: false; reason: string; field?: string }>,
    done: string,
  ) {
    app.post<SlugCode>(`/m/:slug/participation/proposals/:code/${path}`, async (req, reply) => {
      const m = await staffGate(req, reply, [action]);
      if (!m) return reply;
      const found = await loadProposal(db, req.params.code);
      if (!found || found.kase.municipalityId !== m.id) return notFound(req, reply);
      const values = valuesOf(req.body, fields);
      const parsed = parse(req.body);
      if (!parsed.ok) return sendStaffProposal(req, reply, m, { values, errors: parsed.errors }, 422);
      const result = await run(req, parsed.value);
      if (result.ok) return reply.redirect(`${staffProposalPath(m.slug, req.params.code)}?done=${done}`, 303);
      if (result.reason === "not_found") return notFound(req, reply);
      const status = result.reason === "case_changed" ? 409 : 422;
      return sendStaffProposal(
        req,
        reply,
        m,
        { values, errors: { [result.field ?? "form"]: `${K}.staff.refusals.${refusalKey(result.reason)}` } },
        status,
      );
    });
    // The form's address is no page: coming to it leads to the proposal.
    app.get<SlugCode>(`/m/:slug/participation/proposals/:code/${path}`, async (req, reply) =>
      reply.redirect(staffProposalPath(req.params.slug, req.params.code), 303),
    );
  }

  staffPost(
    "publish",
    "proposal.moderate",
    [],
    () => ({ ok: true, value: null }),
    (req) => publishProposal(commandDeps(req), req.params.code),
    "published",
  );

  staffPost(
    "reject",
    "proposal.moderate",
    REJECT_FIELDS,
    (body) => validate(rejectForm, body),
    async (req, v) => {
      const r = await rejectProposal(commandDeps(req), {
        code: req.params.code,
        reasonCode: v.reasonCode,
        message: v.message,
      });
      return r.ok
        ? r
        : {
            ...r,
            field:
              r.reason === "unknown_reason_code" || r.reason === "reason_does_not_fit"
                ? "reasonCode"
                : "form",
          };
    },
    "rejected",
  );

  staffPost(
    "decision",
    "proposal.answer",
    DECISION_FIELDS,
    (body) => {
      const parsed = validate(decisionForm, body);
      if (!parsed.ok) {
        // A rejection's reason is asked for with the rest, so every problem shows at once.
        if (typed(body, "decision") === "rejected" && typed(body, "decisionReason") === "")
          parsed.errors.decisionReason = `${E}.reasonRequired`;
        return parsed;
      }
      if (parsed.value.decision === "rejected" && parsed.value.decisionReason === "")
        return { ok: false, errors: { decisionReason: `${E}.reasonRequired` } };
      return parsed;
    },
    async (req, v) => {
      const r = await decideProposal(commandDeps(req), {
        code: req.params.code,
        decision: v.decision,
        message: v.decisionMessage,
        ...(v.decision === "rejected" ? { reasonCode: v.decisionReason } : {}),
      });
      return r.ok
        ? r
        : {
            ...r,
            field:
              r.reason === "unknown_reason_code" || r.reason === "reason_does_not_fit"
                ? "decisionReason"
                : "form",
          };
    },
    "decided",
  );

  staffPost(
    "progress",
    "proposal.answer",
    PROGRESS_FIELDS,
    (body) => validate(progressForm, body),
    (req, v) =>
      recordProgress(commandDeps(req), {
        code: req.params.code,
        status: v.progressStatus,
        percent: v.progressPercent ?? 0,
        budgetLine: v.budgetLine,
      }),
    "progress",
  );

  staffPost(
    "milestones",
    "proposal.answer",
    MILESTONE_FIELDS,
    (body) => validate(milestoneForm, body),
    (req, v) =>
      addMilestone(commandDeps(req), {
        code: req.params.code,
        on: v.on,
        text: { sq: v.textSq, sr: v.textSr, ...(v.textEn ? { en: v.textEn } : {}) },
        percent: v.milestonePercent,
      }),
    "milestone",
  );
}
/** The catalog key of a command's refusal (proposals.staff.refusals.*); lifecycle refusals share one. */
function refusalKey(reason: string): string {
  const known = [
    "already_published",
    "not_decidable",
    "not_accepted",
    "case_changed",
    "unknown_reason_code",
    "reason_does_not_fit",
    "reason_required",
    "not_allowed",
  ];
  return known.includes(reason) ? reason : "not_allowed_from_status";
}
