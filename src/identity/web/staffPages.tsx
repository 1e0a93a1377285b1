// Staff pages: a municipality's staff and the invitation form, the operator's version for any
// municipality and the national roles, and the page an invitation link opens.

import type { StaffRole } from "../../access/roles.ts";
import type { LocalizedText } from "../../db/schema.ts";
import { LANGUAGES } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Notice } from "../../web/components/Notice.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  ErrorSummary,
  Field,
  FieldError,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";

type Values = Record<string, string>;

export interface StaffMember {
  name: string;
  email: string;
  role: string;
  department: LocalizedText | null;
  municipality?: LocalizedText | null;
}

export interface Choice {
  value: string;
  label: string;
  /** The language of the label, when it is not the page's (a language's own name). */
  lang?: string;
}

/** A role in the page language, with its department where it has one. */
export function roleLabel(
  ctx: PageContext,
  role: string,
  department: LocalizedText | null | undefined,
): string {
  const name = ctx.t(`role.${role}`);
  return department ? `${name} (${localized(department, ctx.lang)})` : name;
}

/** A group of radios in a fieldset whose id the error summary links to. */
function Radios(p: {
  ctx: PageContext;
  name: string;
  legend: string;
  choices: Choice[];
  value: string | undefined;
  errors: FieldErrors;
}) {
  const error = p.errors[p.name];
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={fieldId(p.name)}
      aria-describedby={error ? `${fieldId(p.name)}-error` : undefined}
    >
      <legend class="label" safe>
        {p.legend}
      </legend>
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      {p.choices.map((c) => (
        <div class="radio">
          <input
            type="radio"
            class="radio__input"
            id={`${p.name}-${c.value}`}
            name={p.name}
            value={c.value}
            checked={p.value === c.value}
          />
          <label class="radio__label" for={`${p.name}-${c.value}`} lang={c.lang} safe>
            {c.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

/** A labelled select; options may be grouped (one group per municipality, say). */
function Select(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  none: string;
  options?: Choice[];
  groups?: { label: string; options: Choice[] }[];
  value: string | undefined;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const describedBy = [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const option = (c: Choice) => (
    <option value={c.value} selected={p.value === c.value} safe>
      {c.label}
    </option>
  );
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <select
        class={`input input--medium${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? "true" : undefined}
      >
        <option value="" selected={!p.value} safe>
          {p.none}
        </option>
        {(p.options ?? []).map(option)}
        {(p.groups ?? []).map((g) => (
          <optgroup label={g.label}>{g.options.map(option)}</optgroup>
        ))}
      </select>
    </div>
  );
}

export const INVITE_FIELDS = ["email", "role", "municipality", "department", "language"] as const;

/** The invitation form: the address, the role, where (municipality and department) and the email's language. */
function InviteForm(p: {
  ctx: PageContext;
  action: string;
  roles: readonly StaffRole[];
  municipalities?: Choice[];
  departments?: Choice[];
  departmentGroups?: { label: string; options: Choice[] }[];
  values: Values;
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  return (
    <PostForm action={p.action} csrf={p.ctx.csrf}>
      <Field
        t={t}
        name="email"
        type="email"
        label={t("staff.emailLabel")}
        value={p.values.email}
        errors={p.errors}
        autocomplete="off"
        spellcheck={false}
      />
      <Radios
        ctx={p.ctx}
        name="role"
        legend={t("staff.roleLegend")}
        choices={p.roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        value={p.values.role}
        errors={p.errors}
      />
      {p.municipalities ? (
        <Select
          ctx={p.ctx}
          name="municipality"
          label={t("staff.municipalityLabel")}
          hint={t("staff.municipalityHint")}
          none={t("staff.municipalityNone")}
          options={p.municipalities}
          value={p.values.municipality}
          errors={p.errors}
        />
      ) : null}
      <Select
        ctx={p.ctx}
        name="department"
        label={t("staff.departmentLabel")}
        hint={t("staff.departmentHint")}
        none={t("staff.departmentNone")}
        {...(p.departments ? { options: p.departments } : {})}
        {...(p.departmentGroups ? { groups: p.departmentGroups } : {})}
        value={p.values.department}
        errors={p.errors}
      />
      <Radios
        ctx={p.ctx}
        name="language"
        legend={t("staff.languageLegend")}
        choices={LANGUAGES.map((l) => ({ value: l, label: t(`language.name.${l}`), lang: htmlLang(l) }))}
        value={p.values.language || p.ctx.lang}
        errors={p.errors}
      />
      <Button label={t("staff.submit")} />
    </PostForm>
  );
}

/**
 * The staff as a table that scrolls sideways within its own region on a narrow screen (long addresses);
 * the region takes focus so keyboard users can scroll it too.
 */
function StaffTable(p: {
  ctx: PageContext;
  headingId: string;
  caption: string;
  staff: StaffMember[];
  showDepartment: boolean;
}) {
  const { t } = p.ctx;
  if (p.staff.length === 0) return <p safe>{t("staff.empty")}</p>;
  return (
    <section class="table-wrap" aria-labelledby={p.headingId} tabindex="0">
      <table>
        <caption safe>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col" safe>
              {t("staff.name")}
            </th>
            <th scope="col" safe>
              {t("staff.email")}
            </th>
            <th scope="col" safe>
              {t("staff.role")}
            </th>
            {p.showDepartment ? (
              <th scope="col" safe>
                {t("staff.department")}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {p.staff.map((s) => (
            <tr>
              <td safe>{s.name}</td>
              <td safe>{s.email}</td>
              <td safe>{t(`role.${s.role}`)}</td>
              {p.showDepartment ? (
                <td safe>{s.department ? localized(s.department, p.ctx.lang) : t("staff.departmentNone")}</td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function MunicipalStaffPage(p: {
  ctx: PageContext;
  municipality: { name: string; slug: string };
  staff: StaffMember[];
  roles: readonly StaffRole[];
  departments: Choice[];
  values: Values;
  errors: FieldErrors;
  notice?: string;
}) {
  const { t } = p.ctx;
  const title = t("staff.title", { municipality: p.municipality.name });
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.errors)} municipality={p.municipality}>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={p.errors} order={INVITE_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t("staff.lead")}
      </p>
      <h2 id="staff-heading" safe>
        {t("staff.listHeading")}
      </h2>
      <StaffTable
        ctx={p.ctx}
        headingId="staff-heading"
        caption={t("staff.listCaption", { municipality: p.municipality.name })}
        staff={p.staff}
        showDepartment
      />
      <h2 id="invite" safe>
        {t("staff.inviteHeading")}
      </h2>
      <p safe>{t("staff.inviteLead")}</p>
      <InviteForm
        ctx={p.ctx}
        action={`/m/${p.municipality.slug}/staff/invite`}
        roles={p.roles}
        departments={p.departments}
        values={p.values}
        errors={p.errors}
      />
    </Layout>
  );
}

export function PlatformStaffPage(p: {
  ctx: PageContext;
  national: StaffMember[];
  municipalityLinks: { slug: string; name: string }[];
  roles: readonly StaffRole[];
  municipalities: Choice[];
  departmentGroups: { label: string; options: Choice[] }[];
  values: Values;
  errors: FieldErrors;
  notice?: string;
}) {
  const { t } = p.ctx;
  const title = t("staff.adminTitle");
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.errors)}>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={p.errors} order={INVITE_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t("staff.adminLead")}
      </p>
      <h2 id="national-heading" safe>
        {t("staff.nationalHeading")}
      </h2>
      <StaffTable
        headingId="national-heading"
        ctx={p.ctx}
        caption={t("staff.nationalCaption")}
        staff={p.national}
        showDepartment={false}
      />
      <h2 id="invite" safe>
        {t("staff.inviteHeading")}
      </h2>
      <p safe>{t("staff.inviteLead")}</p>
      <InviteForm
        ctx={p.ctx}
        action="/admin/staff/invite"
        roles={p.roles}
        municipalities={p.municipalities}
        departmentGroups={p.departmentGroups}
        values={p.values}
        errors={p.errors}
      />
      <h2 safe>{t("staff.municipalitiesHeading")}</h2>
      <ul class="link-list">
        {p.municipalityLinks.map((m) => (
          <li>
            <a href={`/m/${m.slug}/staff`} safe>
              {m.name}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

// ── The page an invitation link opens.

export interface InvitationView {
  email: string;
  role: string;
  department: LocalizedText | null;
  municipality: LocalizedText | null;
}

export type InvitationState =
  | { kind: "confirm" } // signed in with the invited address
  | { kind: "other_email"; current: string } // signed in with another address
  | { kind: "create"; values: Values; errors: FieldErrors } // nobody signed in, no account for the address
  | { kind: "log_in" }; // nobody signed in, the address has an account

function InvitationSummary({ ctx, invitation }: { ctx: PageContext; invitation: InvitationView }) {
  const { t, lang } = ctx;
  const where = invitation.municipality
    ? localized(invitation.municipality, lang)
    : t("invitation.allMunicipalities");
  return (
    <div class="panel">
      <p safe>
        {t("invitation.summary", { role: roleLabel(ctx, invitation.role, invitation.department), where })}
      </p>
      <p safe>{t("invitation.forEmail", { email: invitation.email })}</p>
    </div>
  );
}

/** "Log in with e-Kosova": the national eID, which comes back to the invitation afterwards. */
function EidLink({ ctx, eid }: { ctx: PageContext; eid: { name: string; href: string } }) {
  return (
    <p>
      <a class="button button--secondary" href={eid.href} safe>
        {ctx.t("login.eid", { name: eid.name })}
      </a>
    </p>
  );
}

export function InvitationPage(p: {
  ctx: PageContext;
  action: string;
  invitation: InvitationView;
  state: InvitationState;
  eid?: { name: string; href: string } | undefined;
}) {
  const { t } = p.ctx;
  const { state } = p;
  const errors = state.kind === "create" ? state.errors : {};
  return (
    <Layout ctx={p.ctx} title={formTitle(t, t("invitation.title"), errors)}>
      <div class="narrow">
        <ErrorSummary t={t} errors={errors} order={["name", "password"]} />
        <h1 safe>{t("invitation.title")}</h1>
        <InvitationSummary ctx={p.ctx} invitation={p.invitation} />
        {state.kind === "confirm" ? (
          <>
            <p safe>{t("invitation.confirmBody")}</p>
            <PostForm action={p.action} csrf={p.ctx.csrf}>
              <Button label={t("invitation.accept")} />
            </PostForm>
          </>
        ) : null}
        {state.kind === "other_email" ? (
          <p class="warning-text" safe>
            {t("invitation.otherEmail", { current: state.current, email: p.invitation.email })}
          </p>
        ) : null}
        {state.kind === "log_in" ? (
          <>
            <p safe>{t("invitation.existingBody", { email: p.invitation.email })}</p>
            <p>
              <a class="button button--primary" href={`/login?next=${encodeURIComponent(p.action)}`} safe>
                {t("invitation.logIn")}
              </a>
            </p>
            {p.eid ? <EidLink ctx={p.ctx} eid={p.eid} /> : null}
          </>
        ) : null}
        {state.kind === "create" ? (
          <>
            {p.eid ? (
              <>
                <EidLink ctx={p.ctx} eid={p.eid} />
                <p class="divider" safe>
                  {t("login.or")}
                </p>
              </>
            ) : null}
            <h2 safe>{t("invitation.createHeading")}</h2>
            <p safe>{t("invitation.createLead")}</p>
            <PostForm action={p.action} csrf={p.ctx.csrf}>
              <Field
                t={t}
                name="name"
                label={t("invitation.name")}
                value={state.values.name}
                errors={state.errors}
                autocomplete="name"
              />
              <Field
                t={t}
                name="password"
                type="password"
                label={t("invitation.password")}
                hint={t("register.passwordHint")}
                errors={state.errors}
                autocomplete="new-password"
                width="medium"
              />
              <Button label={t("invitation.createSubmit")} />
            </PostForm>
          </>
        ) : null}
      </div>
    </Layout>
  );
}

export function InvitationExpiredPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("invitation.expiredTitle")}>
      <div class="narrow">
        <h1 safe>{t("invitation.expiredTitle")}</h1>
        <p safe>{t("invitation.expiredBody")}</p>
        <p>
          <a href="/" safe>
            {t("errors.notFound.back")}
          </a>
        </p>
      </div>
    </Layout>
  );
}
