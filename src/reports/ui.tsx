// What the report pages add to the statistics' own cells, tables and charts (src/stats/web/statsPages.tsx:
// valueCell, TableView, ChartFigure, which they show their figures through): the change from one period to
// the next, and a checkbox list.
import type { ValueKind } from "../stats/web/statsPages.tsx";
import { type Cell, formatsOf, NO_VALUE } from "../stats/web/statsPages.tsx";
import type { PageContext } from "../web/context.ts";
import { attributeText, ErrorMessage, type FieldErrors, fieldId } from "../web/forms.tsx";

export const K = "reports";

/**
 * The change from one period to the next: a count or a time as a signed difference, a share in percentage
 * points ("+3.5 pp"). Empty when either side has no value.
 */
export function changeCell(
  ctx: PageContext,
  kind: ValueKind,
  now: number | null | undefined,
  before: number | null | undefined,
): Cell {
  if (now === null || now === undefined || before === null || before === undefined) return NO_VALUE;
  if (!Number.isFinite(now) || !Number.isFinite(before)) return NO_VALUE;
  const f = formatsOf(ctx.lang);
  const d = now - before;
  const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
  if (kind === "share") {
    const points = Math.round(Math.abs(d) * 1000) / 10;
    return {
      text: ctx.t(`${K}.change.points`, { value: `${sign}${f.decimal.format(points)}` }),
      raw: String(Math.round(d * 10_000) / 10_000),
    };
  }
  const magnitude = kind === "count" ? f.count.format(Math.abs(d)) : f.decimal.format(Math.abs(d));
  return {
    text: `${sign}${magnitude}`,
    raw: String(kind === "count" ? d : Math.round(d * 100) / 100),
  };
}

/**
 * Checkboxes in a fieldset, several values under one name (src/web/forms.tsx has a single checkbox); the
 * fieldset carries `field-<name>`, which the error summary links to.
 */
export function CheckboxesField(p: {
  ctx: PageContext;
  name: string;
  legend: string;
  hint?: string;
  options: readonly { value: string; label: string }[];
  checked: ReadonlySet<string>;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const describedBy = [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id={id}
      aria-describedby={describedBy || undefined}
    >
      <legend class="label" safe>
        {p.legend}
      </legend>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      {error ? <ErrorMessage t={p.ctx.t} id={`${id}-error`} error={error} /> : null}
      <div class="choice-list">
        {p.options.map((o, i) => (
          <div class="checkbox">
            <input
              class="checkbox__input"
              type="checkbox"
              id={`${id}-${i}`}
              name={p.name}
              value={attributeText(o.value)}
              checked={p.checked.has(o.value)}
            />
            <label class="checkbox__label" for={`${id}-${i}`} safe>
              {o.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
