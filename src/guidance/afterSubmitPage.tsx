// What happens after you submit (/guide/after-you-submit, and a municipality's version): the steps, how the
// time is counted, the response standards in force (standardsGuide.ts), the shorter deadlines some
// priorities get, and what happens when a deadline is missed: the warnings and the escalation ladder, as the
// SLA engine and scheduler apply them (sla.ts, slaTracking.ts).
import { REOPEN_WINDOW_DAYS } from "../cases/commands/reopenCase.ts";
import { ACCESS_TO_DOCUMENTS_CATEGORY, DUE_SOON_SHARE, WARNING_90_SHARE } from "../cases/sla.ts";
import { ESCALATION_LADDER } from "../cases/slaTracking.ts";
import { CASE_TYPES, type CaseType } from "../cases/statuses.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import type { StandardLine } from "./standardsGuide.ts";
import { amount, G, GuideFrame, guidePath, Loc, StandardCells } from "./ui.tsx";

const A = `${G}.afterSubmit`;

const collators = new Map<string, Intl.Collator>();
function byName(ctx: PageContext) {
  let c = collators.get(ctx.lang);
  if (!c) {
    c = new Intl.Collator(htmlLang(ctx.lang));
    collators.set(ctx.lang, c);
  }
  const collator = c;
  return (a: StandardLine, b: StandardLine) =>
    collator.compare(localized(a.category.name, ctx.lang), localized(b.category.name, ctx.lang));
}

/** The standards of one type's categories, by name; nothing when the type has none. */
function TypeTable(p: {
  ctx: PageContext;
  type: CaseType;
  lines: StandardLine[];
  municipality: { slug: string; name: string } | undefined;
  /** Show where each standard comes from: only when the municipality changed any. */
  marked: boolean;
}) {
  const { ctx, type, municipality: m } = p;
  const { t } = ctx;
  const rows = p.lines.filter((l) => l.category.type === type).sort(byName(ctx));
  if (rows.length === 0) return null;
  const id = `standards-${type}`;
  const heading = t(`${A}.typeHeading.${type}`);
  return (
    <>
      <h3 id={id} safe>
        {heading}
      </h3>
      <ScrollTable
        labelledBy={id}
        caption={
          m
            ? t(`${A}.captionIn`, { type: heading, municipality: m.name })
            : t(`${A}.caption`, { type: heading })
        }
        head={[
          t(`${A}.column.category`),
          t(`${G}.clock.ack`),
          t(`${G}.clock.firstResponse`),
          t(`${G}.clock.resolution`),
          ...(m && p.marked ? [t(`${A}.column.source`)] : []),
        ]}
      >
        {rows.map((l) => (
          <tr>
            <th scope="row">
              <Loc ctx={ctx} text={l.category.name} />
            </th>
            <StandardCells ctx={ctx} standard={l.standard} />
            {m && p.marked ? (
              <td safe>
                {l.own
                  ? t(`${A}.source.own`, { municipality: m.name })
                  : l.tightened
                    ? t(`${A}.source.tightened`, { municipality: m.name })
                    : t(`${A}.source.national`)}
              </td>
            ) : null}
          </tr>
        ))}
      </ScrollTable>
    </>
  );
}

export interface AfterSubmitProps {
  ctx: PageContext;
  lines: StandardLine[];
  municipality?: { slug: string; name: string } | undefined;
}

