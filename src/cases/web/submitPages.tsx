// The pages of the submission journey (GOV.UK's pattern: one question per page, "check your answers",
// then a confirmation). Every page works without JavaScript; everything typed is escaped on output.
import type { Children } from "@kitajs/html";
import type { CategoryQuestion } from "../../db/schema.ts";
import { LanguageRadios } from "../../identity/web/pages.tsx";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
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
import { type MapPlace, PinMap } from "../../web/map.tsx";
import { photoUrl, thumbnailSize } from "../photos/photoView.ts";
import { CASE_TYPES, type CaseType } from "../statuses.ts";
import type { ContactAnswers, DraftData, OfferedCategory, Step } from "./submitJourney.ts";

export interface JourneyMunicipality {
  slug: string;
  name: string;
  /** The languages it offers (offeredLanguages): the contact step lets the person choose among them. */
  languages: readonly Language[];
}

/** What every step's page gets: where its form posts, where "Back" goes, what is wrong. */
interface StepProps {
  ctx: PageContext;
  municipality: JourneyMunicipality;
  action: string;
  back: string;
  errors: FieldErrors;
}

const ids = (...list: (string | false | undefined)[]) => list.filter(Boolean).join(" ") || undefined;

export function JourneyLayout(p: {
  ctx: PageContext;
  municipality: JourneyMunicipality;
  title: string;
  back?: string;
  errors?: FieldErrors;
  order?: readonly string[];
  wide?: boolean;
  children?: Children;
}) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, p.title, p.errors)} municipality={p.municipality}>
      {p.back ? (
        <a class="back-link" href={p.back} safe>
          {t("submit.back")}
        </a>
      ) : null}
      <div class={p.wide ? "journey journey--wide" : "journey"}>
        {p.errors ? <ErrorSummary t={t} errors={p.errors} order={p.order ?? []} /> : null}
        {p.children}
      </div>
    </Layout>
  );
}

interface Choice {
  value: string;
  label: string;
  hint?: string;
  lang?: string;
}

