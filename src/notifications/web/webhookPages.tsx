// The webhook pages: a municipality's endpoints (/m/:slug/admin/webhooks) and the platform's, for every
// municipality (/ops/webhooks, operators); one endpoint with its secret (once), its actions and its
// delivery log. Forms keep what was typed and show problems at the fields (src/web/forms.tsx).
import type { Children } from "@kitajs/html";
import { formatDateTime } from "../../cases/web/casePages.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  attributeText,
  Button,
  ErrorMessage,
  ErrorSummary,
  Field,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { readFailure, WEBHOOK_EVENTS } from "../webhooks.ts";

const K = "webhooks";
export const WEBHOOK_FIELDS = ["url", "events", "description", "allowPrivate"] as const;

/** Where the pages live: a municipality's admin, or the operators' platform-wide list. */
export type Place = { kind: "municipality"; name: string; slug: string } | { kind: "platform" };

export const webhooksPath = (place: Place, rest = "") =>
  place.kind === "platform"
    ? `/ops/webhooks${rest}`
    : `/m/${encodeURIComponent(place.slug)}/admin/webhooks${rest}`;

export interface LastDelivery {
  at: Date;
  statusCode: number | null;
  error: string | null;
}

export interface EndpointRow {
  id: number;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  allowPrivate: boolean;
  createdAt: Date;
  last: LastDelivery | undefined;
}

