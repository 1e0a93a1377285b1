// The standard operating procedures for staff (/procedures): roles and what each may do, the lifecycle and
// who takes each step, the response standards, the warnings and the escalation ladder, and the reason codes,
// all generated from the configuration the system enforces (procedures.ts, proceduresData.ts), in the
// page's language. With a municipality chosen, its departments, its tightened standards and its categories.
import type { Action } from "../access/policy.ts";
import type { Role } from "../access/roles.ts";
import type { Standard } from "../cases/sla.ts";
import type { LocalizedText } from "../db/schema.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import { ErrorSummary, type FieldErrors, formTitle, SelectField } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import {
  type Condition,
  type LifecycleStep,
  lifecycleSteps,
  type RolePermissions,
  rolePermissions,
  SLA_MARKS,
} from "./procedures.ts";
import type { CategoryStandard, ProceduresData, StandardRow } from "./proceduresData.ts";
import { K } from "./ui.tsx";

const P = `${K}.procedures`;

// Both are the same for every request: worked out once.
let roles: RolePermissions[] | undefined;
let steps: LifecycleStep[] | undefined;

const lists = new Map<string, Intl.ListFormat>();
/** "a, b or c" in the page's language. */
function orList(ctx: PageContext, items: string[]): string {
  let f = lists.get(ctx.lang);
  if (!f) {
    f = new Intl.ListFormat(htmlLang(ctx.lang), { type: "disjunction" });
    lists.set(ctx.lang, f);
  }
  return f.format(items);
}

const roleName = (ctx: PageContext, role: Role) => ctx.t(`${P}.roleName.${role}`);
const conditionText = (ctx: PageContext, conditions: Condition[]) =>
  orList(
    ctx,
    conditions.map((c) => ctx.t(`${P}.condition.${c}`)),
  );
const actionText = (ctx: PageContext, action: Action) => ctx.t(`${P}.actions.${action}`);

function amount(ctx: PageContext, n: number, unit: Standard["unit"]) {
  return ctx.t(`${P}.amount.${unit}`, { count: n });
}

/** A standard's three clocks as cells. */
function StandardCells({ ctx, standard }: { ctx: PageContext; standard: Standard }) {
  return (
    <>
      <td safe>{amount(ctx, standard.ackWithin, standard.unit)}</td>
      <td safe>{amount(ctx, standard.firstResponseWithin, standard.unit)}</td>
      <td safe>{amount(ctx, standard.resolutionWithin, standard.unit)}</td>
    </>
  );
}

function Loc({ ctx, text }: { ctx: PageContext; text: LocalizedText }) {
  return (
    <span lang={text[ctx.lang] ? undefined : htmlLang("sq")} safe>
      {localized(text, ctx.lang)}
    </span>
  );
}

const clockHead = (ctx: PageContext) => [
  ctx.t(`${P}.clock.ack`),
  ctx.t(`${P}.clock.firstResponse`),
  ctx.t(`${P}.clock.resolution`),
];

function CategoryTable(p: { ctx: PageContext; id: string; caption: string; rows: CategoryStandard[] }) {
  const { ctx } = p;
  return (
    <ScrollTable
      labelledBy={p.id}
      caption={p.caption}
      head={[ctx.t(`${P}.column.category`), ctx.t(`${P}.column.type`), ...clockHead(ctx)]}
    >
      {p.rows.map((c) => (
        <tr>
          <th scope="row">
            <Loc ctx={ctx} text={c.name} />
          </th>
          <td safe>{ctx.t(`caseType.${c.type}`)}</td>
          <StandardCells ctx={ctx} standard={c.standard} />
        </tr>
      ))}
    </ScrollTable>
  );
}

