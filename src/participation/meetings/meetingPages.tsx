// The public meetings pages: the municipality's calendar and one meeting for everyone; the coordinator's
// year with the legal-minimum warning, and the form to schedule, edit, cancel and add minutes. Staff text
// shows in the page's language with Albanian as the fallback; dates and times in the profile's time zone.

import type { Children } from "@kitajs/html";
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Card } from "../../web/components/Card.tsx";
import { Lines } from "../../web/components/Lines.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  ErrorMessage,
  ErrorSummary,
  Field,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
  RadiosField,
  SelectField,
  TextAreaField,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { MEETING_FIELDS, MEETING_KINDS } from "./meetingForm.ts";
import { feedPath, meetingPath, minutesPath, publicMeetingsPath, staffMeetingsPath } from "./meetingPaths.ts";
import { isPast, MEETINGS_REQUIRED_PER_YEAR, type Meeting } from "./meetingQueries.ts";

const K = "meetings";
type Values = Record<string, string>;
type Municipality = { name: string; slug: string };

// ── Dates, times, sizes.

type DateContext = Pick<PageContext, "lang" | "timeZone">;
const formats = new Map<string, Intl.DateTimeFormat>();
function format(ctx: DateContext, what: "date" | "time"): Intl.DateTimeFormat {
  const key = `${ctx.lang}:${what}:${ctx.timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      htmlLang(ctx.lang),
      what === "date"
        ? { dateStyle: "full", timeZone: ctx.timeZone }
        : { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: ctx.timeZone },
    );
    formats.set(key, f);
  }
  return f;
}

/** "Tuesday, 15 December 2026, 17:00–19:00", in the page's language and the local time. */
export function whenText(ctx: PageContext, m: Pick<Meeting, "startsAt" | "endsAt">): string {
  const date = format(ctx, "date").format(m.startsAt);
  const start = format(ctx, "time").format(m.startsAt);
  return m.endsAt
    ? ctx.t(`${K}.when`, { date, start, end: format(ctx, "time").format(m.endsAt) })
    : ctx.t(`${K}.whenStart`, { date, start });
}

/** A file size as people read it: kB below a megabyte, MB with one decimal above. */
export function sizeText(ctx: PageContext, bytes: number): string {
  const nf = new Intl.NumberFormat(htmlLang(ctx.lang), { maximumFractionDigits: 1 });
  return bytes < 1024 * 1024
    ? ctx.t(`${K}.sizeKb`, { size: nf.format(Math.max(1, Math.round(bytes / 1024))) })
    : ctx.t(`${K}.sizeMb`, { size: nf.format(bytes / (1024 * 1024)) });
}

type State = "cancelled" | "held" | "scheduled";
const stateOf = (m: Meeting, now: Date): State =>
  m.cancelledAt ? "cancelled" : isPast(m, now) ? "held" : "scheduled";
const TAG: Record<State, string> = {
  cancelled: "status-tag status-tag--rejected",
  held: "status-tag status-tag--closed",
  scheduled: "status-tag status-tag--submitted",
};

/** Where a meeting stands, in words (never by colour alone). */
function StateTag({ ctx, meeting, now }: { ctx: PageContext; meeting: Meeting; now: Date }) {
  const state = stateOf(meeting, now);
  return (
    <span class={TAG[state]} safe>
      {ctx.t(`${K}.state.${state}`)}
    </span>
  );
}

/** Staff text in the page's language; marked with its own language when it falls back to Albanian. */
function Localized({ text, lang, block }: { text: LocalizedText; lang: Language; block?: boolean }) {
  const shown = localized(text, lang);
  const own = text[lang] !== undefined ? undefined : "sq";
  return block ? (
    <p lang={own}>
      <Lines text={shown} />
    </p>
  ) : (
    <span lang={own} safe>
      {shown}
    </span>
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

function YearLinks(p: {
  ctx: PageContext;
  years: number[];
  current: number | undefined;
  href: (y: number) => string;
}) {
  if (p.years.length < 2) return "";
  return (
    <nav aria-label={p.ctx.t(`${K}.yearsNav`)}>
      <ul class="link-list">
        {p.years.map((y) => (
          <li>
            {y === p.current ? (
              <span aria-current="page" safe>
                {String(y)}
              </span>
            ) : (
              <a href={p.href(y)} safe>
                {String(y)}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

// ── Public: the calendar.

function MeetingCard(p: { ctx: PageContext; meeting: Meeting; now: Date }) {
  const { ctx, meeting: m } = p;
  return (
    <Card
      level={3}
      title={{ markup: <Localized text={m.title} lang={ctx.lang} /> }}
      href={meetingPath(m.id)}
      summary={
        <>
          <StateTag ctx={ctx} meeting={m} now={p.now} /> <span safe>{ctx.t(`${K}.kind.${m.kind}`)}</span>
        </>
      }
    >
      <p safe>{whenText(ctx, m)}</p>
      <p>
        <Localized text={m.place} lang={ctx.lang} />
      </p>
      {m.minutesKey ? (
        <p>
          <a href={minutesPath(m.id)}>
            <span safe>{ctx.t(`${K}.public.minutesLink`)}</span>
            {/* Names the meeting for a screen reader's list of links, where every one says "Minutes". */}
            <span class="visually-hidden" safe>{`: ${localized(m.title, ctx.lang)}`}</span>{" "}
            <span safe>{`(${ctx.t(`${K}.pdf`)}, ${sizeText(ctx, m.minutesBytes ?? 0)})`}</span>
          </a>
        </p>
      ) : null}
    </Card>
  );
}

export function PublicMeetingsPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  now: Date;
  /** The year asked for; undefined: what is coming, and this year's past. */
  year: number | undefined;
  currentYear: number;
  years: number[];
  upcoming: Meeting[];
  past: Meeting[];
  /** A year that is no year: the message, and nothing listed (400). */
  yearError?: string;
}) {
  const { ctx } = p;
  const { t } = ctx;
  const title =
    p.year === undefined
      ? t(`${K}.public.title`, { municipality: p.municipality.name })
      : t(`${K}.public.yearTitle`, { municipality: p.municipality.name, year: String(p.year) });
  return (
    <Layout
      ctx={ctx}
      title={p.yearError ? formTitle(t, title, { year: p.yearError }) : title}
      municipality={p.municipality}
    >
      {p.yearError ? <ErrorSummary t={t} errors={{ form: p.yearError }} order={[]} /> : null}
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.public.lead`)}
      </p>
      <p>
        <a href={feedPath(p.municipality.slug, ctx.lang)} type="text/calendar" safe>
          {t(`${K}.public.feed`)}
        </a>
      </p>
      <p class="hint" safe>
        {t(`${K}.public.feedHint`)}
      </p>
      <YearLinks
        ctx={ctx}
        years={p.years}
        current={p.year}
        href={(y) => publicMeetingsPath(p.municipality.slug, y)}
      />
      {p.yearError ? null : (
        <>
          <h2 id="upcoming" safe>
            {t(`${K}.public.upcomingHeading`)}
          </h2>
          {p.upcoming.length === 0 ? (
            <p safe>{t(`${K}.public.upcomingEmpty`)}</p>
          ) : (
            <ul class="case-list">
              {p.upcoming.map((m) => (
                <MeetingCard ctx={ctx} meeting={m} now={p.now} />
              ))}
            </ul>
          )}
          <h2 id="past" safe>
            {t(`${K}.public.pastHeading`, { year: String(p.year ?? p.currentYear) })}
          </h2>
          {p.past.length === 0 ? (
            <p safe>{t(`${K}.public.pastEmpty`)}</p>
          ) : (
            <ul class="case-list">
              {p.past.map((m) => (
                <MeetingCard ctx={ctx} meeting={m} now={p.now} />
              ))}
            </ul>
          )}
        </>
      )}
    </Layout>
  );
}

