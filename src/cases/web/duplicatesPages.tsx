// "Is it one of these?": after the place of an issue report, the open public reports of the same category
// near it, each with a link to its page and a way to follow it instead of sending another; or "Mine is
// different — continue". Shown only when there are some (submitRoutes decides); works without JavaScript.
import { Card } from "../../web/components/Card.tsx";
import type { PageContext } from "../../web/context.ts";
import { Button, PostForm } from "../../web/forms.tsx";
import type { PossibleDuplicate } from "../queries/possibleDuplicates.ts";
import { formatDay, StatusTag } from "./casePages.tsx";
import { JourneyLayout, type JourneyMunicipality } from "./submitPages.tsx";

export interface DuplicatesPageProps {
  ctx: PageContext;
  municipality: JourneyMunicipality;
  back: string;
  /** Where "Mine is different — continue" posts. */
  action: string;
  /** This page's own URL: where signing in comes back to. */
  here: string;
  category: string;
  radiusM: number;
  cases: PossibleDuplicate[];
  /**
   * How to follow one, signed in: the form's action and the `next` it carries, per tracking code; a
   * visitor is asked to sign in first ("sign_in"); undefined for an account that may not follow.
   */
  follow: ((trackingCode: string) => { action: string; next: string }) | "sign_in" | undefined;
}

export function DuplicatesPage(p: DuplicatesPageProps) {
  const { ctx } = p;
  const { t } = ctx;
  const title = t("duplicates.title");
  return (
    <JourneyLayout ctx={ctx} municipality={p.municipality} title={title} back={p.back} wide>
      <h1 safe>{title}</h1>
      <p safe>{t("duplicates.lead", { count: p.cases.length, category: p.category, radius: p.radiusM })}</p>
      <p safe>{t("duplicates.why")}</p>
      {p.follow === "sign_in" ? (
        <div class="notice" role="note">
          <p safe>{t("duplicates.signIn.body")}</p>
          <p>
            <a href={`/login?next=${encodeURIComponent(p.here)}`} safe>
              {t("duplicates.signIn.link")}
            </a>
          </p>
        </div>
      ) : null}
      <ol class="case-list" aria-label={t("duplicates.listLabel")}>
        {p.cases.map((c) => {
          const follow = typeof p.follow === "function" ? p.follow(c.trackingCode) : undefined;
          return (
            <Card
              level={2}
              title={c.title}
              href={`/cases/${c.trackingCode}`}
              status={<StatusTag ctx={ctx} status={c.status} />}
              details={[
                { term: t("duplicates.code"), value: c.trackingCode, code: true },
                {
                  term: t("duplicates.distance"),
                  value:
                    c.distanceM === 0
                      ? t("duplicates.samePlace")
                      : t("duplicates.metres", { distance: c.distanceM }),
                },
                {
                  term: t("duplicates.received"),
                  value: { at: c.receivedAt, text: formatDay(ctx, c.receivedAt) },
                },
              ]}
              actions={
                follow ? (
                  <PostForm action={follow.action} csrf={ctx.csrf}>
                    <input type="hidden" name="next" value={follow.next} />
                    <button type="submit" class="button button--secondary">
                      <span safe>{t("duplicates.follow")}</span>
                      <span class="visually-hidden" safe>{`: ${c.title}`}</span>
                    </button>
                  </PostForm>
                ) : null
              }
            />
          );
        })}
      </ol>
      <h2 safe>{t("duplicates.differentHeading")}</h2>
      <p safe>{t("duplicates.differentLead")}</p>
      <PostForm action={p.action} csrf={ctx.csrf}>
        <Button label={t("duplicates.continue")} />
      </PostForm>
    </JourneyLayout>
  );
}