function RuleTable(p: { ctx: PageContext; id: string; caption: string; rows: StandardRow[] }) {
  const { ctx } = p;
  return (
    <ScrollTable
      labelledBy={p.id}
      caption={p.caption}
      head={[
        ctx.t(`${P}.column.appliesTo`),
        ctx.t(`${P}.column.priority`),
        ...clockHead(ctx),
        ctx.t(`${P}.column.note`),
      ]}
    >
      {p.rows.map((r) => (
        <tr>
          <th scope="row">
            {r.category ? (
              <Loc ctx={ctx} text={r.category} />
            ) : (
              <span safe>{ctx.t(`${P}.everyCategory`, { type: ctx.t(`caseType.${r.type}`) })}</span>
            )}
          </th>
          <td safe>{ctx.t(`${P}.priority.${r.priority ?? "all"}`)}</td>
          <StandardCells ctx={ctx} standard={r.standard} />
          <td safe>{r.note ?? ""}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}

export interface ProceduresPageProps {
  ctx: PageContext;
  data?: ProceduresData;
  /** The municipalities to choose from, by slug. */
  municipalities: { value: string; label: string }[];
  chosen: string;
  errors: FieldErrors;
}

export function ProceduresPage(p: ProceduresPageProps) {
  const { ctx, data, errors } = p;
  const { t } = ctx;
  roles ??= rolePermissions();
  steps ??= lifecycleSteps();
  const m = data?.municipality;
  const title = t(`${P}.title`);
  const statuses = (list: readonly string[]) => list.map((s) => t(`status.${s}`)).join(", ");
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <ErrorSummary t={t} errors={errors} order={["m"]} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${P}.lead`)}
      </p>
      <p>
        <a href="/procedures/workspace" safe>
          {t("guidance.workspace.fromProcedures")}
        </a>
      </p>
      <form method="get" action="/procedures" novalidate>
        <SelectField
          t={t}
          name="m"
          label={t(`${P}.municipalityLabel`)}
          hint={t(`${P}.municipalityHint`)}
          value={p.chosen}
          none={t(`${P}.municipalityNone`)}
          options={p.municipalities}
          errors={errors}
        />
        <button type="submit" class="button button--secondary" safe>
          {t(`${P}.show`)}
        </button>
      </form>
      <nav aria-label={t(`${P}.contents`)}>
        <ul class="link-list">
          {["roles", "lifecycle", "standards", "escalation", "reasons", ...(m ? ["municipality"] : [])].map(
            (id) => (
              <li>
                <a href={`#${id}`} safe>
                  {id === "municipality" && m
                    ? t(`${P}.municipalityHeading`, { municipality: localized(m.name, ctx.lang) })
                    : t(`${P}.heading.${id}`)}
                </a>
              </li>
            ),
          )}
        </ul>
      </nav>

      <section aria-labelledby="roles">
        <h2 id="roles" safe>
          {t(`${P}.heading.roles`)}
        </h2>
        <p safe>{t(`${P}.rolesLead`)}</p>
        {roles.map((r) => (
          <section aria-labelledby={`role-${r.role}`}>
            <h3 id={`role-${r.role}`} safe>
              {roleName(ctx, r.role)}
            </h3>
            <p safe>{t(`${P}.responsibility.${r.role}`)}</p>
            {r.scope ? (
              <p class="hint" safe>
                {t(`${P}.scope.${r.scope}`)}
              </p>
            ) : null}
            <ScrollTable
              labelledBy={`role-${r.role}`}
              caption={t(`${P}.roleCaption`, { role: roleName(ctx, r.role) })}
              head={[t(`${P}.column.action`), t(`${P}.column.where`)]}
            >
              {r.actions.map((a) => (
                <tr>
                  <th scope="row">
                    <span safe>{actionText(ctx, a.action)}</span> <code>{a.action}</code>
                  </th>
                  <td safe>{conditionText(ctx, a.conditions)}</td>
                </tr>
              ))}
            </ScrollTable>
          </section>
        ))}
      </section>

      <section aria-labelledby="lifecycle">
        <h2 id="lifecycle" safe>
          {t(`${P}.heading.lifecycle`)}
        </h2>
        <p safe>{t(`${P}.lifecycleLead`)}</p>
        <ScrollTable
          labelledBy="lifecycle"
          caption={t(`${P}.lifecycleCaption`)}
          head={[
            t(`${P}.column.step`),
            t(`${P}.column.from`),
            t(`${P}.column.to`),
            t(`${P}.column.who`),
            t(`${P}.column.reason`),
          ]}
        >
          {steps.map((s) => (
            <tr>
              <th scope="row">
                <span safe>{t(`${P}.steps.${s.action}`)}</span>
                {s.types ? (
                  <>
                    {" "}
                    <span class="hint" safe>
                      {t(`${P}.onlyFor`, { types: s.types.map((type) => t(`caseType.${type}`)).join(", ") })}
                    </span>
                  </>
                ) : null}
              </th>
              <td safe>{statuses(s.from)}</td>
              <td safe>{t(`status.${s.to}`)}</td>
              <td safe>
                {s.who
                  .map((w) => `${roleName(ctx, w.role)} (${conditionText(ctx, w.conditions)})`)
                  .join("; ")}
              </td>
              <td safe>
                {s.reason
                  ? t(s.reasonRequired ? `${P}.reasonRequired` : `${P}.reasonOptional`, {
                      kind: t(`${P}.reasonKind.${s.reason}`),
                    })
                  : t(`${P}.reasonNone`)}
              </td>
            </tr>
          ))}
        </ScrollTable>
        <p safe>{t(`${P}.pauseNote`, { status: t("status.awaiting_citizen") })}</p>
      </section>

      <section aria-labelledby="standards">
        <h2 id="standards" safe>
          {t(`${P}.heading.standards`)}
        </h2>
        <p safe>{t(`${P}.standardsLead`)}</p>
        {data ? (
          <>
            <CategoryTable
              ctx={ctx}
              id="standards"
              caption={t(`${P}.categoriesCaption`)}
              rows={data.categories}
            />
            {data.nationalRows.length > 0 ? (
              <>
                <h3 id="national-rows" safe>
                  {t(`${P}.nationalRowsHeading`)}
                </h3>
                <p safe>{t(`${P}.nationalRowsLead`)}</p>
                <RuleTable
                  ctx={ctx}
                  id="national-rows"
                  caption={t(`${P}.nationalRowsCaption`)}
                  rows={data.nationalRows}
                />
              </>
            ) : null}
          </>
        ) : null}
      </section>

      <section aria-labelledby="escalation">
        <h2 id="escalation" safe>
          {t(`${P}.heading.escalation`)}
        </h2>
        <p safe>
          {t(`${P}.warnings`, { dueSoon: SLA_MARKS.dueSoonPercent, warning: SLA_MARKS.warningPercent })}
        </p>
        <ScrollTable
          labelledBy="escalation"
          caption={t(`${P}.ladderCaption`)}
          head={[t(`${P}.column.level`), t(`${P}.column.when`), t(`${P}.column.to`)]}
        >
          <tr>
            <th scope="row" safe>
              {t(`${P}.ladderStart`)}
            </th>
            <td safe>{t(`${P}.ladderStartWhen`)}</td>
            <td safe>{roleName(ctx, "officer")}</td>
          </tr>
          {SLA_MARKS.ladder.map((rung) => (
            <tr>
              <th scope="row" safe>
                {t(`${P}.ladderLevel`, { level: rung.level })}
              </th>
              <td safe>
                {rung.afterWorkingDays === 0
                  ? t(`${P}.atBreach`)
                  : t(`${P}.afterBreach`, { count: rung.afterWorkingDays })}
              </td>
              <td safe>{roleName(ctx, rung.to)}</td>
            </tr>
          ))}
        </ScrollTable>
        <p safe>{t(`${P}.ladderNote`)}</p>
      </section>

      <section aria-labelledby="reasons">
        <h2 id="reasons" safe>
          {t(`${P}.heading.reasons`)}
        </h2>
        <p safe>{t(`${P}.reasonsLead`)}</p>
        {data ? (
          <ScrollTable
            labelledBy="reasons"
            caption={t(`${P}.reasonsCaption`)}
            head={[t(`${P}.column.reasonCode`), t(`${P}.column.usedFor`), t(`${P}.column.code`)]}
          >
            {data.reasons.map((r) => (
              <tr>
                <th scope="row">
                  <Loc ctx={ctx} text={r.name} />
                </th>
                <td safe>{t(`${P}.reasonKind.${r.appliesTo}`, { defaultValue: r.appliesTo })}</td>
                <td>
                  <code safe>{r.code}</code>
                </td>
              </tr>
            ))}
          </ScrollTable>
        ) : null}
      </section>

      {m ? (
        <section aria-labelledby="municipality">
          <h2 id="municipality" safe>
            {t(`${P}.municipalityHeading`, { municipality: localized(m.name, ctx.lang) })}
          </h2>
          <h3 id="departments" safe>
            {t(`${P}.departmentsHeading`)}
          </h3>
          {m.departments.length > 0 ? (
            <ul>
              {m.departments.map((d) => (
                <li>
                  <Loc ctx={ctx} text={d.name} />
                </li>
              ))}
            </ul>
          ) : (
            <p safe>{t(`${P}.noDepartments`)}</p>
          )}
          <p safe>{t(`${P}.coordinatorNote`)}</p>
          <h3 id="municipal-standards" safe>
            {t(`${P}.municipalStandardsHeading`)}
          </h3>
          {m.standards.length > 0 ? (
            <>
              <p safe>{t(`${P}.municipalStandardsLead`)}</p>
              <RuleTable
                ctx={ctx}
                id="municipal-standards"
                caption={t(`${P}.municipalStandardsCaption`, { municipality: localized(m.name, ctx.lang) })}
                rows={m.standards}
              />
            </>
          ) : (
            <p safe>{t(`${P}.noMunicipalStandards`)}</p>
          )}
          {m.ownCategories.length > 0 ? (
            <>
              <h3 id="own-categories" safe>
                {t(`${P}.ownCategoriesHeading`)}
              </h3>
              <CategoryTable
                ctx={ctx}
                id="own-categories"
                caption={t(`${P}.ownCategoriesCaption`, { municipality: localized(m.name, ctx.lang) })}
                rows={m.ownCategories}
              />
            </>
          ) : null}
          <h3 safe>{t(`${P}.switchedOffHeading`)}</h3>
          {m.switchedOff.length > 0 ? (
            <ul>
              {m.switchedOff.map((name) => (
                <li>
                  <Loc ctx={ctx} text={name} />
                </li>
              ))}
            </ul>
          ) : (
            <p safe>{t(`${P}.noneSwitchedOff`)}</p>
          )}
        </section>
      ) : null}
    </Layout>
  );
}
