// The case page (public, or seen through the private tracking link) and "your submissions".
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import type { PageContext } from "../../web/context.ts";
import { Layout } from "../../web/layout.tsx";
import { isOpen } from "../lifecycle.ts";
import { photoUrl } from "../photos/photoView.ts";
import type { PublicCase } from "../publicView.ts";
import type { CaseStatus } from "../statuses.ts";

// Formatters are costly to build (a tenth of a millisecond each): one per language and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Language, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}:${withTime}`;
  const known = formatters.get(key);
  if (known) return known;
  const made = new Intl.DateTimeFormat(htmlLang(lang), {
    dateStyle: withTime ? "medium" : "long",
    ...(withTime ? { timeStyle: "short" as const } : {}),
    timeZone: "Europe/Belgrade",
  });
  formatters.set(key, made);
  return made;
}

/** A date as people read it, in Kosovo's time zone: deadlines are local midnights, so show the day they end. */
export function formatDay(lang: Language, d: Date, endOfDay = false): string {
  return formatter(lang, false).format(endOfDay ? new Date(d.getTime() - 1) : d);
}

export function formatDateTime(lang: Language, d: Date): string {
  return formatter(lang, true).format(d);
}

export function StatusTag({ ctx, status }: { ctx: PageContext; status: string }) {
  return (
    <strong class={`status-tag status-tag--${status}`} safe>
      {ctx.t(`status.${status}`)}
    </strong>
  );
}

export interface CasePageProps {
  ctx: PageContext;
  view: PublicCase;
  category: LocalizedText;
  municipality: { slug: string; name: LocalizedText };
  reasons: Map<string, LocalizedText>;
  /** Seen through the private tracking link, or by its submitter: say it is private where it is. */
  access: "public" | "tracking_link" | "owner";
  isPrivate: boolean;
}

export function CasePage(p: CasePageProps) {
  const { ctx, view } = p;
  const { t, lang } = ctx;
  const municipalityName = localized(p.municipality.name, lang);
  const reasonName = (code: string | null) =>
    code && p.reasons.get(code) ? localized(p.reasons.get(code)!, lang) : null;
  return (
    <Layout
      ctx={ctx}
      title={`${view.trackingCode}: ${view.title}`}
      municipality={{ name: municipalityName, slug: p.municipality.slug }}
    >
      {p.access === "tracking_link" ? (
        <div class="notice" role="note" safe>
          {t("case.privateLinkNotice")}
        </div>
      ) : null}
      {p.isPrivate ? (
        <div class="notice" role="note" safe>
          {t("case.privateCaseNotice")}
        </div>
      ) : null}
      <p class="case-code">
        <span safe>{t("case.trackingCode")}</span>: <strong safe>{view.trackingCode}</strong>
      </p>
      <h1 safe>{view.title}</h1>
      <p>
        <StatusTag ctx={ctx} status={view.status} />
      </p>
      <dl class="summary-list">
        <div>
          <dt safe>{t("case.type")}</dt>
          <dd safe>{`${t(`caseType.${view.type}`)}: ${localized(p.category, lang)}`}</dd>
        </div>
        <div>
          <dt safe>{t("case.municipality")}</dt>
          <dd safe>{municipalityName}</dd>
        </div>
        <div>
          <dt safe>{t("case.received")}</dt>
          <dd safe>{`${formatDay(lang, view.receivedAt)} (${t(`case.channel.${view.channel}`)})`}</dd>
        </div>
        {isOpen(view.status) && view.responseDueAt ? (
          <div>
            <dt safe>{t("case.answerDue")}</dt>
            <dd safe>{formatDay(lang, view.responseDueAt, true)}</dd>
          </div>
        ) : null}
        {view.resolvedAt ? (
          <div>
            <dt safe>{t("case.answeredOn")}</dt>
            <dd safe>{formatDay(lang, view.resolvedAt)}</dd>
          </div>
        ) : null}
        {view.address || view.location ? (
          <div>
            <dt safe>{t("case.location")}</dt>
            <dd>
              {view.address ? <span safe>{view.address}</span> : null}
              {view.location ? (
                <span class="coordinates" safe>
                  {`${view.address ? " · " : ""}${view.location.latitude.toFixed(view.location.precision === "exact" ? 5 : 3)}, ${view.location.longitude.toFixed(view.location.precision === "exact" ? 5 : 3)}${view.location.precision === "approximate" ? ` (${t("case.approximate")})` : ""}`}
                </span>
              ) : null}
            </dd>
          </div>
        ) : null}
        {view.submitterName ? (
          <div>
            <dt safe>{t("case.submittedBy")}</dt>
            <dd safe>{view.submitterName}</dd>
          </div>
        ) : null}
      </dl>
      <h2 safe>{t("case.description")}</h2>
      <p class="case-description" safe>
        {view.description}
      </p>
      {view.photos.length > 0 ? (
        <section aria-labelledby="case-photos">
          <h2 id="case-photos" safe>
            {t("photos.heading")}
          </h2>
          <ul class="photo-gallery">
            {view.photos.map((photo, i) => (
              <li>
                <a href={photoUrl(photo.id)}>
                  <img
                    src={photoUrl(photo.id, { thumbnail: true })}
                    width={String(photo.thumbnail.width)}
                    height={String(photo.thumbnail.height)}
                    loading="lazy"
                    alt={t("photos.alt", { n: i + 1, total: view.photos.length })}
                  />
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2 safe>{t("case.timeline")}</h2>
      <ol class="timeline">
        {view.timeline.map((e) => {
          const reason = reasonName(e.reasonCode);
          return (
            <li class="timeline__event">
              <p class="timeline__when">
                <time datetime={e.at.toISOString()} safe>
                  {formatDateTime(lang, e.at)}
                </time>
              </p>
              <p class="timeline__what" safe>
                {e.type === "submitted"
                  ? t("case.event.submitted")
                  : e.toStatus
                    ? t("case.event.statusChanged", { status: t(`status.${e.toStatus as CaseStatus}`) })
                    : t(`case.event.${e.type}`, { defaultValue: t("case.event.update") })}
              </p>
              {reason ? (
                <p class="timeline__reason" safe>
                  {t("case.event.reason", { reason })}
                </p>
              ) : null}
              {e.message ? (
                <p class="timeline__message" safe>
                  {e.message}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </Layout>
  );
}

export function MyCasesPage({
  ctx,
  rows,
}: {
  ctx: PageContext;
  rows: {
    trackingCode: string;
    title: string;
    status: string;
    type: string;
    receivedAt: Date;
    municipality: LocalizedText;
  }[];
}) {
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t("myCases.title")}>
      <h1 safe>{t("myCases.title")}</h1>
      {rows.length === 0 ? (
        <p safe>{t("myCases.empty")}</p>
      ) : (
        <section class="table-wrap" aria-labelledby="my-cases-caption" tabindex="0">
          <table>
            <caption id="my-cases-caption" class="visually-hidden" safe>
              {t("myCases.title")}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t("case.trackingCode")}
                </th>
                <th scope="col" safe>
                  {t("myCases.what")}
                </th>
                <th scope="col" safe>
                  {t("case.municipality")}
                </th>
                <th scope="col" safe>
                  {t("case.received")}
                </th>
                <th scope="col" safe>
                  {t("myCases.status")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/cases/${r.trackingCode}`} safe>
                      {r.trackingCode}
                    </a>
                  </td>
                  <td safe>{r.title}</td>
                  <td safe>{localized(r.municipality, lang)}</td>
                  <td safe>{formatDay(lang, r.receivedAt)}</td>
                  <td>
                    <StatusTag ctx={ctx} status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Layout>
  );
}