export function AfterSubmitPage({ ctx, lines, municipality: m }: AfterSubmitProps) {
  const { t } = ctx;
  const tightened = lines.filter((l) => l.tightened).length;
  const marked = lines.some((l) => l.tightened || l.own);
  const withPriorities = lines.filter((l) => l.priorities.length > 0);
  const documents = lines.find((l) => l.category.code === ACCESS_TO_DOCUMENTS_CATEGORY);
  const documentsUrgent = documents?.priorities.find((p) => p.priority === "urgent")?.standard;
  const rungTo = (role: string) => t(`${A}.rungTo.${role}`, { ministry: localized(ctx.ministry, ctx.lang) });
  return (
    <GuideFrame
      ctx={ctx}
      page="after-you-submit"
      municipality={m}
      title={m ? t(`${A}.titleIn`, { municipality: m.name }) : undefined}
    >
      <h2 id="steps" safe>
        {t(`${A}.stepsHeading`)}
      </h2>
      <ol>
        {["receipt", "ack", "assign", "firstResponse", "resolution"].map((step) => (
          <li safe>{t(`${A}.step.${step}`)}</li>
        ))}
        <li safe>{t(`${A}.step.after`, { count: REOPEN_WINDOW_DAYS })}</li>
      </ol>

      <h2 id="counting" safe>
        {t(`${A}.countingHeading`)}
      </h2>
      <p safe>{t(`${A}.workingDays`)}</p>
      <p safe>{t(`${A}.otherUnits`)}</p>
      <p safe>{t(`${A}.pause`, { status: t("status.awaiting_citizen") })}</p>
      <p safe>{t(`${A}.dueDate`)}</p>

      <h2 id="standards" safe>
        {t(`${A}.standardsHeading`)}
      </h2>
      {m ? (
        <p safe>
          {tightened > 0
            ? t(`${A}.municipalTightened`, { municipality: m.name, count: tightened })
            : t(`${A}.municipalNational`, { municipality: m.name })}
        </p>
      ) : (
        <>
          <p safe>{t(`${A}.nationalLead`)}</p>
          <p>
            <a href={`${guidePath("index")}#municipality`} safe>
              {t(`${A}.chooseMunicipality`)}
            </a>
          </p>
        </>
      )}
      {CASE_TYPES.map((type) => (
        <TypeTable ctx={ctx} type={type} lines={lines} municipality={m} marked={marked} />
      ))}
      {withPriorities.length > 0 ? (
        <>
          <h3 id="priorities" safe>
            {t(`${A}.prioritiesHeading`)}
          </h3>
          <p safe>{t(`${A}.prioritiesLead`)}</p>
          <ul>
            {withPriorities.flatMap((l) =>
              l.priorities.map((p) => (
                <li>
                  <Loc ctx={ctx} text={l.category.name} />
                  {": "}
                  <span safe>
                    {t(`${A}.priorityRule`, {
                      priority: t(`inbox.priorities.${p.priority}`),
                      ack: amount(ctx, p.standard.ackWithin, p.standard.unit),
                      firstResponse: amount(ctx, p.standard.firstResponseWithin, p.standard.unit),
                      resolution: amount(ctx, p.standard.resolutionWithin, p.standard.unit),
                    })}
                  </span>
                </li>
              )),
            )}
          </ul>
        </>
      ) : null}
      {documents ? (
        <>
          <h3 id="documents" safe>
            {t(`${A}.documentsHeading`)}
          </h3>
          <p safe>
            {t(`${A}.documents`, {
              decision: amount(ctx, documents.standard.firstResponseWithin, documents.standard.unit),
            })}
          </p>
          {documentsUrgent ? (
            <p safe>
              {t(`${A}.documentsUrgent`, {
                decision: amount(ctx, documentsUrgent.firstResponseWithin, documentsUrgent.unit),
              })}
            </p>
          ) : null}
          <p safe>{t(`${A}.documentsComplaint`)}</p>
        </>
      ) : null}

      <h2 id="late" safe>
        {t(`${A}.lateHeading`)}
      </h2>
      <p safe>
        {t(`${A}.warnings`, {
          dueSoon: Math.round(DUE_SOON_SHARE * 100),
          warning: Math.round(WARNING_90_SHARE * 100),
        })}
      </p>
      <p safe>{t(`${A}.ladderLead`)}</p>
      <ol>
        {ESCALATION_LADDER.map((rung) => (
          <li safe>
            {rung.afterWorkingDays === 0
              ? t(`${A}.rungAtBreach`, { to: rungTo(rung.to) })
              : t(`${A}.rungAfter`, { count: rung.afterWorkingDays, to: rungTo(rung.to) })}
          </li>
        ))}
      </ol>
      <p safe>{t(`${A}.ladderPublic`)}</p>
    </GuideFrame>
  );
}
