// The style guide (issue 10, "design system"): every shared component of the pages, in each of its states,
// rendered by the components themselves — so it cannot drift from what the pages show. A public page: it
// holds no data, and integrators and municipalities' web teams may build on the same parts.
import type { Children } from "@kitajs/html";
import type { FastifyInstance } from "fastify";
import { CASE_STATUSES } from "../cases/statuses.ts";
import { formatDateTime, formatDay, StatusTag } from "../cases/web/casePages.tsx";
import {
  ChartFigure,
  chartFormat,
  chartMonthLabels,
  monthCell,
  valueCell,
} from "../stats/web/statsPages.tsx";
import { Breadcrumbs } from "./components/Breadcrumbs.tsx";
import { Card } from "./components/Card.tsx";
import { Notice } from "./components/Notice.tsx";
import { Pagination } from "./components/Pagination.tsx";
import { ScrollTable } from "./components/ScrollTable.tsx";
import { Tabs } from "./components/Tabs.tsx";
import { Timeline } from "./components/Timeline.tsx";
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
import { CaseMap } from "./map.tsx";
import { pageContext } from "./pageContext.ts";

const K = "styleguide";

// The samples' facts: fixed, so the page is the same on every visit (and cacheable); their words come from
// the catalogs. Times are instants, written in the reader's language and the country's time zone.
const SAMPLE_TIMES = [
  new Date("2026-03-03T08:15:00Z"),
  new Date("2026-03-04T09:02:00Z"),
  new Date("2026-03-04T15:30:00Z"),
  new Date("2026-03-05T13:40:00Z"),
] as const;
const SAMPLE_CODE = "PRI-2026-000042";
/** Near Prishtina's main square. */
const SAMPLE_PLACE = { latitude: 42.6629, longitude: 21.1655 };
const SAMPLE_MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"];
const SAMPLE_RECEIVED = [12, 15, 9, 14, 18, 11] as const;
const SAMPLE_PERIOD = { from: "2026-01", to: "2026-06" };

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
        <State ctx={ctx} name="timelinePublic">
          <Timeline
            events={[
              { at: SAMPLE_TIMES[0], what: t("case.event.submitted") },
              {
                at: SAMPLE_TIMES[1],
                what: t("case.event.statusChanged", { status: t("status.in_progress") }),
              },
              {
                at: SAMPLE_TIMES[3],
                what: t("case.event.statusChanged", { status: t("status.referred") }),
                reason: t("case.event.reason", { reason: s("reason") }),
                messages: [{ text: s("referral") }],
              },
            ].map((e) => ({ ...e, when: formatDateTime(ctx, e.at) }))}
          />
        </State>
        <State ctx={ctx} name="timelineStaff">
          <Timeline
            events={[
              {
                at: SAMPLE_TIMES[0],
                by: t("workspace_case.timeline.citizen"),
                what: t("workspace_case.event.submitted"),
              },
              {
                at: SAMPLE_TIMES[1],
                by: s("officer"),
                what: t("workspace_case.event.status_changed", { status: t("status.in_progress") }),
                messages: [{ label: t("workspace_case.timeline.note"), text: s("note") }],
              },
              {
                at: SAMPLE_TIMES[2],
                by: s("officer"),
                internal: t("workspace_case.timeline.internal"),
                what: t("workspace_case.event.internal_note"),
                messages: [{ text: s("internalNote") }],
              },
            ].map((e) => ({ ...e, when: formatDateTime(ctx, e.at) }))}
          />
        </State>
        <State ctx={ctx} name="empty">
          <Timeline events={[]} empty={s("timelineEmpty")} />
        </State>
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
        <State ctx={ctx} name="cardCase">
          <ol class="case-list">
            <Card
              level={4}
              title={s("cardTitle")}
              href="#sg-cards"
              status={<StatusTag ctx={ctx} status="in_progress" />}
              details={[
                { term: t("case.trackingCode"), value: SAMPLE_CODE, code: true },
                { term: t("case.type"), value: `${t("caseType.issue_report")}: ${s("cardCategory")}` },
                { term: t("case.municipality"), value: s("cardMunicipality") },
                {
                  term: t("case.received"),
                  value: { at: SAMPLE_TIMES[0], text: formatDay(ctx, SAMPLE_TIMES[0]) },
                },
              ]}
            />
          </ol>
        </State>
        <State ctx={ctx} name="cardAction">
          <ul class="case-list">
            <Card
              level={4}
              title={s("cardNoticeTitle")}
              href="#sg-cards"
              status={
                <strong class="status-tag" safe>
                  {t("notifications.centre.unread")}
                </strong>
              }
              details={[
                {
                  term: t("notifications.centre.received"),
                  value: { at: SAMPLE_TIMES[3], text: formatDateTime(ctx, SAMPLE_TIMES[3]) },
                },
              ]}
              actions={
                <form method="get" action="/styleguide">
                  <Button label={t("notifications.centre.markRead")} variant="secondary" />
                </form>
              }
            >
              <p safe>{s("cardNoticeBody")}</p>
            </Card>
          </ul>
        </State>
        <State ctx={ctx} name="cardPlain">
          <ul class="case-list">
            <Card level={4} title={s("cardPlainTitle")} summary={<span safe>{s("cardSummary")}</span>} />
          </ul>
        </State>
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
        <State ctx={ctx} name="map">
          {/* Drawn only where the server has a tile server and the browser runs the map script. */}
          {ctx.map ? (
            <CaseMap ctx={ctx} location={{ ...SAMPLE_PLACE, precision: "approximate" }} />
          ) : (
            <p class="hint" safe>
              {s("mapOff")}
            </p>
          )}
        </State>
        <State ctx={ctx} name="chart">
          <ChartFigure
            ctx={ctx}
            id="sg-chart"
            title={t("stats.chart.received")}
            period={SAMPLE_PERIOD}
            chart={{
              kind: "columns",
              categories: chartMonthLabels(ctx.lang, SAMPLE_MONTHS),
              values: [...SAMPLE_RECEIVED],
              format: chartFormat(ctx.lang, "count"),
            }}
            table={{
              name: "sg-chart",
              caption: s("tableCaption"),
              columns: [
                { key: "month", label: s("month") },
                { key: "received", label: s("received"), numeric: true },
              ],
              rows: SAMPLE_MONTHS.map((m, i) => [
                monthCell(ctx.lang, m),
                valueCell(ctx.lang, "count", SAMPLE_RECEIVED[i]),
              ]),
            }}
            folded
          />
        </State>
        <State ctx={ctx} name="chartEmpty">
          <ChartFigure
            ctx={ctx}
            id="sg-chart-empty"
            title={t("stats.chart.answered")}
            period={SAMPLE_PERIOD}
            chart={{
              kind: "line",
              categories: chartMonthLabels(ctx.lang, SAMPLE_MONTHS),
              values: SAMPLE_MONTHS.map(() => null),
              format: chartFormat(ctx.lang, "share"),
              max: 1,
            }}
          />
        </State>
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
