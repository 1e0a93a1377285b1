// The style guide (issue 10, "design system"): every shared component of the pages, in each of its states,
// rendered by the components themselves — so it cannot drift from what the pages show. A public page: it
// holds no data, and integrators and municipalities' web teams may build on the same parts.
import type { Children } from "@kitajs/html";
import type { FastifyInstance } from "fastify";
import { CASE_STATUSES } from "../cases/statuses.ts";
import { StatusTag } from "../cases/web/casePages.tsx";
import { Breadcrumbs } from "./components/Breadcrumbs.tsx";
import { Notice } from "./components/Notice.tsx";
import { Pagination } from "./components/Pagination.tsx";
import { ScrollTable } from "./components/ScrollTable.tsx";
import { Tabs } from "./components/Tabs.tsx";
import { type PageContext, sendPage } from "./context.ts";
import {
  Button,
  CheckboxField,
  ErrorSummary,
  Field,
  RadiosField,
  SelectField,
  TextAreaField,
} from "./forms.tsx";
import { Layout } from "./layout.tsx";
import { pageContext } from "./pageContext.ts";

const K = "styleguide";

/** One component: its name, what it is for, then its states. */
function Section(p: { ctx: PageContext; id: string; children: Children }) {
  const { t } = p.ctx;
  return (
    <section class="styleguide__section" aria-labelledby={`sg-${p.id}`}>
      <h2 id={`sg-${p.id}`} safe>
        {t(`${K}.${p.id}.title`)}
      </h2>
      <p safe>{t(`${K}.${p.id}.use`)}</p>
      {p.children}
    </section>
  );
}

/** A state of a component, named. */
function State(p: { ctx: PageContext; name: string; children: Children }) {
  return (
    <div class="styleguide__state">
      <h3 class="styleguide__state-name" safe>
        {p.ctx.t(`${K}.state.${p.name}`)}
      </h3>
      {p.children}
    </div>
  );
}

