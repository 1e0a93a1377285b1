// The national rules' pages (issue 9): a category's response standards (its own, and shorter ones for a
// priority), reason codes, standard responses and the participation defaults. Each route reads top to
// bottom: the ministry only, validate, the change (recordChange: row, history, audit in one transaction,
// refused when it would leave a municipality's stricter setting on the wrong side), then 303, or the form
// again (422) with what was typed and the problems at the fields.
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PRIORITIES, type Priority } from "../cases/sla.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import { categories, municipalities, participationSettings, slaStandards } from "../db/schema.ts";
import { isLanguage, type Language } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { sendPage } from "../web/context.ts";
import { notFound, sendError } from "../web/errors.tsx";
import type { Choice, FieldErrors } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { unknownPlaceholders } from "../workspace/templates.ts";
import { changeParticipation, changeReason, changeStandard, createReason, saveTemplate } from "./commands.ts";
import {
  appliesToValue,
  checkChange,
  NEW_REASON_FIELDS,
  NEW_TEMPLATE_FIELDS,
  namesOf,
  newReasonForm,
  newTemplateForm,
  PARTICIPATION_FIELDS,
  parseAppliesTo,
  participationForm,
  REASON_FIELDS,
  reasonForm,
  removeForm,
  STANDARD_FIELDS,
  standardForm,
  TEMPLATE_FIELDS,
  templateForm,
  WHY_FIELDS,
} from "./forms.ts";
import { type ParticipationState, type ReasonState, subjectOf, type TemplateState } from "./model.ts";
import { pendingChange } from "./recordChange.ts";
import { type RouteKit, refusalErrors, valuesOf } from "./routeKit.ts";
import { ParticipationPage, ReasonPage, RemovePage, ResponsePage, TemplatePage } from "./standardsPages.tsx";
import { nationalCategory, readState, standardOfCategory, standardOfRow } from "./store.ts";
import {
  type Form,
  K,
  reasonPath,
  responsePath,
  STANDARDS_PATH,
  standardValues,
  templatePath,
} from "./ui.tsx";

const EMPTY: Form = { values: {}, errors: {} };
const CODE = /^[a-z0-9]+([_-][a-z0-9]+)*$/;
const yes = (b: boolean) => (b ? "yes" : "");
const isPriority = (s: string): s is Priority => (PRIORITIES as readonly string[]).includes(s);

type CategoryParams = { Params: { code: string } };
type PriorityParams = { Params: { code: string; priority: string } };

/** The body's unknown placeholder named in its message, as the municipal template form does. */
function withPlaceholder(errors: FieldErrors, body: string): FieldErrors {
  if (errors.body !== `${K}.errors.unknownPlaceholder`) return errors;
  return {
    ...errors,
    body: [`${K}.errors.unknownPlaceholder`, { placeholder: `{{${unknownPlaceholders(body)[0]}}}` }],
  };
}

