// The case page (public, or seen through the private tracking link) and "your submissions".
import type { Children } from "@kitajs/html";
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Timeline } from "../../web/components/Timeline.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { CaseMap } from "../../web/map.tsx";
import { isOpen, isPaused } from "../lifecycle.ts";
import { photoUrl } from "../photos/photoView.ts";
import type { PublicCase } from "../publicView.ts";
import { escalationTimelineKey } from "../slaNotices.ts";
import type { CaseStatus } from "../statuses.ts";

// Formatters are costly to build (a tenth of a millisecond each): one per language, style and time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Language, withTime: boolean, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}:${withTime}:${timeZone}`;
  const known = formatters.get(key);
  if (known) return known;
  const made = new Intl.DateTimeFormat(htmlLang(lang), {
    dateStyle: withTime ? "medium" : "long",
    ...(withTime ? { timeStyle: "short" as const } : {}),
    timeZone,
  });
  formatters.set(key, made);
  return made;
}

/** What a date needs to be shown: the page's language and the country profile's time zone. */
type DateContext = Pick<PageContext, "lang" | "timeZone">;

/** A date as people read it, in the profile's time zone: deadlines are local midnights, so show the day they end. */
export function formatDay(ctx: DateContext, d: Date, endOfDay = false): string {
  return formatter(ctx.lang, false, ctx.timeZone).format(endOfDay ? new Date(d.getTime() - 1) : d);
}

export function formatDateTime(ctx: DateContext, d: Date): string {
  return formatter(ctx.lang, true, ctx.timeZone).format(d);
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
  reasons: ReadonlyMap<string, LocalizedText>;
  /** Seen through the private tracking link, or by its submitter: say it is private where it is. */
  access: "public" | "tracking_link" | "owner";
  isPrivate: boolean;
  /** The forms that apply to whoever is looking (absent: none). */
  actions?: CaseActionsView;
}

/** A submitted action form that failed: its values to show again, and its errors (a conflict under "form"). */
export interface FailedActionForm {
  name: "information" | "reopen" | "rating";
  values: Record<string, string>;
  errors: FieldErrors;
}

/** What the person looking at a case may do there, decided by the route (policy and status). */
export interface CaseActionsView {
  /** Where the forms post: /cases/CODE, or /track/CODE with the token in a hidden input (never in a URL). */
  action: string;
  token?: string;
  /** The public address of the case (follow and sign-in go there). */
  casePath: string;
  addInformation: boolean;
  /** The submitter may reopen it until then; undefined: not reopenable. */
  reopenUntil: Date | undefined;
  rate: boolean;
  /** The rating given, shown to the submitter. */
  rating: { resolved: boolean | null; satisfaction: number; comment: string | null } | undefined;
  /** Signed in and allowed: whether they follow; a visitor on a public case: a link to log in. */
  follow: { following: boolean } | "sign_in" | undefined;
  /** The success message after an action (catalog key under caseActions.done). */
  notice?: string;
  form?: FailedActionForm;
}

/** Field order of the action forms, for the error summary. */
const ACTION_FIELDS = ["information", "why", "resolved", "satisfaction", "comment"] as const;
/** Timeline events the submitter's actions write (their own words stay with the staff). */
const CITIZEN_EVENTS = new Set(["information_added", "rated"]);

/** What a step of the public timeline says happened. */
function publicEventText(ctx: PageContext, e: PublicCase["timeline"][number]): string {
  const { t } = ctx;
  if (e.type === "submitted") return t("case.event.submitted");
  if (e.toStatus) return t("case.event.statusChanged", { status: t(`status.${e.toStatus as CaseStatus}`) });
  if (e.escalationLevel !== undefined) return t(escalationTimelineKey(e.escalationLevel));
  if (CITIZEN_EVENTS.has(e.type)) return t(`caseActions.event.${e.type}`);
  return t(`case.event.${e.type}`, { defaultValue: t("case.event.update") });
}

