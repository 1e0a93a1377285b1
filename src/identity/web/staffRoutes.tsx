// Staff invitations: a municipality's staff page with the invitation form, the operator's page for any
// municipality and the national roles, and the page an invitation link opens. Each route reads top to
// bottom — who is asking, validate, command, then redirect (303) or the form again (422).
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type Actor, can } from "../../access/policy.ts";
import { NATIONAL_ROLES, ROLE_SCOPE, STAFF_ROLES, type StaffRole } from "../../access/roles.ts";
import { baseUrl } from "../../app.ts";
import { departments, type LocalizedText, municipalities, roleAssignments, users } from "../../db/schema.ts";
import { LANGUAGES, type Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { acceptInvitation, findInvitation } from "../commands/acceptInvitation.ts";
import type { IdentityDeps, RequestInfo } from "../commands/deps.ts";
import {
  findAccountByEmail,
  type InviteStaffResult,
  invitationShapeProblem,
  inviteStaff,
  mayInvite,
} from "../commands/inviteStaff.ts";
import { passwordProblem } from "../passwords.ts";
import { setSessionCookie } from "./sessionPlugin.ts";
import {
  type Choice,
  InvitationExpiredPage,
  InvitationPage,
  type InvitationState,
  type InvitationView,
  MunicipalStaffPage,
  PlatformStaffPage,
  type StaffMember,
} from "./staffPages.tsx";

const MUNICIPAL_ROLES = STAFF_ROLES.filter((r) => ROLE_SCOPE[r] !== "national");

/** An optional id from a select: empty means none. */
const optionalId = z
  .string()
  .trim()
  .regex(/^(\d{1,9})?$/, "validation.invalid")
  .optional()
  .transform((v) => (v ? Number(v) : null));

const inviteForm = z.object({
  email: z
    .string({ error: "validation.email.required" })
    .trim()
    .min(1, "validation.email.required")
    .max(254, "validation.email.invalid")
    .pipe(z.email({ error: "validation.email.invalid" })),
  role: z.enum(STAFF_ROLES, { error: "validation.invalid" }),
  municipality: optionalId,
  department: optionalId,
  language: z.enum(LANGUAGES, { error: "validation.language.invalid" }),
});

/** The generic messages of the shared validation, worded for this form where they would mislead. */
const INVITE_WORDING: Record<string, string> = {
  "email:validation.email.required": "staff.errors.emailRequired",
  "role:validation.invalid": "staff.errors.role",
  "municipality:validation.invalid": "staff.errors.municipalityUnknown",
  "department:validation.invalid": "staff.errors.departmentOther",
};

/** Where each refusal of the command shows on the form. */
const REFUSAL_AT: Record<
  Exclude<Extract<InviteStaffResult, { ok: false }>["reason"], "not_allowed">,
  [string, string]
> = {
  municipality_required: ["municipality", "staff.errors.municipalityRequired"],
  municipality_not_allowed: ["municipality", "staff.errors.municipalityNotAllowed"],
  department_required: ["department", "staff.errors.departmentRequired"],
  department_not_allowed: ["department", "staff.errors.departmentNotAllowed"],
  unknown_municipality: ["municipality", "staff.errors.municipalityUnknown"],
  department_not_in_municipality: ["department", "staff.errors.departmentOther"],
  already_holds_role: ["email", "staff.errors.alreadyHolds"],
};

const acceptForm = z.object({
  name: z
    .string({ error: "validation.name.required" })
    .trim()
    .min(1, "validation.name.required")
    .max(200, "validation.name.too_long"),
  password: z
    .string({ error: "validation.password.required" })
    .min(1, "validation.password.required")
    .superRefine((pw, ctx) => {
      const problem = passwordProblem(pw);
      if (problem) ctx.addIssue({ code: "custom", message: `validation.password.${problem}` });
    }),
});

const limit = (max: number, minutes: number) => ({ rateLimit: { max, timeWindow: minutes * 60_000 } });

const parseId = (v: string) => (/^\d{1,9}$/.test(v) ? Number(v) : null);
const asRole = (v: string): StaffRole | undefined => STAFF_ROLES.find((r) => r === v);

export async function staffRoutes(app: FastifyInstance) {
  const { config, database, clock } = app.deps;
  const db = database.db;
  const deps = (): IdentityDeps => ({
    db,
    now: clock.now(),
    baseUrl: baseUrl(config),
    session: config.session,
    poke: app.deps.pokeOutbox,
  });
  const info = (req: FastifyRequest): RequestInfo => ({ ip: req.ip, userAgent: req.headers["user-agent"] });
  const toLogin = (reply: FastifyReply, next: string) =>
    reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  const byName = (lang: Language) => {
    const collator = new Intl.Collator(htmlLang(lang));
    return (a: { label: string }, b: { label: string }) => collator.compare(a.label, b.label);
  };

  /**
   * The invitation form's values and problems: the shared validation, then how role, municipality and
   * department fit together (so every problem shows at once). `municipalityId` is fixed on a
   * municipality's page and chosen on the operator's.
   */
  function readInviteForm(body: unknown, fixedMunicipalityId: number | undefined) {
    const values: Record<string, string> = {};
    for (const f of ["email", "role", "municipality", "department", "language"]) values[f] = typed(body, f);
    const form = validate(inviteForm, body);
    const errors: FieldErrors = {};
    if (!form.ok) {
      for (const [field, key] of Object.entries(form.errors))
        errors[field] = INVITE_WORDING[`${field}:${key}`] ?? key;
    }
    // On a municipality's page the municipality is the page's; whatever else was posted is ignored.
    if (fixedMunicipalityId !== undefined) delete errors.municipality;
    const role = asRole(values.role!);
    const municipalityId = fixedMunicipalityId ?? parseId(values.municipality!);
    const departmentId = parseId(values.department!);
    const shape = role ? invitationShapeProblem(role, municipalityId, departmentId) : undefined;
    if (shape) {
      // On a municipality's page a national role is simply not one of the choices.
      const [field, key] =
        shape === "municipality_not_allowed" && fixedMunicipalityId !== undefined
          ? ["role", "staff.errors.roleNotHere"]
          : REFUSAL_AT[shape];
      errors[field] ??= key;
    }
    const ok = form.ok && Object.keys(errors).length === 0;
    return {
      values,
      errors,
      role,
      municipalityId,
      departmentId,
      value: form.ok ? form.value : undefined,
      ok,
    };
  }

  /**
   * A role the actor may not invite at all, or not into the chosen municipality: answered as not found,
   * before any validation says something about it. (A municipal role with no municipality chosen yet is
   * a form problem, not a refusal.)
   */
  async function refusedOutright(actor: Actor, form: ReturnType<typeof readInviteForm>): Promise<boolean> {
    if (!form.role) return false;
    if (ROLE_SCOPE[form.role] !== "national" && form.municipalityId === null) return false;
    const [m] =
      form.municipalityId === null
        ? []
        : await db
            .select({ liveAt: municipalities.liveAt })
            .from(municipalities)
            .where(eq(municipalities.id, form.municipalityId))
            .limit(1);
    return !mayInvite(actor, form.role, form.municipalityId, m ? m.liveAt !== null : undefined);
  }

  async function inviteFrom(req: FastifyRequest, form: ReturnType<typeof readInviteForm>) {
    const v = form.value!;
    return inviteStaff(
      req.actor,
      {
        email: v.email,
        role: v.role,
        municipalityId: form.municipalityId,
        departmentId: form.departmentId,
        language: v.language,
      },
      deps(),
      info(req),
    );
  }

  /** Places a refusal of the command on the form; undefined for `not_allowed` (answered as not found). */
  function refusalErrors(
    result: Extract<InviteStaffResult, { ok: false }>,
    onMunicipalPage: boolean,
  ): FieldErrors | undefined {
    if (result.reason === "not_allowed") return undefined;
    if (result.reason === "municipality_not_allowed" && onMunicipalPage)
      return { role: "staff.errors.roleNotHere" };
    const [field, key] = REFUSAL_AT[result.reason];
    return { [field]: key };
  }

  // ── A municipality's staff.

  async function municipalStaff(municipalityId: number): Promise<StaffMember[]> {
    return db
      .select({
        name: users.name,
        email: users.email,
        role: roleAssignments.role,
        department: departments.name,
      })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .leftJoin(departments, eq(departments.id, roleAssignments.departmentId))
      .where(and(eq(roleAssignments.municipalityId, municipalityId), isNull(users.deletedAt)))
      .orderBy(asc(users.name), asc(roleAssignments.role));
  }

  async function departmentChoices(municipalityId: number, lang: Language): Promise<Choice[]> {
    const rows = await db.select().from(departments).where(eq(departments.municipalityId, municipalityId));
    return rows.map((d) => ({ value: String(d.id), label: localized(d.name, lang) })).sort(byName(lang));
  }

  /** The municipality of the page and whether the actor may invite there; answers when not. */
  async function municipalityFor(req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) {
    const [municipality] = await db
      .select()
      .from(municipalities)
      .where(eq(municipalities.slug, req.params.slug))
      .limit(1);
    if (!municipality?.active) {
      await notFound(req, reply);
      return undefined;
    }
    if (!req.user) {
      await toLogin(reply, `/m/${municipality.slug}/staff`);
      return undefined;
    }
    if (
      !can(req.actor, "staff.invite", {
        municipalityId: municipality.id,
        municipalityLive: municipality.liveAt !== null,
      })
    ) {
      await notFound(req, reply);
      return undefined;
    }
    return municipality;
  }

  async function sendMunicipalPage(
    req: FastifyRequest,
    reply: FastifyReply,
    municipality: { id: number; slug: string; name: LocalizedText },
    form: { values: Record<string, string>; errors: FieldErrors },
    status = 200,
  ) {
    const notice =
      status === 200 && (req.query as { invited?: string }).invited === "1"
        ? req.t("staff.invited")
        : undefined;
    return sendPage(
      reply,
      <MunicipalStaffPage
        ctx={pageContext(req, reply)}
        municipality={{ name: localized(municipality.name, req.lang), slug: municipality.slug }}
        staff={await municipalStaff(municipality.id)}
        roles={MUNICIPAL_ROLES}
        departments={await departmentChoices(municipality.id, req.lang)}
        values={form.values}
        errors={form.errors}
        {...(notice ? { notice } : {})}
      />,
      status,
    );
  }

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/staff",
    { config: { page: { sample: "/m/prishtine/staff", as: "admin.prishtine" } } },
    async (req, reply) => {
      const municipality = await municipalityFor(req, reply);
      if (!municipality) return reply;
      return sendMunicipalPage(req, reply, municipality, { values: {}, errors: {} });
    },
  );

  app.post<{ Params: { slug: string } }>(
    "/m/:slug/staff/invite",
    { config: limit(60, 15) },
    async (req, reply) => {
      const municipality = await municipalityFor(req, reply);
      if (!municipality) return reply;
      const form = readInviteForm(req.body, municipality.id);
      if (await refusedOutright(req.actor, form)) return notFound(req, reply);
      if (!form.ok) return sendMunicipalPage(req, reply, municipality, form, 422);
      const result = await inviteFrom(req, form);
      if (result.ok) return reply.redirect(`/m/${municipality.slug}/staff?invited=1#invite`, 303);
      const errors = refusalErrors(result, true);
      if (!errors) return notFound(req, reply);
      return sendMunicipalPage(req, reply, municipality, { values: form.values, errors }, 422);
    },
  );

  // The form's address is no page: coming to it (the language switch on a form with errors) leads to the page.
  app.get<{ Params: { slug: string } }>("/m/:slug/staff/invite", async (req, reply) =>
    reply.redirect(`/m/${encodeURIComponent(req.params.slug)}/staff`, 303),
  );
  app.get("/admin/staff/invite", async (_req, reply) => reply.redirect("/admin/staff", 303));

  // ── The operator's page: any municipality, and the national roles.

  /**
   * The roles the actor may invite from the operator's page; none means the page is not theirs. Municipal
   * roles: into the municipalities not yet live (the operator's and the ministry's `staff.invite`).
   */
  const platformRoles = (actor: Actor): StaffRole[] => [
    ...(can(actor, "staff.invite", { municipalityLive: false }) ? MUNICIPAL_ROLES : []),
    ...(can(actor, "admin.create_national") ? NATIONAL_ROLES : []),
  ];

  async function sendPlatformPage(
    req: FastifyRequest,
    reply: FastifyReply,
    form: { values: Record<string, string>; errors: FieldErrors },
    status = 200,
  ) {
    const lang = req.lang;
    const national = await db
      .select({
        name: users.name,
        email: users.email,
        role: roleAssignments.role,
        department: departments.name,
      })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .leftJoin(departments, eq(departments.id, roleAssignments.departmentId))
      .where(and(inArray(roleAssignments.role, [...NATIONAL_ROLES]), isNull(users.deletedAt)))
      .orderBy(asc(users.name));
    // Only those the page may invite into: not yet live (once live, its own admins invite).
    const munis = (
      await db
        .select()
        .from(municipalities)
        .where(and(eq(municipalities.active, true), isNull(municipalities.liveAt)))
    )
      .map((m) => ({ id: m.id, slug: m.slug, value: String(m.id), label: localized(m.name, lang) }))
      .sort(byName(lang));
    const depts = await db.select().from(departments);
    const departmentGroups = munis
      .map((m) => ({
        label: m.label,
        options: depts
          .filter((d) => d.municipalityId === m.id)
          .map((d) => ({ value: String(d.id), label: localized(d.name, lang) }))
          .sort(byName(lang)),
      }))
      .filter((g) => g.options.length > 0);
    const notice =
      status === 200 && (req.query as { invited?: string }).invited === "1"
        ? req.t("staff.invited")
        : undefined;
    return sendPage(
      reply,
      <PlatformStaffPage
        ctx={pageContext(req, reply)}
        national={national}
        municipalityLinks={munis.map((m) => ({ slug: m.slug, name: m.label }))}
        roles={platformRoles(req.actor)}
        municipalities={munis.map((m) => ({ value: m.value, label: m.label }))}
        departmentGroups={departmentGroups}
        values={form.values}
        errors={form.errors}
        {...(notice ? { notice } : {})}
      />,
      status,
    );
  }

  /** Signed in with a right to the operator's page, or answered (log in / not found). */
  async function operator(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!req.user) {
      await toLogin(reply, "/admin/staff");
      return false;
    }
    if (platformRoles(req.actor).length === 0) {
      await notFound(req, reply);
      return false;
    }
    return true;
  }

  app.get(
    "/admin/staff",
    { config: { page: { sample: "/admin/staff", as: "operator" } } },
    async (req, reply) => {
      if (!(await operator(req, reply))) return reply;
      return sendPlatformPage(req, reply, { values: {}, errors: {} });
    },
  );

  app.post("/admin/staff/invite", { config: limit(60, 15) }, async (req, reply) => {
    if (!(await operator(req, reply))) return reply;
    const form = readInviteForm(req.body, undefined);
    if (await refusedOutright(req.actor, form)) return notFound(req, reply);
    if (!form.ok) return sendPlatformPage(req, reply, form, 422);
    const result = await inviteFrom(req, form);
    if (result.ok) return reply.redirect("/admin/staff?invited=1#invite", 303);
    const errors = refusalErrors(result, false);
    if (!errors) return notFound(req, reply);
    return sendPlatformPage(req, reply, { values: form.values, errors }, 422);
  });

  // ── The page an invitation link opens. Opening it changes nothing (mail scanners follow links).

  async function viewOf(
    invitation: NonNullable<Awaited<ReturnType<typeof findInvitation>>>,
  ): Promise<InvitationView> {
    const [municipality] =
      invitation.municipalityId === null
        ? []
        : await db
            .select()
            .from(municipalities)
            .where(eq(municipalities.id, invitation.municipalityId))
            .limit(1);
    const [department] =
      invitation.departmentId === null
        ? []
        : await db.select().from(departments).where(eq(departments.id, invitation.departmentId)).limit(1);
    return {
      email: invitation.email,
      role: invitation.role,
      municipality: municipality?.name ?? null,
      department: department?.name ?? null,
    };
  }

  const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

  async function sendInvitationPage(
    req: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    invitation: NonNullable<Awaited<ReturnType<typeof findInvitation>>>,
    state: InvitationState,
    status = 200,
  ) {
    const action = `/invitation/${req.params.token}`;
    const eid = config.oidc
      ? { name: config.oidc.name, href: `/login/eid?next=${encodeURIComponent(action)}` }
      : undefined;
    return sendPage(
      reply,
      <InvitationPage
        ctx={pageContext(req, reply)}
        action={action}
        invitation={await viewOf(invitation)}
        state={state}
        eid={eid}
      />,
      status,
    );
  }

  app.get<{ Params: { token: string } }>(
    "/invitation/:token",
    { config: { page: { sample: `/invitation/${"x".repeat(43)}` } } },
    async (req, reply) => {
      const invitation = await findInvitation(db, req.params.token, clock.now());
      if (!invitation) return sendPage(reply, <InvitationExpiredPage ctx={pageContext(req, reply)} />);
      let state: InvitationState;
      if (req.user) {
        state = sameEmail(req.user.email, invitation.email)
          ? { kind: "confirm" }
          : { kind: "other_email", current: req.user.email };
      } else {
        state = (await findAccountByEmail(db, invitation.email))
          ? { kind: "log_in" }
          : { kind: "create", values: {}, errors: {} };
      }
      return sendInvitationPage(req, reply, invitation, state);
    },
  );

  app.post<{ Params: { token: string } }>(
    "/invitation/:token",
    { config: limit(30, 15) },
    async (req, reply) => {
      const action = `/invitation/${req.params.token}`;
      const expired = () => sendPage(reply, <InvitationExpiredPage ctx={pageContext(req, reply)} />, 410);
      const invitation = await findInvitation(db, req.params.token, clock.now());
      if (!invitation) return expired();

      if (req.user) {
        const otherEmail = { kind: "other_email" as const, current: req.user.email };
        if (!sameEmail(req.user.email, invitation.email))
          return sendInvitationPage(req, reply, invitation, otherEmail, 403);
        const result = await acceptInvitation(
          req.params.token,
          { kind: "signed_in", userId: req.user.id },
          deps(),
          info(req),
        );
        if (result.ok) return reply.redirect("/account", 303);
        if (result.reason === "other_email")
          return sendInvitationPage(req, reply, invitation, otherEmail, 403);
        return expired();
      }

      // The address has an account: its owner logs in (or uses eID) and comes back to accept.
      if (await findAccountByEmail(db, invitation.email)) return toLogin(reply, action);
      const values = { name: typed(req.body, "name") };
      const form = validate(acceptForm, req.body);
      const errors: FieldErrors = form.ok ? {} : { ...form.errors };
      if (
        !errors.password &&
        passwordProblem(typed(req.body, "password"), invitation.email) === "same_as_email"
      ) {
        errors.password = "validation.password.same_as_email";
      }
      if (!form.ok || Object.keys(errors).length > 0) {
        return sendInvitationPage(req, reply, invitation, { kind: "create", values, errors }, 422);
      }
      const result = await acceptInvitation(
        req.params.token,
        { kind: "new_account", ...form.value },
        deps(),
        info(req),
      );
      if (result.ok) {
        if (result.sessionToken) setSessionCookie(app, reply, result.sessionToken);
        return reply.redirect("/account", 303);
      }
      if (result.reason === "weak_password") {
        const problem = { password: `validation.password.${result.problem}` };
        return sendInvitationPage(req, reply, invitation, { kind: "create", values, errors: problem }, 422);
      }
      if (result.reason === "account_exists") return toLogin(reply, action);
      return expired();
    },
  );
}
