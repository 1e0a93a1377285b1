// How consultations, public meetings and proposals work (/guide/participation, and a municipality's
// version), with the rules in force read from participation_settings (settings.ts: the municipality's own
// row, else the national one), the yearly minimum of meetings and the response standards of proposals.
import { MAX_COMMENT_CHARS } from "../participation/consultations/model.ts";
import { MEETINGS_REQUIRED_PER_YEAR } from "../participation/meetings/meetingQueries.ts";
import { NORMATIVE_CATEGORY, thresholdFor } from "../participation/proposals/proposalRules.ts";
import type { ParticipationSettings } from "../participation/settings.ts";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import type { StandardLine } from "./standardsGuide.ts";
import { G, GuideFrame, Loc, StandardCells } from "./ui.tsx";

const P = `${G}.participation`;

export interface ParticipationGuideProps {
  ctx: PageContext;
  settings: ParticipationSettings;
  /** The response standards of proposals (their categories). */
  proposals: StandardLine[];
  municipality?: { slug: string; name: string } | undefined;
}

export function ParticipationGuidePage({
  ctx,
  settings: s,
  proposals,
  municipality: m,
}: ParticipationGuideProps) {
  const { t } = ctx;
  const own = m !== undefined && s.municipalityId !== null;
  const normative = thresholdFor(s, NORMATIVE_CATEGORY);
  return (
    <GuideFrame
      ctx={ctx}
      page="participation"
      municipality={m}
      title={m ? t(`${P}.titleIn`, { municipality: m.name }) : undefined}
    >
      <p safe>
        {m
          ? own
            ? t(`${P}.rulesOwn`, { municipality: m.name })
            : t(`${P}.rulesNationalIn`, { municipality: m.name })
          : t(`${P}.rulesNational`)}
      </p>

      <h2 id="consultations" safe>
        {t(`${P}.consultationsHeading`)}
      </h2>
      <p safe>{t(`${P}.consultationsLead`)}</p>
      <p safe>{t(`${P}.consultationPeriod`, { count: s.consultationMinDays })}</p>
      <p safe>{t(`${P}.consultationComment`, { max: MAX_COMMENT_CHARS })}</p>
      <p safe>{t(`${P}.consultationNames`)}</p>
      <p safe>{t(`${P}.consultationReport`)}</p>
      {m ? (
        <p>
          <a href={`/m/${m.slug}/consultations`} safe>
            {t(`${P}.consultationsLink`, { municipality: m.name })}
          </a>
        </p>
      ) : null}

      <h2 id="meetings" safe>
        {t(`${P}.meetingsHeading`)}
      </h2>
      <p safe>{t(`${P}.meetingsLead`, { count: MEETINGS_REQUIRED_PER_YEAR })}</p>
      <p safe>{t(`${P}.meetingsCalendar`)}</p>
      {m ? (
        <p>
          <a href={`/m/${m.slug}/meetings`} safe>
            {t(`${P}.meetingsLink`, { municipality: m.name })}
          </a>
        </p>
      ) : null}

      <h2 id="proposals" safe>
        {t(`${P}.proposalsHeading`)}
      </h2>
      <p safe>{t(`${P}.proposalsLead`)}</p>
      <p safe>{t(`${P}.proposalSupport`, { count: s.proposalThreshold, days: s.proposalWindowDays })}</p>
      <p safe>
        {s.registeredVoters && s.registeredVoters > 0
          ? t(`${P}.proposalNormativeCount`, { percent: s.normativeThresholdPercent, count: normative })
          : t(`${P}.proposalNormative`, { percent: s.normativeThresholdPercent })}
      </p>
      <p safe>{t(s.supportRequiresVerified ? `${P}.supportVerified` : `${P}.supportAccount`)}</p>
      <p safe>{t(`${P}.proposalAnswer`)}</p>
      {proposals.length > 0 ? (
        <ScrollTable
          labelledBy="proposals"
          caption={t(`${P}.proposalStandardsCaption`)}
          head={[
            t(`${G}.afterSubmit.column.category`),
            t(`${G}.clock.ack`),
            t(`${G}.clock.firstResponse`),
            t(`${G}.clock.resolution`),
          ]}
        >
          {proposals.map((l) => (
            <tr>
              <th scope="row">
                <Loc ctx={ctx} text={l.category.name} />
              </th>
              <StandardCells ctx={ctx} standard={l.standard} />
            </tr>
          ))}
        </ScrollTable>
      ) : null}
      <p safe>{t(`${P}.proposalProgress`)}</p>
      {m ? (
        <p>
          <a href={`/m/${m.slug}/proposals`} safe>
            {t(`${P}.proposalsLink`, { municipality: m.name })}
          </a>
        </p>
      ) : null}
    </GuideFrame>
  );
}
