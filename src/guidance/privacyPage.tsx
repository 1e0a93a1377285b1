// The privacy notice (/guide/privacy): who is responsible for personal data, what is kept and why, what
// others see, how long things are kept (retention.ts, from the code and configuration that enforce it), the
// rights under Law No. 06/L-082 on Protection of Personal Data and the Information and Privacy Agency.
import { localized } from "../kernel/localized.ts";
import type { PageContext } from "../web/context.ts";
import type { RetentionRule } from "./retention.ts";
import { durationText, G, GuideFrame } from "./ui.tsx";

const V = `${G}.privacy`;

/** The Agency's site, as the notice names it (it is also the reference for access to documents). */
export const AGENCY_URL = "https://aip.rks-gov.net";

const KEPT = ["account", "inputs", "participation", "notifications", "technical", "audit"] as const;
const SEEN = ["never", "names", "check", "places", "photos", "staff", "openData"] as const;
const RIGHTS = ["access", "rectification", "erasure", "restriction", "objection", "portability"] as const;

export function PrivacyPage({ ctx, retention }: { ctx: PageContext; retention: RetentionRule[] }) {
  const { t } = ctx;
  const ministry = localized(ctx.ministry, ctx.lang);
  return (
    <GuideFrame ctx={ctx} page="privacy">
      <h2 id="responsible" safe>
        {t(`${V}.responsibleHeading`)}
      </h2>
      <p safe>{t(`${V}.controller`)}</p>
      <p safe>{t(`${V}.platform`, { ministry })}</p>
      <p safe>{t(`${V}.contact`, { ministry })}</p>

      <h2 id="kept" safe>
        {t(`${V}.keptHeading`)}
      </h2>
      <ul>
        {KEPT.map((k) => (
          <li safe>{t(`${V}.kept.${k}`)}</li>
        ))}
      </ul>
      <p safe>{t(`${V}.purpose`)}</p>

      <h2 id="seen" safe>
        {t(`${V}.seenHeading`)}
      </h2>
      <ul>
        {SEEN.map((k) => (
          <li safe>{t(`${V}.seen.${k}`)}</li>
        ))}
      </ul>

      <h2 id="how-long" safe>
        {t(`${V}.howLongHeading`)}
      </h2>
      <dl class="summary-list">
        {retention.map((r) => (
          <div>
            <dt safe>{t(`${V}.retention.${r.what}.what`)}</dt>
            <dd safe>
              {t(
                `${V}.retention.${r.what}.how`,
                Object.fromEntries(Object.entries(r.periods).map(([k, d]) => [k, durationText(ctx, d)])),
              )}
            </dd>
          </div>
        ))}
      </dl>
      <p safe>{t(`${V}.noSchedule`)}</p>

      <h2 id="rights" safe>
        {t(`${V}.rightsHeading`)}
      </h2>
      <p safe>{t(`${V}.law`)}</p>
      <ul>
        {RIGHTS.map((k) => (
          <li safe>{t(`${V}.right.${k}`)}</li>
        ))}
      </ul>
      <p safe>{t(`${V}.rightsHow`)}</p>
      <p>
        <a href="/account" safe>
          {t(`${V}.accountLink`)}
        </a>
      </p>

      <h2 id="complaint" safe>
        {t(`${V}.complaintHeading`)}
      </h2>
      <p safe>{t(`${V}.agency`)}</p>
      <p>
        <a href={AGENCY_URL} safe>
          {t(`${V}.agencyLink`)}
        </a>
      </p>
    </GuideFrame>
  );
}
