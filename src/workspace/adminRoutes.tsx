// A municipality's set-up for its workspace (issue 5): departments, routing rules, response templates and
// tightened response standards, under /m/:slug/admin. Each route reads top to bottom: who is asking (the
// policy table, on the municipality), validate, change with its audit entry in one transaction, then 303
// with a notice, or the form again (422) with what was typed and the problems at the fields.
import { and, asc, count, eq, isNull, max, or, sql } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type Action, can } from "../access/policy.ts";
import { type AuditWriter, appendAudit } from "../audit/audit.ts";
import {
  type ClockName,
  checkTighter,
  PRIORITIES,
  type Priority,
  resolveStandard,
  ruleFor,
  type SlaUnit,
  type Standard,
  type StandardRule,
} from "../cases/sla.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import {
  cases,
  categories,
  departments,
  type LocalizedText,
  municipalities,
  responseTemplates,
  roleAssignments,
  routingRules,
  slaStandards,
} from "../db/schema.ts";
import { ALL_LANGUAGES, offeredLanguages } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { mayChooseCategories, mayConfigure, mayImportStaff } from "../onboarding/access.ts";
import { forgetReferenceData } from "../reference/referenceCache.ts";
import { looserAhead } from "../standards/conflicts.ts";
import { pendingSlaChanges } from "../standards/recordChange.ts";
import { formatLocalDate } from "../standards/ui.tsx";
import { sendPage } from "../web/context.ts";
import { notFound, sendError } from "../web/errors.tsx";
import { type FieldErrors, typed } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { textField } from "../web/textField.ts";
import {
  AdminIndexPage,
  adminPath,
  type ChoiceGroup,
  DEPARTMENT_FIELDS,
  DepartmentPage,
  type DepartmentRow,
  DepartmentsPage,
  RoutingPage,
  SECTIONS,
  type Section,
  STANDARD_FIELDS,
  type StandardRow,
  StandardsPage,
  TEMPLATE_FIELDS,
  TemplateFormPage,
  TemplatesPage,
} from "./adminPages.tsx";
import { areaSize, parseArea } from "./routing.ts";
import { unknownPlaceholders } from "./templates.ts";

const K = "municipal_admin";
type Municipality = { id: number; slug: string; name: LocalizedText; languages: string[] };
type Category = typeof categories.$inferSelect;
type Values = Record<string, string>;
type Form = { values: Values; errors: FieldErrors };
const EMPTY: Form = { values: {}, errors: {} };

/** The action each page needs on the municipality (policy.ts). */
const ACTION_OF: Record<Section, Action> = {
  departments: "department.manage",
  routing: "routing.manage",
  templates: "template.manage",
  standards: "sla.tighten",
};

/** What a redirect after a change may announce (`?done=`), each a catalog key under municipal_admin.done. */
const DONE = new Set([
  "department_created",
  "department_renamed",
  "department_deleted",
  "rule_added",
  "rule_moved",
  "rule_deleted",
  "template_created",
  "template_updated",
  "template_deactivated",
  "template_activated",
  "standard_saved",
  "standard_removed",
]);

// ── Validation. Messages are catalog keys under municipal_admin (the shared `validate` only recognises keys
// whose first segment has no underscore, so this module reads zod's answer itself).

const OWN_KEY = /^municipal_admin(\.[A-Za-z_]+)+$/;

function check<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(body && typeof body === "object" ? body : {});
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    errors[String(issue.path[0] ?? "form")] ??= OWN_KEY.test(issue.message)
      ? issue.message
      : "validation.invalid";
  }
  return { ok: false, errors };
}

/** A code people type: required, short, lower-case letters and digits joined by `joiners`. */
const codeField = (prefix: string, max: number, pattern: RegExp) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      const problem =
        s === "" ? "codeRequired" : s.length > max ? "codeTooLong" : !pattern.test(s) ? "codeFormat" : "";
      if (problem) ctx.addIssue({ code: "custom", message: `${prefix}.errors.${problem}` });
    });

/** An id chosen in a select: empty is undefined; anything but digits is a problem with that message. */
const choiceId = (message: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => /^(\d{1,9})?$/.test(s), message)
    .transform((s) => (s ? Number(s) : undefined));

const D = `${K}.departments`;
const departmentNames = {
  nameSq: textField(200, `${D}.errors.nameSqRequired`, `${D}.errors.nameTooLong`),
  nameSr: textField(200, `${D}.errors.nameSrRequired`, `${D}.errors.nameTooLong`),
  nameEn: textField(200, undefined, `${D}.errors.nameTooLong`),
};
const departmentForm = z.object({
  code: codeField(D, 40, /^[a-z0-9]+(-[a-z0-9]+)*$/),
  ...departmentNames,
});
const renameForm = z.object(departmentNames);

const R = `${K}.routing`;
const ruleForm = z.object({
  category: choiceId(`${R}.errors.categoryUnknown`),
  department: choiceId(`${R}.errors.departmentUnknown`).refine(
    (v) => v !== undefined,
    `${R}.errors.departmentRequired`,
  ),
});

const T = `${K}.templates`;
const templateForm = z.object({
  code: codeField(T, 60, /^[a-z0-9]+([_-][a-z0-9]+)*$/),
  language: z.enum(ALL_LANGUAGES, { error: `${T}.errors.languageInvalid` }),
  appliesTo: z
    .string()
    .optional()
    .transform((s) => s ?? ""),
  title: textField(200, `${T}.errors.titleRequired`, `${T}.errors.titleTooLong`),
  body: textField(5000, `${T}.errors.bodyRequired`, `${T}.errors.bodyTooLong`).superRefine((body, ctx) => {
    const [unknown] = unknownPlaceholders(body);
    if (unknown !== undefined) ctx.addIssue({ code: "custom", message: `${T}.errors.unknownPlaceholder` });
  }),
});

