// The guidance index (/guide, and a municipality's /m/:slug/guide), how it works, and the questions people
// ask most. The numbers they mention (how long a case may be reopened) come from the code that enforces them.
import { REOPEN_WINDOW_DAYS } from "../cases/commands/reopenCase.ts";
import { CASE_STATUSES, CASE_TYPES } from "../cases/statuses.ts";
import type { PageContext } from "../web/context.ts";
import { type Choice, ErrorSummary, type FieldErrors, formTitle, SelectField } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { G, GUIDE_PAGES, GuideFrame, guidePath, leafletPath, pageKey, WORKSPACE_GUIDE_PATH } from "./ui.tsx";

const I = `${G}.index`;

export interface GuideIndexProps {
  ctx: PageContext;
  /** A municipality's guidance: links to its own versions and its leaflet. */
  municipality?: { slug: string; name: string } | undefined;
  /** Without one: the municipalities to choose from. */
  municipalities: readonly Choice[];
  chosen: string;
  errors: FieldErrors;
}

export function GuideIndexPage(p: GuideIndexProps) {
  const { ctx, municipality: m, errors } = p;
  const { t } = ctx;
  const title = m ? t(`${I}.titleIn`, { municipality: m.name }) : t(`${I}.title`);
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)} municipality={m}>
      <ErrorSummary t={t} errors={errors} order={["m"]} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${I}.lead`)}
      </p>
      <h2 id="citizens" safe>
        {t(`${I}.citizensHeading`)}
      </h2>
      <ul class="link-list guide-list">
        {GUIDE_PAGES.map((page) => (
          <li>
            <a href={guidePath(page, m?.slug)} safe>
              {t(`${G}.${pageKey(page)}.title`)}
            </a>
            <p safe>{t(`${G}.${pageKey(page)}.summary`)}</p>
          </li>
        ))}
      </ul>
      <h2 id="municipality" safe>
        {m ? t(`${I}.municipalityHeadingIn`, { municipality: m.name }) : t(`${I}.municipalityHeading`)}
      </h2>
      {m ? (
        <ul class="link-list">
          <li>
            <a href={`/m/${m.slug}`} safe>
              {t(`${I}.municipalityPage`, { municipality: m.name })}
            </a>
          </li>
          <li>
            <a href={leafletPath(m.slug)} safe>
              {t(`${I}.leaflet`, { municipality: m.name })}
            </a>
          </li>
          <li>
            <a href={guidePath("index")} safe>
              {t(`${I}.otherMunicipality`)}
            </a>
          </li>
        </ul>
      ) : (
        <>
          <p safe>{t(`${I}.municipalityLead`)}</p>
          <form method="get" action={guidePath("index")} novalidate>
            <SelectField
              t={t}
              name="m"
              label={t(`${I}.municipalityLabel`)}
              value={p.chosen}
              none={t(`${I}.municipalityNone`)}
              options={p.municipalities}
              errors={errors}
            />
            <button type="submit" class="button button--secondary" safe>
              {t(`${I}.show`)}
            </button>
          </form>
        </>
      )}
      <h2 id="staff" safe>
        {t(`${I}.staffHeading`)}
      </h2>
      <p safe>{t(`${I}.staffLead`)}</p>
      <ul class="link-list">
        <li>
          <a href={WORKSPACE_GUIDE_PATH} safe>
            {t(`${G}.workspace.title`)}
          </a>
        </li>
        <li>
          <a href="/procedures" safe>
            {t(`${I}.procedures`)}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

const H = `${G}.howItWorks`;

export function HowItWorksPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <GuideFrame ctx={ctx} page="how-it-works">
      <h2 id="submit" safe>
        {t(`${H}.submitHeading`)}
      </h2>
      <p safe>{t(`${H}.submitLead`)}</p>
      <dl class="summary-list">
        {CASE_TYPES.map((type) => (
          <div>
            <dt safe>{t(`caseType.${type}`)}</dt>
            <dd safe>{t(`submit.type.help.${type}`)}</dd>
          </div>
        ))}
      </dl>
      <p safe>{t(`${H}.submitPlace`)}</p>
      <p safe>{t(`${H}.submitAnonymous`)}</p>
      <p safe>{t(`${H}.submitChannels`)}</p>
      <p>
        <a class="button button--start" href="/" safe>
          {t(`${H}.start`)}
        </a>
      </p>

      <h2 id="follow" safe>
        {t(`${H}.followHeading`)}
      </h2>
      <p safe>{t(`${H}.followCode`)}</p>
      <p safe>{t(`${H}.followAccount`)}</p>
      <h3 id="statuses" safe>
        {t(`${H}.statusesHeading`)}
      </h3>
      <dl class="summary-list">
        {CASE_STATUSES.map((status) => (
          <div>
            <dt safe>{t(`status.${status}`)}</dt>
            <dd safe>{t(`${H}.status.${status}`)}</dd>
          </div>
        ))}
      </dl>
      <p safe>{t(`${H}.followAfter`, { count: REOPEN_WINDOW_DAYS })}</p>
      <p>
        <a href={guidePath("after-you-submit")} safe>
          {t(`${H}.deadlinesLink`)}
        </a>
      </p>

      <h2 id="take-part" safe>
        {t(`${H}.takePartHeading`)}
      </h2>
      <p safe>{t(`${H}.takePartLead`)}</p>
      <p>
        <a href={guidePath("participation")} safe>
          {t(`${H}.takePartLink`)}
        </a>
      </p>

      <h2 id="see" safe>
        {t(`${H}.seeHeading`)}
      </h2>
      <p safe>{t(`${H}.seeLead`)}</p>
      <ul class="link-list">
        <li>
          <a href="/cases" safe>
            {t(`${H}.seeCases`)}
          </a>
        </li>
        <li>
          <a href="/statistics" safe>
            {t(`${H}.seeStatistics`)}
          </a>
        </li>
        <li>
          <a href="/open-data" safe>
            {t(`${H}.seeOpenData`)}
          </a>
        </li>
      </ul>
    </GuideFrame>
  );
}

/** The questions, in order; each answer may point to where to read more. */
const FAQ: readonly { id: string; href?: string; values?: Record<string, number> }[] = [
  { id: "account" },
  { id: "received", href: guidePath("how-it-works") },
  { id: "when", href: guidePath("after-you-submit") },
  { id: "public", href: guidePath("privacy") },
  { id: "late", href: `${guidePath("after-you-submit")}#late` },
  { id: "reopen", values: { count: REOPEN_WINDOW_DAYS } },
  { id: "languages" },
  { id: "offline" },
  { id: "delete", href: guidePath("privacy") },
  { id: "accessibility", href: guidePath("accessibility") },
];

export function FaqPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <GuideFrame ctx={ctx} page="faq">
      {FAQ.map((q) => (
        <section aria-labelledby={`faq-${q.id}`}>
          <h2 id={`faq-${q.id}`} safe>
            {t(`${G}.faq.q.${q.id}`)}
          </h2>
          <p safe>{t(`${G}.faq.a.${q.id}`, q.values ?? {})}</p>
          {q.href ? (
            <p>
              <a href={q.href} safe>
                {t(`${G}.faq.more.${q.id}`)}
              </a>
            </p>
          ) : null}
        </section>
      ))}
    </GuideFrame>
  );
}
