import { CASE_STATUSES } from "../../cases/statuses.ts";
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import type { PageContext } from "../../web/context.ts";
import { Layout } from "../../web/layout.tsx";

// One collator per language: localeCompare(…, locale) builds a new one on every call, which costs more
// than the whole rest of the page.
const collators = new Map<string, Intl.Collator>();
function collator(lang: Language): Intl.Collator {
  const known = collators.get(lang);
  if (known) return known;
  const created = new Intl.Collator(htmlLang(lang));
  collators.set(lang, created);
  return created;
}

export function HomePage({
  ctx,
  municipalities,
}: {
  ctx: PageContext;
  municipalities: { slug: string; name: LocalizedText }[];
}) {
  const { t, lang } = ctx;
  // Albanian and Serbian names differ for most municipalities; show the other official one too, so
  // everyone finds theirs whatever the page language.
  const other = lang === "sr" ? "sq" : "sr";
  const sorted = [...municipalities].sort((a, b) =>
    collator(lang).compare(localized(a.name, lang), localized(b.name, lang)),
  );
  return (
    <Layout ctx={ctx} title={t("home.title")}>
      <h1 safe>{t("home.title")}</h1>
      <p class="lead" safe>
        {t("home.lead")}
      </p>
      <p>
        <a href="/statistics" safe>
          {t("stats.links.home")}
        </a>
      </p>
      <h2 id="municipalities-heading" safe>
        {t("home.municipalitiesHeading")}
      </h2>
      <p class="count" safe>
        {t("home.municipalitiesCount", { count: sorted.length })}
      </p>
      <ul class="municipality-list" aria-labelledby="municipalities-heading">
        {sorted.map((m) => {
          const name = localized(m.name, lang);
          const alt = m.name[other];
          return (
            <li>
              <a href={`/m/${m.slug}`}>
                <span safe>{name}</span>
                {alt !== undefined && alt !== name ? (
                  <span class="alt-name" lang={htmlLang(other)} safe>
                    {alt}
                  </span>
                ) : null}
              </a>
            </li>
          );
        })}
      </ul>
    </Layout>
  );
}

export function MunicipalityPage({
  ctx,
  municipality,
  counts,
}: {
  ctx: PageContext;
  municipality: { slug: string; name: LocalizedText };
  counts: Map<string, number>;
}) {
  const { t, lang } = ctx;
  const name = localized(municipality.name, lang);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const format = new Intl.NumberFormat(htmlLang(lang));
  return (
    <Layout
      ctx={ctx}
      title={t("municipality.title", { name })}
      municipality={{ name, slug: municipality.slug }}
    >
      <h1 safe>{t("municipality.title", { name })}</h1>
      <p class="lead" safe>
        {t("municipality.lead", { name })}
      </p>
      <div class="start">
        <a class="button button--start" href={`/m/${municipality.slug}/submit`} safe>
          {t("submit.cta")}
        </a>
        <p safe>{t("submit.ctaLead")}</p>
      </div>
      <p>
        <a href={`/cases?municipality=${encodeURIComponent(municipality.slug)}`} safe>
          {t("caseList.seeAllForMunicipality")}
        </a>
      </p>
      <p>
        <a href={`/m/${municipality.slug}/statistics`} safe>
          {t("stats.links.municipality", { name })}
        </a>
      </p>
      <h2 safe>{t("municipality.participationHeading")}</h2>
      <ul class="link-list">
        {(["consultations", "proposals", "meetings"] as const).map((part) => (
          <li>
            <a href={`/m/${municipality.slug}/${part}`} safe>
              {t(`municipality.participation.${part}`)}
            </a>
          </li>
        ))}
      </ul>
      <h2 safe>{t("municipality.statusHeading")}</h2>
      {total === 0 ? (
        <p safe>{t("municipality.empty")}</p>
      ) : (
        <table>
          <caption safe>{t("municipality.statusCaption", { name })}</caption>
          <thead>
            <tr>
              <th scope="col" safe>
                {t("municipality.statusColumn")}
              </th>
              <th scope="col" class="number" safe>
                {t("municipality.countColumn")}
              </th>
            </tr>
          </thead>
          <tbody>
            {CASE_STATUSES.filter((s) => counts.has(s)).map((s) => (
              <tr>
                <th scope="row" safe>
                  {t(`status.${s}`)}
                </th>
                <td class="number" safe>
                  {format.format(counts.get(s) ?? 0)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" safe>
                {t("municipality.total")}
              </th>
              <td class="number" safe>
                {format.format(total)}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </Layout>
  );
}