export function CasePage(p: CasePageProps) {
  const { ctx, view } = p;
  const { t, lang } = ctx;
  const municipalityName = localized(p.municipality.name, lang);
  const reasonName = (code: string | null) =>
    code && p.reasons.get(code) ? localized(p.reasons.get(code)!, lang) : null;
  const a = p.actions;
  // A form refused for its input after the case moved on (rated or closed in another tab) is no longer on
  // the page: its errors would link to fields that are not there, so the summary says what happened instead.
  const offered = a && { information: a.addInformation, reopen: a.reopenUntil !== undefined, rating: a.rate };
  const gone =
    a?.form && offered && !offered[a.form.name] && Object.keys(a.form.errors).some((f) => f !== "form");
  const formErrors = gone ? { form: "caseActions.conflict.case_changed" } : a?.form?.errors;
  return (
    <Layout
      ctx={ctx}
      title={formTitle(t, `${view.trackingCode}: ${view.title}`, formErrors)}
      municipality={{ name: municipalityName, slug: p.municipality.slug }}
    >
      {formErrors ? <ErrorSummary t={t} errors={formErrors} order={ACTION_FIELDS} /> : null}
      {a?.notice ? (
        <div class="notice" role="status" safe>
          {t(`caseActions.done.${a.notice}`)}
        </div>
      ) : null}
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
      {a?.addInformation && isPaused(view.status) ? (
        <div class="panel notice" role="note">
          <p>
            <strong safe>{t("caseActions.awaiting.title")}</strong>
          </p>
          <p safe>{t("caseActions.awaiting.body")}</p>
          <p>
            <a href="#add-information" safe>
              {t("caseActions.information.heading")}
            </a>
          </p>
        </div>
      ) : null}
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
          <dd safe>{`${formatDay(ctx, view.receivedAt)} (${t(`case.channel.${view.channel}`)})`}</dd>
        </div>
        {isOpen(view.status) && view.responseDueAt ? (
          <div>
            <dt safe>{t("case.answerDue")}</dt>
            {/* While the municipality waits for the submitter, its clock stands still. */}
            <dd safe>
              {isPaused(view.status)
                ? t("caseActions.clockPaused")
                : formatDay(ctx, view.responseDueAt, true)}
            </dd>
          </div>
        ) : null}
        {view.resolvedAt ? (
          <div>
            <dt safe>{t("case.answeredOn")}</dt>
            <dd safe>{formatDay(ctx, view.resolvedAt)}</dd>
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
      <CaseMap ctx={ctx} location={view.location} />
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
      <Timeline
        events={view.timeline.map((e) => {
          const reason = reasonName(e.reasonCode);
          return {
            at: e.at,
            when: formatDateTime(ctx, e.at),
            what: publicEventText(ctx, e),
            reason: reason ? t("case.event.reason", { reason }) : undefined,
            messages: e.message ? [{ text: e.message }] : [],
          };
        })}
      />
      {a ? <CaseActions ctx={ctx} a={a} /> : null}
    </Layout>
  );
}

/** A textarea with its label, hint and error, tied by aria-describedby; the typed text comes back as typed. */
function TextArea(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint: string;
  value: string;
  errors: FieldErrors;
  rows?: number;
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
        rows={String(p.rows ?? 5)}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        aria-invalid={error ? "true" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </div>
  );
}

/** Radios in a fieldset whose legend asks the question. */
function Radios(p: {
  ctx: PageContext;
  name: string;
  legend: string;
  choices: { value: string; label: string }[];
  checked: string | undefined;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend class="label" safe>
        {p.legend}
      </legend>
      {error ? <ErrorMessage t={p.ctx.t} id={`${id}-error`} error={error} /> : null}
      <div class="choice-list">
        {p.choices.map((c, i) => (
          <div class="radio">
            <input
              class="radio__input"
              type="radio"
              id={`${id}-${i}`}
              name={p.name}
              value={c.value}
              checked={p.checked === c.value}
            />
            <label class="radio__label" for={`${id}-${i}`} safe>
              {c.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** A form of the submitter's: posted where the page says, with the tracking link's token when it was opened by it. */
function ActionForm(p: { ctx: PageContext; a: CaseActionsView; path: string; children?: Children }) {
  return (
    <PostForm action={`${p.a.action}/${p.path}`} csrf={p.ctx.csrf}>
      {p.a.token ? <input type="hidden" name="token" value={p.a.token} /> : null}
      {p.children}
    </PostForm>
  );
}

/** Add information, rate, reopen and follow: only the sections that apply. */
function CaseActions({ ctx, a }: { ctx: PageContext; a: CaseActionsView }) {
  const { t } = ctx;
  const failed = (name: FailedActionForm["name"]) =>
    a.form?.name === name ? a.form : { values: {} as Record<string, string>, errors: {} as FieldErrors };
  const information = failed("information");
  const reopen = failed("reopen");
  const rating = failed("rating");
  const follow = a.follow;
  return (
    <>
      {a.addInformation ? (
        <section class="narrow" aria-labelledby="add-information">
          <h2 id="add-information" safe>
            {t("caseActions.information.heading")}
          </h2>
          <ActionForm ctx={ctx} a={a} path="information">
            <TextArea
              ctx={ctx}
              name="information"
              label={t("caseActions.information.label")}
              hint={t("caseActions.information.hint")}
              value={information.values.information ?? ""}
              errors={information.errors}
            />
            <Button label={t("caseActions.information.submit")} />
          </ActionForm>
        </section>
      ) : null}
      {a.rating ? (
        <section aria-labelledby="your-rating">
          <h2 id="your-rating" safe>
            {t("caseActions.rating.given.heading")}
          </h2>
          <dl class="summary-list">
            {a.rating.resolved !== null ? (
              <div>
                <dt safe>{t("caseActions.rating.given.resolved")}</dt>
                <dd safe>{t(a.rating.resolved ? "caseActions.rating.yes" : "caseActions.rating.no")}</dd>
              </div>
            ) : null}
            <div>
              <dt safe>{t("caseActions.rating.given.satisfaction")}</dt>
              <dd safe>{t(`caseActions.rating.satisfaction.${a.rating.satisfaction}`)}</dd>
            </div>
            {a.rating.comment ? (
              <div>
                <dt safe>{t("caseActions.rating.given.comment")}</dt>
                <dd class="case-description" safe>
                  {a.rating.comment}
                </dd>
              </div>
            ) : null}
          </dl>
        </section>
      ) : null}
      {a.rate ? (
        <section class="narrow" aria-labelledby="rate-answer">
          <h2 id="rate-answer" safe>
            {t("caseActions.rating.heading")}
          </h2>
          <p safe>{t("caseActions.rating.body")}</p>
          <ActionForm ctx={ctx} a={a} path="rating">
            <Radios
              ctx={ctx}
              name="resolved"
              legend={t("caseActions.rating.resolvedLegend")}
              choices={[
                { value: "yes", label: t("caseActions.rating.yes") },
                { value: "no", label: t("caseActions.rating.no") },
              ]}
              checked={rating.values.resolved}
              errors={rating.errors}
            />
            <Radios
              ctx={ctx}
              name="satisfaction"
              legend={t("caseActions.rating.satisfactionLegend")}
              choices={[1, 2, 3, 4, 5].map((n) => ({
                value: String(n),
                label: t(`caseActions.rating.satisfaction.${n}`),
              }))}
              checked={rating.values.satisfaction}
              errors={rating.errors}
            />
            <TextArea
              ctx={ctx}
              name="comment"
              label={t("caseActions.rating.comment")}
              hint={t("caseActions.rating.commentHint")}
              value={rating.values.comment ?? ""}
              errors={rating.errors}
              rows={3}
            />
            <Button label={t("caseActions.rating.submit")} />
          </ActionForm>
        </section>
      ) : null}
      {a.reopenUntil ? (
        <section class="narrow" aria-labelledby="reopen-case">
          <h2 id="reopen-case" safe>
            {t("caseActions.reopen.heading")}
          </h2>
          <p safe>{t("caseActions.reopen.body", { date: formatDay(ctx, a.reopenUntil) })}</p>
          <ActionForm ctx={ctx} a={a} path="reopen">
            <TextArea
              ctx={ctx}
              name="why"
              label={t("caseActions.reopen.label")}
              hint={t("caseActions.reopen.hint")}
              value={reopen.values.why ?? ""}
              errors={reopen.errors}
              rows={3}
            />
            <Button label={t("caseActions.reopen.submit")} variant="secondary" />
          </ActionForm>
        </section>
      ) : null}
      {follow ? (
        <section aria-labelledby="follow-case">
          <h2 id="follow-case" safe>
            {t("caseActions.follow.heading")}
          </h2>
          {follow === "sign_in" ? (
            <p>
              <a href={`/login?next=${encodeURIComponent(a.casePath)}`} safe>
                {t("caseActions.follow.signIn")}
              </a>
            </p>
          ) : (
            <>
              <p safe>{t(follow.following ? "caseActions.follow.following" : "caseActions.follow.body")}</p>
              <PostForm action={`${a.casePath}/${follow.following ? "unfollow" : "follow"}`} csrf={ctx.csrf}>
                <Button
                  label={t(follow.following ? "caseActions.follow.stop" : "caseActions.follow.submit")}
                  variant="secondary"
                />
              </PostForm>
            </>
          )}
        </section>
      ) : null}
    </>
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
                  <td safe>{formatDay(ctx, r.receivedAt)}</td>
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
