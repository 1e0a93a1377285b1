// The staff inbox (issue 5): GET /m/:slug/workspace — the cases the signed-in actor may handle in the
// municipality, filtered, sorted and paged through the query string; its CSV export; saved views; bulk
// actions on the ticked cases. Each route reads top to bottom: which municipality, who is asking,
// validate, then the page, the file or a redirect (303).
import { Readable } from "node:stream";
import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type Actor, can } from "../access/policy.ts";
import { baseUrl } from "../app.ts";
import { appendAudit } from "../audit/audit.ts";
import { actOnCase, type StaffAction } from "../cases/commands/staffAction.ts";
import { TRACKING_CODE_PATTERN } from "../cases/trackingCode.ts";
import { cases, categories, departments, reasonCodes, roleAssignments, users } from "../db/schema.ts";
import { csvLine } from "../kernel/csv.ts";
import type { Language } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import type { FieldErrors } from "../web/forms.tsx";
import { parseFormValues } from "../web/formValues.ts";
import { pageContext } from "../web/pageContext.ts";
import {
  BULK_ACTIONS,
  type BulkAction,
  type BulkOutcome,
  type InboxChoices,
  InboxPage,
  type InboxPageProps,
} from "./inboxPages.tsx";
import {
  type InboxKnown,
  type InboxScope,
  type InboxValues,
  inboxHref,
  inboxPath,
  inboxQueryString,
  inboxScope,
  listInbox,
  openInboxExport,
  parseInboxQuery,
  type RawQuery,
} from "./inboxQuery.ts";
import { deleteView, listSavedViews, MAX_VIEW_NAME, saveView } from "./savedViews.ts";

type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: RawQuery }>;

interface Workspace {
  municipality: { id: number; slug: string; code: string; name: string };
  scope: InboxScope;
  userId: string;
}

const MUNICIPAL_STAFF = ["officer", "department_head", "participation_coordinator", "municipal_admin"];
/** Who a case may be assigned to (staffAction.ts checks it again, per case). */
const ASSIGNABLE = ["officer", "department_head", "participation_coordinator"];
/** The bulk actions each role may take on some case (the policy decides again, per case). */
const BULK_BY_ROLE: Record<string, readonly BulkAction[]> = {
  officer: ["start", "resolve", "close", "reject"],
  department_head: BULK_ACTIONS,
  participation_coordinator: BULK_ACTIONS,
};
/** The most cases one bulk action takes: a page of the inbox is 25. */
const MAX_BULK = 100;
/** A ticked case: its tracking code and the version the page showed it at. */
const PICKED_CASE = /^([A-Z]{3}-\d{4}-\d{6,})@(\d{1,9})$/;
const EMPTY_VALUES: InboxValues = {
  q: "",
  status: [],
  type: "",
  category: "",
  department: "",
  assignee: "",
  channel: "",
  sla: "",
  from: "",
  to: "",
  sort: "",
};

/** A tracking code in a bulk outcome told through the redirect's query string, and its reason. */
const FAILED_CASE = /^([A-Z]{3}-\d{4}-\d{6,}):([a-z_]{1,40})$/;
const MAX_TOLD = 100;

const all = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((s): s is string => typeof s === "string");
const text = (body: unknown, name: string): string => {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === "string" ? v.slice(0, 10_000) : "";
};
const withParams = (href: string, params: URLSearchParams) => {
  const extra = params.toString();
  return extra ? `${href}${href.includes("?") ? "&" : "?"}${extra}` : href;
};

