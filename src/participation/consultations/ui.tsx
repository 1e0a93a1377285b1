// Small pieces the consultation pages share (the form fields are src/web/forms.tsx's): a staff text in
// the page's language, text with its line breaks, a local day.

import type { Language } from "../../kernel/i18n.ts";
import { htmlLang } from "../../kernel/localized.ts";
import type { PageContext } from "../../web/context.ts";
import { Field, type FieldErrors, TextAreaField } from "../../web/forms.tsx";
import { daysLeft, type Stage } from "./model.ts";

export const K = "consultations";
export type Values = Record<string, string>;

const dayFormats = new Map<Language, Intl.DateTimeFormat>();
/** A local day as people read it: a calendar day, formatted at noon UTC so no time zone moves it. */
export function formatLocalDay(lang: Language, date: string): string {
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
      {formatLocalDay(lang, date)}
    </time>
  );
}

/** The stage as words (never colour alone): "Open: 5 days left", "Opens on 1 December 2026"… */
export function stageText(
  ctx: PageContext,
  stage: Stage,
  c: { opensOn: string; closesOn: string },
  today: string,
) {
  const { t, lang } = ctx;
  switch (stage) {
    case "upcoming":
      return t(`${K}.stage.upcoming`, { date: formatLocalDay(lang, c.opensOn) });
    case "open":
      return t(`${K}.stage.open`, { count: daysLeft(c.closesOn, today) });
    default:
      return t(`${K}.stage.${stage}`);
  }
}

export function StageTag(p: {
  ctx: PageContext;
  stage: Stage;
  c: { opensOn: string; closesOn: string };
  today: string;
}) {
  return (
    <strong class="status-tag" safe>
      {stageText(p.ctx, p.stage, p.c, p.today)}
    </strong>
  );
}

/** The three language versions of a staff text as form fields: Albanian and Serbian required, English not. */
export function LocalizedFields(p: {
  ctx: PageContext;
  base: string;
  label: string;
  values: Values;
  errors: FieldErrors;
  multiline?: boolean;
}) {
  const { t } = p.ctx;
  return (
    <fieldset class="choice-group">
      <legend class="choice-group__legend" safe>
        {p.label}
      </legend>
      {(["sq", "sr", "en"] as const).map((l) => {
        const name = `${p.base}${l[0]!.toUpperCase()}${l[1]}`;
        const label = t(`${K}.form.inLanguage.${l}`);
        const common = {
          t,
          name,
          label,
          value: p.values[name] ?? "",
          errors: p.errors,
          lang: htmlLang(l),
          hint: l === "en" ? t(`${K}.form.optional`) : undefined,
        };
        return p.multiline ? <TextAreaField {...common} /> : <Field {...common} autocomplete="off" />;
      })}
    </fieldset>
  );
}
