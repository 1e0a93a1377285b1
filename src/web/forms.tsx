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
}: {
  t: Translate;
  errors: FieldErrors;
  order: readonly string[];
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
      data-module="error-summary"
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

export interface FieldProps {
  t: Translate;
  name: string;
  label: string;
  hint?: string;
  type?: "text" | "email" | "password" | "tel" | "number";
  value?: string;
  errors: FieldErrors;
  autocomplete?: string;
  required?: boolean;
  width?: "full" | "medium";
  spellcheck?: boolean;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function Field(p: FieldProps) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const describedBy = [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
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
      {error ? <ErrorMessage t={p.t} id={`${id}-error`} error={error} /> : null}
      <input
        class={`input input--${p.width ?? "full"}${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.type === "password" || p.value === undefined ? undefined : attributeText(p.value)}
        autocomplete={p.autocomplete}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? "true" : undefined}
        required={p.required}
        spellcheck={p.spellcheck === false ? "false" : undefined}
      />
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
