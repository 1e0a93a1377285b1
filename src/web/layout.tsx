// The page shell every server-rendered page shares: skip link, header with the platform (and the
// municipality, inside one), the language switch, the main region and the footer.
import type { Children } from "@kitajs/html";
import { LANGUAGES, type Language } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import type { PageContext } from "./context.ts";

export interface LayoutProps {
  ctx: PageContext;
  /** The page's own title; the platform name is appended. */
  title: string;
  municipality?: { name: string; slug: string };
  children?: Children;
}

/**
 * The header's link to the notification centre with the unread count as text: "Notifications (3)" on
 * screen, "Notifications (3 unread)" read aloud. Waits for the one count query the page context starts.
 */
async function NotificationsLink({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const unread = (await ctx.unread) ?? 0;
  const current = ctx.path === "/notifications" || ctx.path.startsWith("/notifications?");
  return (
    <a href="/notifications" aria-current={current ? "page" : undefined}>
      <span safe>{t("notifications.header.link")}</span>
      {unread > 0 ? (
        <>
          {" ("}
          <span safe>{String(unread)}</span>
          <span class="visually-hidden" safe>
            {` ${t("notifications.header.unread", { count: unread })}`}
          </span>
          {")"}
        </>
      ) : null}
    </a>
  );
}

/**
 * The languages the switch lists: those the request's page is offered in (sq, sr and en everywhere; tr or
 * bs on the pages of a municipality that has switched them on), and always the page's own.
 */
function switchLanguages(ctx: PageContext): readonly Language[] {
  const offered = ctx.languages ?? LANGUAGES;
  return offered.includes(ctx.lang) ? offered : [...offered, ctx.lang];
}

export function Layout({ ctx, title, municipality, children }: LayoutProps) {
  const { t, lang } = ctx;
  const fullTitle = `${title} – ${t("app.name")}`;
  return (
    <>
      {"<!doctype html>"}
      <html lang={htmlLang(lang)}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{fullTitle}</title>
          <link rel="stylesheet" href={ctx.assets.url("app.css")} />
          <link rel="icon" href={ctx.assets.url("favicon.svg")} type="image/svg+xml" />
          <script src={ctx.assets.url("app.js")} defer />
        </head>
        <body>
          <a class="skip-link" href="#main" safe>
            {t("layout.skipLink")}
          </a>
          <header class="site-header">
            <div class="container site-header__inner">
              <a class="site-header__brand" href="/" aria-label={t("layout.homeLink")}>
                <span class="site-header__logo" aria-hidden="true">
                  E
                </span>
                <span safe>{t("app.name")}</span>
              </a>
              {municipality ? (
                <a class="site-header__municipality" href={`/m/${municipality.slug}`} safe>
                  {municipality.name}
                </a>
              ) : null}
              <nav class="user-nav" aria-label={t("header.userNav")}>
                {ctx.user ? (
                  <ul>
                    <li>
                      <NotificationsLink ctx={ctx} />
                    </li>
                    <li>
                      <a href="/account" safe>
                        {t("header.account")}
                      </a>
                    </li>
                    <li>
                      <form method="post" action="/logout" class="inline-form">
                        <input type="hidden" name="_csrf" value={ctx.csrf} />
                        <button type="submit" class="link-button" safe>
                          {t("header.logout")}
                        </button>
                      </form>
                    </li>
                  </ul>
                ) : (
                  <ul>
                    <li>
                      <a
                        href={
                          ctx.path.startsWith("/login")
                            ? "/login"
                            : `/login?next=${encodeURIComponent(ctx.path)}`
                        }
                        safe
                      >
                        {t("header.login")}
                      </a>
                    </li>
                  </ul>
                )}
              </nav>
              <nav class="language-switch" aria-label={t("language.label")}>
                <ul>
                  {switchLanguages(ctx).map((l) => (
                    <li>
                      {l === lang ? (
                        <span class="language-switch__current" lang={htmlLang(l)} aria-current="true" safe>
                          {t(`language.name.${l}`)}
                        </span>
                      ) : (
                        <a
                          href={`/language/${l}?next=${encodeURIComponent(ctx.path)}`}
                          lang={htmlLang(l)}
                          hreflang={htmlLang(l)}
                          safe
                        >
                          {t(`language.name.${l}`)}
                        </a>
                      )}
                    </li>
                  ))}
                </ul>
              </nav>
            </div>
          </header>
          <main id="main" class="container" tabindex="-1">
            {children}
          </main>
          <footer class="site-footer">
            <div class="container">
              <h2 class="site-footer__heading" safe>
                {t("layout.footerHeading")}
              </h2>
              <p safe>{t("layout.footerText", { ministry: localized(ctx.ministry, lang) })}</p>
              <p safe>{t("layout.footerSource")}</p>
              <nav aria-label={t("layout.footerNav")}>
                <ul class="site-footer__links">
                  <li>
                    <a href="/cases" safe>
                      {t("layout.footerCases")}
                    </a>
                  </li>
                  <li>
                    <a href={municipality ? `/m/${municipality.slug}/statistics` : "/statistics"} safe>
                      {t("layout.footerStatistics")}
                    </a>
                  </li>
                  <li>
                    <a href="/open-data" safe>
                      {t("layout.footerOpenData")}
                    </a>
                  </li>
                  <li>
                    <a href="/open311/v2/discovery.json" safe>
                      {t("layout.footerApi")}
                    </a>
                  </li>
                  <li>
                    <a href={municipality ? `/m/${municipality.slug}/guide` : "/guide"} safe>
                      {t("guidance.nav.heading")}
                    </a>
                  </li>
                  <li>
                    <a href="/guide/privacy" safe>
                      {t("guidance.privacy.title")}
                    </a>
                  </li>
                  <li>
                    <a href="/guide/accessibility" safe>
                      {t("guidance.accessibility.title")}
                    </a>
                  </li>
                  <li>
                    <a href="/styleguide" safe>
                      {t("styleguide.title")}
                    </a>
                  </li>
                </ul>
              </nav>
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}