export function StyleGuidePage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const s = (key: string) => t(`${K}.sample.${key}`);
  const error = { "sg-with-error": `${K}.sample.errorMessage` };
  const choices = [
    { value: "a", label: s("choiceA") },
    { value: "b", label: s("choiceB"), hint: s("choiceHint") },
  ];
  return (
    <Layout ctx={ctx} title={t(`${K}.title`)}>
      <h1 safe>{t(`${K}.title`)}</h1>
      <p class="lead" safe>
        {t(`${K}.lead`)}
      </p>
      <nav aria-labelledby="sg-contents">
        <h2 id="sg-contents" safe>
          {t(`${K}.contents`)}
        </h2>
        <ul class="link-list">
          {SECTIONS.map((id) => (
            <li>
              <a href={`#sg-${id}`} safe>
                {t(`${K}.${id}.title`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <Section ctx={ctx} id="buttons">
        <State ctx={ctx} name="variants">
          <div class="styleguide__row">
            <Button label={s("primary")} variant="primary" />
            <Button label={s("secondary")} variant="secondary" />
            <Button label={s("warning")} variant="warning" />
          </div>
        </State>
        <State ctx={ctx} name="start">
          <a class="button button--start" href="#sg-buttons" safe>
            {s("start")}
          </a>
        </State>
      </Section>

      <Section ctx={ctx} id="fields">
        {/* A GET form to /styleguide: nothing is sent anywhere that changes anything. */}
        <form method="get" action="/styleguide" novalidate>
          <State ctx={ctx} name="default">
            <Field t={t} name="sg-default" label={s("label")} errors={{}} />
          </State>
          <State ctx={ctx} name="withHint">
            <Field t={t} name="sg-with-hint" label={s("label")} hint={s("hint")} errors={{}} width="medium" />
          </State>
          <State ctx={ctx} name="withError">
            <Field
              t={t}
              name="sg-with-error"
              label={s("label")}
              hint={s("hint")}
              errors={error}
              width="short"
            />
          </State>
          <State ctx={ctx} name="textarea">
            <TextAreaField t={t} name="sg-textarea" label={s("description")} value="" errors={{}} rows={3} />
          </State>
          <State ctx={ctx} name="select">
            <SelectField
              t={t}
              name="sg-select"
              label={s("choose")}
              value=""
              none={s("none")}
              options={choices}
              errors={{}}
            />
          </State>
          <State ctx={ctx} name="radios">
            <RadiosField t={t} name="sg-radios" label={s("choose")} value="a" options={choices} errors={{}} />
          </State>
          <State ctx={ctx} name="checkbox">
            <CheckboxField name="sg-checkbox" label={s("agree")} hint={s("hint")} checked={false} />
          </State>
        </form>
      </Section>

      <Section ctx={ctx} id="errorSummary">
        <ErrorSummary t={t} errors={error} order={["sg-with-error"]} focusOnLoad={false} />
      </Section>

      <Section ctx={ctx} id="notices">
        <State ctx={ctx} name="success">
          <Notice text={s("saved")} />
        </State>
        <State ctx={ctx} name="important">
          <Notice text={s("actionNeeded")} kind="important" />
        </State>
      </Section>

      <Section ctx={ctx} id="statusTags">
        <ul class="styleguide__tags">
          {CASE_STATUSES.map((status) => (
            <li>
              <StatusTag ctx={ctx} status={status} />
            </li>
          ))}
        </ul>
      </Section>

      <Section ctx={ctx} id="timeline">
        <ol class="timeline">
          <li class="timeline__event">
            <p class="timeline__when" safe>
              {s("when1")}
            </p>
            <p class="timeline__what" safe>
              {t("case.event.submitted")}
            </p>
          </li>
          <li class="timeline__event">
            <p class="timeline__when" safe>
              {s("when2")}
            </p>
            <p class="timeline__what" safe>
              {t("case.event.statusChanged", { status: t("status.resolved") })}
            </p>
            <p class="timeline__message" safe>
              {s("answer")}
            </p>
          </li>
        </ol>
      </Section>

      <Section ctx={ctx} id="tables">
        <ScrollTable
          labelledBy="sg-table-caption"
          caption={s("tableCaption")}
          head={[s("month"), s("received")]}
        >
          <tr>
            <th scope="row" safe>
              {s("month1")}
            </th>
            <td>12</td>
          </tr>
          <tr>
            <th scope="row" safe>
              {s("month2")}
            </th>
            <td>15</td>
          </tr>
        </ScrollTable>
      </Section>

      <Section ctx={ctx} id="pagination">
        <Pagination ctx={ctx} page={3} pageCount={9} href={(n) => `/styleguide?page=${n}#sg-pagination`} />
      </Section>

      <Section ctx={ctx} id="cards">
        <ol class="case-list">
          <li class="case-card">
            <h3 class="case-card__title">
              <a href="#sg-cards" safe>
                {s("cardTitle")}
              </a>
            </h3>
            <p class="case-card__status">
              <StatusTag ctx={ctx} status="in_progress" />
            </p>
          </li>
        </ol>
      </Section>

      <Section ctx={ctx} id="tabs">
        <Tabs
          label={s("tabsLabel")}
          tabs={[
            { label: s("tabOne"), href: "/styleguide#sg-tabs", current: true },
            { label: s("tabTwo"), href: "/styleguide?view=2#sg-tabs" },
          ]}
        />
      </Section>

      <Section ctx={ctx} id="breadcrumbs">
        <Breadcrumbs
          label={t("components.breadcrumbs.label")}
          crumbs={[
            { label: s("crumbHome"), href: "/" },
            { label: s("crumbSection"), href: "/statistics" },
            { label: t(`${K}.title`) },
          ]}
        />
      </Section>

      <Section ctx={ctx} id="frames">
        <ul class="link-list">
          <li>
            <a href="/cases/map" safe>
              {s("mapExample")}
            </a>
          </li>
          <li>
            <a href="/statistics" safe>
              {s("chartExample")}
            </a>
          </li>
        </ul>
      </Section>
    </Layout>
  );
}

const SECTIONS = [
  "buttons",
  "fields",
  "errorSummary",
  "notices",
  "statusTags",
  "timeline",
  "tables",
  "pagination",
  "cards",
  "tabs",
  "breadcrumbs",
  "frames",
] as const;

export async function styleGuideRoutes(app: FastifyInstance) {
  app.get("/styleguide", { config: { page: { sample: "/styleguide" } } }, async (req, reply) =>
    sendPage(reply, <StyleGuidePage ctx={pageContext(req, reply)} />),
  );
}