// ── Public: one meeting.

function Row({ label, children }: { label: string; children?: Children }) {
  return (
    <div>
      <dt safe>{label}</dt>
      <dd class="summary-list__value">{children}</dd>
    </div>
  );
}

export function MeetingPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  meeting: Meeting;
  consultation: { id: number; title: LocalizedText } | undefined;
  now: Date;
}) {
  const { ctx, meeting: m } = p;
  const { t, lang } = ctx;
  const title = localized(m.title, lang);
  return (
    <Layout ctx={ctx} title={title} municipality={p.municipality}>
      <a class="back-link" href={publicMeetingsPath(p.municipality.slug)} safe>
        {t(`${K}.meeting.back`, { municipality: p.municipality.name })}
      </a>
      <h1 lang={m.title[lang] !== undefined ? undefined : "sq"} safe>
        {title}
      </h1>
      {m.cancelledAt ? (
        <p class="warning-text" safe>
          {t(`${K}.meeting.cancelledNotice`)}
        </p>
      ) : null}
      <dl class="summary-list">
        <Row label={t(`${K}.meeting.status`)}>
          <StateTag ctx={ctx} meeting={m} now={p.now} />
        </Row>
        <Row label={t(`${K}.meeting.kind`)}>
          <span safe>{t(`${K}.kind.${m.kind}`)}</span>
        </Row>
        <Row label={t(`${K}.meeting.when`)}>
          <span safe>{whenText(ctx, m)}</span>
        </Row>
        <Row label={t(`${K}.meeting.place`)}>
          <Localized text={m.place} lang={lang} />
        </Row>
        <Row label={t(`${K}.meeting.accessibility`)}>
          {m.accessibility ? (
            <Localized text={m.accessibility} lang={lang} />
          ) : (
            <span safe>{t(`${K}.meeting.accessibilityNone`)}</span>
          )}
        </Row>
        {p.consultation ? (
          <Row label={t(`${K}.meeting.consultation`)}>
            <a href={`/consultations/${p.consultation.id}`}>
              <Localized text={p.consultation.title} lang={lang} />
            </a>
          </Row>
        ) : null}
        <Row label={t(`${K}.meeting.minutes`)}>
          {m.minutesKey ? (
            <a href={minutesPath(m.id)}>
              <span safe>{t(`${K}.meeting.minutesLink`)}</span>{" "}
              <span safe>{`(${t(`${K}.pdf`)}, ${sizeText(ctx, m.minutesBytes ?? 0)})`}</span>
            </a>
          ) : (
            <span safe>{t(m.cancelledAt ? `${K}.meeting.minutesNone` : `${K}.meeting.minutesLater`)}</span>
          )}
        </Row>
      </dl>
      <h2 id="agenda" safe>
        {t(`${K}.meeting.agenda`)}
      </h2>
      <Localized text={m.agenda} lang={lang} block />
      <p>
        <a href={feedPath(p.municipality.slug, lang)} type="text/calendar" safe>
          {t(`${K}.public.feed`)}
        </a>
      </p>
    </Layout>
  );
}

