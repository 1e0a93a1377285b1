// National standards (issue 9): the ministry's one place for the category taxonomy, response standards,
// reason codes, standard responses and participation defaults, each change versioned (who, when, why, from
// which day); its history, with the changes still waiting for their day (withdrawn here); and what changed
// nationally, for municipal staff. The forms are in taxonomyRoutes.tsx and rulesRoutes.tsx.
import { and, asc, isNotNull, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PRIORITIES, type Priority } from "../cases/sla.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import { categories, categoryQuestions, reasonCodes, responseTemplates, slaStandards } from "../db/schema.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { sendPage } from "../web/context.ts";
import { notFound, sendError } from "../web/errors.tsx";
import { pageContext } from "../web/pageContext.ts";
import { type AppliedConflict, conflictsByChange, conflictWords } from "./appliedConflicts.ts";
import { check, WITHDRAW_FIELDS, withdrawForm } from "./forms.ts";
import { type ChangeRow, categoryNames, changeHistory, historyCsv, PAGE_LIMIT } from "./history.ts";
import { ChangePage, type HistoryEntry, HistoryPage } from "./historyPages.tsx";
import { isKind, type Kind, type ParticipationState } from "./model.ts";
import { withdrawChange } from "./recordChange.ts";
import { routeKit, valuesOf } from "./routeKit.ts";
import { rulesRoutes } from "./rulesRoutes.tsx";
import { StandardsIndexPage } from "./standardsPages.tsx";
import { readState, standardOfCategory, standardOfRow } from "./store.ts";
import { taxonomyRoutes } from "./taxonomyRoutes.tsx";
import { CHANGES_PATH, changePath, type Form, K, STAFF_CHANGES_PATH, STANDARDS_PATH } from "./ui.tsx";
import { changeLines, subjectWords, type Words } from "./words.ts";

const EMPTY: Form = { values: {}, errors: {} };

