// The operators' API clients page: every client (never a key), a form to make one, a button to revoke
// each, and the one view of a new key.
import { formatDateTime } from "../../cases/web/casePages.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  attributeText,
  Button,
  ErrorSummary,
  Field,
  FieldError,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";

const K = "apiClients";
export const API_CLIENTS_PATH = "/ops/api-clients";
export const CLIENT_FIELDS = ["name", "municipality", "rateLimit"] as const;

export interface ClientRow {
  id: string;
  name: string;
  /** The municipality's name in the page's language; null: every municipality. */
  municipality: string | null;
  keyPrefix: string;
  rateLimit: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface MunicipalityChoice {
  slug: string;
  name: string;
}

const when = (ctx: PageContext, d: Date) => (
  <time datetime={d.toISOString()} safe>
    {formatDateTime(ctx, d)}
  </time>
);

const rateText = (ctx: PageContext, rate: number | null) =>
  rate === null ? ctx.t(`${K}.rateDefault`) : ctx.t(`${K}.rate`, { rate: String(rate) });

function MunicipalitySelect(p: {
  ctx: PageContext;
  choices: MunicipalityChoice[];
  value: string;
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  const id = fieldId("municipality");
  const error = p.errors.municipality;
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {t(`${K}.municipalityLabel`)}
      </label>
      <div class="hint" id={`${id}-hint`} safe>
        {t(`${K}.municipalityHint`)}
      </div>
      <FieldError ctx={p.ctx} name="municipality" errors={p.errors} />
      <select
        class={`input input--medium${error ? " input--error" : ""}`}
        id={id}
        name="municipality"
        aria-describedby={describedBy}
        aria-invalid={error ? "true" : undefined}
      >
        <option value="" selected={p.value === ""} safe>
          {t(`${K}.allMunicipalities`)}
        </option>
        {p.choices.map((m) => (
          <option value={attributeText(m.slug)} selected={p.value === m.slug} safe>
            {m.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ApiClientsPage(p: {
  ctx: PageContext;
  notice?: string | undefined;
  clients: ClientRow[];
  choices: MunicipalityChoice[];
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { ctx } = p;
  const { t } = ctx;
  const title = t(`${K}.title`);
  return (
    <Layout ctx={ctx} title={formTitle(t, title, p.errors)}>
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      <ErrorSummary t={t} errors={p.errors} order={CLIENT_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.lead`)}
      </p>
      <p>
        <a href="#create" safe>
          {t(`${K}.createHeading`)}
        </a>
      </p>
      <h2 id="clients-heading" safe>
        {t(`${K}.listHeading`)}
      </h2>
      {p.clients.length === 0 ? (
        <p safe>{t(`${K}.empty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="clients-heading"
          caption={t(`${K}.caption`)}
          head={[
            t(`${K}.col.name`),
            t(`${K}.col.municipality`),
            t(`${K}.col.prefix`),
            t(`${K}.col.rateLimit`),
            t(`${K}.col.created`),
            t(`${K}.col.lastUsed`),
            t(`${K}.col.state`),
            t(`${K}.col.actions`),
          ]}
        >
          {p.clients.map((c) => (
            <tr>
              <td safe>{c.name}</td>
              <td safe>{c.municipality ?? t(`${K}.allMunicipalities`)}</td>
              <td>
                <code safe>{`${c.keyPrefix}…`}</code>
              </td>
              <td safe>{rateText(ctx, c.rateLimit)}</td>
              <td>{when(ctx, c.createdAt)}</td>
              <td>{c.lastUsedAt ? when(ctx, c.lastUsedAt) : <span safe>{t(`${K}.never`)}</span>}</td>
              <td>
                {c.revokedAt ? (
                  <>
                    <strong safe>{t(`${K}.revoked`)}</strong>
                    <div class="hint">{when(ctx, c.revokedAt)}</div>
                  </>
                ) : (
                  <span safe>{t(`${K}.active`)}</span>
                )}
              </td>
              <td>
                {c.revokedAt ? null : (
                  <PostForm
                    action={`${API_CLIENTS_PATH}/${encodeURIComponent(c.id)}/revoke`}
                    csrf={ctx.csrf}
                    class="inline-form"
                  >
                    {/* Named by its client for screen readers (an aria-label: a visually hidden span
                        would be positioned outside the table's scrolling region and widen the page). */}
                    <button
                      type="submit"
                      class="button button--warning button--small"
                      aria-label={attributeText(`${t(`${K}.revoke`)} ${c.name} (${c.keyPrefix}…)`)}
                      safe
                    >
                      {t(`${K}.revoke`)}
                    </button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <p class="hint" safe>
        {t(`${K}.revokeHint`)}
      </p>

      <h2 id="create" safe>
        {t(`${K}.createHeading`)}
      </h2>
      <p safe>{t(`${K}.createLead`)}</p>
      <PostForm action={API_CLIENTS_PATH} csrf={ctx.csrf}>
        <Field
          t={t}
          name="name"
          label={t(`${K}.nameLabel`)}
          hint={t(`${K}.nameHint`)}
          value={p.values.name ?? ""}
          errors={p.errors}
          autocomplete="off"
        />
        <MunicipalitySelect
          ctx={ctx}
          choices={p.choices}
          value={p.values.municipality ?? ""}
          errors={p.errors}
        />
        <Field
          t={t}
          name="rateLimit"
          label={t(`${K}.rateLimitLabel`)}
          hint={t(`${K}.rateLimitHint`)}
          value={p.values.rateLimit ?? ""}
          errors={p.errors}
          width="medium"
          autocomplete="off"
        />
        <Button label={t(`${K}.create`)} />
      </PostForm>
    </Layout>
  );
}

/** The one view of a new key: it is kept nowhere else (only its hash is stored). */
export function ApiClientCreatedPage(p: { ctx: PageContext; client: ClientRow; apiKey: string }) {
  const { ctx, client } = p;
  const { t } = ctx;
  const title = t(`${K}.createdTitle`);
  return (
    <Layout ctx={ctx} title={title}>
      <a class="back-link" href={API_CLIENTS_PATH} safe>
        {t(`${K}.back`)}
      </a>
      <h1 safe>{title}</h1>
      <div class="panel">
        <h2 id="key" safe>
          {t(`${K}.keyHeading`)}
        </h2>
        <p safe>{t(`${K}.keyLead`)}</p>
        <p>
          <code class="tracking-link" data-api-key safe>
            {p.apiKey}
          </code>
        </p>
        <p class="warning-text" safe>
          {t(`${K}.keyOnce`)}
        </p>
      </div>
      <h2 safe>{t(`${K}.clientHeading`)}</h2>
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.col.name`)}</dt>
          <dd class="summary-list__value" safe>
            {client.name}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.municipality`)}</dt>
          <dd class="summary-list__value" safe>
            {client.municipality ?? t(`${K}.allMunicipalities`)}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.prefix`)}</dt>
          <dd class="summary-list__value">
            <code safe>{`${client.keyPrefix}…`}</code>
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.col.rateLimit`)}</dt>
          <dd class="summary-list__value" safe>
            {rateText(ctx, client.rateLimit)}
          </dd>
        </div>
      </dl>
      <h2 safe>{t(`${K}.useHeading`)}</h2>
      <p safe>{t(`${K}.useRest`)}</p>
      <p>
        <code class="tracking-link">Authorization: Bearer ek_live_…</code>
      </p>
      <p safe>{t(`${K}.useOpen311`)}</p>
      <p>
        <code class="tracking-link">api_key=ek_live_…</code>
      </p>
      <p>
        <a href={API_CLIENTS_PATH} safe>
          {t(`${K}.back`)}
        </a>
      </p>
    </Layout>
  );
}
