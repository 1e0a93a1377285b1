// The ministry's national standards pages (issue 9): the one place with every section, and the forms to
// add and change categories and their questions, response standards, reason codes, standard responses and
// the participation defaults. Every form keeps what was typed and shows its problems at the fields.
import type { Priority, Standard } from "../cases/sla.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import { ALL_LANGUAGES } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import {
  Button,
  CheckboxField,
  type Choice,
  Field,
  type FieldErrors,
  PostForm,
  RadiosField,
  SelectField,
  TextAreaField,
} from "../web/forms.tsx";
import { PLACEHOLDERS } from "../workspace/templates.ts";
import {
  CATEGORY_FIELDS,
  DATATYPES,
  NEW_CATEGORY_FIELDS,
  NEW_REASON_FIELDS,
  NEW_TEMPLATE_FIELDS,
  PARTICIPATION_FIELDS,
  QUESTION_FIELDS,
  REASON_FIELDS,
  REASON_KINDS,
  STANDARD_FIELDS,
  TEMPLATE_FIELDS,
  WHY_FIELDS,
} from "./forms.ts";
import type { ParticipationState } from "./model.ts";
import {
  CHANGES_PATH,
  categoryPath,
  Day,
  K,
  NameFields,
  PendingNote,
  questionPath,
  reasonPath,
  responsePath,
  STANDARDS_PATH,
  StandardFields,
  StandardsLayout,
  StandardText,
  templatePath,
  type Values,
  WhyFields,
} from "./ui.tsx";

type Pending = { id: number; appliesFrom: string } | undefined;
interface FormProps {
  ctx: PageContext;
  values: Values;
  errors: FieldErrors;
  today: string;
  notice?: string | undefined;
  pending?: Pending;
}
const yesNo = (ctx: PageContext, b: boolean) => ctx.t(`${K}.words.${b ? "yes" : "no"}`);
const priorityLabel = (ctx: PageContext, p: Priority | null) =>
  ctx.t(`municipal_admin.standards.priority.${p ?? "all"}`);

// ── The index

export interface CategoryRow {
  code: string;
  name: string;
  type: string;
  group: string;
  active: boolean;
  questions: number;
  standard: Standard;
  priorities: { priority: Priority; standard: Standard }[];
}
export interface ReasonRow {
  code: string;
  name: string;
  appliesTo: string;
  active: boolean;
}
export interface TemplateRow {
  code: string;
  language: string;
  title: string;
  appliesTo: string;
  active: boolean;
}

