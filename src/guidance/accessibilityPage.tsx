// The accessibility statement (/guide/accessibility): the standard followed, what the browser suite checks on
// every page template in every language, the date and extent of the last passed run (accessibility-check.json,
// written by test/e2e/a11yRecord.ts), the known limits, and how to report a problem — through the national
// feedback category for the website, whose response standard is read from the live configuration.
import { formatDay } from "../cases/web/casePages.tsx";
import { htmlLang } from "../kernel/localized.ts";
import type { PageContext } from "../web/context.ts";
import type { AccessibilityCheck } from "./accessibilityCheck.ts";
import type { StandardLine } from "./standardsGuide.ts";
import { amount, G, GuideFrame, Loc } from "./ui.tsx";

const X = `${G}.accessibility`;

/** The national category people report problems with the website in (profiles/xk/categories.csv). */
export const WEBSITE_CATEGORY = "website-eservices";

const CHECKED = ["axe", "focus", "reflow", "clean", "language"] as const;
const LIMITS = ["automated", "documents", "written", "maps", "photos"] as const;

export interface AccessibilityProps {
  ctx: PageContext;
  check: AccessibilityCheck | undefined;
  /** The feedback category for the website, with its standard; undefined when it is not offered. */
  website: StandardLine | undefined;
}

export function AccessibilityPage({ ctx, check, website }: AccessibilityProps) {
  const { t, lang } = ctx;
  const numbers = new Intl.NumberFormat(htmlLang(lang));
  const languages = check
    ? new Intl.ListFormat(htmlLang(lang), { type: "conjunction" }).format(
        check.languages.map((l) => t(`language.name.${l}`, { defaultValue: l })),
      )
    : "";
  return (
    <GuideFrame ctx={ctx} page="accessibility">
      <h2 id="standard" safe>
        {t(`${X}.standardHeading`)}
      </h2>
      <p safe>{t(`${X}.standard`)}</p>
      <p safe>{t(`${X}.design`)}</p>

      <h2 id="checked" safe>
        {t(`${X}.checkedHeading`)}
      </h2>
      <p safe>{t(`${X}.checkedLead`)}</p>
      <ul>
        {CHECKED.map((k) => (
          <li safe>{t(`${X}.checked.${k}`)}</li>
        ))}
      </ul>

      <h2 id="last-check" safe>
        {t(`${X}.lastHeading`)}
      </h2>
      {check ? (
        <>
          <p>
            <strong safe>
              {t(`${X}.lastDate`, {
                date: formatDay({ lang, timeZone: "UTC" }, new Date(`${check.checkedAt}T00:00:00Z`)),
              })}
            </strong>
          </p>
          <p safe>{t(`${X}.lastExtent`, { count: check.pages, languages })}</p>
          <p safe>{t(`${X}.lastTests`, { tests: numbers.format(check.tests) })}</p>
          <p safe>{t(`${X}.lastPassed`)}</p>
        </>
      ) : (
        <p safe>{t(`${X}.noCheck`)}</p>
      )}

      <h2 id="limits" safe>
        {t(`${X}.limitsHeading`)}
      </h2>
      <ul>
        {LIMITS.map((k) => (
          <li safe>{t(`${X}.limit.${k}`)}</li>
        ))}
      </ul>

      <h2 id="report" safe>
        {t(`${X}.reportHeading`)}
      </h2>
      {website ? (
        <p>
          <span safe>{t(`${X}.reportCategory`)}</span> <Loc ctx={ctx} text={website.category.name} />
          {". "}
          <span safe>
            {t(`${X}.reportAnswer`, {
              ack: amount(ctx, website.standard.ackWithin, website.standard.unit),
              firstResponse: amount(ctx, website.standard.firstResponseWithin, website.standard.unit),
            })}
          </span>
        </p>
      ) : (
        <p safe>{t(`${X}.reportFeedback`)}</p>
      )}
      <p safe>{t(`${X}.reportWhat`)}</p>
      <p>
        <a href="/" safe>
          {t(`${X}.reportLink`)}
        </a>
      </p>
      <p safe>{t(`${X}.otherFormat`)}</p>
    </GuideFrame>
  );
}