export async function standardsRoutes(app: FastifyInstance) {
  const kit = routeKit(app);
  const { db } = kit;

  async function words(req: FastifyRequest): Promise<Words> {
    const names = await categoryNames(db);
    return { t: req.t, lang: req.lang, categoryName: (code) => names.get(code) };
  }
  const entryOf =
    (w: Words, formerUser: string, conflicts: Map<number, AppliedConflict[]> = new Map()) =>
    (c: ChangeRow): HistoryEntry => ({
      id: c.id,
      changedAt: c.changedAt,
      what: subjectWords(w, c),
      lines: changeLines(w, c),
      by: c.by ?? formerUser,
      reason: c.reason,
      appliesFrom: c.appliesFrom,
      appliedAt: c.appliedAt,
      conflicts: (conflicts.get(c.id) ?? []).map((x) => conflictWords(w.t, w.lang, x)),
    });

  // ── The one place.

  app.get(
    STANDARDS_PATH,
    { config: { page: { sample: STANDARDS_PATH, as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      const [cats, questions, rules, reasons, templates, participation, pending, w] = await Promise.all([
        db.select().from(categories).where(isNull(categories.municipalityId)),
        db.select().from(categoryQuestions),
        db
          .select()
          .from(slaStandards)
          .where(
            and(
              isNull(slaStandards.municipalityId),
              isNotNull(slaStandards.categoryId),
              isNotNull(slaStandards.priority),
            ),
          ),
        db.select().from(reasonCodes),
        db
          .select()
          .from(responseTemplates)
          .where(isNull(responseTemplates.municipalityId))
          .orderBy(asc(responseTemplates.code), asc(responseTemplates.language)),
        readState(db, { kind: "participation" }) as Promise<ParticipationState | null>,
        changeHistory(db, { pending: true }),
        words(req),
      ]);
      if (!participation) throw new Error("No national participation settings: run the reference seed.");
      const { lang, t } = req;
      const collator = new Intl.Collator(htmlLang(lang));
      const byId = new Map(cats.map((c) => [c.id, c]));
      const questionCount = new Map(questions.map((q) => [q.categoryId, q.questions.length]));
      const order = (p: string | null) => PRIORITIES.indexOf(p as Priority);
      const categoryRows = CASE_TYPES.flatMap((type) =>
        cats
          .filter((c) => c.type === type)
          .map((c) => ({
            code: c.code,
            name: localized(c.name, lang),
            type: c.type,
            group: c.group,
            active: c.active,
            questions: questionCount.get(c.id) ?? 0,
            standard: standardOfCategory(c),
            priorities: rules
              .filter((r) => r.categoryId === c.id)
              .sort((a, b) => order(a.priority) - order(b.priority))
              .map((r) => ({ priority: r.priority as Priority, standard: standardOfRow(r) })),
          }))
          .sort((a, b) => collator.compare(a.name, b.name)),
      );
      const templateCategory = (id: number | null) => (id === null ? undefined : byId.get(id));
      return sendPage(
        reply,
        <StandardsIndexPage
          ctx={pageContext(req, reply)}
          notice={kit.notice(req)}
          pending={pending.map((c) => ({ id: c.id, what: subjectWords(w, c), appliesFrom: c.appliesFrom }))}
          categories={categoryRows}
          reasons={reasons
            .map((r) => ({
              code: r.code,
              name: localized(r.name, lang),
              appliesTo: r.appliesTo,
              active: r.active,
            }))
            .sort((a, b) => a.appliesTo.localeCompare(b.appliesTo) || collator.compare(a.name, b.name))}
          templates={templates.map((r) => {
            const c = templateCategory(r.categoryId);
            return {
              code: r.code,
              language: r.language,
              title: r.title,
              appliesTo: c
                ? localized(c.name, lang)
                : r.type
                  ? t(`${K}.templates.everyOfType`, { type: t(`caseType.${r.type}`) })
                  : t(`${K}.templates.appliesAll`),
              active: r.active,
            };
          })}
          participation={participation}
        />,
      );
    },
  );

  // ── The history: for the ministry, and for municipal staff.

  /** The `kind` filter of a query string; undefined when absent or empty, false when not a kind. */
  function kindAsked(req: FastifyRequest): Kind | undefined | false {
    const kind = (req.query as { kind?: unknown }).kind;
    if (kind === undefined || kind === "") return undefined;
    return typeof kind === "string" && isKind(kind) ? kind : false;
  }

  async function sendHistory(req: FastifyRequest, reply: FastifyReply, ministry: boolean) {
    const kind = kindAsked(req);
    if (kind === false) return sendError(req, reply, 400, "bad_request", req.t(`${K}.errors.kindUnknown`));
    const [rows, w, conflicts] = await Promise.all([
      changeHistory(db, { kind }, PAGE_LIMIT + 1),
      words(req),
      ministry ? conflictsByChange(db) : new Map<number, AppliedConflict[]>(),
    ]);
    return sendPage(
      reply,
      <HistoryPage
        ctx={pageContext(req, reply)}
        ministry={ministry}
        path={ministry ? CHANGES_PATH : STAFF_CHANGES_PATH}
        kind={kind ?? ""}
        entries={rows.slice(0, PAGE_LIMIT).map(entryOf(w, req.t(`${K}.history.formerUser`), conflicts))}
        truncated={rows.length > PAGE_LIMIT}
        notice={kit.notice(req)}
      />,
    );
  }

  async function sendCsv(req: FastifyRequest, reply: FastifyReply, name: string) {
    const kind = kindAsked(req);
    if (kind === false) return sendError(req, reply, 400, "bad_request", req.t(`${K}.errors.kindUnknown`));
    const [rows, w] = await Promise.all([changeHistory(db, { kind }), words(req)]);
    const body = historyCsv(w, rows, req.t(`${K}.history.formerUser`));
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${name}"`)
      .header("cache-control", "no-store")
      .send(Buffer.from(body, "utf8"));
  }

  app.get(
    CHANGES_PATH,
    { config: { page: { sample: CHANGES_PATH, as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendHistory(req, reply, true);
    },
  );
  app.get(`${CHANGES_PATH}.csv`, async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    return sendCsv(req, reply, "national-standards-changes.csv");
  });
  app.get(
    STAFF_CHANGES_PATH,
    { config: { page: { sample: STAFF_CHANGES_PATH, as: "zyrtari.prishtine" } } },
    async (req, reply) => {
      if (!(await kit.staff(req, reply))) return reply;
      return sendHistory(req, reply, false);
    },
  );
  app.get(`${STAFF_CHANGES_PATH}.csv`, async (req, reply) => {
    if (!(await kit.staff(req, reply))) return reply;
    return sendCsv(req, reply, "national-standards-changes.csv");
  });

  // ── One change, and withdrawing it while it waits for its day.

  type ChangeParams = { Params: { id: string } };
  const idOf = (s: string) => (/^\d{1,9}$/.test(s) ? Number(s) : undefined);

  async function sendChange(
    req: FastifyRequest<ChangeParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const id = idOf(req.params.id);
    const [row] = id === undefined ? [] : await changeHistory(db, { id });
    if (!row) return notFound(req, reply);
    const [w, conflicts] = await Promise.all([words(req), conflictsByChange(db, row.subject)]);
    return sendPage(
      reply,
      <ChangePage
        ctx={pageContext(req, reply)}
        entry={entryOf(w, req.t(`${K}.history.formerUser`), conflicts)(row)}
        notice={kit.notice(req, status)}
        {...form}
      />,
      status,
    );
  }

  app.get<ChangeParams>(
    `${CHANGES_PATH}/:id`,
    // The demo's change dated ahead (src/standards/demo.ts): the fourth it records.
    { config: { page: { sample: `${CHANGES_PATH}/4`, as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendChange(req, reply, EMPTY);
    },
  );

  app.post<ChangeParams>(`${CHANGES_PATH}/:id/withdraw`, async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const id = idOf(req.params.id);
    if (id === undefined) return notFound(req, reply);
    const values = valuesOf(req.body, WITHDRAW_FIELDS);
    const form = check(withdrawForm, req.body);
    if (!form.ok) return sendChange(req, reply, { values, errors: form.errors }, 422);
    const result = await withdrawChange(kit.deps(req), { id, reason: form.value.reason });
    if (!result.ok) {
      const [row] = await changeHistory(db, { id });
      if (!row) return notFound(req, reply);
      return sendChange(req, reply, { values, errors: { form: `${K}.errors.notPending` } }, 409);
    }
    return reply.redirect(`${CHANGES_PATH}?done=withdrawn`, 303);
  });

  // The form's address is no page: coming to it (the language switch on a form with errors) leads to the page.
  app.get<ChangeParams>(`${CHANGES_PATH}/:id/withdraw`, async (req, reply) =>
    reply.redirect(changePath(idOf(req.params.id) ?? 0), 303),
  );

  taxonomyRoutes(app, kit);
  rulesRoutes(app, kit);
}