const S = `${K}.standards`;
const amount = z
  .string({ error: `${S}.errors.amountRequired` })
  .trim()
  .min(1, `${S}.errors.amountRequired`)
  .regex(/^\d{1,3}$/, `${S}.errors.amountInvalid`)
  .transform(Number);
const standardForm = z.object({
  category: choiceId(`${S}.errors.categoryRequired`).refine(
    (v) => v !== undefined,
    `${S}.errors.categoryRequired`,
  ),
  priority: z
    .string()
    .optional()
    .transform((s) => s ?? "")
    .refine((s) => s === "" || (PRIORITIES as readonly string[]).includes(s), `${S}.errors.priorityInvalid`)
    .transform((s) => (s === "" ? null : (s as Priority))),
  unit: z.enum(["working_days", "calendar_days", "hours"], { error: `${S}.errors.unitInvalid` }),
  ack: amount,
  firstResponse: amount,
  resolution: amount,
  note: textField(500, undefined, `${S}.errors.noteTooLong`),
});

const parseId = (v: string) => (/^\d{1,9}$/.test(v) ? Number(v) : undefined);
const valuesOf = (body: unknown, fields: readonly string[]): Values =>
  Object.fromEntries(fields.map((f) => [f, typed(body, f)]));

/** The SQLSTATE of a database error, through the wrappers a driver or Drizzle puts around it. */
function pgCode(e: unknown): string | undefined {
  let x: unknown = e;
  for (let depth = 0; x && typeof x === "object" && depth < 5; depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    x = (x as { cause?: unknown }).cause;
  }
  return undefined;
}
const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";

const categoryStandard = (c: Category): Standard => ({
  unit: c.slaUnit as SlaUnit,
  ackWithin: c.ackWithin,
  firstResponseWithin: c.firstResponseWithin,
  resolutionWithin: c.resolutionWithin,
});
const standardOf = (row: typeof slaStandards.$inferSelect): Standard => ({
  unit: row.unit as SlaUnit,
  ackWithin: row.ackWithin,
  firstResponseWithin: row.firstResponseWithin,
  resolutionWithin: row.resolutionWithin,
});
const sameStandard = (a: Standard, b: Standard) =>
  a.unit === b.unit &&
  a.ackWithin === b.ackWithin &&
  a.firstResponseWithin === b.firstResponseWithin &&
  a.resolutionWithin === b.resolutionWithin;
const AMOUNT_OF: Record<ClockName, keyof Omit<Standard, "unit">> = {
  ack: "ackWithin",
  firstResponse: "firstResponseWithin",
  resolution: "resolutionWithin",
};