export function StandardsIndexPage(p: {
  ctx: PageContext;
  notice?: string | undefined;
  pending: { id: number; what: string; appliesFrom: string }[];
  categories: CategoryRow[];
  reasons: ReasonRow[];
  templates: TemplateRow[];
  participation: ParticipationState;
}) {
  const { t, lang } = p.ctx;
  const s = `${K}.index`;
  return (
    <StandardsLayout ctx={p.ctx} title={t(`${s}.title`)} notice={p.notice} back={null}>
      <p class="lead" safe>
        {t(`${s}.lead`)}
      </p>
      <p safe>{t(`${s}.casesNote`)}</p>
      <nav aria-labelledby="contents-heading">
        <h2 id="contents-heading" safe>
          {t(`${s}.contents`)}
        </h2>
        <ul class="link-list">
          {(["categories", "response", "reasons", "templates", "participation", "calendar"] as const).map(
            (section) => (
              <li>
                <a href={`#${section}`} safe>
                  {t(`${s}.${section}Heading`)}
                </a>
              </li>
            ),
          )}
          <li>
            <a href={CHANGES_PATH} safe>
              {t(`${s}.historyLink`)}
            </a>
          </li>
        </ul>
      </nav>

      {p.pending.length > 0 ? (
        <>
          <h2 id="pending" safe>
            {t(`${s}.pendingHeading`)}
          </h2>
          <ul class="link-list">
            {p.pending.map((c) => (
              <li>
                <a href={`${CHANGES_PATH}/${c.id}`} safe>
                  {c.what}
                </a>
                <div class="hint">
                  <span safe>{t(`${s}.appliesFrom`)}</span> <Day lang={lang} date={c.appliesFrom} />
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="categories" safe>
        {t(`${s}.categoriesHeading`)}
      </h2>
      <p safe>{t(`${s}.categoriesLead`)}</p>
      <p>
        <a class="button button--secondary" href={`${STANDARDS_PATH}/categories/new`} safe>
          {t(`${s}.addCategory`)}
        </a>
      </p>
      <ScrollTable
        labelledBy="categories"
        caption={t(`${s}.categoriesCaption`)}
        head={[
          t(`${K}.col.name`),
          t(`${K}.col.code`),
          t(`${K}.col.type`),
          t(`${K}.col.group`),
          t(`${K}.col.questions`),
          t(`${K}.col.inUse`),
        ]}
      >
        {p.categories.map((c) => (
          <tr>
            <td>
              <a href={categoryPath(c.code)} safe>
                {c.name}
              </a>
            </td>
            <td safe>{c.code}</td>
            <td safe>{t(`caseType.${c.type}`)}</td>
            <td safe>{c.group}</td>
            <td safe>{String(c.questions)}</td>
            <td safe>{yesNo(p.ctx, c.active)}</td>
          </tr>
        ))}
      </ScrollTable>

      <h2 id="response" safe>
        {t(`${s}.responseHeading`)}
      </h2>
      <p safe>{t(`${s}.responseLead`)}</p>
      <ScrollTable
        labelledBy="response"
        caption={t(`${s}.responseCaption`)}
        head={[t(`${K}.col.category`), t(`${K}.col.standard`), t(`${K}.col.priorities`)]}
      >
        {p.categories.map((c) => (
          <tr>
            <td>
              <a href={responsePath(c.code)} safe>
                {c.name}
              </a>
            </td>
            <td>
              <StandardText ctx={p.ctx} standard={c.standard} />
            </td>
            <td>
              {c.priorities.length === 0 ? (
                <span safe>{t(`${s}.noPriorities`)}</span>
              ) : (
                <ul>
                  {c.priorities.map((r) => (
                    <li>
                      <span safe>{`${priorityLabel(p.ctx, r.priority)}: `}</span>
                      <StandardText ctx={p.ctx} standard={r.standard} />
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </ScrollTable>

      <h2 id="reasons" safe>
        {t(`${s}.reasonsHeading`)}
      </h2>
      <p safe>{t(`${s}.reasonsLead`)}</p>
      <p>
        <a class="button button--secondary" href={`${STANDARDS_PATH}/reasons/new`} safe>
          {t(`${s}.addReason`)}
        </a>
      </p>
      <ScrollTable
        labelledBy="reasons"
        caption={t(`${s}.reasonsCaption`)}
        head={[t(`${K}.col.name`), t(`${K}.col.code`), t(`${K}.col.explains`), t(`${K}.col.inUse`)]}
      >
        {p.reasons.map((r) => (
          <tr>
            <td>
              <a href={reasonPath(r.code)} safe>
                {r.name}
              </a>
            </td>
            <td safe>{r.code}</td>
            <td safe>{t(`status.${r.appliesTo}`)}</td>
            <td safe>{yesNo(p.ctx, r.active)}</td>
          </tr>
        ))}
      </ScrollTable>

      <h2 id="templates" safe>
        {t(`${s}.templatesHeading`)}
      </h2>
      <p safe>{t(`${s}.templatesLead`)}</p>
      <p>
        <a class="button button--secondary" href={`${STANDARDS_PATH}/templates/new`} safe>
          {t(`${s}.addTemplate`)}
        </a>
      </p>
      <ScrollTable
        labelledBy="templates"
        caption={t(`${s}.templatesCaption`)}
        head={[
          t(`${K}.col.title`),
          t(`${K}.col.code`),
          t(`${K}.col.language`),
          t(`${K}.col.appliesTo`),
          t(`${K}.col.inUse`),
        ]}
      >
        {p.templates.map((r) => (
          <tr>
            <td>
              <a href={templatePath(r.code, r.language)} lang={htmlLang(r.language as never)} safe>
                {r.title}
              </a>
            </td>
            <td safe>{r.code}</td>
            <td safe>{t(`language.name.${r.language}`)}</td>
            <td safe>{r.appliesTo}</td>
            <td safe>{yesNo(p.ctx, r.active)}</td>
          </tr>
        ))}
      </ScrollTable>

      <h2 id="participation" safe>
        {t(`${s}.participationHeading`)}
      </h2>
      <p safe>{t(`${s}.participationLead`)}</p>
      <ParticipationSummary ctx={p.ctx} rules={p.participation} />
      <p>
        <a href={`${STANDARDS_PATH}/participation`} safe>
          {t(`${s}.changeParticipation`)}
        </a>
      </p>

      <h2 id="calendar" safe>
        {t(`${s}.calendarHeading`)}
      </h2>
      <p safe>{t(`${s}.calendarLead`)}</p>
      <p>
        <a href="/ministry/calendar" safe>
          {t(`${s}.calendarLink`)}
        </a>
      </p>
    </StandardsLayout>
  );
}

function ParticipationSummary({ ctx, rules }: { ctx: PageContext; rules: ParticipationState }) {
  const { t } = ctx;
  const rows: [string, string][] = [
    ["consultationMinDays", String(rules.consultationMinDays)],
    ["proposalWindowDays", String(rules.proposalWindowDays)],
    ["proposalThreshold", String(rules.proposalThreshold)],
    ["normativeThresholdPercent", String(rules.normativeThresholdPercent)],
    ["supportRequiresVerified", yesNo(ctx, rules.supportRequiresVerified)],
  ];
  return (
    <dl class="summary-list">
      {rows.map(([field, value]) => (
        <div>
          <dt safe>{t(`${K}.field.${field}`)}</dt>
          <dd safe>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

// ── Categories

const typeChoices = (ctx: PageContext): Choice[] =>
  CASE_TYPES.map((type) => ({ value: type, label: ctx.t(`caseType.${type}`) }));

function CategoryFields(p: FormProps & { editing: boolean }) {
  const { t } = p.ctx;
  const f = `${K}.form`;
  return (
    <>
      <Field
        t={t}
        name="group"
        label={t(`${f}.group`)}
        hint={t(`${f}.groupHint`)}
        value={p.values.group ?? ""}
        errors={p.errors}
        width="medium"
        autocomplete="off"
        spellcheck={false}
      />
      <NameFields ctx={p.ctx} prefix="name" values={p.values} errors={p.errors} />
      <CheckboxField
        name="sensitive"
        label={t(`${f}.sensitive`)}
        hint={t(`${f}.sensitiveHint`)}
        checked={p.values.sensitive === "yes"}
      />
      <CheckboxField
        name="anonymousAllowed"
        label={t(`${f}.anonymousAllowed`)}
        checked={p.values.anonymousAllowed === "yes"}
      />
      {p.editing ? (
        <CheckboxField
          name="active"
          label={t(`${f}.categoryActive`)}
          hint={t(`${f}.categoryActiveHint`)}
          checked={p.values.active === "yes"}
        />
      ) : null}
    </>
  );
}

export function NewCategoryPage(p: FormProps) {
  const { t } = p.ctx;
  const f = `${K}.form`;
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={t(`${K}.category.newTitle`)}
      errors={p.errors}
      order={NEW_CATEGORY_FIELDS}
    >
      <PostForm action={`${STANDARDS_PATH}/categories/new`} csrf={p.ctx.csrf}>
        <Field
          t={t}
          name="code"
          label={t(`${f}.code`)}
          hint={t(`${f}.codeHint`)}
          value={p.values.code ?? ""}
          errors={p.errors}
          width="medium"
          autocomplete="off"
          spellcheck={false}
        />
        <RadiosField
          t={t}
          name="type"
          label={t(`${f}.type`)}
          hint={t(`${f}.typeHint`)}
          options={typeChoices(p.ctx)}
          value={p.values.type ?? ""}
          errors={p.errors}
        />
        <CategoryFields {...p} editing={false} />
        <h2 safe>{t(`${K}.category.standardHeading`)}</h2>
        <StandardFields ctx={p.ctx} values={p.values} errors={p.errors} />
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={t(`${K}.category.create`)} />
      </PostForm>
    </StandardsLayout>
  );
}

export function CategoryPage(
  p: FormProps & {
    category: { code: string; name: string; type: string };
    questions: { code: string; description: string; datatype: string; required: boolean }[];
  },
) {
  const { t } = p.ctx;
  const c = p.category;
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={t(`${K}.category.title`, { name: c.name })}
      notice={p.notice}
      errors={p.errors}
      order={CATEGORY_FIELDS}
    >
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.form.code`)}</dt>
          <dd safe>{c.code}</dd>
        </div>
        <div>
          <dt safe>{t(`${K}.form.type`)}</dt>
          <dd safe>{t(`caseType.${c.type}`)}</dd>
        </div>
      </dl>
      <p>
        <a href={responsePath(c.code)} safe>
          {t(`${K}.category.responseLink`)}
        </a>
      </p>
      <h2 id="change" safe>
        {t(`${K}.category.changeHeading`)}
      </h2>
      <PendingNote ctx={p.ctx} pending={p.pending} />
      <PostForm action={categoryPath(c.code)} csrf={p.ctx.csrf}>
        <CategoryFields {...p} editing={true} />
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={t(`${K}.save`)} />
      </PostForm>

      <h2 id="questions" safe>
        {t(`${K}.category.questionsHeading`)}
      </h2>
      <p safe>{t(`${K}.category.questionsLead`)}</p>
      {p.questions.length === 0 ? (
        <p safe>{t(`${K}.category.noQuestions`)}</p>
      ) : (
        <ScrollTable
          labelledBy="questions"
          caption={t(`${K}.category.questionsCaption`, { name: c.name })}
          head={[t(`${K}.col.question`), t(`${K}.col.code`), t(`${K}.col.datatype`), t(`${K}.col.required`)]}
        >
          {p.questions.map((q) => (
            <tr>
              <td>
                <a href={questionPath(c.code, q.code)} safe>
                  {q.description}
                </a>
              </td>
              <td safe>{q.code}</td>
              <td safe>{t(`${K}.datatype.${q.datatype}`)}</td>
              <td safe>{yesNo(p.ctx, q.required)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <p>
        <a class="button button--secondary" href={categoryPath(c.code, "/questions/new")} safe>
          {t(`${K}.category.addQuestion`)}
        </a>
      </p>
    </StandardsLayout>
  );
}

// ── Questions

export function QuestionPage(
  p: FormProps & {
    category: { code: string; name: string };
    /** Absent: a new question. */
    question?: { code: string; datatype: string };
  },
) {
  const { t } = p.ctx;
  const f = `${K}.form`;
  const q = p.question;
  const action = q ? questionPath(p.category.code, q.code) : categoryPath(p.category.code, "/questions/new");
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={t(q ? `${K}.question.title` : `${K}.question.newTitle`, { category: p.category.name })}
      notice={p.notice}
      errors={p.errors}
      order={QUESTION_FIELDS}
      back={{ href: `${categoryPath(p.category.code)}#questions`, label: t(`${K}.question.back`) }}
    >
      <PendingNote ctx={p.ctx} pending={p.pending} />
      <PostForm action={action} csrf={p.ctx.csrf}>
        {q ? (
          <dl class="summary-list">
            <div>
              <dt safe>{t(`${f}.questionCode`)}</dt>
              <dd safe>{q.code}</dd>
            </div>
            <div>
              <dt safe>{t(`${f}.datatype`)}</dt>
              <dd safe>{t(`${K}.datatype.${q.datatype}`)}</dd>
            </div>
          </dl>
        ) : (
          <>
            <Field
              t={t}
              name="code"
              label={t(`${f}.questionCode`)}
              hint={t(`${f}.questionCodeHint`)}
              value={p.values.code ?? ""}
              errors={p.errors}
              width="medium"
              autocomplete="off"
              spellcheck={false}
            />
            <SelectField
              t={t}
              name="datatype"
              label={t(`${f}.datatype`)}
              hint={t(`${f}.datatypeHint`)}
              options={DATATYPES.map((d) => ({ value: d, label: t(`${K}.datatype.${d}`) }))}
              value={p.values.datatype ?? "string"}
              errors={p.errors}
            />
          </>
        )}
        <NameFields ctx={p.ctx} prefix="desc" values={p.values} errors={p.errors} />
        <CheckboxField name="required" label={t(`${f}.required`)} checked={p.values.required === "yes"} />
        <Field
          t={t}
          type="number"
          width="short"
          name="order"
          label={t(`${f}.order`)}
          hint={t(`${f}.orderHint`)}
          value={p.values.order ?? ""}
          errors={p.errors}
          autocomplete="off"
        />
        <TextAreaField
          t={t}
          name="values"
          label={t(`${f}.values`)}
          hint={t(`${f}.valuesHint`)}
          value={p.values.values ?? ""}
          errors={p.errors}
          rows={5}
        />
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={t(q ? `${K}.save` : `${K}.question.create`)} />
      </PostForm>
      {q ? (
        <p>
          <a href={questionPath(p.category.code, q.code, "/remove")} safe>
            {t(`${K}.question.removeLink`)}
          </a>
        </p>
      ) : null}
    </StandardsLayout>
  );
}

/** Removing something (a question, a national rule for a priority): why and from when. */
export function RemovePage(
  p: FormProps & {
    title: string;
    lead: string;
    action: string;
    back: { href: string; label: string };
    button: string;
  },
) {
  return (
    <StandardsLayout ctx={p.ctx} title={p.title} errors={p.errors} order={WHY_FIELDS} back={p.back}>
      <p safe>{p.lead}</p>
      <PendingNote ctx={p.ctx} pending={p.pending} />
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={p.button} variant="warning" />
      </PostForm>
    </StandardsLayout>
  );
}

// ── Response standards

export function ResponsePage(
  p: FormProps & {
    category: { code: string; name: string };
    rules: { priority: Priority | null; standard: Standard; note: string | null }[];
    municipal: { municipality: string; priority: Priority | null; standard: Standard }[];
  },
) {
  const { t } = p.ctx;
  const r = `${K}.response`;
  const f = `${K}.form`;
  const priorities: Choice[] = (["", "low", "normal", "high", "urgent"] as const).map((v) => ({
    value: v,
    label: priorityLabel(p.ctx, v === "" ? null : v),
  }));
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={t(`${r}.title`, { name: p.category.name })}
      notice={p.notice}
      errors={p.errors}
      order={STANDARD_FIELDS}
    >
      <p class="lead" safe>
        {t(`${r}.lead`)}
      </p>
      <p safe>{t(`${K}.index.casesNote`)}</p>
      <h2 id="national" safe>
        {t(`${r}.nationalHeading`)}
      </h2>
      <ScrollTable
        labelledBy="national"
        caption={t(`${r}.nationalCaption`, { name: p.category.name })}
        head={[t(`${K}.col.priority`), t(`${K}.col.standard`), t(`${K}.col.note`), t(`${K}.col.actions`)]}
      >
        {p.rules.map((rule) => (
          <tr>
            <td safe>{priorityLabel(p.ctx, rule.priority)}</td>
            <td>
              <StandardText ctx={p.ctx} standard={rule.standard} />
            </td>
            <td safe>{rule.note ?? ""}</td>
            <td>
              {rule.priority ? (
                <a href={responsePath(p.category.code, `/${rule.priority}/remove`)}>
                  <span safe>{t(`${r}.remove`)}</span>
                  <span class="visually-hidden" safe>
                    {` ${priorityLabel(p.ctx, rule.priority)}`}
                  </span>
                </a>
              ) : (
                ""
              )}
            </td>
          </tr>
        ))}
      </ScrollTable>

      <h2 id="municipal" safe>
        {t(`${r}.municipalHeading`)}
      </h2>
      {p.municipal.length === 0 ? (
        <p safe>{t(`${r}.noMunicipal`)}</p>
      ) : (
        <ScrollTable
          labelledBy="municipal"
          caption={t(`${r}.municipalCaption`, { name: p.category.name })}
          head={[t(`${K}.col.municipality`), t(`${K}.col.priority`), t(`${K}.col.standard`)]}
        >
          {p.municipal.map((m) => (
            <tr>
              <td safe>{m.municipality}</td>
              <td safe>{priorityLabel(p.ctx, m.priority)}</td>
              <td>
                <StandardText ctx={p.ctx} standard={m.standard} />
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}

      <h2 id="change" safe>
        {t(`${r}.formHeading`)}
      </h2>
      <p safe>{t(`${r}.formLead`)}</p>
      <PostForm action={responsePath(p.category.code)} csrf={p.ctx.csrf}>
        <SelectField
          t={t}
          name="priority"
          label={t(`${f}.priority`)}
          hint={t(`${f}.priorityHint`)}
          options={priorities}
          value={p.values.priority ?? ""}
          errors={p.errors}
        />
        <StandardFields ctx={p.ctx} values={p.values} errors={p.errors} />
        <Field
          t={t}
          name="note"
          label={t(`${f}.note`)}
          hint={t(`${f}.noteHint`)}
          value={p.values.note ?? ""}
          errors={p.errors}
          autocomplete="off"
        />
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} cases={true} />
        <Button label={t(`${r}.save`)} />
      </PostForm>
    </StandardsLayout>
  );
}

// ── Reason codes

export function ReasonPage(p: FormProps & { reason?: { code: string; appliesTo: string; name: string } }) {
  const { t } = p.ctx;
  const f = `${K}.form`;
  const r = p.reason;
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={r ? t(`${K}.reason.title`, { name: r.name }) : t(`${K}.reason.newTitle`)}
      notice={p.notice}
      errors={p.errors}
      order={r ? REASON_FIELDS : NEW_REASON_FIELDS}
    >
      <p safe>{t(`${K}.reason.lead`)}</p>
      <PendingNote ctx={p.ctx} pending={p.pending} />
      <PostForm action={r ? reasonPath(r.code) : `${STANDARDS_PATH}/reasons/new`} csrf={p.ctx.csrf}>
        {r ? (
          <dl class="summary-list">
            <div>
              <dt safe>{t(`${f}.code`)}</dt>
              <dd safe>{r.code}</dd>
            </div>
            <div>
              <dt safe>{t(`${f}.explains`)}</dt>
              <dd safe>{t(`status.${r.appliesTo}`)}</dd>
            </div>
          </dl>
        ) : (
          <>
            <Field
              t={t}
              name="code"
              label={t(`${f}.code`)}
              hint={t(`${f}.codeHint`)}
              value={p.values.code ?? ""}
              errors={p.errors}
              width="medium"
              autocomplete="off"
              spellcheck={false}
            />
            <RadiosField
              t={t}
              name="appliesTo"
              label={t(`${f}.explains`)}
              options={REASON_KINDS.map((k) => ({ value: k, label: t(`status.${k}`) }))}
              value={p.values.appliesTo ?? ""}
              errors={p.errors}
            />
          </>
        )}
        <NameFields ctx={p.ctx} prefix="name" values={p.values} errors={p.errors} />
        {r ? (
          <CheckboxField
            name="active"
            label={t(`${f}.reasonActive`)}
            hint={t(`${f}.reasonActiveHint`)}
            checked={p.values.active === "yes"}
          />
        ) : null}
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={t(r ? `${K}.save` : `${K}.reason.create`)} />
      </PostForm>
    </StandardsLayout>
  );
}

// ── Standard responses

export function TemplatePage(
  p: FormProps & {
    template?: { code: string; language: string; title: string };
    appliesTo: Choice[];
  },
) {
  const { t } = p.ctx;
  const f = `${K}.form`;
  const tpl = p.template;
  const placeholders = PLACEHOLDERS.map(
    (n) => `{{${n}}}: ${t(`municipal_admin.templates.placeholder.${n}`)}`,
  );
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={tpl ? t(`${K}.template.title`, { title: tpl.title }) : t(`${K}.template.newTitle`)}
      notice={p.notice}
      errors={p.errors}
      order={tpl ? TEMPLATE_FIELDS : NEW_TEMPLATE_FIELDS}
    >
      <p safe>{t(`${K}.template.lead`)}</p>
      <PendingNote ctx={p.ctx} pending={p.pending} />
      <PostForm
        action={tpl ? templatePath(tpl.code, tpl.language) : `${STANDARDS_PATH}/templates/new`}
        csrf={p.ctx.csrf}
      >
        {tpl ? (
          <dl class="summary-list">
            <div>
              <dt safe>{t(`${f}.code`)}</dt>
              <dd safe>{tpl.code}</dd>
            </div>
            <div>
              <dt safe>{t(`${f}.language`)}</dt>
              <dd safe>{t(`language.name.${tpl.language}`)}</dd>
            </div>
          </dl>
        ) : (
          <>
            <Field
              t={t}
              name="code"
              label={t(`${f}.code`)}
              hint={t(`${f}.templateCodeHint`)}
              value={p.values.code ?? ""}
              errors={p.errors}
              width="medium"
              autocomplete="off"
              spellcheck={false}
            />
            <SelectField
              t={t}
              name="language"
              label={t(`${f}.language`)}
              options={ALL_LANGUAGES.map((l) => ({
                value: l,
                label: t(`language.name.${l}`),
                lang: htmlLang(l),
              }))}
              value={p.values.language || p.ctx.lang}
              errors={p.errors}
            />
          </>
        )}
        <SelectField
          t={t}
          name="appliesTo"
          label={t(`${f}.appliesTo`)}
          options={p.appliesTo}
          value={p.values.appliesTo ?? ""}
          errors={p.errors}
        />
        <Field t={t} name="title" label={t(`${f}.title`)} value={p.values.title ?? ""} errors={p.errors} />
        <TextAreaField
          t={t}
          name="body"
          label={t(`${f}.body`)}
          hint={`${t(`${f}.bodyHint`)} ${placeholders.join("; ")}`}
          value={p.values.body ?? ""}
          errors={p.errors}
          rows={10}
        />
        {tpl ? (
          <CheckboxField
            name="active"
            label={t(`${f}.templateActive`)}
            hint={t(`${f}.templateActiveHint`)}
            checked={p.values.active === "yes"}
          />
        ) : null}
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={t(tpl ? `${K}.save` : `${K}.template.create`)} />
      </PostForm>
    </StandardsLayout>
  );
}

// ── Participation defaults

export function ParticipationPage(
  p: FormProps & { own: { municipality: string; consultationMinDays: number }[] },
) {
  const { t } = p.ctx;
  const f = `${K}.field`;
  const number = (name: string, hint: string) => (
    <Field
      t={t}
      type="number"
      width="short"
      name={name}
      label={t(`${f}.${name}`)}
      hint={t(hint)}
      value={p.values[name] ?? ""}
      errors={p.errors}
      autocomplete="off"
    />
  );
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={t(`${K}.participation.title`)}
      notice={p.notice}
      errors={p.errors}
      order={PARTICIPATION_FIELDS}
    >
      <p class="lead" safe>
        {t(`${K}.participation.lead`)}
      </p>
      <h2 id="own" safe>
        {t(`${K}.participation.ownHeading`)}
      </h2>
      {p.own.length === 0 ? (
        <p safe>{t(`${K}.participation.noOwn`)}</p>
      ) : (
        <ScrollTable
          labelledBy="own"
          caption={t(`${K}.participation.ownCaption`)}
          head={[t(`${K}.col.municipality`), t(`${f}.consultationMinDays`)]}
        >
          {p.own.map((o) => (
            <tr>
              <td safe>{o.municipality}</td>
              <td safe>{String(o.consultationMinDays)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <h2 id="change" safe>
        {t(`${K}.participation.formHeading`)}
      </h2>
      <PendingNote ctx={p.ctx} pending={p.pending} />
      <PostForm action={`${STANDARDS_PATH}/participation`} csrf={p.ctx.csrf}>
        {number("consultationMinDays", `${K}.participation.minDaysHint`)}
        {number("proposalWindowDays", `${K}.participation.windowHint`)}
        {number("proposalThreshold", `${K}.participation.thresholdHint`)}
        {number("normativeThresholdPercent", `${K}.participation.percentHint`)}
        <CheckboxField
          name="supportRequiresVerified"
          label={t(`${f}.supportRequiresVerified`)}
          hint={t(`${K}.participation.verifiedHint`)}
          checked={p.values.supportRequiresVerified === "yes"}
        />
        <WhyFields ctx={p.ctx} values={p.values} errors={p.errors} today={p.today} />
        <Button label={t(`${K}.save`)} />
      </PostForm>
    </StandardsLayout>
  );
}
