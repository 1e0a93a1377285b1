// What the national standards' pages share: the frame (back link, notice, error summary, heading), the
// names in three languages, the response standard's fields, the "why and from when" every change asks,
// and the note on a change still waiting for its day.

import type { Children } from "@kitajs/html";
import type { Standard } from "../cases/sla.ts";
import type { Language } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import { Notice } from "../web/components/Notice.tsx";
import type { PageContext } from "../web/context.ts";
import {
  type Choice,
  ErrorSummary,
  Field,
  type FieldErrors,
  formTitle,
  SelectField,
  TextAreaField,
} from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { UNITS } from "./forms.ts";
import { standardWords } from "./words.ts";

export const K = "standards";
export type Values = Record<string, string>;
export type Form = { values: Values; errors: FieldErrors };

export const STANDARDS_PATH = "/ministry/standards";
export const CHANGES_PATH = "/ministry/standards/changes";
export const STAFF_CHANGES_PATH = "/standards/changes";
export const categoryPath = (code: string, rest = "") =>
  `${STANDARDS_PATH}/categories/${encodeURIComponent(code)}${rest}`;
export const questionPath = (category: string, code: string, rest = "") =>
  categoryPath(category, `/questions/${encodeURIComponent(code)}${rest}`);
export const responsePath = (category: string, rest = "") => categoryPath(category, `/response${rest}`);
export const reasonPath = (code: string) => `${STANDARDS_PATH}/reasons/${encodeURIComponent(code)}`;
export const templatePath = (code: string, language: string) =>
  `${STANDARDS_PATH}/templates/${encodeURIComponent(code)}/${encodeURIComponent(language)}`;
export const changePath = (id: number) => `${CHANGES_PATH}/${id}`;

// A day as people read it. The date is a calendar day, not an instant: formatted at noon UTC so no time
// zone moves it.
const dayFormats = new Map<Language, Intl.DateTimeFormat>();
export function formatLocalDate(lang: Language, date: string): string {
  let f = dayFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(htmlLang(lang), { dateStyle: "long", timeZone: "UTC" });
    dayFormats.set(lang, f);
  }
  return f.format(new Date(`${date}T12:00:00Z`));
}

export function Day({ lang, date }: { lang: Language; date: string }) {
  return (
    <time datetime={date} safe>
      {formatLocalDate(lang, date)}
    </time>
  );
}

/** The frame of every standards page: back link, notice, error summary, heading. */
export function StandardsLayout(p: {
  ctx: PageContext;
  title: string;
  notice?: string | undefined;
  errors?: FieldErrors | undefined;
  order?: readonly string[];
  back?: { href: string; label: string } | null;
  children?: Children;
}) {
  const { t } = p.ctx;
  const back = p.back === undefined ? { href: STANDARDS_PATH, label: t(`${K}.back`) } : p.back;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, p.title, p.errors)}>
      {back ? (
        <a class="back-link" href={back.href} safe>
          {back.label}
        </a>
      ) : null}
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={p.errors ?? {}} order={p.order ?? []} />
      <h1 safe>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** The names in the three languages, each typed in its own (`name` or `desc` fields). */
export function NameFields(p: {
  ctx: PageContext;
  prefix: "name" | "desc";
  values: Values;
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  const fields = [
    ["Sq", "sq"],
    ["Sr", "sr-Latn"],
    ["En", "en"],
  ] as const;
  return (
    <>
      {fields.map(([suffix, lang]) => (
        <Field
          t={t}
          name={`${p.prefix}${suffix}`}
          label={t(`${K}.form.${p.prefix}${suffix}`)}
          value={p.values[`${p.prefix}${suffix}`] ?? ""}
          errors={p.errors}
          lang={lang}
          autocomplete="off"
        />
      ))}
    </>
  );
}

/** What the three clocks are counted in, and each clock's time. */
export function StandardFields(p: { ctx: PageContext; values: Values; errors: FieldErrors }) {
  const { t } = p.ctx;
  const units: Choice[] = UNITS.map((u) => ({ value: u, label: t(`municipal_admin.standards.unit.${u}`) }));
  return (
    <>
      <SelectField
        t={t}
        name="unit"
        label={t(`${K}.form.unit`)}
        options={units}
        value={p.values.unit ?? "working_days"}
        errors={p.errors}
      />
      {(["ack", "firstResponse", "resolution"] as const).map((clock) => (
        <Field
          t={t}
          type="number"
          width="short"
          name={clock}
          label={t(`municipal_admin.standards.clock.${clock}`)}
          hint={t(`${K}.form.amountHint`)}
          value={p.values[clock] ?? ""}
          errors={p.errors}
          autocomplete="off"
        />
      ))}
    </>
  );
}

export const standardValues = (s: Standard): Values => ({
  unit: s.unit,
  ack: String(s.ackWithin),
  firstResponse: String(s.firstResponseWithin),
  resolution: String(s.resolutionWithin),
});

export function StandardText({ ctx, standard }: { ctx: PageContext; standard: Standard }) {
  return <span safe>{standardWords(ctx.t, standard)}</span>;
}

/**
 * Why, and from which day: asked by every change. The day is today unless a later one is chosen; a change
 * dated later waits for its day. `cases` adds that a response standard binds only cases received from then.
 */
export function WhyFields(p: {
  ctx: PageContext;
  values: Values;
  errors: FieldErrors;
  today: string;
  cases?: boolean;
}) {
  const { t } = p.ctx;
  return (
    <>
      <TextAreaField
        t={t}
        name="reason"
        label={t(`${K}.form.reason`)}
        hint={t(`${K}.form.reasonHint`)}
        value={p.values.reason ?? ""}
        errors={p.errors}
        rows={3}
      />
      <Field
        t={t}
        type="date"
        width="medium"
        name="appliesFrom"
        label={t(`${K}.form.appliesFrom`)}
        hint={t(p.cases ? `${K}.form.appliesFromCasesHint` : `${K}.form.appliesFromHint`)}
        value={p.values.appliesFrom ?? p.today}
        errors={p.errors}
      />
    </>
  );
}

/** The change of this subject waiting for its day: another waits until it applies or is withdrawn. */
export function PendingNote(p: {
  ctx: PageContext;
  pending: { id: number; appliesFrom: string } | undefined;
}) {
  if (!p.pending) return "";
  const { t, lang } = p.ctx;
  return (
    <div class="panel">
      <p class="warning-text" safe>
        {t(`${K}.pending.note`, { date: formatLocalDate(lang, p.pending.appliesFrom) })}
      </p>
      <p>
        <a href={changePath(p.pending.id)} safe>
          {t(`${K}.pending.link`)}
        </a>
      </p>
    </div>
  );
}

export { Notice };