export async function municipalAdminRoutes(app: FastifyInstance) {
  const { database, clock, profile } = app.deps;
  const db = database.db;

  // ── Who is asking.

  /**
   * The municipality of the page when the actor may take the section's action there; otherwise answered:
   * log in first, or not found (an unknown municipality and a refusal look the same, as on the staff page).
   */
  async function municipalityFor(
    req: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
    allowed: (actor: FastifyRequest["actor"], subject: { municipalityId: number }) => boolean,
  ): Promise<Municipality | undefined> {
    const [m] = await db
      .select({
        id: municipalities.id,
        slug: municipalities.slug,
        name: municipalities.name,
        languages: municipalities.languages,
        active: municipalities.active,
      })
      .from(municipalities)
      .where(eq(municipalities.slug, req.params.slug))
      .limit(1);
    if (!m?.active) return void (await notFound(req, reply));
    if (!req.user) {
      const next = req.method === "GET" ? req.url : adminPath(m.slug);
      return void (await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303));
    }
    if (!allowed(req.actor, { municipalityId: m.id })) return void (await notFound(req, reply));
    return { id: m.id, slug: m.slug, name: m.name, languages: m.languages };
  }
  const guard =
    (section: Section) => (req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) =>
      municipalityFor(req, reply, (actor, subject) => can(actor, ACTION_OF[section], subject));

  const frame = (req: FastifyRequest, reply: FastifyReply, m: Municipality, status: number) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    const notice =
      status === 200 && typeof done === "string" && DONE.has(done) ? req.t(`${K}.done.${done}`) : undefined;
    return {
      ctx: pageContext(req, reply),
      municipality: { name: localized(m.name, req.lang), slug: m.slug, languages: m.languages },
      ...(notice ? { notice } : {}),
    };
  };
  const doneAt = (reply: FastifyReply, m: Municipality, rest: string, done: string, anchor = "") =>
    reply.redirect(`${adminPath(m.slug, rest)}?done=${done}${anchor}`, 303);

  const audit = (
    tx: AuditWriter,
    req: FastifyRequest,
    m: Municipality,
    action: string,
    subject: { type: string; id: number | string },
    data: Record<string, unknown>,
  ) =>
    appendAudit(tx, {
      at: clock.now(),
      actorId: req.user?.id ?? null,
      action,
      subjectType: subject.type,
      subjectId: String(subject.id),
      municipalityId: m.id,
      ip: req.ip,
      data,
    });

  /** Takes the municipality's row lock for set-up changes that renumber (routing rules), so two admins queue. */
  const lockMunicipality = (tx: Pick<Db, "select">, m: Municipality) =>
    tx
      .select({ id: municipalities.id })
      .from(municipalities)
      .where(eq(municipalities.id, m.id))
      .for("no key update");

  /** Active categories a municipality can receive: the national ones and its own. */
  async function categoriesOf(m: Municipality): Promise<Category[]> {
    return db
      .select()
      .from(categories)
      .where(
        and(
          eq(categories.active, true),
          or(isNull(categories.municipalityId), eq(categories.municipalityId, m.id)),
        ),
      )
      .orderBy(asc(categories.type), asc(categories.id));
  }

  /** Categories grouped by type for a select, named in the page language. */
  function categoryGroups(
    req: FastifyRequest,
    list: Category[],
    value: (c: Category) => string,
  ): ChoiceGroup[] {
    const collator = new Intl.Collator(htmlLang(req.lang));
    return CASE_TYPES.map((type) => ({
      label: req.t(`caseType.${type}`),
      options: list
        .filter((c) => c.type === type)
        .map((c) => ({ value: value(c), label: localized(c.name, req.lang) }))
        .sort((a, b) => collator.compare(a.label, b.label)),
    })).filter((g) => g.options.length > 0);
  }

  // ── The index.

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/admin",
    { config: { page: { sample: "/m/prishtine/admin", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await municipalityFor(req, reply, (actor, subject) =>
        SECTIONS.some((s) => can(actor, ACTION_OF[s], subject)),
      );
      if (!m) return reply;
      const sections = SECTIONS.filter((s) => can(req.actor, ACTION_OF[s], { municipalityId: m.id }));
      // Pages of their own elsewhere: webhooks (src/notifications/web), onboarding (src/onboarding), and
      // what the ministry changed in the national standards (src/standards).
      const may = (allowed: boolean, key: string, href: string) => (allowed ? [{ key, href }] : []);
      const links = [
        ...may(mayConfigure(req.actor, m.id), "onboarding", adminPath(m.slug, "/onboarding")),
        ...may(mayChooseCategories(req.actor, m.id), "categories", adminPath(m.slug, "/categories")),
        ...may(mayConfigure(req.actor, m.id), "languages", adminPath(m.slug, "/languages")),
        ...may(mayImportStaff(req.actor, m.id), "staffImport", adminPath(m.slug, "/staff/import")),
        ...may(
          can(req.actor, "webhook.manage", { municipalityId: m.id }),
          "webhooks",
          adminPath(m.slug, "/webhooks"),
        ),
        { key: "nationalChanges", href: "/standards/changes" },
      ];
      return sendPage(
        reply,
        <AdminIndexPage {...frame(req, reply, m, 200)} sections={sections} links={links} />,
      );
    },
  );

  // ── Departments.

  async function departmentRows(m: Municipality): Promise<(DepartmentRow & { id: number })[]> {
    const [rows, staff, caseCounts, rules] = await Promise.all([
      db.select().from(departments).where(eq(departments.municipalityId, m.id)),
      db
        .select({ id: roleAssignments.departmentId, n: count() })
        .from(roleAssignments)
        .where(eq(roleAssignments.municipalityId, m.id))
        .groupBy(roleAssignments.departmentId),
      db
        .select({ id: cases.departmentId, n: count() })
        .from(cases)
        .where(eq(cases.municipalityId, m.id))
        .groupBy(cases.departmentId),
      db
        .select({ id: routingRules.departmentId, n: count() })
        .from(routingRules)
        .where(eq(routingRules.municipalityId, m.id))
        .groupBy(routingRules.departmentId),
    ]);
    const countOf = (list: { id: number | null; n: number }[], id: number) =>
      list.find((x) => x.id === id)?.n ?? 0;
    return rows.map((d) => ({
      id: d.id,
      code: d.code,
      name: d.name,
      staff: countOf(staff, d.id),
      cases: countOf(caseCounts, d.id),
      rules: countOf(rules, d.id),
    }));
  }

  async function sendDepartments(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    form: Form,
    status = 200,
  ) {
    const collator = new Intl.Collator(htmlLang(req.lang));
    const rows = (await departmentRows(m)).sort((a, b) =>
      collator.compare(localized(a.name, req.lang), localized(b.name, req.lang)),
    );
    return sendPage(
      reply,
      <DepartmentsPage {...frame(req, reply, m, status)} departments={rows} {...form} />,
      status,
    );
  }

  const namesOf = (v: { nameSq: string; nameSr: string; nameEn: string }): LocalizedText => ({
    sq: v.nameSq,
    sr: v.nameSr,
    ...(v.nameEn ? { en: v.nameEn } : {}),
  });

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/admin/departments",
    { config: { page: { sample: "/m/prishtine/admin/departments", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await guard("departments")(req, reply);
      if (!m) return reply;
      return sendDepartments(req, reply, m, EMPTY);
    },
  );

  app.post<{ Params: { slug: string } }>("/m/:slug/admin/departments", async (req, reply) => {
    const m = await guard("departments")(req, reply);
    if (!m) return reply;
    const values = valuesOf(req.body, DEPARTMENT_FIELDS);
    const form = check(departmentForm, req.body);
    if (!form.ok) return sendDepartments(req, reply, m, { values, errors: form.errors }, 422);
    const { code } = form.value;
    const name = namesOf(form.value);
    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(departments)
        .values({ municipalityId: m.id, code, name })
        .onConflictDoNothing({ target: [departments.municipalityId, departments.code] })
        .returning({ id: departments.id });
      if (row)
        await audit(tx, req, m, "department.created", { type: "department", id: row.id }, { code, name });
      return row;
    });
    if (!created)
      return sendDepartments(req, reply, m, { values, errors: { code: `${D}.errors.codeTaken` } }, 422);
    return doneAt(reply, m, "/departments", "department_created");
  });

  async function oneDepartment(m: Municipality, code: string) {
    return (await departmentRows(m)).find((d) => d.code === code);
  }

  async function sendDepartment(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    department: DepartmentRow,
    form: Form,
    status = 200,
  ) {
    const values =
      Object.keys(form.values).length > 0
        ? form.values
        : { nameSq: department.name.sq, nameSr: department.name.sr, nameEn: department.name.en ?? "" };
    return sendPage(
      reply,
      <DepartmentPage
        {...frame(req, reply, m, status)}
        department={department}
        values={values}
        errors={form.errors}
      />,
      status,
    );
  }

  type DepartmentParams = { Params: { slug: string; code: string } };

  app.get<DepartmentParams>(
    "/m/:slug/admin/departments/:code",
    { config: { page: { sample: "/m/prishtine/admin/departments/public-services", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await guard("departments")(req, reply);
      if (!m) return reply;
      const department = await oneDepartment(m, req.params.code);
      if (!department) return notFound(req, reply);
      return sendDepartment(req, reply, m, department, EMPTY);
    },
  );

  app.post<DepartmentParams>("/m/:slug/admin/departments/:code", async (req, reply) => {
    const m = await guard("departments")(req, reply);
    if (!m) return reply;
    const department = await oneDepartment(m, req.params.code);
    if (!department) return notFound(req, reply);
    const values = valuesOf(req.body, ["nameSq", "nameSr", "nameEn"]);
    const form = check(renameForm, req.body);
    if (!form.ok) return sendDepartment(req, reply, m, department, { values, errors: form.errors }, 422);
    const name = namesOf(form.value);
    await db.transaction(async (tx) => {
      await tx.update(departments).set({ name }).where(eq(departments.id, department.id));
      await audit(
        tx,
        req,
        m,
        "department.renamed",
        { type: "department", id: department.id },
        { code: department.code, from: department.name, to: name },
      );
    });
    return doneAt(reply, m, `/departments/${encodeURIComponent(department.code)}`, "department_renamed");
  });

  app.post<DepartmentParams>("/m/:slug/admin/departments/:code/delete", async (req, reply) => {
    const m = await guard("departments")(req, reply);
    if (!m) return reply;
    const department = await oneDepartment(m, req.params.code);
    if (!department) return notFound(req, reply);
    let outcome: "deleted" | "in_use";
    try {
      outcome = await db.transaction(async (tx) => {
        // Locked, then counted: staff or a case added meanwhile waits for this and then finds it gone or kept.
        await tx
          .select({ id: departments.id })
          .from(departments)
          .where(eq(departments.id, department.id))
          .for("update");
        const [[staff], [assigned]] = await Promise.all([
          tx
            .select({ n: count() })
            .from(roleAssignments)
            .where(eq(roleAssignments.departmentId, department.id)),
          tx.select({ n: count() }).from(cases).where(eq(cases.departmentId, department.id)),
        ]);
        if ((staff?.n ?? 0) > 0 || (assigned?.n ?? 0) > 0) return "in_use" as const;
        // Its routing rules go with it (they could send cases nowhere); the audit entry says how many.
        const rules = await tx
          .delete(routingRules)
          .where(eq(routingRules.departmentId, department.id))
          .returning({ id: routingRules.id });
        await tx.delete(departments).where(eq(departments.id, department.id));
        await audit(
          tx,
          req,
          m,
          "department.deleted",
          { type: "department", id: department.id },
          { code: department.code, name: department.name, routingRulesDeleted: rules.map((r) => r.id) },
        );
        return "deleted" as const;
      });
    } catch (e) {
      if (pgCode(e) !== FOREIGN_KEY_VIOLATION) throw e;
      outcome = "in_use";
    }
    if (outcome === "in_use") {
      const now = (await oneDepartment(m, department.code)) ?? department;
      return sendDepartment(req, reply, m, now, { values: {}, errors: { form: `${D}.errors.inUse` } }, 409);
    }
    forgetReferenceData(db);
    return doneAt(reply, m, "/departments", "department_deleted");
  });

  // ── Routing rules.

  async function sendRouting(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    form: Form,
    status = 200,
  ) {
    const [rules, deps, cats] = await Promise.all([
      db
        .select()
        .from(routingRules)
        .where(eq(routingRules.municipalityId, m.id))
        .orderBy(asc(routingRules.position), asc(routingRules.id)),
      db.select().from(departments).where(eq(departments.municipalityId, m.id)),
      categoriesOf(m),
    ]);
    // Rules may name a category since switched off or retired: they are listed by whatever name it has.
    const allCategories = new Map(
      (
        await db
          .select()
          .from(categories)
          .where(or(isNull(categories.municipalityId), eq(categories.municipalityId, m.id)))
      ).map((c) => [c.id, c]),
    );
    const depName = new Map(deps.map((d) => [d.id, localized(d.name, req.lang)]));
    const collator = new Intl.Collator(htmlLang(req.lang));
    return sendPage(
      reply,
      <RoutingPage
        {...frame(req, reply, m, status)}
        rules={rules.map((r) => {
          const c = r.categoryId === null ? undefined : allCategories.get(r.categoryId);
          return {
            id: r.id,
            category: c ? `${localized(c.name, req.lang)} (${req.t(`caseType.${c.type}`)})` : null,
            area: r.area ? areaSize(r.area) : null,
            department: depName.get(r.departmentId) ?? "",
          };
        })}
        categories={categoryGroups(req, cats, (c) => String(c.id))}
        departments={deps
          .map((d) => ({ value: String(d.id), label: localized(d.name, req.lang) }))
          .sort((a, b) => collator.compare(a.label, b.label))}
        {...form}
      />,
      status,
    );
  }

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/admin/routing",
    { config: { page: { sample: "/m/prishtine/admin/routing", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await guard("routing")(req, reply);
      if (!m) return reply;
      return sendRouting(req, reply, m, EMPTY);
    },
  );

  app.post<{ Params: { slug: string } }>("/m/:slug/admin/routing", async (req, reply) => {
    const m = await guard("routing")(req, reply);
    if (!m) return reply;
    // The area is kept whole (a pasted outline can be long), the others as typed.
    const rawArea = (req.body as { area?: unknown } | undefined)?.area;
    const areaText = typeof rawArea === "string" ? rawArea : "";
    const values = { ...valuesOf(req.body, ["category", "department"]), area: areaText };
    const form = check(ruleForm, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    const [cats, deps] = await Promise.all([
      categoriesOf(m),
      db.select({ id: departments.id }).from(departments).where(eq(departments.municipalityId, m.id)),
    ]);
    if (form.ok && form.value.category !== undefined && !cats.some((c) => c.id === form.value.category))
      errors.category = `${R}.errors.categoryUnknown`;
    if (form.ok && !deps.some((d) => d.id === form.value.department))
      errors.department = `${R}.errors.departmentUnknown`;
    const area = parseArea(areaText, profile.bounds);
    if (!area.ok) errors.area = `${R}.errors.area_${area.problem}`;
    if (!form.ok || !area.ok || Object.keys(errors).length > 0)
      return sendRouting(req, reply, m, { values, errors }, 422);
    const categoryId = form.value.category ?? null;
    const departmentId = form.value.department!;
    await db.transaction(async (tx) => {
      await lockMunicipality(tx, m);
      const [last] = await tx
        .select({ position: max(routingRules.position) })
        .from(routingRules)
        .where(eq(routingRules.municipalityId, m.id));
      const position = (last?.position ?? -1) + 1;
      const [rule] = await tx
        .insert(routingRules)
        .values({ municipalityId: m.id, categoryId, departmentId, area: area.area, position })
        .returning({ id: routingRules.id });
      await audit(
        tx,
        req,
        m,
        "routing_rule.added",
        { type: "routing_rule", id: rule!.id },
        { categoryId, departmentId, area: area.area, position },
      );
    });
    forgetReferenceData(db);
    return doneAt(reply, m, "/routing", "rule_added");
  });

  type RuleParams = { Params: { slug: string; id: string } };

  /**
   * Changes the order of a municipality's rules under its lock: `change` gets the ids in order and returns
   * the new order (or undefined when the rule is not there); positions are written 0, 1, 2… again, which
   * also mends equal positions left by two rules added at one instant.
   */
  async function reorder(
    req: FastifyRequest,
    m: Municipality,
    ruleId: number,
    change: (ids: number[]) => number[] | undefined,
    entry: (ids: number[], next: number[]) => { action: string; data: Record<string, unknown> },
    remove = false,
  ): Promise<boolean> {
    return db.transaction(async (tx) => {
      await lockMunicipality(tx, m);
      const rows = await tx
        .select({ id: routingRules.id, position: routingRules.position })
        .from(routingRules)
        .where(eq(routingRules.municipalityId, m.id))
        .orderBy(asc(routingRules.position), asc(routingRules.id));
      const ids = rows.map((r) => r.id);
      const next = change(ids);
      if (!next) return false;
      if (remove) await tx.delete(routingRules).where(eq(routingRules.id, ruleId));
      for (const [position, id] of next.entries()) {
        if (rows.find((r) => r.id === id)?.position !== position)
          await tx.update(routingRules).set({ position }).where(eq(routingRules.id, id));
      }
      const { action, data } = entry(ids, next);
      await audit(tx, req, m, action, { type: "routing_rule", id: ruleId }, data);
      return true;
    });
  }

  app.post<RuleParams>("/m/:slug/admin/routing/:id/move", async (req, reply) => {
    const m = await guard("routing")(req, reply);
    if (!m) return reply;
    const id = parseId(req.params.id);
    const direction = typed(req.body, "direction");
    if (id === undefined) return notFound(req, reply);
    if (direction !== "up" && direction !== "down") return sendError(req, reply, 400, "bad_request");
    const step = direction === "up" ? -1 : 1;
    const moved = await reorder(
      req,
      m,
      id,
      (ids) => {
        const at = ids.indexOf(id);
        if (at < 0) return undefined;
        const to = Math.min(Math.max(at + step, 0), ids.length - 1);
        const next = [...ids];
        [next[at], next[to]] = [next[to]!, next[at]!];
        return next;
      },
      (ids, next) => ({
        action: "routing_rule.moved",
        data: { direction, from: ids.indexOf(id), to: next.indexOf(id) },
      }),
    );
    if (!moved) return notFound(req, reply);
    forgetReferenceData(db);
    return doneAt(reply, m, "/routing", "rule_moved");
  });

  app.post<RuleParams>("/m/:slug/admin/routing/:id/delete", async (req, reply) => {
    const m = await guard("routing")(req, reply);
    if (!m) return reply;
    const id = parseId(req.params.id);
    if (id === undefined) return notFound(req, reply);
    const [rule] = await db
      .select()
      .from(routingRules)
      .where(and(eq(routingRules.id, id), eq(routingRules.municipalityId, m.id)));
    if (!rule) return notFound(req, reply);
    const deleted = await reorder(
      req,
      m,
      id,
      (ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : undefined),
      (ids) => ({
        action: "routing_rule.deleted",
        data: {
          position: ids.indexOf(id),
          categoryId: rule.categoryId,
          departmentId: rule.departmentId,
          area: rule.area,
        },
      }),
      true,
    );
    if (!deleted) return notFound(req, reply);
    forgetReferenceData(db);
    return doneAt(reply, m, "/routing", "rule_deleted");
  });

  // ── Response templates.

  /** What a template applies to, in words: a category, every input of a type, or every input. */
  function appliesToText(
    req: FastifyRequest,
    row: { type: string | null; categoryId: number | null },
    byId: Map<number, Category>,
  ) {
    const c = row.categoryId === null ? undefined : byId.get(row.categoryId);
    if (c) return `${localized(c.name, req.lang)} (${req.t(`caseType.${c.type}`)})`;
    if (row.type) return req.t(`${T}.everyOfType`, { type: req.t(`caseType.${row.type}`) });
    return req.t(`${T}.appliesAll`);
  }

  function appliesToChoices(req: FastifyRequest, cats: Category[]): ChoiceGroup[] {
    return [
      {
        label: req.t(`${T}.typesGroup`),
        options: CASE_TYPES.map((type) => ({
          value: `type:${type}`,
          label: req.t(`${T}.everyOfType`, { type: req.t(`caseType.${type}`) }),
        })),
      },
      ...categoryGroups(req, cats, (c) => `category:${c.id}`),
    ];
  }

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/admin/templates",
    { config: { page: { sample: "/m/prishtine/admin/templates", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await guard("templates")(req, reply);
      if (!m) return reply;
      const [rows, cats] = await Promise.all([
        db
          .select()
          .from(responseTemplates)
          .where(or(isNull(responseTemplates.municipalityId), eq(responseTemplates.municipalityId, m.id)))
          .orderBy(asc(responseTemplates.code), asc(responseTemplates.language)),
        db.select().from(categories),
      ]);
      const byId = new Map(cats.map((c) => [c.id, c]));
      const templates = rows
        // The ministry's retired templates are no concern of a municipality; its own inactive ones are.
        .filter((r) => r.municipalityId !== null || r.active)
        .map((r) => ({
          id: r.id,
          own: r.municipalityId !== null,
          code: r.code,
          language: r.language,
          title: r.title,
          body: r.body,
          appliesTo: appliesToText(req, r, byId),
          active: r.active,
        }));
      return sendPage(reply, <TemplatesPage {...frame(req, reply, m, 200)} templates={templates} />);
    },
  );

  async function sendTemplateForm(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    template: { id: number; active: boolean } | undefined,
    form: Form,
    status = 200,
  ) {
    const cats = await categoriesOf(m);
    return sendPage(
      reply,
      <TemplateFormPage
        {...frame(req, reply, m, status)}
        {...(template ? { template } : {})}
        appliesTo={appliesToChoices(req, cats)}
        {...form}
      />,
      status,
    );
  }

  /** The template form read and checked, with the type and category its "applies to" choice stands for. */
  async function readTemplateForm(req: FastifyRequest, m: Municipality) {
    const values = valuesOf(req.body, TEMPLATE_FIELDS);
    const form = check(templateForm, req.body);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    // Turkish and Bosnian only where the municipality switched them on (its cases can be in them).
    if (form.ok && !offeredLanguages(m.languages).includes(form.value.language))
      errors.language = `${T}.errors.languageInvalid`;
    if (errors.body === `${T}.errors.unknownPlaceholder`) {
      const [unknown] = unknownPlaceholders(values.body!);
      errors.body = [`${T}.errors.unknownPlaceholder`, { placeholder: `{{${unknown}}}` }];
    }
    let scope: { type: string | null; categoryId: number | null } | undefined = {
      type: null,
      categoryId: null,
    };
    const choice = values.appliesTo!;
    if (choice.startsWith("type:")) {
      const type = CASE_TYPES.find((x) => `type:${x}` === choice);
      scope = type ? { type, categoryId: null } : undefined;
    } else if (choice.startsWith("category:")) {
      const id = parseId(choice.slice("category:".length));
      const c = id === undefined ? undefined : (await categoriesOf(m)).find((x) => x.id === id);
      scope = c ? { type: c.type, categoryId: c.id } : undefined;
    } else if (choice !== "") scope = undefined;
    if (!scope) errors.appliesTo = `${T}.errors.appliesToInvalid`;
    return form.ok && scope && Object.keys(errors).length === 0
      ? ({ ok: true, values, value: { ...form.value, ...scope } } as const)
      : ({ ok: false, values, errors } as const);
  }

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/admin/templates/new",
    { config: { page: { sample: "/m/prishtine/admin/templates/new", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await guard("templates")(req, reply);
      if (!m) return reply;
      return sendTemplateForm(req, reply, m, undefined, EMPTY);
    },
  );

  app.post<{ Params: { slug: string } }>("/m/:slug/admin/templates/new", async (req, reply) => {
    const m = await guard("templates")(req, reply);
    if (!m) return reply;
    const form = await readTemplateForm(req, m);
    if (!form.ok) return sendTemplateForm(req, reply, m, undefined, form, 422);
    const v = form.value;
    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(responseTemplates)
        .values({
          municipalityId: m.id,
          code: v.code,
          language: v.language,
          type: v.type,
          categoryId: v.categoryId,
          title: v.title,
          body: v.body,
        })
        .onConflictDoNothing({
          target: [responseTemplates.municipalityId, responseTemplates.code, responseTemplates.language],
          where: sql`municipality_id is not null`,
        })
        .returning({ id: responseTemplates.id });
      if (row)
        await audit(
          tx,
          req,
          m,
          "response_template.created",
          { type: "response_template", id: row.id },
          { ...v },
        );
      return row;
    });
    if (!created)
      return sendTemplateForm(
        req,
        reply,
        m,
        undefined,
        { values: form.values, errors: { code: `${T}.errors.codeTaken` } },
        422,
      );
    return doneAt(reply, m, "/templates", "template_created");
  });

  type TemplateParams = { Params: { slug: string; id: string } };

  /** One of the municipality's own templates (a national one is not theirs to change). */
  async function ownTemplate(m: Municipality, idText: string) {
    const id = parseId(idText);
    if (id === undefined) return undefined;
    const [row] = await db
      .select()
      .from(responseTemplates)
      .where(and(eq(responseTemplates.id, id), eq(responseTemplates.municipalityId, m.id)));
    return row;
  }

  const appliesToValue = (r: { type: string | null; categoryId: number | null }) =>
    r.categoryId !== null ? `category:${r.categoryId}` : r.type ? `type:${r.type}` : "";

  app.get<TemplateParams>("/m/:slug/admin/templates/:id", async (req, reply) => {
    const m = await guard("templates")(req, reply);
    if (!m) return reply;
    const row = await ownTemplate(m, req.params.id);
    if (!row) return notFound(req, reply);
    const values = {
      code: row.code,
      language: row.language,
      appliesTo: appliesToValue(row),
      title: row.title,
      body: row.body,
    };
    return sendTemplateForm(req, reply, m, row, { values, errors: {} });
  });

  app.post<TemplateParams>("/m/:slug/admin/templates/:id", async (req, reply) => {
    const m = await guard("templates")(req, reply);
    if (!m) return reply;
    const row = await ownTemplate(m, req.params.id);
    if (!row) return notFound(req, reply);
    const form = await readTemplateForm(req, m);
    if (!form.ok) return sendTemplateForm(req, reply, m, row, form, 422);
    const v = form.value;
    try {
      await db.transaction(async (tx) => {
        await tx
          .update(responseTemplates)
          .set({ ...v, updatedAt: clock.now() })
          .where(eq(responseTemplates.id, row.id));
        const before = {
          code: row.code,
          language: row.language,
          type: row.type,
          categoryId: row.categoryId,
          title: row.title,
          body: row.body,
        };
        await audit(
          tx,
          req,
          m,
          "response_template.updated",
          { type: "response_template", id: row.id },
          { before, after: v },
        );
      });
    } catch (e) {
      if (pgCode(e) !== UNIQUE_VIOLATION) throw e;
      return sendTemplateForm(
        req,
        reply,
        m,
        row,
        { values: form.values, errors: { code: `${T}.errors.codeTaken` } },
        422,
      );
    }
    return doneAt(reply, m, `/templates/${row.id}`, "template_updated");
  });

  app.post<TemplateParams>("/m/:slug/admin/templates/:id/active", async (req, reply) => {
    const m = await guard("templates")(req, reply);
    if (!m) return reply;
    const row = await ownTemplate(m, req.params.id);
    if (!row) return notFound(req, reply);
    const wanted = typed(req.body, "active");
    if (wanted !== "0" && wanted !== "1") return sendError(req, reply, 400, "bad_request");
    const active = wanted === "1";
    if (active !== row.active) {
      await db.transaction(async (tx) => {
        await tx
          .update(responseTemplates)
          .set({ active, updatedAt: clock.now() })
          .where(eq(responseTemplates.id, row.id));
        await audit(
          tx,
          req,
          m,
          active ? "response_template.activated" : "response_template.deactivated",
          { type: "response_template", id: row.id },
          { code: row.code, language: row.language },
        );
      });
    }
    return doneAt(reply, m, `/templates/${row.id}`, active ? "template_activated" : "template_deactivated");
  });

  // ── Response standards.

  /** The national rules of one category: its own standard first, then the national rows that refine it. */
  function nationalRules(
    c: Category,
    national: (typeof slaStandards.$inferSelect)[],
    byId: Map<number, Category>,
  ) {
    const own: StandardRule = { type: c.type, category: c.code, standard: categoryStandard(c) };
    const rows = national.map(
      (r): StandardRule => ({
        type: r.type,
        category: r.categoryId === null ? undefined : byId.get(r.categoryId)?.code,
        priority: (r.priority ?? undefined) as Priority | undefined,
        standard: standardOf(r),
      }),
    );
    // The category's own row first: of equally specific rows the first wins (as referenceCache.ts reads them).
    return [own, ...rows];
  }

  /** The national standard a municipal row for this category (and priority, or none: every priority) must not loosen. */
  function nationalFor(c: Category, rules: StandardRule[], priority: Priority | null): Standard {
    const key = { type: c.type, category: c.code, priority: priority ?? ("normal" as const) };
    if (priority === null)
      return ruleFor(
        rules.filter((r) => r.priority === undefined),
        key,
      )!.standard;
    return resolveStandard({ national: rules }, key)!.standard;
  }

  async function standardsData(m: Municipality) {
    const [cats, all, rows] = await Promise.all([
      categoriesOf(m),
      db.select().from(categories),
      db
        .select()
        .from(slaStandards)
        .where(or(isNull(slaStandards.municipalityId), eq(slaStandards.municipalityId, m.id))),
    ]);
    const byId = new Map(all.map((c) => [c.id, c]));
    return {
      cats,
      byId,
      national: rows.filter((r) => r.municipalityId === null),
      municipal: rows.filter((r) => r.municipalityId === m.id),
    };
  }

  async function sendStandards(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    form: Form,
    status = 200,
  ) {
    const { cats, byId, national, municipal } = await standardsData(m);
    const collator = new Intl.Collator(htmlLang(req.lang));
    const order = (p: string | null) => (p === null ? -1 : PRIORITIES.indexOf(p as Priority));
    const rows: StandardRow[] = CASE_TYPES.flatMap((type) =>
      cats
        .filter((c) => c.type === type)
        .sort((a, b) => collator.compare(localized(a.name, req.lang), localized(b.name, req.lang)))
        .map((c) => {
          const rules = nationalRules(c, national, byId);
          const base = nationalFor(c, rules, null);
          const byPriority = PRIORITIES.map((p) => ({
            priority: p,
            standard: nationalFor(c, rules, p),
          })).filter((x) => !sameStandard(x.standard, base));
          return {
            category: `${localized(c.name, req.lang)} (${req.t(`caseType.${c.type}`)})`,
            national: [{ priority: null, standard: base }, ...byPriority],
            municipal: municipal
              .filter((r) => r.categoryId === c.id)
              .sort((a, b) => order(a.priority) - order(b.priority))
              .map((r) => ({ id: r.id, priority: r.priority, standard: standardOf(r), note: r.note })),
          };
        }),
    );
    return sendPage(
      reply,
      <StandardsPage
        {...frame(req, reply, m, status)}
        rows={rows}
        categories={categoryGroups(req, cats, (c) => String(c.id))}
        {...form}
      />,
      status,
    );
  }

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/admin/standards",
    { config: { page: { sample: "/m/prishtine/admin/standards", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await guard("standards")(req, reply);
      if (!m) return reply;
      return sendStandards(req, reply, m, EMPTY);
    },
  );

  app.post<{ Params: { slug: string } }>("/m/:slug/admin/standards", async (req, reply) => {
    const m = await guard("standards")(req, reply);
    if (!m) return reply;
    const values = valuesOf(req.body, STANDARD_FIELDS);
    const form = check(standardForm, req.body);
    if (!form.ok) return sendStandards(req, reply, m, { values, errors: form.errors }, 422);
    const v = form.value;
    const { cats, byId, national } = await standardsData(m);
    const category = cats.find((c) => c.id === v.category);
    if (!category)
      return sendStandards(
        req,
        reply,
        m,
        { values, errors: { category: `${S}.errors.categoryRequired` } },
        422,
      );
    const standard: Standard = {
      unit: v.unit,
      ackWithin: v.ack,
      firstResponseWithin: v.firstResponse,
      resolutionWithin: v.resolution,
    };
    const rules = nationalRules(category, national, byId);
    const base = nationalFor(category, rules, v.priority);
    const tighter = checkTighter(base, standard);
    if (!tighter.ok) {
      const n = base[AMOUNT_OF[tighter.clock]];
      const reason =
        tighter.reason === "looser_than_national" && v.unit === "working_days" && base.unit !== "working_days"
          ? "working_days_not_comparable"
          : tighter.reason;
      const error: FieldErrors[string] = [
        `${S}.errors.${reason}`,
        {
          clock: req.t(`${S}.clock.${tighter.clock}`),
          national: req.t(`${S}.amount.${base.unit}`, { count: n }),
        },
      ];
      return sendStandards(req, reply, m, { values, errors: { [tighter.clock]: error } }, 422);
    }
    // A national change decided for a later day binds too: accepted now, the rule would be looser on that
    // day (and dropped by resolveStandard). A change recorded while this one is saved is the scheduler's to
    // report (src/standards/standardsScheduler.ts).
    const key = { type: category.type, category: category.code };
    const ahead = looserAhead({
      key,
      rules,
      pending: await pendingSlaChanges(db, key),
      priority: v.priority,
      own: standard,
    });
    if (ahead) {
      const error: FieldErrors[string] = [
        `${S}.errors.looser_than_pending`,
        {
          clock: req.t(`${S}.clock.${ahead.clock}`),
          national: req.t(`${S}.amount.${ahead.national.unit}`, {
            count: ahead.national[AMOUNT_OF[ahead.clock]],
          }),
          date: formatLocalDate(req.lang, ahead.appliesFrom),
        },
      ];
      return sendStandards(req, reply, m, { values, errors: { [ahead.clock]: error } }, 422);
    }
    const note = v.note || null;
    const saved = async () =>
      db.transaction(async (tx) => {
        const [existing] = await tx
          .select()
          .from(slaStandards)
          .where(
            and(
              eq(slaStandards.municipalityId, m.id),
              eq(slaStandards.type, category.type),
              eq(slaStandards.categoryId, category.id),
              v.priority === null ? isNull(slaStandards.priority) : eq(slaStandards.priority, v.priority),
            ),
          )
          .for("update");
        const columns = {
          unit: standard.unit,
          ackWithin: standard.ackWithin,
          firstResponseWithin: standard.firstResponseWithin,
          resolutionWithin: standard.resolutionWithin,
          note,
        };
        const [row] = existing
          ? await tx
              .update(slaStandards)
              .set(columns)
              .where(eq(slaStandards.id, existing.id))
              .returning({ id: slaStandards.id })
          : await tx
              .insert(slaStandards)
              .values({
                municipalityId: m.id,
                type: category.type,
                categoryId: category.id,
                priority: v.priority,
                createdBy: req.user?.id ?? null,
                ...columns,
              })
              .returning({ id: slaStandards.id });
        await audit(
          tx,
          req,
          m,
          "sla_standard.tightened",
          { type: "sla_standard", id: row!.id },
          {
            category: category.code,
            priority: v.priority,
            national: base,
            from: existing ? standardOf(existing) : null,
            to: standard,
            note,
          },
        );
      });
    try {
      await saved();
    } catch (e) {
      // Two saves of the same standard at one instant: the second finds the first's row on a second try.
      if (pgCode(e) !== UNIQUE_VIOLATION) throw e;
      await saved();
    }
    forgetReferenceData(db);
    return doneAt(reply, m, "/standards", "standard_saved");
  });

  app.post<RuleParams>("/m/:slug/admin/standards/:id/delete", async (req, reply) => {
    const m = await guard("standards")(req, reply);
    if (!m) return reply;
    const id = parseId(req.params.id);
    if (id === undefined) return notFound(req, reply);
    const removed = await db.transaction(async (tx) => {
      const [row] = await tx
        .delete(slaStandards)
        .where(and(eq(slaStandards.id, id), eq(slaStandards.municipalityId, m.id)))
        .returning();
      if (!row) return false;
      const category =
        row.categoryId === null
          ? undefined
          : (
              await tx
                .select({ code: categories.code })
                .from(categories)
                .where(eq(categories.id, row.categoryId))
            )[0];
      await audit(
        tx,
        req,
        m,
        "sla_standard.removed",
        { type: "sla_standard", id: row.id },
        {
          category: category?.code ?? null,
          type: row.type,
          priority: row.priority,
          standard: standardOf(row),
        },
      );
      return true;
    });
    if (!removed) return notFound(req, reply);
    forgetReferenceData(db);
    return doneAt(reply, m, "/standards", "standard_removed");
  });

  // The forms' addresses that are no page: coming to one (the language switch on a page with errors) leads to its page.
  const back =
    (to: (p: Record<string, string>) => string) => async (req: FastifyRequest, reply: FastifyReply) =>
      reply.redirect(to(req.params as Record<string, string>), 303);
  const slugOf = (p: Record<string, string>) => p.slug ?? "";
  app.get(
    "/m/:slug/admin/departments/:code/delete",
    back((p) => adminPath(slugOf(p), `/departments/${encodeURIComponent(p.code ?? "")}`)),
  );
  app.get(
    "/m/:slug/admin/routing/:id/move",
    back((p) => adminPath(slugOf(p), "/routing")),
  );
  app.get(
    "/m/:slug/admin/routing/:id/delete",
    back((p) => adminPath(slugOf(p), "/routing")),
  );
  app.get(
    "/m/:slug/admin/templates/:id/active",
    back((p) => adminPath(slugOf(p), `/templates/${encodeURIComponent(p.id ?? "")}`)),
  );
  app.get(
    "/m/:slug/admin/standards/:id/delete",
    back((p) => adminPath(slugOf(p), "/standards")),
  );
}