function ChoiceItem(p: {
  kind: "radio" | "checkbox";
  name: string;
  id: string;
  choice: Choice;
  checked: readonly string[];
}) {
  const c = p.choice;
  return (
    <div class={`${p.kind}${c.hint ? ` ${p.kind}--hinted` : ""}`}>
      <input
        class={`${p.kind}__input`}
        type={p.kind}
        id={p.id}
        name={p.name}
        value={c.value.replace(/&/g, "&amp;")}
        checked={p.checked.includes(c.value)}
        aria-describedby={c.hint ? `${p.id}-hint` : undefined}
      />
      <div class={`${p.kind}__text`}>
        <label class={`${p.kind}__label`} for={p.id} lang={c.lang} safe>
          {c.label}
        </label>
        {c.hint ? (
          <div class={`hint ${p.kind}__hint`} id={`${p.id}-hint`} safe>
            {c.hint}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/**
 * Radios or checkboxes in one fieldset, optionally in groups (each its own fieldset inside). The legend
 * is the page's heading when the page asks this one question.
 */
function Choices(p: {
  ctx: PageContext;
  kind: "radio" | "checkbox";
  name: string;
  legend: string;
  heading?: boolean;
  hint?: string;
  groups: { legend?: string; choices: Choice[] }[];
  checked: readonly string[];
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  let n = 0;
  const numbered = p.groups.map((g) => ({ ...g, choices: g.choices.map((c) => ({ c, i: n++ })) }));
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={ids(p.hint && `${id}-hint`, error && `${id}-error`)}
    >
      <legend class={p.heading ? "label legend--heading" : "label"}>
        {p.heading ? <h1 safe>{p.legend}</h1> : <span safe>{p.legend}</span>}
      </legend>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
      {numbered.map((g) =>
        g.legend ? (
          <fieldset class="choice-group">
            <legend class="choice-group__legend" safe>
              {g.legend}
            </legend>
            {g.choices.map(({ c, i }) => (
              <ChoiceItem kind={p.kind} name={p.name} id={`${id}-${i}`} choice={c} checked={p.checked} />
            ))}
          </fieldset>
        ) : (
          <div class="choice-list">
            {g.choices.map(({ c, i }) => (
              <ChoiceItem kind={p.kind} name={p.name} id={`${id}-${i}`} choice={c} checked={p.checked} />
            ))}
          </div>
        ),
      )}
    </fieldset>
  );
}

/**
 * A text input (Field's look) that also offers a date input, a numeric keyboard and a value that comes
 * back exactly as typed: attribute values are escaped for quotes only, so "&" is escaped here too.
 */
function Input(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
  type?: "text" | "date" | "email" | "tel";
  inputmode?: "decimal";
  width?: "full" | "medium" | "short";
  autocomplete?: string;
  spellcheck?: boolean;
}) {
  const { t } = p.ctx;
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
      {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
      <input
        class={`input input--${p.width ?? "full"}${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        inputmode={p.inputmode}
        value={p.value.replace(/&/g, "&amp;")}
        autocomplete={p.autocomplete}
        spellcheck={p.spellcheck === false ? "false" : undefined}
        aria-describedby={ids(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
      />
    </div>
  );
}

function TextArea(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldErrors;
  rows?: number;
}) {
  const { t } = p.ctx;
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
      {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
      <textarea
        class={`input textarea${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        rows={String(p.rows ?? 8)}
        aria-describedby={ids(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </div>
  );
}

/** Step 1: what do you want to do. */
export function TypePage(p: StepProps & { value: string }) {
  const { t } = p.ctx;
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={t("submit.type.title")}
      back={p.back}
      errors={p.errors}
      order={["type"]}
    >
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Choices
          ctx={p.ctx}
          kind="radio"
          name="type"
          legend={t("submit.type.title")}
          heading
          hint={t("submit.type.hint", { name: p.municipality.name })}
          groups={[
            {
              choices: CASE_TYPES.map((type) => ({
                value: type,
                label: t(`caseType.${type}`),
                hint: t(`submit.type.help.${type}`),
              })),
            },
          ]}
          checked={[p.value]}
          errors={p.errors}
        />
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** Groups help when there are many categories in more than one group. */
function categoryGroups(ctx: PageContext, list: OfferedCategory[], signedIn: boolean) {
  const { t, lang } = ctx;
  const choice = (c: OfferedCategory): Choice => ({
    value: c.code,
    label: localized(c.name, lang),
    ...(!signedIn && !c.anonymousAllowed ? { hint: t("submit.category.needsAccount") } : {}),
  });
  const groups = [...new Set(list.map((c) => c.group))];
  if (list.length <= 7 || groups.length < 2) return [{ choices: list.map(choice) }];
  return groups.map((g) => ({
    legend: t(`submit.group.${g}`, { defaultValue: t("submit.group.other") }),
    choices: list.filter((c) => c.group === g).map(choice),
  }));
}

/** Step 2: the category, among those of the type the municipality offers. */
export function CategoryPage(
  p: StepProps & { type: CaseType; categories: OfferedCategory[]; value: string; signedIn: boolean },
) {
  const { t } = p.ctx;
  const title = t(`submit.category.title.${p.type}`);
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={title}
      back={p.back}
      errors={p.errors}
      order={["category"]}
    >
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Choices
          ctx={p.ctx}
          kind="radio"
          name="category"
          legend={title}
          heading
          hint={t("submit.category.hint")}
          groups={categoryGroups(p.ctx, p.categories, p.signedIn)}
          checked={[p.value]}
          errors={p.errors}
        />
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** A visitor chose a proposal or a category that needs an account: log in (and come back) or register. */
export function AccountNeededPage(p: {
  ctx: PageContext;
  municipality: JourneyMunicipality;
  back: string;
  here: string;
  category?: string;
}) {
  const { t } = p.ctx;
  return (
    <JourneyLayout ctx={p.ctx} municipality={p.municipality} title={t("submit.account.title")} back={p.back}>
      <h1 safe>{t("submit.account.title")}</h1>
      <p safe>
        {p.category ? t("submit.account.category", { category: p.category }) : t("submit.account.proposal")}
      </p>
      <p safe>{t("submit.account.kept")}</p>
      <p>
        <a class="button button--primary" href={`/login?next=${encodeURIComponent(p.here)}`} safe>
          {t("submit.account.login")}
        </a>
      </p>
      <p>
        <span safe>{t("submit.account.noAccount")}</span>{" "}
        <a href="/register" safe>
          {t("submit.account.register")}
        </a>
      </p>
      <p>
        <a href={p.back} safe>
          {p.category ? t("submit.account.otherCategory") : t("submit.account.otherType")}
        </a>
      </p>
    </JourneyLayout>
  );
}

export const answerField = (code: string) => `answer-${code}`;

function Question(p: {
  ctx: PageContext;
  q: CategoryQuestion;
  value: string | string[] | undefined;
  errors: FieldErrors;
}) {
  const { t, lang } = p.ctx;
  const { q } = p;
  const name = answerField(q.code);
  const label = `${localized(q.description, lang)}${q.required ? "" : ` ${t("submit.optional")}`}`;
  const text = typeof p.value === "string" ? p.value : (p.value?.[0] ?? "");
  const list = Array.isArray(p.value) ? p.value : p.value ? [p.value] : [];
  switch (q.datatype) {
    case "text":
      return <TextArea ctx={p.ctx} name={name} label={label} value={text} errors={p.errors} rows={5} />;
    case "number":
      return (
        <Input
          ctx={p.ctx}
          name={name}
          label={label}
          value={text}
          errors={p.errors}
          inputmode="decimal"
          width="short"
        />
      );
    case "datetime":
      return (
        <Input
          ctx={p.ctx}
          name={name}
          label={label}
          hint={t("submit.questions.dateHint")}
          value={text}
          errors={p.errors}
          type="date"
          width="medium"
        />
      );
    case "singlevaluelist":
    case "multivaluelist":
      return (
        <Choices
          ctx={p.ctx}
          kind={q.datatype === "singlevaluelist" ? "radio" : "checkbox"}
          name={name}
          legend={label}
          {...(q.datatype === "multivaluelist" ? { hint: t("submit.questions.manyHint") } : {})}
          groups={[
            { choices: (q.values ?? []).map((v) => ({ value: v.key, label: localized(v.name, lang) })) },
          ]}
          checked={list}
          errors={p.errors}
        />
      );
    default:
      return <Input ctx={p.ctx} name={name} label={label} value={text} errors={p.errors} />;
  }
}

/** Step 3: the category's extra questions. */
export function QuestionsPage(
  p: StepProps & {
    category: string;
    questions: CategoryQuestion[];
    values: Record<string, string | string[]>;
  },
) {
  const { t } = p.ctx;
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={t("submit.questions.title")}
      back={p.back}
      errors={p.errors}
      order={p.questions.map((q) => answerField(q.code))}
    >
      <h1 safe>{t("submit.questions.title")}</h1>
      <p safe>{t("submit.questions.lead", { category: p.category })}</p>
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        {p.questions.map((q) => (
          <Question ctx={p.ctx} q={q} value={p.values[q.code]} errors={p.errors} />
        ))}
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** Step 4: title and description. */
export function DetailsPage(
  p: StepProps & { type: CaseType; values: { title: string; description: string } },
) {
  const { t } = p.ctx;
  const title = t(`submit.details.title.${p.type}`);
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={title}
      back={p.back}
      errors={p.errors}
      order={["title", "description"]}
    >
      <h1 safe>{title}</h1>
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Input
          ctx={p.ctx}
          name="title"
          label={t("submit.details.titleLabel")}
          hint={t("submit.details.titleHint")}
          value={p.values.title}
          errors={p.errors}
        />
        <TextArea
          ctx={p.ctx}
          name="description"
          label={t("submit.details.description")}
          hint={t("submit.details.descriptionHint")}
          value={p.values.description}
          errors={p.errors}
          rows={10}
        />
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** Step 5: the place, as words, and with JavaScript a map whose pin fills the two hidden inputs. */
export function LocationPage(
  p: StepProps & {
    type: CaseType;
    values: { address: string; latitude: string; longitude: string };
    /** Where the pin map opens (the municipality); absent: no map. */
    mapPlace?: MapPlace;
  },
) {
  const { t } = p.ctx;
  const required = p.type === "issue_report";
  const title = t(required ? "submit.location.title" : "submit.location.titleOptional");
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={title}
      back={p.back}
      errors={p.errors}
      order={["address"]}
    >
      <h1 safe>{title}</h1>
      <p safe>{t(required ? "submit.location.lead" : "submit.location.leadOptional")}</p>
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <TextArea
          ctx={p.ctx}
          name="address"
          label={t(required ? "submit.location.address" : "submit.location.addressOptional")}
          hint={t("submit.location.addressHint")}
          value={p.values.address}
          errors={p.errors}
          rows={3}
        />
        {p.mapPlace ? <PinMap ctx={p.ctx} place={p.mapPlace} /> : null}
        <input type="hidden" name="latitude" value={p.values.latitude} />
        <input type="hidden" name="longitude" value={p.values.longitude} />
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** A photo already on the draft, as the photos step shows it. */
export interface DraftPhoto {
  id: string;
  width: number;
  height: number;
}

/**
 * Step 6: photos, optional. Each added photo as a thumbnail with its own "Remove" form; while there is
 * room, a plain multipart form posting to the upload route (photoRoutes.ts), which comes back here —
 * with `photoError` when it refused a file; then "Continue", which posts to this step.
 */
export function PhotosPage(
  p: StepProps & {
    token: string;
    /** This step's own URL (with ?return=check when changing an answer): where the photo forms return. */
    here: string;
    photos: DraftPhoto[];
    max: number;
  },
) {
  const { t } = p.ctx;
  const title = t("submit.photos.title");
  const id = fieldId("photo");
  const error = p.errors.photo;
  const total = p.photos.length;
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={title}
      back={p.back}
      errors={p.errors}
      order={["photo"]}
    >
      <h1 safe>{title}</h1>
      <p safe>{t("submit.photos.lead", { max: p.max })}</p>
      {total > 0 ? (
        <ul class="photo-gallery">
          {p.photos.map((photo, i) => {
            const size = thumbnailSize(photo.width, photo.height);
            return (
              <li class="photo-gallery__item">
                <img
                  src={photoUrl(photo.id, { thumbnail: true, draftToken: p.token })}
                  width={String(size.width)}
                  height={String(size.height)}
                  alt={t("photos.alt", { n: i + 1, total })}
                />
                <PostForm
                  action={`/drafts/${p.token}/photos/${encodeURIComponent(photo.id)}/delete`}
                  csrf={p.ctx.csrf}
                >
                  <input type="hidden" name="next" value={p.here} />
                  <button
                    type="submit"
                    class="button button--secondary button--small"
                    aria-label={t("photos.removeLabel", { n: i + 1 })}
                    safe
                  >
                    {t("photos.remove")}
                  </button>
                </PostForm>
              </li>
            );
          })}
        </ul>
      ) : null}
      {total < p.max ? (
        <form method="post" enctype="multipart/form-data" action={`/drafts/${p.token}/photos`} novalidate>
          <input type="hidden" name="_csrf" value={p.ctx.csrf} />
          <input type="hidden" name="next" value={p.here} />
          <div class={error ? "form-group form-group--error" : "form-group"}>
            <label class="label" for={id} safe>
              {t("photos.label")}
            </label>
            <div class="hint" id={`${id}-hint`} safe>
              {t("photos.hint")}
            </div>
            {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
            <input
              class={`file-upload${error ? " input--error" : ""}`}
              id={id}
              name="photo"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              multiple
              aria-describedby={ids(`${id}-hint`, error && `${id}-error`)}
              aria-invalid={error ? "true" : undefined}
            />
          </div>
          <Button label={t("photos.upload")} variant="secondary" />
        </form>
      ) : (
        <p safe>{t("photos.error.too_many")}</p>
      )}
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** Step 7: who is sending, and how to reach them. */
export function ContactPage(
  p: StepProps & {
    values: { name: string; showName: boolean; email: string; phone: string; language: string };
  },
) {
  const { t } = p.ctx;
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={t("submit.contact.title")}
      back={p.back}
      errors={p.errors}
      order={["name", "showName", "email", "phone", "language"]}
    >
      <h1 safe>{t("submit.contact.title")}</h1>
      <p safe>{t("submit.contact.lead")}</p>
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Input
          ctx={p.ctx}
          name="name"
          label={t("submit.contact.name")}
          value={p.values.name}
          errors={p.errors}
          autocomplete="name"
        />
        <div class={p.errors.showName ? "form-group form-group--error" : "form-group"}>
          {p.errors.showName ? (
            <ErrorMessage t={t} id="field-showName-error" error={p.errors.showName} />
          ) : null}
          <div class="checkbox checkbox--hinted">
            <input
              class="checkbox__input"
              type="checkbox"
              id="field-showName"
              name="showName"
              value="yes"
              checked={p.values.showName}
              aria-describedby={ids("field-showName-hint", p.errors.showName && "field-showName-error")}
            />
            <div class="checkbox__text">
              <label class="checkbox__label" for="field-showName" safe>
                {t("submit.contact.showName")}
              </label>
              <div class="hint checkbox__hint" id="field-showName-hint" safe>
                {t("submit.contact.showNameHint")}
              </div>
            </div>
          </div>
        </div>
        <Input
          ctx={p.ctx}
          name="email"
          type="email"
          label={t("submit.contact.email")}
          hint={t("submit.contact.emailHint")}
          value={p.values.email}
          errors={p.errors}
          autocomplete="email"
          spellcheck={false}
        />
        <Input
          ctx={p.ctx}
          name="phone"
          type="tel"
          label={t("submit.contact.phone")}
          hint={t("submit.contact.phoneHint")}
          value={p.values.phone}
          errors={p.errors}
          autocomplete="tel"
          width="medium"
        />
        <LanguageRadios
          ctx={p.ctx}
          value={p.values.language}
          errors={p.errors}
          languages={p.municipality.languages}
        />
        <Button label={t("submit.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}

interface Row {
  label: string;
  value: string;
  lang?: string;
  step: Step;
}

function answerText(ctx: PageContext, q: CategoryQuestion, value: string | string[] | undefined): string {
  const list = (Array.isArray(value) ? value : value ? [value] : []).filter((v) => v !== "");
  if (list.length === 0) return ctx.t("submit.notGiven");
  if (q.datatype === "singlevaluelist" || q.datatype === "multivaluelist")
    return list
      .map((k) => {
        const v = q.values?.find((x) => x.key === k);
        return v ? localized(v.name, ctx.lang) : k;
      })
      .join(", ");
  return list.join(", ");
}

/** Step 8: every answer with a way to change it, then "Send". */
export function CheckPage(p: {
  ctx: PageContext;
  municipality: JourneyMunicipality;
  token: string;
  back: string;
  action: string;
  data: DraftData & { type: CaseType; contact: ContactAnswers };
  category: OfferedCategory;
  /** How many photos the draft has. */
  photos: number;
}) {
  const { t, lang } = p.ctx;
  const d = p.data;
  const c = d.contact;
  const notGiven = t("submit.notGiven");
  const rows: Row[] = [
    { label: t("submit.check.type"), value: t(`caseType.${d.type}`), step: "type" },
    { label: t("submit.check.category"), value: localized(p.category.name, lang), step: "category" },
    ...p.category.questions.map(
      (q): Row => ({
        label: localized(q.description, lang),
        value: answerText(p.ctx, q, d.answers?.[q.code]),
        step: "questions",
      }),
    ),
    { label: t("submit.check.title"), value: d.title ?? "", step: "details" },
    { label: t("submit.check.description"), value: d.description ?? "", step: "details" },
    { label: t("submit.check.address"), value: d.address || notGiven, step: "location" },
    ...(d.latitude !== undefined && d.longitude !== undefined
      ? [
          {
            label: t("submit.check.point"),
            value: `${d.latitude.toFixed(5)}, ${d.longitude.toFixed(5)}`,
            step: "location" as const,
          },
        ]
      : []),
    {
      label: t("photos.heading"),
      value: p.photos > 0 ? String(p.photos) : t("submit.photos.none"),
      step: "photos",
    },
    { label: t("submit.check.name"), value: c.name || notGiven, step: "contact" },
    {
      label: t("submit.check.showName"),
      value: t(c.showName ? "submit.check.yes" : "submit.check.no"),
      step: "contact",
    },
    { label: t("submit.check.email"), value: c.email || notGiven, step: "contact" },
    { label: t("submit.check.phone"), value: c.phone || notGiven, step: "contact" },
    {
      label: t("submit.check.language"),
      value: t(`language.name.${c.language}`),
      lang: htmlLang(c.language),
      step: "contact",
    },
  ];
  return (
    <JourneyLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={t("submit.check.heading")}
      back={p.back}
      wide
    >
      <h1 safe>{t("submit.check.heading")}</h1>
      <dl class="summary-list summary-list--actions">
        {rows.map((r) => (
          <div>
            <dt safe>{r.label}</dt>
            <dd class="summary-list__value" lang={r.lang} safe>
              {r.value}
            </dd>
            <dd class="summary-list__actions">
              <a href={`/submit/${p.token}/${r.step}?return=check`}>
                <span safe>{t("submit.change")}</span>
                <span class="visually-hidden" safe>{` ${r.label}`}</span>
              </a>
            </dd>
          </div>
        ))}
      </dl>
      <h2 safe>{t("submit.check.sendHeading")}</h2>
      <p safe>{t("submit.check.sendLead", { name: p.municipality.name })}</p>
      <PostForm action={p.action} csrf={p.ctx.csrf}>
        <Button label={t("submit.check.send")} />
      </PostForm>
    </JourneyLayout>
  );
}

/** Step 9: sent. The tracking code, the date an answer is due and the private tracking link. */
export function DonePage(p: {
  ctx: PageContext;
  municipality: JourneyMunicipality;
  trackingCode: string;
  due: string | undefined;
  link: { href: string; text: string } | undefined;
  emailSent: boolean;
}) {
  const { t } = p.ctx;
  return (
    <JourneyLayout ctx={p.ctx} municipality={p.municipality} title={t("submit.done.title")} wide>
      <div class="confirmation-panel">
        <h1 class="confirmation-panel__title" safe>
          {t("submit.done.title")}
        </h1>
        <p class="confirmation-panel__body">
          <span safe>{t("submit.done.code")}</span>
          <br />
          <strong class="confirmation-panel__code" safe>
            {p.trackingCode}
          </strong>
        </p>
      </div>
      {p.due ? <p safe>{t("submit.done.due", { due: p.due })}</p> : null}
      <h2 safe>{t("submit.done.linkHeading")}</h2>
      {p.link ? (
        <>
          <p safe>{t("submit.done.link")}</p>
          <p class="tracking-link">
            <a href={p.link.href} safe>
              {p.link.text}
            </a>
          </p>
          <p class="warning-text" safe>
            {t("submit.done.private")}
          </p>
        </>
      ) : (
        <p safe>{t(p.emailSent ? "submit.done.linkInEmail" : "submit.done.linkShownOnce")}</p>
      )}
      <p safe>{t(p.emailSent ? "submit.done.emailSent" : "submit.done.noEmail")}</p>
      <h2 safe>{t("submit.done.nextHeading")}</h2>
      <p safe>{t("submit.done.next", { name: p.municipality.name })}</p>
      <ul class="link-list">
        <li>
          <a href={`/m/${p.municipality.slug}`} safe>
            {t("submit.done.municipality", { name: p.municipality.name })}
          </a>
        </li>
        <li>
          <a href={`/m/${p.municipality.slug}/submit`} safe>
            {t("submit.done.another")}
          </a>
        </li>
      </ul>
    </JourneyLayout>
  );
}

/** A draft past its day: nothing was sent; start again. */
export function ExpiredPage(p: { ctx: PageContext; municipality: JourneyMunicipality | undefined }) {
  const { t } = p.ctx;
  const title = t("submit.expired.title");
  const body = (
    <>
      <h1 safe>{title}</h1>
      <p safe>{t("submit.expired.body")}</p>
      <p>
        <a
          class="button button--primary"
          href={p.municipality ? `/m/${p.municipality.slug}/submit` : "/"}
          safe
        >
          {t("submit.expired.again")}
        </a>
      </p>
    </>
  );
  return p.municipality ? (
    <JourneyLayout ctx={p.ctx} municipality={p.municipality} title={title}>
      {body}
    </JourneyLayout>
  ) : (
    <Layout ctx={p.ctx} title={title}>
      <div class="journey">{body}</div>
    </Layout>
  );
}

/** The municipality stopped taking input while the journey was under way. */
export function ClosedPage(p: { ctx: PageContext }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t("submit.closed.title")}>
      <div class="journey">
        <h1 safe>{t("submit.closed.title")}</h1>
        <p safe>{t("submit.closed.body")}</p>
        <p>
          <a href="/" safe>
            {t("errors.notFound.back")}
          </a>
        </p>
      </div>
    </Layout>
  );
}