export async function inboxRoutes(app: FastifyInstance) {
  const { config, database, profile, clock, calendar } = app.deps;
  const db = database.db;
  const { timeZone } = profile;

  // A route has one sample in its config; other states of the inbox are added here by hand: the
  // coordinator's inbox (the whole municipality, sorted by due date, after a bulk action), and a
  // filter that cannot mean anything (400).
  for (const extra of [
    {
      sample: "/m/prishtine/workspace?sort=due&done=PRI-2026-000001&failed=PRI-2026-000002:case_changed",
      as: "koordinatori.prishtine",
      status: 200,
    },
    { sample: "/m/prishtine/workspace?from=2026-13-45&sla=late", as: "zyrtari.prishtine", status: 400 },
  ]) {
    app.pageSamples.push(extra.sample);
    app.pages.push(extra);
  }

  /** The bulk actions the actor's roles in the municipality allow on some case. */
  function bulkActionsOf(actor: Actor, municipalityId: number): BulkAction[] {
    if (actor.kind !== "user") return [];
    const allowed = new Set(
      actor.roles
        .filter((r) => r.municipalityId === municipalityId)
        .flatMap((r) => BULK_BY_ROLE[r.role] ?? []),
    );
    return BULK_ACTIONS.filter((a) => allowed.has(a));
  }

  /** The municipality of the address and the actor's scope in it; answers (log in, not found) when there is none. */
  async function workspaceOf(req: SlugRequest, reply: FastifyReply): Promise<Workspace | undefined> {
    const municipality = (await referenceData(db)).municipalityBySlug(req.params.slug);
    if (!municipality) {
      await notFound(req, reply);
      return undefined;
    }
    if (!req.user) {
      const back = req.method === "GET" ? req.url : inboxPath(municipality.slug);
      await reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
      return undefined;
    }
    const scope = can(req.actor, "workspace.view", { municipalityId: municipality.id })
      ? inboxScope(req.actor, municipality.id)
      : undefined;
    if (!scope) {
      await notFound(req, reply);
      return undefined;
    }
    return {
      municipality: {
        id: municipality.id,
        slug: municipality.slug,
        code: municipality.code,
        name: localized(municipality.name, req.lang),
      },
      scope,
      userId: req.user.id,
    };
  }

  /** What the filters and the bulk form offer in the municipality, and what the parser accepts. */
  async function choicesFor(
    w: Workspace,
    lang: Language,
  ): Promise<{ choices: InboxChoices; known: InboxKnown }> {
    const municipalityId = w.municipality.id;
    const [cats, depts, staff, reasons] = await Promise.all([
      db
        .select({ id: categories.id, code: categories.code, type: categories.type, name: categories.name })
        .from(categories)
        .where(
          and(
            eq(categories.active, true),
            or(isNull(categories.municipalityId), eq(categories.municipalityId, municipalityId)),
          ),
        ),
      db.select().from(departments).where(eq(departments.municipalityId, municipalityId)),
      db
        .select({ id: users.id, name: users.name, role: roleAssignments.role, department: departments.name })
        .from(roleAssignments)
        .innerJoin(users, eq(users.id, roleAssignments.userId))
        .leftJoin(departments, eq(departments.id, roleAssignments.departmentId))
        .where(
          and(
            eq(roleAssignments.municipalityId, municipalityId),
            inArray(roleAssignments.role, MUNICIPAL_STAFF),
            isNull(users.deletedAt),
          ),
        )
        .orderBy(asc(users.name)),
      db
        .select({ code: reasonCodes.code, name: reasonCodes.name })
        .from(reasonCodes)
        .where(and(eq(reasonCodes.appliesTo, "rejected"), eq(reasonCodes.active, true))),
    ]);
    const collator = new Intl.Collator(htmlLang(lang));
    const byLabel = (a: { label: string }, b: { label: string }) => collator.compare(a.label, b.label);
    const categoryIds = new Map<string, number[]>();
    for (const c of cats) categoryIds.set(c.code, [...(categoryIds.get(c.code) ?? []), c.id]);
    // One entry per person, with a department where they have one, so two people of one name differ.
    const people = new Map<string, { value: string; label: string }>();
    const assignable = new Set<string>();
    for (const s of staff) {
      if (ASSIGNABLE.includes(s.role)) assignable.add(s.id);
      if (people.has(s.id) && !s.department) continue;
      people.set(s.id, {
        value: s.id,
        label: s.department ? `${s.name} (${localized(s.department, lang)})` : s.name,
      });
    }
    const staffChoices = [...people.values()].sort(byLabel);
    return {
      choices: {
        categories: cats.filter(
          (c, i) => cats.findIndex((o) => o.code === c.code && o.type === c.type) === i,
        ),
        departments: depts
          .map((d) => ({ value: String(d.id), label: localized(d.name, lang) }))
          .sort(byLabel),
        staff: staffChoices,
        assignable: staffChoices.filter((c) => assignable.has(c.value)),
        rejectReasons: reasons.map((r) => ({ value: r.code, label: localized(r.name, lang) })).sort(byLabel),
      },
      known: {
        categories: categoryIds,
        departments: new Set(depts.map((d) => d.id)),
        assignees: new Set(people.keys()),
        userId: w.userId,
      },
    };
  }

  /** What a bulk action did, as the redirect after it tells (codes checked, at most MAX_TOLD of each). */
  function bulkOutcomeOf(query: RawQuery): BulkOutcome | undefined {
    const done = all(query.done)
      .filter((c) => TRACKING_CODE_PATTERN.test(c))
      .slice(0, MAX_TOLD);
    const failed = all(query.failed)
      .flatMap((f) => {
        const m = FAILED_CASE.exec(f);
        return m ? [{ code: m[1]!, reason: m[2]! }] : [];
      })
      .slice(0, MAX_TOLD);
    return done.length + failed.length > 0 ? { done, failed } : undefined;
  }

  /** Renders the inbox for a query string: the list when it can be read, the form with its problems when not. */
  async function sendInbox(
    req: SlugRequest,
    reply: FastifyReply,
    w: Workspace,
    query: RawQuery,
    extra: Partial<Pick<InboxPageProps, "errors" | "viewName" | "bulkValues" | "notice" | "bulk">> = {},
    status?: number,
  ) {
    const { choices, known } = await choicesFor(w, req.lang);
    const parsed = parseInboxQuery(query, known);
    const views = await listSavedViews(db, w.userId, w.municipality.id);
    const props: InboxPageProps = {
      ctx: pageContext(req, reply),
      municipality: { slug: w.municipality.slug, name: w.municipality.name },
      choices,
      values: parsed.values,
      errors: { ...(parsed.ok ? {} : parsed.errors), ...extra.errors },
      now: clock.now(),
      calendar,
      views,
      bulkActions: bulkActionsOf(req.actor, w.municipality.id),
      exportPersonal: can(req.actor, "case.export_personal", { municipalityId: w.municipality.id }),
      ...(extra.viewName !== undefined ? { viewName: extra.viewName } : {}),
      ...(extra.bulkValues ? { bulkValues: extra.bulkValues } : {}),
      ...(extra.notice ? { notice: extra.notice } : {}),
      ...(extra.bulk ? { bulk: extra.bulk } : {}),
    };
    // Filters that cannot mean anything: the form again, each problem at its field, and no results. 400:
    // the address itself is wrong; the page still answers in full.
    if (!parsed.ok) return sendPage(reply, <InboxPage {...props} />, 400);
    const list = await listInbox(db, w.scope, parsed.filters, {
      sort: parsed.sort,
      page: parsed.page,
      timeZone,
    });
    return sendPage(reply, <InboxPage {...props} list={list} />, status ?? 200);
  }

  app.get<{ Params: { slug: string }; Querystring: RawQuery }>(
    "/m/:slug/workspace",
    { config: { page: { sample: "/m/prishtine/workspace", as: "zyrtari.prishtine" } } },
    async (req, reply) => {
      const w = await workspaceOf(req, reply);
      if (!w) return reply;
      const query = req.query ?? {};
      const notice =
        query.notice === "view_saved" || query.notice === "view_deleted" ? query.notice : undefined;
      const bulk = bulkOutcomeOf(query);
      return sendInbox(req, reply, w, query, { ...(notice ? { notice } : {}), ...(bulk ? { bulk } : {}) });
    },
  );

  // ── The CSV export of a view.

  const csvDate = new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  const csvTime = (d: Date | null) => (d ? csvDate.format(d) : "");

  app.get<{ Params: { slug: string }; Querystring: RawQuery }>(
    "/m/:slug/workspace/export.csv",
    async (req, reply) => {
      const w = await workspaceOf(req, reply);
      if (!w) return reply;
      const { known } = await choicesFor(w, req.lang);
      const parsed = parseInboxQuery(req.query ?? {}, known);
      // A view that cannot be read has no file: the inbox page says what is wrong with it.
      if (!parsed.ok) return sendInbox(req, reply, w, req.query ?? {});
      const { t, lang } = req;
      const personal = can(req.actor, "case.export_personal", { municipalityId: w.municipality.id });
      const exported = await openInboxExport(db, w.scope, parsed.filters, {
        sort: parsed.sort,
        timeZone,
        personal,
      });
      if (personal) {
        // Written before the first row leaves: an export with personal data never goes unrecorded.
        await appendAudit(db, {
          at: clock.now(),
          actorId: w.userId,
          action: "case.exported_personal",
          subjectType: "municipality",
          subjectId: String(w.municipality.id),
          municipalityId: w.municipality.id,
          ip: req.ip,
          data: { filters: inboxQueryString(parsed.values), sort: parsed.sort, rows: exported.count },
        });
      }
      const columns = [
        "code",
        "title",
        "type",
        "category",
        "status",
        "priority",
        "department",
        "assignee",
        "sla",
        "due",
        "channel",
        "received",
        ...(personal ? ["contactName", "contactEmail", "contactPhone"] : []),
      ];
      async function* lines() {
        // The byte order mark tells spreadsheets the file is UTF-8 (ë, ç, š, ž).
        yield `\uFEFF${csvLine(columns.map((c) => t(`inbox.csv.${c}`)))}`;
        for await (const batch of exported.batches()) {
          yield batch
            .map((r) =>
              csvLine([
                r.trackingCode,
                r.title,
                t(`caseType.${r.type}`),
                localized(r.category, lang),
                t(`status.${r.status}`),
                t(`inbox.priorities.${r.priority}`),
                r.department ? localized(r.department, lang) : "",
                r.assignee ?? "",
                t(`inbox.slaState.${r.slaState}`),
                csvTime(r.slaDueAt),
                t(`inbox.channels.${r.channel}`),
                csvTime(r.receivedAt),
                ...(personal ? [r.contactName, r.contactEmail, r.contactPhone] : []),
              ]),
            )
            .join("");
        }
      }
      const day = new Intl.DateTimeFormat("sv-SE", { timeZone }).format(clock.now());
      return reply
        .type("text/csv; charset=utf-8")
        .header("cache-control", "no-store")
        .header("content-disposition", `attachment; filename="inbox-${w.municipality.slug}-${day}.csv"`)
        .send(Readable.from(lines()));
    },
  );

  // ── Saved views.

  /** The query string a form carried (the view it was sent from), read as the inbox reads its own. */
  const viewQuery = (body: unknown): RawQuery => parseFormValues(text(body, "view"));

  app.post<{ Params: { slug: string }; Querystring: RawQuery }>(
    "/m/:slug/workspace/views",
    { config: { rateLimit: { max: 60, timeWindow: 15 * 60_000 } } },
    async (req, reply) => {
      const w = await workspaceOf(req, reply);
      if (!w) return reply;
      const query = viewQuery(req.body);
      const name = text(req.body, "viewName")
        .replace(/\p{Cc}/gu, " ")
        .trim();
      const nameError = !name
        ? "inbox.views.errors.nameRequired"
        : [...name].length > MAX_VIEW_NAME
          ? ["inbox.views.errors.nameTooLong", { max: MAX_VIEW_NAME }]
          : undefined;
      const { known } = await choicesFor(w, req.lang);
      const parsed = parseInboxQuery(query, known);
      if (nameError || !parsed.ok) {
        const errors: FieldErrors = nameError ? { viewName: nameError as FieldErrors[string] } : {};
        return sendInbox(req, reply, w, query, { errors, viewName: name }, 422);
      }
      const saved = await saveView(db, {
        userId: w.userId,
        municipalityId: w.municipality.id,
        name,
        query: inboxQueryString(parsed.values),
        now: clock.now(),
      });
      if (!saved.ok) {
        const errors: FieldErrors = { viewName: "inbox.views.errors.tooMany" };
        return sendInbox(req, reply, w, query, { errors, viewName: name }, 422);
      }
      const back = inboxHref(w.municipality.slug, parsed.values);
      return reply.redirect(withParams(back, new URLSearchParams({ notice: "view_saved" })), 303);
    },
  );

  app.post<{ Params: { slug: string; id: string }; Querystring: RawQuery }>(
    "/m/:slug/workspace/views/:id/delete",
    async (req, reply) => {
      const w = await workspaceOf(req, reply);
      if (!w) return reply;
      if (!(await deleteView(db, { userId: w.userId, id: req.params.id }))) return notFound(req, reply);
      const { known } = await choicesFor(w, req.lang);
      const parsed = parseInboxQuery(viewQuery(req.body), known);
      const back = inboxHref(w.municipality.slug, parsed.ok ? parsed.values : EMPTY_VALUES);
      return reply.redirect(withParams(back, new URLSearchParams({ notice: "view_deleted" })), 303);
    },
  );

  // ── Bulk actions: each ticked case goes through the one staff command on its own, at the version the
  // page showed (a case someone changed since is refused, never overwritten); the page after the redirect
  // says which were done and why the others were not.

  app.post<{ Params: { slug: string }; Querystring: RawQuery }>(
    "/m/:slug/workspace/bulk",
    { config: { rateLimit: { max: 60, timeWindow: 15 * 60_000 } } },
    async (req, reply) => {
      const w = await workspaceOf(req, reply);
      if (!w) return reply;
      const offered = bulkActionsOf(req.actor, w.municipality.id);
      if (offered.length === 0) return notFound(req, reply);
      const query = viewQuery(req.body);
      const body = req.body as Record<string, unknown> | undefined;
      const picked = all(body?.case).slice(0, MAX_BULK + 1);
      const values = {
        bulkAction: text(body, "bulkAction"),
        bulkDepartment: text(body, "bulkDepartment"),
        bulkAssignee: text(body, "bulkAssignee"),
        bulkReason: text(body, "bulkReason"),
        cases: picked.map((p) => p.split("@")[0]).join(" "),
      };
      const { choices, known } = await choicesFor(w, req.lang);
      const errors: FieldErrors = {};
      const targets = picked.map((p) => PICKED_CASE.exec(p));
      if (picked.length === 0) errors.cases = "inbox.bulk.errors.noCases";
      else if (picked.length > MAX_BULK) errors.cases = ["inbox.bulk.errors.tooMany", { max: MAX_BULK }];
      else if (targets.some((m) => !m)) errors.cases = "inbox.bulk.errors.cases";
      const action = offered.find((a) => a === values.bulkAction);
      if (!action) errors.bulkAction = "inbox.bulk.errors.action";
      const has = (list: { value: string }[], v: string) => list.some((c) => c.value === v);
      if (action === "assign") {
        if (values.bulkDepartment && !has(choices.departments, values.bulkDepartment))
          errors.bulkDepartment = "inbox.bulk.errors.department";
        if (values.bulkAssignee && !has(choices.assignable, values.bulkAssignee))
          errors.bulkAssignee = "inbox.bulk.errors.assignee";
        if (!values.bulkDepartment && !values.bulkAssignee)
          errors.bulkDepartment = "inbox.bulk.errors.target";
      }
      if (action === "reject") {
        if (!values.bulkReason) errors.bulkReason = "inbox.bulk.errors.reasonRequired";
        else if (!has(choices.rejectReasons, values.bulkReason))
          errors.bulkReason = "inbox.bulk.errors.reason";
      }
      if (Object.keys(errors).length > 0 || !action)
        return sendInbox(req, reply, w, query, { errors, bulkValues: values }, 422);

      const picks = targets.map((m) => ({ code: m![1]!, version: Number(m![2]) }));
      // "Resolve" is how issue reports end; requests, feedback and proposals are answered.
      const types = new Map(
        (
          await db
            .select({ code: cases.trackingCode, type: cases.type })
            .from(cases)
            .where(
              inArray(
                cases.trackingCode,
                picks.map((p) => p.code),
              ),
            )
        ).map((r) => [r.code, r.type]),
      );
      const staffAction = (code: string): StaffAction => {
        switch (action) {
          case "assign":
            return {
              kind: "assign",
              departmentId: values.bulkDepartment ? Number(values.bulkDepartment) : null,
              assigneeId: values.bulkAssignee || null,
            };
          case "reject":
            return { kind: "change_status", action: "reject", reasonCode: values.bulkReason };
          case "resolve":
            return {
              kind: "change_status",
              action: types.get(code) === "issue_report" ? "resolve" : "answer",
            };
          default:
            return { kind: "change_status", action };
        }
      };
      const outcome = new URLSearchParams();
      for (const pick of picks) {
        // Only this municipality's cases: a code of another one is not in this inbox.
        const result = pick.code.startsWith(`${w.municipality.code}-`)
          ? await actOnCase(
              {
                db,
                now: clock.now(),
                calendar,
                actor: req.actor,
                ip: req.ip,
                baseUrl: baseUrl(config),
                poke: app.deps.pokeOutbox,
              },
              { code: pick.code, version: pick.version, action: staffAction(pick.code) },
            )
          : ({ ok: false, reason: "not_found" } as const);
        if (result.ok) outcome.append("done", pick.code);
        else outcome.append("failed", `${pick.code}:${result.reason}`);
      }
      const parsed = parseInboxQuery(query, known);
      const back = parsed.ok
        ? inboxHref(w.municipality.slug, parsed.values, {}, parsed.page)
        : inboxPath(w.municipality.slug);
      return reply.redirect(withParams(back, outcome), 303);
    },
  );

  // The forms' addresses are no pages: coming to one (the language switch on a form with errors) leads to the inbox.
  for (const path of ["/m/:slug/workspace/views", "/m/:slug/workspace/bulk"])
    app.get<{ Params: { slug: string } }>(path, async (req, reply) =>
      reply.redirect(inboxPath(encodeURIComponent(req.params.slug)), 303),
    );
}
