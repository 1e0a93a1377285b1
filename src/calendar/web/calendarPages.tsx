// The ministry's calendar pages: a year's holidays with the days observed, the form to add one, the
// history of changes, and one holiday's page (change its names, remove it). Every form keeps what was
// typed and shows its problems at the fields (src/web/forms.tsx).

import { formatDateTime } from "../../cases/web/casePages.tsx";
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Lines } from "../../web/components/Lines.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  attributeText,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import type { AnnouncedGap, CalendarChangeEntry, HolidayRow } from "../calendarAdmin.ts";
import { HOLIDAY_KINDS } from "../calendarAdmin.ts";

const K = "calendar_admin";
type Values = Record<string, string>;

export const calendarPath = (year?: number) =>
  year ? `/ministry/calendar?year=${year}` : "/ministry/calendar";
export const holidayPath = (date: string) => `/ministry/calendar/holidays/${encodeURIComponent(date)}`;

export const ADD_FIELDS = ["date", "nameSq", "nameSr", "nameEn", "kind", "reason"] as const;
export const RENAME_FIELDS = ["nameSq", "nameSr", "nameEn", "reason"] as const;
export const REMOVE_FIELDS = ["removeReason"] as const;

// A day as people read it, with its weekday (whether a holiday fell on a weekend is the point here). The
// date is a calendar day, not an instant: formatted at noon UTC so no time zone moves it.
const dayFormats = new Map<Language, Intl.DateTimeFormat>();
function formatLocalDate(lang: Language, date: string): string {
  let f = dayFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(htmlLang(lang), { dateStyle: "full", timeZone: "UTC" });
    dayFormats.set(lang, f);
  }
  return f.format(new Date(`${date}T12:00:00Z`));
}

function Day({ lang, date }: { lang: Language; date: string }) {
  return (
    <time datetime={date} safe>
      {formatLocalDate(lang, date)}
    </time>
  );
}

