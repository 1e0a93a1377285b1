// The form fields and small pieces the proposal pages share: each field labelled, with its hint and its
// error tied by aria-describedby, and what was typed kept (src/web/forms.tsx gives the contract).
import type { PageContext } from "../../web/context.ts";
import { attributeText, ErrorMessage, type FieldErrors, fieldId } from "../../web/forms.tsx";

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

interface FieldBase {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string | undefined;
  errors: FieldErrors;
}

export function Input(
  p: FieldBase & {
    value: string;
    type?: "text" | "date" | "number";
    width?: "full" | "medium" | "short";
    lang?: string;
  },
) {
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
        type={p.type === "number" ? "text" : (p.type ?? "text")}
        inputmode={p.type === "number" ? "numeric" : undefined}
        value={attributeText(p.value)}
        lang={p.lang}
        autocomplete="off"
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
      />
    </div>
  );
}

export function TextArea(p: FieldBase & { value: string; lang?: string; rows?: number }) {
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
      <textarea
        class={`input${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        rows={String(p.rows ?? 5)}
        lang={p.lang}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
  lang?: string | undefined;
}

export function Select(p: FieldBase & { value: string; options: Choice[]; none?: string }) {
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
      <select
        class={`input input--medium${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
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
    </div>
  );
}

export function Radios(p: FieldBase & { value: string; options: Choice[] }) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
    >
      <legend class="label" safe>
        {p.label}
      </legend>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      {error ? <ErrorMessage t={p.ctx.t} id={`${id}-error`} error={error} /> : null}
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

export function Checkbox(p: FieldBase & { checked: boolean }) {
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

/** The support count against the threshold: a bar for the eye, the numbers as text for everyone. */
export function SupportBar(p: { ctx: PageContext; id: string; count: number; threshold: number }) {
  const { t } = p.ctx;
  return (
    <div class="proposal-support">
      <p id={`${p.id}-text`} data-support-count aria-live="polite" safe>
        {t("proposals.support.count", { count: p.count, threshold: p.threshold })}
      </p>
      <progress
        max={String(p.threshold)}
        value={String(Math.min(p.count, p.threshold))}
        aria-labelledby={`${p.id}-text`}
        safe
      >
        {`${p.count} / ${p.threshold}`}
      </progress>
    </div>
  );
}