export interface DeliveryRow {
  at: Date;
  event: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** An endpoint of some municipality, in the operators' overview. */
export interface MunicipalEndpointRow {
  id: number;
  municipality: { name: string; slug: string };
  url: string;
  active: boolean;
  allowPrivate: boolean;
}

interface Frame {
  ctx: PageContext;
  place: Place;
  notice?: string | undefined;
}

const eventLabel = (t: PageContext["t"], event: string) => t(`${K}.eventNames.${event.replace(".", "_")}`);

function WebhookLayout(
  p: Frame & {
    title: string;
    errors?: FieldErrors;
    back: { href: string; label: string } | null;
    children?: Children;
  },
) {
  const { t } = p.ctx;
  return (
    <Layout
      ctx={p.ctx}
      title={formTitle(t, p.title, p.errors)}
      {...(p.place.kind === "municipality"
        ? { municipality: { name: p.place.name, slug: p.place.slug } }
        : {})}
    >
      {p.back ? (
        <a class="back-link" href={p.back.href} safe>
          {p.back.label}
        </a>
      ) : null}
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      <ErrorSummary t={t} errors={p.errors ?? {}} order={WEBHOOK_FIELDS} />
      <h1 safe>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** What an attempt did, in words (never colour alone). */
function deliveryText(t: PageContext["t"], d: { statusCode: number | null; error: string | null }) {
  if (d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 300)
    return t(`${K}.delivered`, { status: String(d.statusCode) });
  if (d.statusCode !== null) return t(`${K}.failedStatus`, { status: String(d.statusCode) });
  const kind = d.error === null ? undefined : readFailure(d.error).kind;
  return t(kind === "deactivated" || kind === "refused" ? `${K}.notSent` : `${K}.failedNoAnswer`);
}

/** Why an attempt failed, in the reader's language; what the receiver said is quoted as it came. */
function failureDescription(t: PageContext["t"], error: string | null): string {
  if (error === null) return "";
  const f = readFailure(error);
  switch (f.kind) {
    case "timeout":
      return t(`${K}.failure.timeout`, { ms: String(f.ms) });
    case "deactivated":
      return t(`${K}.failure.deactivated`);
    case "refused":
      return t(`${K}.failure.refused`, {
        reason: t(`${K}.errors.${f.problem}`, { address: f.address ?? f.detail ?? "" }),
      });
    case "redirect":
      return t(`${K}.failure.redirect`, { location: f.location });
    case "answer":
      return f.snippet ? t(`${K}.failure.answer`, { snippet: f.snippet }) : "";
    case "network":
      return t(`${K}.failure.network`, { detail: f.detail });
  }
}

function EventList({ ctx, events }: { ctx: PageContext; events: string[] }) {
  return (
    <ul class="link-list">
      {events.map((e) => (
        <li>
          <span safe>{eventLabel(ctx.t, e)}</span> <code safe>{e}</code>
        </li>
      ))}
    </ul>
  );
}

// ── The list and the register form.

function RegisterForm(p: {
  ctx: PageContext;
  place: Place;
  canAllowPrivate: boolean;
  values: Record<string, string | string[]>;
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  const text = (name: string) => {
    const v = p.values[name];
    return typeof v === "string" ? v : "";
  };
  const chosen = new Set([p.values.events ?? []].flat());
  const eventsId = fieldId("events");
  const eventsError = p.errors.events;
  return (
    <PostForm action={webhooksPath(p.place)} csrf={p.ctx.csrf}>
      <Field
        t={t}
        name="url"
        label={t(`${K}.urlLabel`)}
        hint={t(p.canAllowPrivate ? `${K}.urlHintOperator` : `${K}.urlHint`)}
        value={text("url")}
        errors={p.errors}
        autocomplete="off"
        spellcheck={false}
      />
      <fieldset
        class={eventsError ? "form-group form-group--error" : "form-group"}
        id={eventsId}
        aria-describedby={[`${eventsId}-hint`, eventsError ? `${eventsId}-error` : ""].join(" ").trim()}
      >
        <legend class="label" safe>
          {t(`${K}.eventsLabel`)}
        </legend>
        <div class="hint" id={`${eventsId}-hint`} safe>
          {t(`${K}.eventsHint`)}
        </div>
        {eventsError ? <ErrorMessage t={t} id={`${eventsId}-error`} error={eventsError} /> : null}
        <div class="choice-list">
          {WEBHOOK_EVENTS.map((e, i) => (
            <div class="checkbox">
              <input
                class="checkbox__input"
                type="checkbox"
                id={`${eventsId}-${i}`}
                name="events"
                value={e}
                checked={chosen.has(e)}
              />
              <label class="checkbox__label" for={`${eventsId}-${i}`}>
                <span safe>{eventLabel(t, e)}</span> <code>{e}</code>
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <Field
        t={t}
        name="description"
        label={t(`${K}.descriptionLabel`)}
        hint={t(`${K}.descriptionHint`)}
        value={text("description")}
        errors={p.errors}
        autocomplete="off"
      />
      {p.canAllowPrivate ? (
        <div class="form-group">
          <div class="checkbox checkbox--hinted">
            <input
              class="checkbox__input"
              type="checkbox"
              id={fieldId("allowPrivate")}
              name="allowPrivate"
              value="1"
              checked={text("allowPrivate") === "1"}
              aria-describedby={`${fieldId("allowPrivate")}-hint`}
            />
            <div class="checkbox__text">
              <label class="checkbox__label" for={fieldId("allowPrivate")} safe>
                {t(`${K}.allowPrivateLabel`)}
              </label>
              <div class="hint checkbox__hint" id={`${fieldId("allowPrivate")}-hint`} safe>
                {t(`${K}.allowPrivateHint`)}
              </div>
            </div>
          </div>
        </div>
      ) : null}
      <Button label={t(`${K}.register`)} />
    </PostForm>
  );
}

export function WebhooksPage(
  p: Frame & {
    endpoints: EndpointRow[];
    /** The operators' page: every municipality's endpoints too. */
    municipal?: MunicipalEndpointRow[];
    canAllowPrivate: boolean;
    values: Record<string, string | string[]>;
    errors: FieldErrors;
    back: { href: string; label: string } | null;
  },
) {
  const { t } = p.ctx;
  const title =
    p.place.kind === "platform" ? t(`${K}.platformTitle`) : t(`${K}.title`, { municipality: p.place.name });
  return (
    <WebhookLayout
      ctx={p.ctx}
      place={p.place}
      notice={p.notice}
      title={title}
      errors={p.errors}
      back={p.back}
    >
      <p class="lead" safe>
        {t(p.place.kind === "platform" ? `${K}.platformLead` : `${K}.lead`)}
      </p>
      <p>
        <a href="#register" safe>
          {t(`${K}.registerHeading`)}
        </a>
      </p>
      <h2 id="endpoints-heading" safe>
        {t(`${K}.listHeading`)}
      </h2>
      {p.endpoints.length === 0 ? (
        <p safe>{t(`${K}.empty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="endpoints-heading"
          caption={t(`${K}.caption`)}
          head={[t(`${K}.url`), t(`${K}.events`), t(`${K}.state`), t(`${K}.lastDelivery`)]}
        >
          {p.endpoints.map((e) => (
            <tr>
              <td>
                <a href={webhooksPath(p.place, `/${e.id}`)}>
                  <span class="visually-hidden" safe>
                    {`${t(`${K}.details`)}: `}
                  </span>
                  <span safe>{e.url}</span>
                </a>
                {e.description ? (
                  <div class="hint" safe>
                    {e.description}
                  </div>
                ) : null}
              </td>
              <td>
                <EventList ctx={p.ctx} events={e.events} />
              </td>
              <td safe>{t(e.active ? `${K}.active` : `${K}.inactive`)}</td>
              <td>
                {e.last ? (
                  <>
                    <span safe>{deliveryText(t, e.last)}</span>
                    <div class="hint">
                      <time datetime={e.last.at.toISOString()} safe>
                        {formatDateTime(p.ctx, e.last.at)}
                      </time>
                    </div>
                  </>
                ) : (
                  <span safe>{t(`${K}.noDeliveries`)}</span>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <h2 id="register" safe>
        {t(`${K}.registerHeading`)}
      </h2>
      <RegisterForm
        ctx={p.ctx}
        place={p.place}
        canAllowPrivate={p.canAllowPrivate}
        values={p.values}
        errors={p.errors}
      />
      {p.municipal ? (
        <>
          <h2 id="municipal-heading" safe>
            {t(`${K}.municipalHeading`)}
          </h2>
          {p.municipal.length === 0 ? (
            <p safe>{t(`${K}.municipalEmpty`)}</p>
          ) : (
            <ScrollTable
              labelledBy="municipal-heading"
              caption={t(`${K}.municipalCaption`)}
              head={[t(`${K}.municipality`), t(`${K}.url`), t(`${K}.state`), t(`${K}.privateAddresses`)]}
            >
              {p.municipal.map((e) => (
                <tr>
                  <td safe>{e.municipality.name}</td>
                  <td>
                    <a
                      href={webhooksPath(
                        { kind: "municipality", name: e.municipality.name, slug: e.municipality.slug },
                        `/${e.id}`,
                      )}
                      safe
                    >
                      {e.url}
                    </a>
                  </td>
                  <td safe>{t(e.active ? `${K}.active` : `${K}.inactive`)}</td>
                  <td safe>{t(e.allowPrivate ? `${K}.yes` : `${K}.no`)}</td>
                </tr>
              ))}
            </ScrollTable>
          )}
        </>
      ) : null}
    </WebhookLayout>
  );
}

// ── One endpoint.

function ActionButton(p: {
  action: string;
  csrf: string;
  label: string;
  fields?: Record<string, string>;
  variant?: "primary" | "secondary" | "warning";
}) {
  return (
    <PostForm action={p.action} csrf={p.csrf}>
      {Object.entries(p.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={attributeText(value)} />
      ))}
      <Button label={p.label} variant={p.variant ?? "secondary"} />
    </PostForm>
  );
}

export function WebhookPage(
  p: Frame & {
    endpoint: EndpointRow;
    deliveries: DeliveryRow[];
    /** Only on the first view after the endpoint was registered. */
    secret?: string | undefined;
    canAllowPrivate: boolean;
  },
) {
  const { t } = p.ctx;
  const e = p.endpoint;
  const path = webhooksPath(p.place, `/${e.id}`);
  return (
    <WebhookLayout
      ctx={p.ctx}
      place={p.place}
      notice={p.notice}
      title={t(`${K}.endpointTitle`)}
      back={{ href: webhooksPath(p.place), label: t(`${K}.back`) }}
    >
      {p.secret ? (
        <div class="panel">
          <h2 id="secret" safe>
            {t(`${K}.secretHeading`)}
          </h2>
          <p safe>{t(`${K}.secretLead`)}</p>
          <p>
            <code class="tracking-link" data-webhook-secret safe>
              {p.secret}
            </code>
          </p>
          <p class="warning-text" safe>
            {t(`${K}.secretOnce`)}
          </p>
        </div>
      ) : null}
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.url`)}</dt>
          <dd class="summary-list__value" safe>
            {e.url}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.events`)}</dt>
          <dd class="summary-list__value">
            <EventList ctx={p.ctx} events={e.events} />
          </dd>
        </div>
        {e.description ? (
          <div>
            <dt safe>{t(`${K}.descriptionLabel`)}</dt>
            <dd class="summary-list__value" safe>
              {e.description}
            </dd>
          </div>
        ) : null}
        <div>
          <dt safe>{t(`${K}.state`)}</dt>
          <dd class="summary-list__value" safe>
            {t(e.active ? `${K}.active` : `${K}.inactive`)}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.privateAddresses`)}</dt>
          <dd class="summary-list__value" safe>
            {t(e.allowPrivate ? `${K}.yes` : `${K}.no`)}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.created`)}</dt>
          <dd class="summary-list__value">
            <time datetime={e.createdAt.toISOString()} safe>
              {formatDateTime(p.ctx, e.createdAt)}
            </time>
          </dd>
        </div>
      </dl>

      <h2 id="actions" safe>
        {t(`${K}.actionsHeading`)}
      </h2>
      {e.active ? (
        <>
          <p safe>{t(`${K}.testLead`)}</p>
          <ActionButton action={`${path}/test`} csrf={p.ctx.csrf} label={t(`${K}.sendTest`)} />
        </>
      ) : null}
      <p safe>{t(e.active ? `${K}.deactivateLead` : `${K}.activateLead`)}</p>
      <ActionButton
        action={`${path}/active`}
        csrf={p.ctx.csrf}
        label={t(e.active ? `${K}.deactivate` : `${K}.activate`)}
        fields={{ active: e.active ? "0" : "1" }}
      />
      {p.canAllowPrivate ? (
        <>
          <p safe>{t(`${K}.allowPrivateHint`)}</p>
          <ActionButton
            action={`${path}/private`}
            csrf={p.ctx.csrf}
            label={t(e.allowPrivate ? `${K}.disallowPrivate` : `${K}.allowPrivate`)}
            fields={{ allowPrivate: e.allowPrivate ? "0" : "1" }}
          />
        </>
      ) : null}
      <p safe>{t(`${K}.deleteLead`)}</p>
      <ActionButton action={`${path}/delete`} csrf={p.ctx.csrf} label={t(`${K}.delete`)} variant="warning" />

      <h2 id="log-heading" safe>
        {t(`${K}.logHeading`)}
      </h2>
      {p.deliveries.length === 0 ? (
        <p safe>{t(`${K}.noDeliveries`)}</p>
      ) : (
        <ScrollTable
          labelledBy="log-heading"
          caption={t(`${K}.logCaption`)}
          head={[
            t(`${K}.time`),
            t(`${K}.event`),
            t(`${K}.attempt`),
            t(`${K}.result`),
            t(`${K}.error`),
            t(`${K}.duration`),
          ]}
        >
          {p.deliveries.map((d) => (
            <tr>
              <td>
                <time datetime={d.at.toISOString()} safe>
                  {formatDateTime(p.ctx, d.at)}
                </time>
              </td>
              <td>
                <code safe>{d.event}</code>
              </td>
              <td safe>{String(d.attempt)}</td>
              <td safe>{deliveryText(t, d)}</td>
              <td safe>{failureDescription(t, d.error)}</td>
              <td safe>{t(`${K}.milliseconds`, { ms: String(d.durationMs) })}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </WebhookLayout>
  );
}
