// A municipality's printable leaflet (/m/:slug/leaflet), for outreach at the counter, on notice boards and
// in local offices: its name in the page's language, what people can do, its address and the QR code of that
// address. It prints on one A4 page (the leaflet's block at the end of app.css); on screen a note says so.
import type { PageContext } from "../web/context.ts";
import { Layout } from "../web/layout.tsx";
import { QrCode } from "./qr.tsx";
import { G } from "./ui.tsx";

const L = `${G}.leaflet`;

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The address the leaflet prints: the configured public URL; else the one this page was asked at (what
 * the person printing it sees in their address bar), when its host is a plain host name; else `fallback`.
 */
export function leafletBase(p: {
  publicUrl: string | undefined;
  protocol: string;
  host: string;
  fallback: string;
}): string {
  if (p.publicUrl) return p.publicUrl.replace(/\/+$/, "");
  if ((p.protocol === "http" || p.protocol === "https") && HOST.test(p.host))
    return `${p.protocol}://${p.host}`;
  return p.fallback.replace(/\/+$/, "");
}

const ACTIONS = ["report", "request", "feedback", "propose", "consult", "follow"] as const;

export function LeafletPage({
  ctx,
  municipality,
  url,
}: {
  ctx: PageContext;
  municipality: { slug: string; name: string };
  url: string;
}) {
  const { t } = ctx;
  const name = municipality.name;
  return (
    <Layout ctx={ctx} title={t(`${L}.title`, { municipality: name })} municipality={municipality}>
      <p class="leaflet-note" safe>
        {t(`${L}.printNote`)}
      </p>
      <article class="leaflet" aria-labelledby="leaflet-title">
        <p class="leaflet__brand" safe>
          {t("app.name")}
        </p>
        <h1 id="leaflet-title" safe>
          {t(`${L}.heading`, { municipality: name })}
        </h1>
        <p class="leaflet__lead" safe>
          {t(`${L}.lead`, { municipality: name })}
        </p>
        <div class="leaflet__body">
          <section aria-labelledby="leaflet-do">
            <h2 id="leaflet-do" safe>
              {t(`${L}.doHeading`)}
            </h2>
            <ul class="leaflet__list">
              {ACTIONS.map((a) => (
                <li safe>{t(`${L}.do.${a}`)}</li>
              ))}
            </ul>
          </section>
          <section class="leaflet__start" aria-labelledby="leaflet-start">
            <h2 id="leaflet-start" safe>
              {t(`${L}.startHeading`)}
            </h2>
            <QrCode text={url} label={t(`${L}.qrLabel`, { url })} class="leaflet__qr" />
            <p class="leaflet__url">
              <a href={url}>
                {url
                  .replace(/^https?:\/\//, "")
                  .split("/")
                  .map((part, i) => (
                    // A long address breaks after a slash, never inside a name.
                    <>
                      {i > 0 ? (
                        <>
                          /<wbr />
                        </>
                      ) : null}
                      <span safe>{part}</span>
                    </>
                  ))}
              </a>
            </p>
            <p safe>{t(`${L}.scan`)}</p>
          </section>
        </div>
        <p class="leaflet__promise" safe>
          {t(`${L}.promise`)}
        </p>
        <p safe>{t(`${L}.inPerson`, { municipality: name })}</p>
      </article>
    </Layout>
  );
}
