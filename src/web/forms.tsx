// The one form contract (GOV.UK's): server validation always; on error the same page with status 422,
// the values kept (never passwords), "Error:" at the start of the title, an error summary at the top
// linking to each field, and the message beside the field. Every form carries the CSRF token.
import type { Children } from "@kitajs/html";
import type { z } from "zod";
import type { Translate } from "../kernel/i18n.ts";

/** Field name → catalog key of its error message, or the key and the values it interpolates. */
export type FieldErrors = Record<string, string | [key: string, values: Record<string, unknown>]>;

/** The message of a field error in the page language. */
export function errorText(t: Translate, error: FieldErrors[string]): string {
  return typeof error === "string" ? t(error) : t(error[0], error[1]);
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/**
 * Validates a parsed body with a zod schema whose messages are catalog keys; the first problem of each
 * field is kept. Unknown or malformed bodies (not an object) count as all fields missing.
 */
export function validate<S extends z.ZodType>(schema: S, body: unknown): Validated<z.infer<S>> {
  const result = schema.safeParse(body && typeof body === "object" ? body : {});
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    // An issue whose message is not one of our catalog keys (zod's own, for a wrong type say) reads
    // as the generic message.
    errors[field] ??= /^[a-z][A-Za-z_]*(\.[A-Za-z_]+)+$/.test(issue.message)
      ? issue.message
      : "validation.invalid";
  }
  return { ok: false, errors };
}

/** A text value from a form body, for re-displaying what was typed. */
export function typed(body: unknown, field: string): string {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
  return typeof v === "string" ? v.slice(0, 10_000) : "";
}

export const fieldId = (name: string) => `field-${name}`;

/**
 * Text for an attribute value. @kitajs/html escapes only the quote in attributes, which is enough to
 * keep markup out, but a typed "&lt;" would come back to the browser as "<": escape the ampersand too.
 */
export const attributeText = (s: string) => s.replace(/&/g, "&amp;");

/** The message beside a field: "Error:" for screen readers, then the message; tied by its id. */
export function ErrorMessage({ t, id, error }: { t: Translate; id: string; error: FieldErrors[string] }) {
  return (
    <p class="error-message" id={id}>
      <span class="visually-hidden" safe>
        {`${t("forms.errorPrefix")}:`}
      </span>{" "}
      <span safe>{errorText(t, error)}</span>
    </p>
  );
}

/** A field's error message, if it has one (id `field-<name>-error`, for aria-describedby). */
export function FieldError({
  ctx,
  name,
  errors,
}: {
  ctx: { t: Translate };
  name: string;
  errors: FieldErrors;
}) {
  const error = errors[name];
  return error ? <ErrorMessage t={ctx.t} id={`${fieldId(name)}-error`} error={error} /> : "";
}