export function rulesRoutes(app: FastifyInstance, kit: RouteKit) {
  const { db } = kit;
  const categoryOf = (code: string) =>
    CODE.test(code) ? nationalCategory(db, code) : Promise.resolve(undefined);

  // ── A category's response standards.

  async function sendResponse(
    req: FastifyRequest<CategoryParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const asked = (req.query as { priority?: unknown }).priority;
    if (asked !== undefined && (typeof asked !== "string" || !isPriority(asked)))
      return sendError(req, reply, 400, "bad_request", req.t(`${K}.errors.priorityInvalid`));
    const [rows, municipal] = await Promise.all([
      db
        .select()
        .from(slaStandards)
        .where(
          and(
            isNull(slaStandards.municipalityId),
            eq(slaStandards.categoryId, c.id),
            isNotNull(slaStandards.priority),
          ),
        ),
      db
        .select({ row: slaStandards, name: municipalities.name })
        .from(slaStandards)
        .innerJoin(municipalities, eq(municipalities.id, slaStandards.municipalityId))
        .where(eq(slaStandards.categoryId, c.id)),
    ]);
    const order = (p: string | null) => (p === null ? -1 : PRIORITIES.indexOf(p as Priority));
    const rules = [
      { priority: null, standard: standardOfCategory(c), note: null },
      ...rows
        .sort((a, b) => order(a.priority) - order(b.priority))
        .map((r) => ({ priority: r.priority as Priority, standard: standardOfRow(r), note: r.note })),
    ];
    const pending = (
      await Promise.all(
        [null, ...PRIORITIES].map((p) => pendingChange(db, "sla", subjectOf.sla(c.type, c.code, p))),
      )
    ).filter((x) => x !== undefined);
    let values = form.values;
    if (Object.keys(values).length === 0) {
      const rule = rules.find((r) => r.priority === (asked ?? null)) ?? rules[0]!;
      values = {
        priority: (asked as string | undefined) ?? "",
        ...standardValues(rule.standard),
        note: rule.note ?? "",
      };
    }
    const collator = new Intl.Collator(htmlLang(req.lang));
    return sendPage(
      reply,
      <ResponsePage
        ctx={pageContext(req, reply)}
        values={values}
        errors={form.errors}
        today={kit.today()}
        notice={kit.notice(req, status)}
        pending={pending[0]}
        category={{ code: c.code, name: localized(c.name, req.lang) }}
        rules={rules}
        municipal={municipal
          .map(({ row, name }) => ({
            municipality: localized(name, req.lang),
            priority: (row.priority ?? null) as Priority | null,
            standard: standardOfRow(row),
          }))
          .sort(
            (a, b) =>
              collator.compare(a.municipality, b.municipality) || order(a.priority) - order(b.priority),
          )}
      />,
      status,
    );
  }

  app.get<CategoryParams>(
    "/ministry/standards/categories/:code/response",
    { config: { page: { sample: "/ministry/standards/categories/waste/response", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendResponse(req, reply, EMPTY);
    },
  );

  app.post<CategoryParams>("/ministry/standards/categories/:code/response", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const c = await categoryOf(req.params.code);
    if (!c) return notFound(req, reply);
    const values = valuesOf(req.body, STANDARD_FIELDS);
    const form = checkChange(standardForm, req.body, kit.today());
    if (!form.ok) return sendResponse(req, reply, { values, errors: form.errors }, 422);
    const v = form.value;
    const result = await changeStandard(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      category: c.code,
      priority: v.priority,
      standard: {
        unit: v.unit,
        ackWithin: v.ack,
        firstResponseWithin: v.firstResponse,
        resolutionWithin: v.resolution,
      },
      note: v.note || null,
    });
    if (!result.ok) {
      if (result.refusal.reason === "not_found") return notFound(req, reply);
      return sendResponse(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    }
    return kit.done(reply, result, responsePath(c.code));
  });

  // ── Removing the national rule for a priority.

  async function sendRemoveRule(
    req: FastifyRequest<PriorityParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const c = await categoryOf(req.params.code);
    const priority = req.params.priority;
    if (!c || !isPriority(priority)) return notFound(req, reply);
    const subject = subjectOf.sla(c.type, c.code, priority);
    const [rule, pending] = await Promise.all([
      readState(db, { kind: "sla", type: c.type, category: c.code, priority }),
      pendingChange(db, "sla", subject),
    ]);
    if (!rule) return notFound(req, reply);
    const { t } = req;
    const priorityText = t(`municipal_admin.standards.priority.${priority}`);
    return sendPage(
      reply,
      <RemovePage
        ctx={pageContext(req, reply)}
        {...form}
        today={kit.today()}
        pending={pending}
        title={t(`${K}.response.removeTitle`, { name: localized(c.name, req.lang), priority: priorityText })}
        lead={t(`${K}.response.removeLead`)}
        action={responsePath(c.code, `/${priority}/remove`)}
        back={{ href: responsePath(c.code), label: t(`${K}.response.back`) }}
        button={t(`${K}.response.removeButton`)}
      />,
      status,
    );
  }

  app.get<PriorityParams>(
    "/ministry/standards/categories/:code/response/:priority/remove",
    {
      config: {
        page: {
          sample: "/ministry/standards/categories/access-to-documents/response/urgent/remove",
          as: "ministria",
        },
      },
    },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendRemoveRule(req, reply, EMPTY);
    },
  );

  app.post<PriorityParams>(
    "/ministry/standards/categories/:code/response/:priority/remove",
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      const c = await categoryOf(req.params.code);
      const priority = req.params.priority;
      if (!c || !isPriority(priority)) return notFound(req, reply);
      const values = valuesOf(req.body, WHY_FIELDS);
      const form = checkChange(removeForm, req.body, kit.today());
      if (!form.ok) return sendRemoveRule(req, reply, { values, errors: form.errors }, 422);
      const result = await changeStandard(kit.deps(req), {
        ...form.value,
        category: c.code,
        priority,
        standard: null,
        note: null,
      });
      if (!result.ok) {
        if (result.refusal.reason === "not_found") return notFound(req, reply);
        return sendRemoveRule(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
      }
      return kit.done(reply, result, responsePath(c.code));
    },
  );

  // ── Reason codes.

  async function sendReason(
    req: FastifyRequest<{ Params: { code?: string } }>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const code = req.params.code;
    const reason =
      code === undefined || !CODE.test(code)
        ? undefined
        : ((await readState(db, { kind: "reason_code", code })) as ReasonState | null);
    if (code !== undefined && !reason) return notFound(req, reply);
    const values =
      Object.keys(form.values).length > 0 || !reason
        ? form.values
        : {
            nameSq: reason.name.sq,
            nameSr: reason.name.sr,
            nameEn: reason.name.en ?? "",
            active: yes(reason.active),
          };
    return sendPage(
      reply,
      <ReasonPage
        ctx={pageContext(req, reply)}
        values={values}
        errors={form.errors}
        today={kit.today()}
        notice={kit.notice(req, status)}
        pending={
          reason ? await pendingChange(db, "reason_code", subjectOf.reason_code(reason.code)) : undefined
        }
        {...(reason
          ? {
              reason: {
                code: reason.code,
                appliesTo: reason.appliesTo,
                name: localized(reason.name, req.lang),
              },
            }
          : {})}
      />,
      status,
    );
  }

  app.get<{ Params: { code?: string } }>(
    "/ministry/standards/reasons/new",
    { config: { page: { sample: "/ministry/standards/reasons/new", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendReason(req, reply, EMPTY);
    },
  );

  app.post<{ Params: { code?: string } }>("/ministry/standards/reasons/new", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const values = valuesOf(req.body, NEW_REASON_FIELDS);
    const form = checkChange(newReasonForm, req.body, kit.today());
    if (!form.ok) return sendReason(req, reply, { values, errors: form.errors }, 422);
    const v = form.value;
    const result = await createReason(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      reasonCode: { code: v.code, appliesTo: v.appliesTo, name: namesOf(v), active: true },
    });
    if (!result.ok)
      return sendReason(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    return kit.done(reply, result, reasonPath(v.code));
  });

  app.get<{ Params: { code: string } }>(
    "/ministry/standards/reasons/:code",
    { config: { page: { sample: "/ministry/standards/reasons/duplicate", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendReason(req, reply, EMPTY);
    },
  );

  app.post<{ Params: { code: string } }>("/ministry/standards/reasons/:code", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    if (!CODE.test(req.params.code)) return notFound(req, reply);
    const values = valuesOf(req.body, REASON_FIELDS);
    const form = checkChange(reasonForm, req.body, kit.today());
    if (!form.ok) return sendReason(req, reply, { values, errors: form.errors }, 422);
    const v = form.value;
    const result = await changeReason(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      code: req.params.code,
      fields: { name: namesOf(v), active: v.active },
    });
    if (!result.ok) {
      if (result.refusal.reason === "not_found") return notFound(req, reply);
      return sendReason(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    }
    return kit.done(reply, result, reasonPath(req.params.code));
  });

  // ── Standard responses.

  /** Every input, every input of a type, or one active national category. */
  async function appliesToChoices(req: FastifyRequest): Promise<Choice[]> {
    const cats = await db
      .select()
      .from(categories)
      .where(and(isNull(categories.municipalityId), eq(categories.active, true)))
      .orderBy(asc(categories.type), asc(categories.code));
    const collator = new Intl.Collator(htmlLang(req.lang));
    return [
      { value: "", label: req.t(`${K}.templates.appliesAll`) },
      ...CASE_TYPES.map((type) => ({
        value: `type:${type}`,
        label: req.t(`${K}.templates.everyOfType`, { type: req.t(`caseType.${type}`) }),
      })),
      ...cats
        .map((c) => ({
          value: `category:${c.code}`,
          label: `${localized(c.name, req.lang)} (${req.t(`caseType.${c.type}`)})`,
        }))
        .sort((a, b) => collator.compare(a.label, b.label)),
    ];
  }

  type TemplateParams = { Params: { code?: string; lang?: string } };

  async function sendTemplate(
    req: FastifyRequest<TemplateParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const { code, lang } = req.params;
    let template: TemplateState | null = null;
    if (code !== undefined) {
      if (!CODE.test(code) || !lang || !isLanguage(lang)) return notFound(req, reply);
      template = (await readState(db, { kind: "template", code, language: lang })) as TemplateState | null;
      if (!template) return notFound(req, reply);
    }
    const values =
      Object.keys(form.values).length > 0 || !template
        ? form.values
        : {
            appliesTo: appliesToValue(template),
            title: template.title,
            body: template.body,
            active: yes(template.active),
          };
    return sendPage(
      reply,
      <TemplatePage
        ctx={pageContext(req, reply)}
        values={values}
        errors={form.errors}
        today={kit.today()}
        notice={kit.notice(req, status)}
        pending={
          template
            ? await pendingChange(db, "template", subjectOf.template(template.code, template.language))
            : undefined
        }
        appliesTo={await appliesToChoices(req)}
        {...(template
          ? { template: { code: template.code, language: template.language, title: template.title } }
          : {})}
      />,
      status,
    );
  }

  /** The template form read whole, with what its "applies to" choice stands for. */
  function readTemplate(req: FastifyRequest, creating: boolean) {
    const values = valuesOf(req.body, creating ? NEW_TEMPLATE_FIELDS : TEMPLATE_FIELDS);
    const form = creating
      ? checkChange(newTemplateForm, req.body, kit.today())
      : checkChange(templateForm, req.body, kit.today());
    const scope = parseAppliesTo(values.appliesTo ?? "");
    const errors: FieldErrors = withPlaceholder(form.ok ? {} : { ...form.errors }, values.body ?? "");
    if (!scope) errors.appliesTo = `${K}.errors.appliesToTemplate`;
    if (!form.ok || !scope) return { ok: false as const, values, errors };
    return {
      ok: true as const,
      values,
      value: form.value as typeof form.value & { code?: string; language?: Language; active?: boolean },
      scope,
    };
  }

  app.get<TemplateParams>(
    "/ministry/standards/templates/new",
    { config: { page: { sample: "/ministry/standards/templates/new", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendTemplate(req, reply, EMPTY);
    },
  );

  app.post<TemplateParams>("/ministry/standards/templates/new", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const form = readTemplate(req, true);
    if (!form.ok) return sendTemplate(req, reply, form, 422);
    const v = form.value;
    const template: TemplateState = {
      code: v.code!,
      language: v.language!,
      ...form.scope,
      title: v.title,
      body: v.body,
      active: true,
    };
    const result = await saveTemplate(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      template,
      creating: true,
    });
    if (!result.ok) {
      const errors =
        result.refusal.reason === "not_found"
          ? { appliesTo: `${K}.errors.appliesToTemplate` }
          : refusalErrors(req, result.refusal);
      return sendTemplate(req, reply, { values: form.values, errors }, 422);
    }
    return kit.done(reply, result, templatePath(template.code, template.language));
  });

  app.get<TemplateParams>(
    "/ministry/standards/templates/:code/:lang",
    { config: { page: { sample: "/ministry/standards/templates/acknowledged/sq", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendTemplate(req, reply, EMPTY);
    },
  );

  app.post<TemplateParams>("/ministry/standards/templates/:code/:lang", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const { code, lang } = req.params;
    if (!code || !CODE.test(code) || !lang || !isLanguage(lang)) return notFound(req, reply);
    const form = readTemplate(req, false);
    if (!form.ok) return sendTemplate(req, reply, form, 422);
    const v = form.value;
    const template: TemplateState = {
      code,
      language: lang,
      ...form.scope,
      title: v.title,
      body: v.body,
      active: v.active ?? true,
    };
    const result = await saveTemplate(kit.deps(req), {
      reason: v.reason,
      appliesFrom: v.appliesFrom,
      template,
      creating: false,
    });
    if (!result.ok) {
      const exists = await readState(db, { kind: "template", code, language: lang });
      if (!exists) return notFound(req, reply);
      const errors =
        result.refusal.reason === "not_found"
          ? { appliesTo: `${K}.errors.appliesToTemplate` }
          : refusalErrors(req, result.refusal);
      return sendTemplate(req, reply, { values: form.values, errors }, 422);
    }
    return kit.done(reply, result, templatePath(code, lang));
  });

  // ── Participation defaults.

  async function sendParticipation(req: FastifyRequest, reply: FastifyReply, form: Form, status = 200) {
    const [rules, own, pending] = await Promise.all([
      readState(db, { kind: "participation" }) as Promise<ParticipationState | null>,
      db
        .select({ name: municipalities.name, days: participationSettings.consultationMinDays })
        .from(participationSettings)
        .innerJoin(municipalities, eq(municipalities.id, participationSettings.municipalityId)),
      pendingChange(db, "participation", subjectOf.participation()),
    ]);
    if (!rules) return notFound(req, reply);
    const values =
      Object.keys(form.values).length > 0
        ? form.values
        : {
            consultationMinDays: String(rules.consultationMinDays),
            proposalWindowDays: String(rules.proposalWindowDays),
            proposalThreshold: String(rules.proposalThreshold),
            normativeThresholdPercent: String(rules.normativeThresholdPercent),
            supportRequiresVerified: yes(rules.supportRequiresVerified),
          };
    const collator = new Intl.Collator(htmlLang(req.lang));
    return sendPage(
      reply,
      <ParticipationPage
        ctx={pageContext(req, reply)}
        values={values}
        errors={form.errors}
        today={kit.today()}
        notice={kit.notice(req, status)}
        pending={pending}
        own={own
          .map((o) => ({ municipality: localized(o.name, req.lang), consultationMinDays: o.days }))
          .sort((a, b) => collator.compare(a.municipality, b.municipality))}
      />,
      status,
    );
  }

  app.get(
    "/ministry/standards/participation",
    { config: { page: { sample: "/ministry/standards/participation", as: "ministria" } } },
    async (req, reply) => {
      if (!(await kit.ministry(req, reply))) return reply;
      return sendParticipation(req, reply, EMPTY);
    },
  );

  app.post("/ministry/standards/participation", async (req, reply) => {
    if (!(await kit.ministry(req, reply))) return reply;
    const values = valuesOf(req.body, PARTICIPATION_FIELDS);
    const form = checkChange(participationForm, req.body, kit.today());
    if (!form.ok) return sendParticipation(req, reply, { values, errors: form.errors }, 422);
    const { reason, appliesFrom, ...rules } = form.value;
    const result = await changeParticipation(kit.deps(req), { reason, appliesFrom, rules });
    if (!result.ok)
      return sendParticipation(req, reply, { values, errors: refusalErrors(req, result.refusal) }, 422);
    return kit.done(reply, result, `${STANDARDS_PATH}/participation`);
  });
}