// ── Staff: the year.

export function StaffMeetingsPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  now: Date;
  year: number;
  currentYear: number;
  years: number[];
  meetings: Meeting[];
  /** Meetings of the current year that count towards the legal minimum. */
  counted: number;
  notice?: string | undefined;
}) {
  const { ctx } = p;
  const { t, lang } = ctx;
  const short = p.counted < MEETINGS_REQUIRED_PER_YEAR;
  return (
    <Layout ctx={ctx} title={t(`${K}.staff.title`)} municipality={p.municipality}>
      <Notice text={p.notice} />
      <h1 safe>{t(`${K}.staff.title`)}</h1>
      <p class="lead" safe>
        {t(`${K}.staff.lead`)}
      </p>
      {short ? (
        <section class="error-summary" aria-labelledby="minimum-heading">
          <h2 class="error-summary__title" id="minimum-heading" safe>
            {t(`${K}.staff.minimumHeading`)}
          </h2>
          <p safe>{t(`${K}.staff.minimumShort`, { count: p.counted, year: String(p.currentYear) })}</p>
          <p safe>{t(`${K}.staff.minimumLaw`)}</p>
        </section>
      ) : (
        <p safe>{t(`${K}.staff.minimumMet`, { count: p.counted, year: String(p.currentYear) })}</p>
      )}
      <p>
        <a class="button button--primary" href={staffMeetingsPath(p.municipality.slug, "/new")} safe>
          {t(`${K}.staff.new`)}
        </a>
      </p>
      <p>
        <a href={publicMeetingsPath(p.municipality.slug)} safe>
          {t(`${K}.staff.publicLink`)}
        </a>
      </p>
      <YearLinks
        ctx={ctx}
        years={p.years}
        current={p.year}
        href={(y) => `${staffMeetingsPath(p.municipality.slug)}?year=${y}`}
      />
      <h2 id="meetings-heading" safe>
        {t(`${K}.staff.yearHeading`, { year: String(p.year) })}
      </h2>
      {p.meetings.length === 0 ? (
        <p safe>{t(`${K}.staff.empty`, { year: String(p.year) })}</p>
      ) : (
        <ScrollTable
          labelledBy="meetings-heading"
          caption={t(`${K}.staff.caption`, { municipality: p.municipality.name, year: String(p.year) })}
          head={[
            t(`${K}.col.when`),
            t(`${K}.col.title`),
            t(`${K}.col.kind`),
            t(`${K}.col.state`),
            t(`${K}.col.minutes`),
          ]}
        >
          {p.meetings.map((m) => (
            <tr>
              <td safe>{whenText(ctx, m)}</td>
              <td>
                <a href={staffMeetingsPath(p.municipality.slug, `/${m.id}`)}>
                  <Localized text={m.title} lang={lang} />
                </a>
              </td>
              <td safe>{t(`${K}.kind.${m.kind}`)}</td>
              <td>
                <StateTag ctx={ctx} meeting={m} now={p.now} />
              </td>
              <td safe>{t(m.minutesKey ? `${K}.col.minutesYes` : `${K}.col.minutesNo`)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </Layout>
  );
}

// ── Staff: the form.

/** The three languages of one staff text: Albanian and Serbian required (unless optional), English optional. */
function Trilingual(p: {
  ctx: PageContext;
  base: "title" | "place" | "accessibility" | "agenda";
  values: Values;
  errors: FieldErrors;
  area?: boolean;
}) {
  const { t } = p.ctx;
  return (
    <fieldset class="form-group">
      <legend class="label legend--heading" safe>
        {t(`${K}.form.${p.base}Legend`)}
      </legend>
      <div class="hint" safe>
        {t(`${K}.form.${p.base}Hint`)}
      </div>
      {(["Sq", "Sr", "En"] as const).map((l) => {
        const name = `${p.base}${l}`;
        const label = t(`${K}.form.language${l}`);
        // What is typed here is in that language, whatever the page's (WCAG 3.1.2).
        const lang = htmlLang(l.toLowerCase() as Language);
        return p.area ? (
          <TextAreaField
            t={t}
            name={name}
            label={label}
            value={p.values[name] ?? ""}
            errors={p.errors}
            rows={p.base === "agenda" ? 8 : 3}
            lang={lang}
          />
        ) : (
          <Field
            t={t}
            name={name}
            label={label}
            value={p.values[name] ?? ""}
            errors={p.errors}
            autocomplete="off"
            lang={lang}
          />
        );
      })}
    </fieldset>
  );
}

export interface ConsultationOption {
  id: number;
  title: string;
  published: boolean;
}

export function MeetingFormPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  /** Undefined: scheduling a new meeting. */
  meeting?: Meeting;
  now: Date;
  values: Values;
  errors: FieldErrors;
  consultations: ConsultationOption[];
  /** Errors of the minutes upload (field "minutes"). */
  minutesErrors?: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, meeting: m } = p;
  const { t, lang } = ctx;
  const title = m ? t(`${K}.form.editTitle`, { title: localized(m.title, lang) }) : t(`${K}.form.newTitle`);
  const action = m
    ? staffMeetingsPath(p.municipality.slug, `/${m.id}`)
    : staffMeetingsPath(p.municipality.slug);
  const minutesErrors = p.minutesErrors ?? {};
  const allErrors = { ...p.errors, ...minutesErrors };
  const editable = !m?.cancelledAt;
  return (
    <Layout ctx={ctx} title={formTitle(t, title, allErrors)} municipality={p.municipality}>
      <a class="back-link" href={staffMeetingsPath(p.municipality.slug)} safe>
        {t(`${K}.form.back`)}
      </a>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={allErrors} order={[...MEETING_FIELDS, "minutes"]} />
      <h1 safe>{title}</h1>
      {m ? (
        <p>
          <StateTag ctx={ctx} meeting={m} now={p.now} />{" "}
          <a href={meetingPath(m.id)} safe>
            {t(`${K}.form.publicPage`)}
          </a>
        </p>
      ) : null}
      {editable ? (
        <PostForm action={action} csrf={ctx.csrf}>
          {m ? <input type="hidden" name="sequence" value={String(m.sequence)} /> : null}
          <RadiosField
            t={t}
            name="kind"
            label={t(`${K}.form.kindLegend`)}
            heading
            value={p.values.kind ?? ""}
            options={MEETING_KINDS.map((k) => ({ value: k, label: t(`${K}.kind.${k}`) }))}
            errors={p.errors}
          />
          <Trilingual ctx={ctx} base="title" values={p.values} errors={p.errors} />
          <fieldset class="form-group">
            <legend class="label legend--heading" safe>
              {t(`${K}.form.whenLegend`)}
            </legend>
            <Field
              t={t}
              name="date"
              type="date"
              width="short"
              label={t(`${K}.form.date`)}
              hint={t(`${K}.form.dateHint`)}
              value={p.values.date ?? ""}
              errors={p.errors}
            />
            <Field
              t={t}
              name="startTime"
              type="time"
              width="short"
              label={t(`${K}.form.startTime`)}
              hint={t(`${K}.form.timeHint`)}
              value={p.values.startTime ?? ""}
              errors={p.errors}
            />
            <Field
              t={t}
              name="endTime"
              type="time"
              width="short"
              label={t(`${K}.form.endTime`)}
              hint={t(`${K}.form.timeHint`)}
              value={p.values.endTime ?? ""}
              errors={p.errors}
            />
          </fieldset>
          <Trilingual ctx={ctx} base="place" values={p.values} errors={p.errors} />
          <Trilingual ctx={ctx} base="accessibility" values={p.values} errors={p.errors} area />
          <Trilingual ctx={ctx} base="agenda" values={p.values} errors={p.errors} area />
          <SelectField
            t={t}
            name="consultation"
            label={t(`${K}.form.consultation`)}
            hint={t(`${K}.form.consultationHint`)}
            none={t(`${K}.form.consultationNone`)}
            value={p.values.consultation ?? ""}
            options={p.consultations.map((c) => ({
              value: String(c.id),
              label: c.published ? c.title : t(`${K}.form.consultationUnpublished`, { title: c.title }),
            }))}
            errors={p.errors}
          />
          <Button label={t(m ? `${K}.form.save` : `${K}.form.create`)} />
        </PostForm>
      ) : (
        <p class="warning-text" safe>
          {t(`${K}.form.cancelledLead`)}
        </p>
      )}
      {m && editable ? (
        <MinutesSection ctx={ctx} meeting={m} now={p.now} errors={minutesErrors} slug={p.municipality.slug} />
      ) : null}
      {m && editable ? (
        <>
          <h2 id="cancel" safe>
            {t(`${K}.cancel.heading`)}
          </h2>
          <p safe>{t(`${K}.cancel.lead`)}</p>
          <PostForm action={staffMeetingsPath(p.municipality.slug, `/${m.id}/cancel`)} csrf={ctx.csrf}>
            <Button label={t(`${K}.cancel.button`)} variant="warning" />
          </PostForm>
        </>
      ) : null}
    </Layout>
  );
}

function MinutesSection(p: {
  ctx: PageContext;
  meeting: Meeting;
  now: Date;
  errors: FieldErrors;
  slug: string;
}) {
  const { ctx, meeting: m } = p;
  const { t } = ctx;
  const id = fieldId("minutes");
  const error = p.errors.minutes;
  const begun = m.startsAt.getTime() <= p.now.getTime();
  return (
    <>
      <h2 id="minutes" safe>
        {t(`${K}.minutes.heading`)}
      </h2>
      {m.minutesKey ? (
        <p>
          <a href={minutesPath(m.id)}>
            <span safe>{m.minutesFileName ?? t(`${K}.meeting.minutesLink`)}</span>{" "}
            <span safe>{`(${t(`${K}.pdf`)}, ${sizeText(ctx, m.minutesBytes ?? 0)})`}</span>
          </a>
        </p>
      ) : null}
      {begun ? (
        <form
          method="post"
          action={staffMeetingsPath(p.slug, `/${m.id}/minutes`)}
          enctype="multipart/form-data"
          novalidate
        >
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <div class={error ? "form-group form-group--error" : "form-group"}>
            <label class="label" for={id} safe>
              {t(m.minutesKey ? `${K}.minutes.replaceLabel` : `${K}.minutes.label`)}
            </label>
            <div class="hint" id={`${id}-hint`} safe>
              {t(`${K}.minutes.hint`)}
            </div>
            {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
            <input
              class={`file-upload${error ? " input--error" : ""}`}
              id={id}
              name="minutes"
              type="file"
              accept="application/pdf,.pdf"
              aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
              aria-invalid={error ? "true" : undefined}
            />
          </div>
          <Button label={t(`${K}.minutes.button`)} variant="secondary" />
        </form>
      ) : (
        <p safe>{t(`${K}.minutes.notYet`)}</p>
      )}
    </>
  );
}
