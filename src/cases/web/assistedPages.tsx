// The staff form for input received outside the platform, and the page that hands its code over.
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  ErrorSummary,
  Field,
  FieldError,
  type FieldErrors,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { CASE_TYPES } from "../statuses.ts";
import { formatDay } from "./casePages.tsx";

const ORDER = [
  "category",
  "channel",
  "receivedDate",
  "receivedTime",
  "title",
  "description",
  "address",
  "contactName",
  "contactEmail",
  "contactPhone",
  "language",
];

const described = (errors: FieldErrors, name: string, hint = false) =>
  [hint ? `field-${name}-hint` : "", errors[name] ? `field-${name}-error` : ""].filter(Boolean).join(" ") ||
  undefined;

export function AssistedPage(p: {
  ctx: PageContext;
  municipality: { slug: string; name: LocalizedText };
  categories: { code: string; type: string; name: LocalizedText }[];
  /** The languages the citizen may choose to be answered in: the municipality's (offeredLanguages). */
  languages: readonly Language[];
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { ctx, values: v, errors } = p;
  const { t, lang } = ctx;
  const name = localized(p.municipality.name, lang);
  const group = (e: string) => (errors[e] ? "form-group form-group--error" : "form-group");
  return (
    <Layout
      ctx={ctx}
      title={formTitle(t, t("assisted.title"), errors)}
      municipality={{ name, slug: p.municipality.slug }}
    >
      <div class="narrow">
        <ErrorSummary t={t} errors={errors} order={ORDER} />
        <h1 safe>{t("assisted.title")}</h1>
        <p safe>{t("assisted.lead")}</p>
        <PostForm action={`/m/${p.municipality.slug}/assisted`} csrf={ctx.csrf}>
          <input type="hidden" name="idempotencyKey" value={v.idempotencyKey} />
          <div class={group("category")}>
            <label class="label" for="field-category" safe>
              {t("assisted.category")}
            </label>
            <FieldError ctx={ctx} errors={errors} name="category" />
            <select
              class="input"
              id="field-category"
              name="category"
              aria-describedby={described(errors, "category")}
            >
              <option value="" safe>
                {t("assisted.choose")}
              </option>
              {CASE_TYPES.map((type) => (
                <optgroup label={t(`caseType.${type}`)}>
                  {p.categories
                    .filter((c) => c.type === type)
                    .map((c) => (
                      <option value={c.code} selected={v.category === c.code} safe>
                        {localized(c.name, lang)}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </div>
          <fieldset class={group("channel")} id="field-channel">
            <legend class="label" safe>
              {t("assisted.channel")}
            </legend>
            <FieldError ctx={ctx} errors={errors} name="channel" />
            {(["counter", "phone", "paper", "email"] as const).map((c) => (
              <div class="radio">
                <input
                  type="radio"
                  class="radio__input"
                  id={`channel-${c}`}
                  name="channel"
                  value={c}
                  checked={v.channel === c}
                />
                <label class="radio__label" for={`channel-${c}`} safe>
                  {t(`assisted.channels.${c}`)}
                </label>
              </div>
            ))}
          </fieldset>
          <div class={group("receivedDate")}>
            <label class="label" for="field-receivedDate" safe>
              {t("assisted.receivedDate")}
            </label>
            <div class="hint" id="field-receivedDate-hint" safe>
              {t("assisted.receivedHint")}
            </div>
            <FieldError ctx={ctx} errors={errors} name="receivedDate" />
            <input
              class="input input--medium"
              type="date"
              id="field-receivedDate"
              name="receivedDate"
              value={v.receivedDate}
              aria-describedby={described(errors, "receivedDate", true)}
            />
          </div>
          <div class={group("receivedTime")}>
            <label class="label" for="field-receivedTime" safe>
              {t("assisted.receivedTime")}
            </label>
            <FieldError ctx={ctx} errors={errors} name="receivedTime" />
            <input
              class="input input--medium"
              type="time"
              id="field-receivedTime"
              name="receivedTime"
              value={v.receivedTime}
              aria-describedby={described(errors, "receivedTime")}
            />
          </div>
          <Field t={t} name="title" label={t("assisted.titleField")} value={v.title} errors={errors} />
          <div class={group("description")}>
            <label class="label" for="field-description" safe>
              {t("assisted.description")}
            </label>
            <div class="hint" id="field-description-hint" safe>
              {t("assisted.descriptionHint")}
            </div>
            <FieldError ctx={ctx} errors={errors} name="description" />
            <textarea
              class="input textarea"
              id="field-description"
              name="description"
              rows="6"
              aria-describedby={described(errors, "description", true)}
              safe
            >
              {v.description ?? ""}
            </textarea>
          </div>
          <Field
            t={t}
            name="address"
            label={t("assisted.address")}
            hint={t("assisted.addressHint")}
            value={v.address}
            errors={errors}
          />
          <h2 safe>{t("assisted.contactHeading")}</h2>
          <p class="hint" safe>
            {t("assisted.contactHint")}
          </p>
          <Field
            t={t}
            name="contactName"
            label={t("assisted.contactName")}
            value={v.contactName}
            errors={errors}
            autocomplete="off"
          />
          <Field
            t={t}
            name="contactEmail"
            type="email"
            label={t("assisted.contactEmail")}
            value={v.contactEmail}
            errors={errors}
            autocomplete="off"
            spellcheck={false}
          />
          <Field
            t={t}
            name="contactPhone"
            type="tel"
            label={t("assisted.contactPhone")}
            value={v.contactPhone}
            errors={errors}
            autocomplete="off"
            width="medium"
          />
          <fieldset class={group("language")} id="field-language">
            <legend class="label" safe>
              {t("assisted.language")}
            </legend>
            <FieldError ctx={ctx} errors={errors} name="language" />
            {p.languages.map((l) => (
              <div class="radio">
                <input
                  type="radio"
                  class="radio__input"
                  id={`language-${l}`}
                  name="language"
                  value={l}
                  checked={(v.language || lang) === l}
                />
                <label class="radio__label" for={`language-${l}`} lang={htmlLang(l)} safe>
                  {t(`language.name.${l}`)}
                </label>
              </div>
            ))}
          </fieldset>
          <Button label={t("assisted.submit")} />
        </PostForm>
      </div>
    </Layout>
  );
}

export function AssistedDonePage(p: {
  ctx: PageContext;
  municipalitySlug: string;
  trackingCode: string;
  trackingLink: string | undefined;
  responseDueAt: Date;
}) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t("assisted.doneTitle")}>
      <div class="narrow">
        <div class="confirmation">
          <h1 safe>{t("assisted.doneTitle")}</h1>
          <p safe>{t("case.trackingCode")}</p>
          <p class="confirmation__code" safe>
            {p.trackingCode}
          </p>
        </div>
        <p safe>{t("assisted.doneDue", { date: formatDay(p.ctx, p.responseDueAt, true) })}</p>
        {p.trackingLink ? (
          <>
            <p safe>{t("assisted.doneLink")}</p>
            <p class="tracking-link" safe>
              {p.trackingLink}
            </p>
          </>
        ) : (
          <p safe>{t("assisted.doneAgain")}</p>
        )}
        <p>
          <a href={`/m/${p.municipalitySlug}/assisted`} safe>
            {t("assisted.another")}
          </a>
        </p>
      </div>
    </Layout>
  );
}