/** The three names, each marked with its language. */
function Names({ name }: { name: LocalizedText }) {
  return (
    <>
      <span lang="sq" safe>
        {name.sq}
      </span>
      {" / "}
      <span lang="sr-Latn" safe>
        {name.sr}
      </span>
      {name.en ? (
        <>
          {" / "}
          <span lang="en" safe>
            {name.en}
          </span>
        </>
      ) : null}
    </>
  );
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

function Input(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
  type?: "text" | "date";
  width?: "full" | "medium";
  lang?: string;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
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
      {error ? <ErrorMessage t={p.ctx.t} id={`${id}-error`} error={error} /> : null}
      <input
        class={`input input--${p.width ?? "full"}${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={attributeText(p.value)}
        lang={p.lang}
        autocomplete="off"
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
      />
    </div>
  );
}

function TextArea(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint: string;
  value: string;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      <div class="hint" id={`${id}-hint`} safe>
        {p.hint}
      </div>
      {error ? <ErrorMessage t={p.ctx.t} id={`${id}-error`} error={error} /> : null}
      <textarea
        class={`input textarea${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        rows="3"
        aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </div>
  );
}

/** The names in the three languages: all required, each typed in its own language. */
function NameFields(p: { ctx: PageContext; values: Values; errors: FieldErrors }) {
  const { t } = p.ctx;
  const fields = [
    ["nameSq", "sq"],
    ["nameSr", "sr-Latn"],
    ["nameEn", "en"],
  ] as const;
  return (
    <>
      {fields.map(([name, lang]) => (
        <Input
          ctx={p.ctx}
          name={name}
          label={t(`${K}.${name}Label`)}
          value={p.values[name] ?? ""}
          errors={p.errors}
          lang={lang}
        />
      ))}
    </>
  );
}

function KindRadios(p: { ctx: PageContext; value: string | undefined; errors: FieldErrors }) {
  const { t } = p.ctx;
  const id = fieldId("kind");
  const error = p.errors.kind;
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend class="label" safe>
        {t(`${K}.kindLegend`)}
      </legend>
      {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
      <div class="choice-list">
        {HOLIDAY_KINDS.map((kind) => (
          <div class="radio radio--hinted">
            <input
              class="radio__input"
              type="radio"
              id={`${id}-${kind}`}
              name="kind"
              value={kind}
              checked={p.value === kind}
              aria-describedby={`${id}-${kind}-hint`}
            />
            <div class="radio__text">
              <label class="radio__label" for={`${id}-${kind}`} safe>
                {t(`${K}.kind.${kind}`)}
              </label>
              <div class="hint radio__hint" id={`${id}-${kind}-hint`} safe>
                {t(`${K}.kind.${kind}Hint`)}
              </div>
            </div>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function Notice({ text }: { text: string | undefined }) {
  return text ? (
    <div class="notice" role="status" safe>
      {text}
    </div>
  ) : (
    ""
  );
}

// ── The year's calendar.

export function CalendarPage(p: {
  ctx: PageContext;
  year: number;
  years: readonly number[];
  holidays: HolidayRow[];
  /** Announced holidays (the Bajrams) the year has no date for yet. */
  missing: HolidayRow[];
  /** The other years watched (this one, the next: calendarAdmin.ts yearsWatched) that lack one. */
  otherYears: AnnouncedGap[];
  history: CalendarChangeEntry[];
  values: Values;
  errors: FieldErrors;
  notice?: string;
}) {
  const { t, lang } = p.ctx;
  const title = t(`${K}.title`);
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.errors)}>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={p.errors} order={ADD_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.lead`)}
      </p>
      <p safe>{t(`${K}.appliesFrom`)}</p>
      <nav aria-label={t(`${K}.yearsNav`)}>
        <ul class="link-list">
          {p.years.map((y) => (
            <li>
              {y === p.year ? (
                <a href={calendarPath(y)} aria-current="page">
                  <strong safe>{String(y)}</strong>
                </a>
              ) : (
                <a href={calendarPath(y)} safe>
                  {String(y)}
                </a>
              )}
            </li>
          ))}
        </ul>
      </nav>

      {p.otherYears.map((g) => (
        <div class="notice" role="note">
          <p class="warning-text" safe>
            {t(`${K}.missingAnnounced`, { year: g.year })}
          </p>
          <ul>
            {g.missing.map((h) => (
              <li safe>{localized(h.name, lang)}</li>
            ))}
          </ul>
          <p>
            <a href={calendarPath(g.year)} safe>
              {t(`${K}.missingYearLink`, { year: g.year })}
            </a>
          </p>
        </div>
      ))}

      <h2 id="holidays" safe>
        {t(`${K}.holidaysHeading`, { year: p.year })}
      </h2>
      {p.missing.length > 0 ? (
        <div class="notice" role="note">
          <p class="warning-text" safe>
            {t(`${K}.missingAnnounced`, { year: p.year })}
          </p>
          <ul>
            {p.missing.map((h) => (
              <li safe>{localized(h.name, lang)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {p.holidays.length === 0 ? (
        <p safe>{t(`${K}.empty`, { year: p.year })}</p>
      ) : (
        <ScrollTable
          labelledBy="holidays"
          caption={t(`${K}.caption`, { year: p.year })}
          head={[
            t(`${K}.col.date`),
            t(`${K}.col.name`),
            t(`${K}.col.observed`),
            t(`${K}.col.kind`),
            t(`${K}.col.status`),
          ]}
        >
          {p.holidays.map((h) => (
            <tr>
              <td>
                <Day lang={lang} date={h.date} />
              </td>
              <td>
                <a href={holidayPath(h.date)} safe>
                  {localized(h.name, lang)}
                </a>
              </td>
              <td>
                {h.observed === h.date ? (
                  <span safe>{t(`${K}.sameDay`)}</span>
                ) : (
                  <Day lang={lang} date={h.observed} />
                )}
              </td>
              <td safe>{t(`${K}.rule.${h.rule}`)}</td>
              <td safe>{t(`${K}.status.${h.status}`)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}

      <h2 id="add" safe>
        {t(`${K}.addHeading`)}
      </h2>
      <p safe>{t(`${K}.addLead`, { years: p.years.join(", ") })}</p>
      <PostForm action="/ministry/calendar/holidays" csrf={p.ctx.csrf}>
        <input type="hidden" name="year" value={String(p.year)} />
        <Input
          ctx={p.ctx}
          name="date"
          type="date"
          width="medium"
          label={t(`${K}.dateLabel`)}
          hint={t(`${K}.dateHint`)}
          value={p.values.date ?? ""}
          errors={p.errors}
        />
        <NameFields ctx={p.ctx} values={p.values} errors={p.errors} />
        <KindRadios ctx={p.ctx} value={p.values.kind} errors={p.errors} />
        <TextArea
          ctx={p.ctx}
          name="reason"
          label={t(`${K}.reasonLabel`)}
          hint={t(`${K}.reasonHint`)}
          value={p.values.reason ?? ""}
          errors={p.errors}
        />
        <Button label={t(`${K}.add`)} />
      </PostForm>

      <h2 id="history" safe>
        {t(`${K}.historyHeading`, { year: p.year })}
      </h2>
      {p.history.length === 0 ? (
        <p safe>{t(`${K}.historyEmpty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="history"
          caption={t(`${K}.historyCaption`, { year: p.year })}
          head={[t(`${K}.col.when`), t(`${K}.col.who`), t(`${K}.col.what`), t(`${K}.col.why`)]}
        >
          {p.history.map((entry) => (
            <tr>
              <td>
                <time datetime={entry.at.toISOString()} safe>
                  {formatDateTime(p.ctx, entry.at)}
                </time>
              </td>
              <td safe>{entry.by ?? t(`${K}.formerUser`)}</td>
              <td>
                <What ctx={p.ctx} entry={entry} />
              </td>
              <td>
                <Lines text={entry.reason} />
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </Layout>
  );
}

/** What a change did, in words: the holiday before and after, and any day off it moved. */
function What({ ctx, entry }: { ctx: PageContext; entry: CalendarChangeEntry }) {
  const { t, lang } = ctx;
  const day = (d: string) => formatLocalDate(lang, d);
  const { before, after } = entry;
  let main = "";
  if (entry.action === "holiday.added" && after) {
    main = t(`${K}.what.added`, {
      name: localized(after.name, lang),
      date: day(after.date),
      observed: day(after.observed),
    });
  } else if (entry.action === "holiday.removed" && before) {
    main = t(`${K}.what.removed`, { name: localized(before.name, lang), date: day(before.date) });
  }
  return (
    <>
      {entry.action === "holiday.renamed" && before && after ? (
        <p>
          <span safe>{t(`${K}.what.renamed`, { date: day(after.date) })}</span> <Names name={before.name} />{" "}
          <span safe>{t(`${K}.what.renamedTo`)}</span> <Names name={after.name} />
        </p>
      ) : (
        <p safe>{main}</p>
      )}
      {entry.moved.length > 0 ? (
        <ul>
          {entry.moved.map((m) => (
            <li safe>
              {t(`${K}.what.moved`, { name: localized(m.name, lang), from: day(m.from), to: day(m.to) })}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

// ── One holiday.

export function HolidayPage(p: {
  ctx: PageContext;
  holiday: HolidayRow;
  rename: { values: Values; errors: FieldErrors };
  remove: { values: Values; errors: FieldErrors };
  notice?: string;
}) {
  const { t, lang } = p.ctx;
  const h = p.holiday;
  const year = Number(h.date.slice(0, 4));
  const errors = { ...p.rename.errors, ...p.remove.errors };
  const title = t(`${K}.holiday.title`, {
    name: localized(h.name, lang),
    date: formatLocalDate(lang, h.date),
  });
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, errors)}>
      <a class="back-link" href={calendarPath(year)} safe>
        {t(`${K}.holiday.back`, { year })}
      </a>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={errors} order={[...RENAME_FIELDS, ...REMOVE_FIELDS]} />
      <h1 safe>{title}</h1>
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.col.date`)}</dt>
          <dd>
            <Day lang={lang} date={h.date} />
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.observed`)}</dt>
          <dd>
            <Day lang={lang} date={h.observed} />
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.names`)}</dt>
          <dd>
            <Names name={h.name} />
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.kind`)}</dt>
          <dd safe>{t(`${K}.rule.${h.rule}`)}</dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.status`)}</dt>
          <dd safe>{t(`${K}.status.${h.status}`)}</dd>
        </div>
      </dl>
      <p safe>{t(`${K}.appliesFrom`)}</p>

      <h2 id="rename" safe>
        {t(`${K}.holiday.renameHeading`)}
      </h2>
      <PostForm action={holidayPath(h.date)} csrf={p.ctx.csrf}>
        <NameFields ctx={p.ctx} values={p.rename.values} errors={p.rename.errors} />
        <TextArea
          ctx={p.ctx}
          name="reason"
          label={t(`${K}.reasonLabel`)}
          hint={t(`${K}.reasonHint`)}
          value={p.rename.values.reason ?? ""}
          errors={p.rename.errors}
        />
        <Button label={t(`${K}.holiday.rename`)} />
      </PostForm>

      <h2 id="remove" safe>
        {t(`${K}.holiday.removeHeading`)}
      </h2>
      <p safe>{t(`${K}.holiday.removeLead`)}</p>
      <PostForm action={`${holidayPath(h.date)}/remove`} csrf={p.ctx.csrf}>
        <TextArea
          ctx={p.ctx}
          name="removeReason"
          label={t(`${K}.reasonLabel`)}
          hint={t(`${K}.holiday.removeReasonHint`)}
          value={p.remove.values.removeReason ?? ""}
          errors={p.remove.errors}
        />
        <Button label={t(`${K}.holiday.remove`)} variant="warning" />
      </PostForm>
    </Layout>
  );
}