export function ErrorSummary({
  t,
  errors,
  order,
  focusOnLoad = true,
}: {
  t: Translate;
  errors: FieldErrors;
  order: readonly string[];
  /** A form that came back takes focus to its summary (app.js); an example of one (the style guide) does not. */
  focusOnLoad?: boolean;
}) {
  const fields = [
    ...order.filter((f) => errors[f]),
    ...Object.keys(errors).filter((f) => !order.includes(f)),
  ];
  if (fields.length === 0) return "";
  return (
    <div
      class="error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabindex="-1"
      data-module={focusOnLoad ? "error-summary" : undefined}
    >
      <h2 class="error-summary__title" id="error-summary-title" safe>
        {t("forms.errorSummaryTitle")}
      </h2>
      <ul class="error-summary__list">
        {fields.map((f) => (
          <li>
            {f === "form" ? (
              <span safe>{errorText(t, errors[f]!)}</span>
            ) : (
              <a href={`#${fieldId(f)}`} safe>
                {errorText(t, errors[f]!)}
              </a>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What every field takes: its name (the control's id is `field-<name>`), label, hint and the page's errors. */
interface FieldBase {
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  errors: FieldErrors;
  /** The id of the control when one name appears in several forms of a page (errors still go by name). */
  id?: string | undefined;
}

/** The hint and error ids a control is described by, if any. */
const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;

/** A field's label, hint and error message (ids `<id>-hint`, `<id>-error`), then its control. */
function FieldGroup(p: FieldBase & { id: string; children: Children }) {
  const error = p.errors[p.name];
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={p.id} safe>
        {p.label}
      </label>
      {p.hint ? (
        <div class="hint" id={`${p.id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      {error ? <ErrorMessage t={p.t} id={`${p.id}-error`} error={error} /> : null}
      {p.children}
    </div>
  );
}

export interface FieldProps extends FieldBase {
  /** "number" is a text input with a numeric keyboard (GOV.UK's advice: no spinners, no scroll changes). */
  type?: "text" | "email" | "password" | "tel" | "number" | "date" | "time";
  value?: string;
  autocomplete?: string;
  required?: boolean;
  width?: "full" | "medium" | "short";
  spellcheck?: boolean;
  /** The language of what is typed, when it is not the page's. */
  lang?: string | undefined;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function Field(p: FieldProps) {
  const id = p.id ?? fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <FieldGroup {...p} id={id}>
      <input
        class={`input input--${p.width ?? "full"}${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        type={p.type === "number" ? "text" : (p.type ?? "text")}
        inputmode={p.type === "number" ? "numeric" : undefined}
        value={p.type === "password" || p.value === undefined ? undefined : attributeText(p.value)}
        lang={p.lang}
        autocomplete={p.autocomplete}
        aria-describedby={describedBy(id, p.hint, error)}
        aria-invalid={error ? "true" : undefined}
        required={p.required}
        spellcheck={p.spellcheck === false ? "false" : undefined}
      />
    </FieldGroup>
  );
}

/** A labelled textarea, its text kept; `lang` when the text is in a language other than the page's. */
export function TextAreaField(p: FieldBase & { value: string; rows?: number; lang?: string | undefined }) {
  const id = p.id ?? fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <FieldGroup {...p} id={id}>
      <textarea
        class={`input textarea${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        rows={String(p.rows ?? 5)}
        lang={p.lang}
        aria-describedby={describedBy(id, p.hint, error)}
        aria-invalid={error ? "true" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </FieldGroup>
  );
}

/** One choice of a select or radios; `lang` when its label is in a language other than the page's. */
export interface Choice {
  value: string;
  label: string;
  lang?: string | undefined;
}

/** A labelled select; `none` adds a first, empty choice ("Choose…", "All"). */
export function SelectField(p: FieldBase & { value: string; options: readonly Choice[]; none?: string }) {
  const id = p.id ?? fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <FieldGroup {...p} id={id}>
      <select
        class={`input input--medium${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={describedBy(id, p.hint, error)}
        aria-invalid={error ? "true" : undefined}
      >
        {p.none !== undefined ? (
          <option value="" selected={p.value === ""} safe>
            {p.none}
          </option>
        ) : null}
        {p.options.map((c) => (
          <option value={attributeText(c.value)} selected={p.value === c.value} lang={c.lang} safe>
            {c.label}
          </option>
        ))}
      </select>
    </FieldGroup>
  );
}

/** Radios in a fieldset (id `field-<name>`, which the error summary links to); `heading` for a larger legend. */
export function RadiosField(p: FieldBase & { value: string; options: readonly Choice[]; heading?: boolean }) {
  const id = p.id ?? fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={describedBy(id, p.hint, error)}
    >
      <legend class={p.heading ? "label legend--heading" : "label"} safe>
        {p.label}
      </legend>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      {error ? <ErrorMessage t={p.t} id={`${id}-error`} error={error} /> : null}
      <div class="choice-list">
        {p.options.map((c, i) => (
          <div class="radio">
            <input
              class="radio__input"
              type="radio"
              id={`${id}-${i}`}
              name={p.name}
              value={attributeText(c.value)}
              checked={p.value === c.value}
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

/** A single checkbox sending "yes" when ticked, with its hint. */
export function CheckboxField(p: {
  name: string;
  label: string;
  hint?: string | undefined;
  checked: boolean;
}) {
  const id = fieldId(p.name);
  return (
    <div class="form-group">
      <div class="checkbox">
        <input
          class="checkbox__input"
          type="checkbox"
          id={id}
          name={p.name}
          value="yes"
          checked={p.checked}
          aria-describedby={p.hint ? `${id}-hint` : undefined}
        />
        <label class="checkbox__label" for={id} safe>
          {p.label}
        </label>
        {p.hint ? (
          <div class="checkbox__hint hint" id={`${id}-hint`} safe>
            {p.hint}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** A POST form with the CSRF token; `novalidate` so the server's messages, in the page language, are the ones shown. */
export function PostForm({
  action,
  csrf,
  children,
  class: cls,
}: {
  action: string;
  csrf: string;
  children?: Children;
  class?: string;
}) {
  return (
    <form method="post" action={action} novalidate class={cls}>
      <input type="hidden" name="_csrf" value={csrf} />
      {children}
    </form>
  );
}

export function Button({ label, variant }: { label: string; variant?: "primary" | "secondary" | "warning" }) {
  return (
    <button type="submit" class={`button button--${variant ?? "primary"}`} safe>
      {label}
    </button>
  );
}

/** The page title on a failed submission starts with "Error:", so screen readers hear it first. */
export function formTitle(t: Translate, title: string, errors: FieldErrors | undefined): string {
  return errors && Object.keys(errors).length > 0 ? `${t("forms.errorPrefix")}: ${title}` : title;
}
