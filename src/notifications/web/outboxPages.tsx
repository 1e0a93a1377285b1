// The operators' view of the outbox: how much waits, per channel, and the dead messages with their
// reason and a way to send each again.
import { formatDateTime } from "../../cases/web/casePages.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import { Layout } from "../../web/layout.tsx";
import type { DeadMessage, OutboxCounts } from "../outbox.ts";

const K = "outbox_ops";
export const OUTBOX_PATH = "/ops/outbox";
export const DEAD_SHOWN = 100;

/** A channel's name: the known ones translated, another (a future channel) by its code. */
function kindName(ctx: PageContext, kind: string): string {
  return kind === "email" || kind === "webhook" ? ctx.t(`${K}.kind.${kind}`) : kind;
}

export function OutboxPage(p: {
  ctx: PageContext;
  notice?: string | undefined;
  counts: OutboxCounts[];
  dead: DeadMessage[];
}) {
  const { ctx } = p;
  const { t } = ctx;
  const totalDead = p.counts.reduce((n, c) => n + c.dead, 0);
  const number = (n: number) => (
    <td class="number" safe>
      {String(n)}
    </td>
  );
  return (
    <Layout ctx={ctx} title={t(`${K}.title`)}>
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      <h1 safe>{t(`${K}.title`)}</h1>
      <p class="lead" safe>
        {t(`${K}.lead`)}
      </p>

      <h2 id="counts-heading" safe>
        {t(`${K}.countsHeading`)}
      </h2>
      {p.counts.length === 0 ? (
        <p safe>{t(`${K}.empty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="counts-heading"
          caption={t(`${K}.countsCaption`)}
          head={[
            t(`${K}.col.kind`),
            t(`${K}.col.queued`),
            t(`${K}.col.due`),
            t(`${K}.col.inFlight`),
            t(`${K}.col.retrying`),
            t(`${K}.col.delivered24h`),
            t(`${K}.col.dead`),
          ]}
        >
          {p.counts.map((c) => (
            <tr>
              <th scope="row" safe>
                {kindName(ctx, c.kind)}
              </th>
              {number(c.queued)}
              {number(c.due)}
              {number(c.inFlight)}
              {number(c.retrying)}
              {number(c.delivered24h)}
              {number(c.dead)}
            </tr>
          ))}
        </ScrollTable>
      )}

      <h2 id="dead-heading" safe>
        {t(`${K}.deadHeading`)}
      </h2>
      {p.dead.length === 0 ? (
        <p safe>{t(`${K}.deadNone`)}</p>
      ) : (
        <>
          <p safe>{t(`${K}.deadLead`)}</p>
          {totalDead > p.dead.length ? (
            <p safe>{t(`${K}.deadMore`, { shown: p.dead.length, total: totalDead })}</p>
          ) : null}
          <form method="post" action={`${OUTBOX_PATH}/retry-all`}>
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <button type="submit" class="button button--secondary" safe>
              {t(`${K}.retryAll`, { count: totalDead })}
            </button>
          </form>
          <ScrollTable
            labelledBy="dead-heading"
            caption={t(`${K}.deadCaption`)}
            head={[
              t(`${K}.col.id`),
              t(`${K}.col.kind`),
              t(`${K}.col.topic`),
              t(`${K}.col.recipient`),
              t(`${K}.col.attempts`),
              t(`${K}.col.lastError`),
              t(`${K}.col.created`),
              t(`${K}.col.deadAt`),
              t(`${K}.col.action`),
            ]}
          >
            {p.dead.map((m) => (
              <tr>
                <td safe>{`#${m.id}`}</td>
                <td safe>{kindName(ctx, m.kind)}</td>
                <td>{m.topic ? <code safe>{m.topic}</code> : <span safe>{t(`${K}.none`)}</span>}</td>
                <td safe>{m.recipient ?? t(`${K}.none`)}</td>
                {number(m.attempts)}
                <td safe>{m.lastError ?? t(`${K}.none`)}</td>
                <td safe>{formatDateTime(ctx, m.createdAt)}</td>
                <td safe>{formatDateTime(ctx, m.deadAt)}</td>
                <td>
                  <form method="post" action={`${OUTBOX_PATH}/${m.id}/retry`} class="inline-form">
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <button type="submit" class="button button--secondary button--small">
                      <span safe>{t(`${K}.retry`)}</span>
                      <span class="visually-hidden" safe>
                        {` ${t(`${K}.retryHidden`, { id: m.id })}`}
                      </span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </ScrollTable>
        </>
      )}
    </Layout>
  );
}
