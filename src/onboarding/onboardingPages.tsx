// The onboarding pages (issue 9): the ministry's list of municipalities with their progress, a
// municipality's checklist with going live and the pilot flag, and its categories and languages.
import type { Children } from "@kitajs/html";
import { formatDay } from "../cases/web/casePages.tsx";
import type { LocalizedText } from "../db/schema.ts";
import { LANGUAGES, type Language } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import { Button, ErrorSummary, type FieldErrors, formTitle, PostForm, TextAreaField } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { type ChecklistItem, OFFICIAL_LANGUAGES } from "./checklist.ts";
import { OPTIONAL_LANGUAGES } from "./chooseLanguages.ts";

export const K = "onboarding";

export const onboardingPath = (slug: string, rest = "") =>
  `/m/${encodeURIComponent(slug)}/admin${rest === "" ? "/onboarding" : rest}`;
export const MINISTRY_PATH = "/ministry/onboarding";

export interface Frame {
  ctx: PageContext;
  municipality: { name: string; slug: string };
  notice?: string | undefined;
  errors?: FieldErrors;
  /** Where "back" leads: the ministry's list for the ministry, the set-up index for the municipality's admin. */
  back: { href: string; label: string };
}

/** The frame of a municipality's onboarding pages: back link, notice, error summary, heading. */
export function OnboardingLayout(
  p: Frame & { title: string; order?: readonly string[]; children?: Children },
) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, p.title, p.errors)} municipality={p.municipality}>
      <a class="back-link" href={p.back.href} safe>
        {p.back.label}
      </a>
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      <ErrorSummary t={t} errors={p.errors ?? {}} order={p.order ?? []} />
      <h1 safe>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** Done or missing, as a tag whose text says it (never colour alone). */
function StateTag({ ctx, done }: { ctx: PageContext; done: boolean }) {
  return (
    <strong class={`status-tag status-tag--${done ? "resolved" : "in_progress"}`} safe>
      {ctx.t(`${K}.checklist.${done ? "done" : "missing"}`)}
    </strong>
  );
}

/** A list of names joined the way the page's language joins them ("A, B and C"). */
export const joinNames = (lang: Language, names: string[]) =>
  new Intl.ListFormat(htmlLang(lang), { type: "conjunction" }).format(names);

// ── The ministry's list.

export interface MunicipalityRow {
  slug: string;
  name: string;
  pilot: boolean;
  liveAt: Date | null;
  done: number;
  total: number;
}

export const SORTS = ["name", "progress"] as const;
export type Sort = (typeof SORTS)[number];

export function MinistryOnboardingPage(p: {
  ctx: PageContext;
  rows: MunicipalityRow[];
  sort: Sort;
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  const m = `${K}.ministry`;
  const pilot = p.rows.filter((r) => r.pilot).length;
  const live = p.rows.filter((r) => r.liveAt).length;
  const complete = p.rows.filter((r) => r.done === r.total).length;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, t(`${m}.title`), p.errors)}>
      <ErrorSummary t={t} errors={p.errors} order={["sort"]} />
      <h1 safe>{t(`${m}.title`)}</h1>
      <p class="lead" safe>
        {t(`${m}.lead`)}
      </p>
      <p safe>{t(`${m}.summary`, { total: p.rows.length, pilot, live, complete })}</p>
      <nav aria-labelledby="sort-heading" id="field-sort">
        <h2 id="sort-heading" safe>
          {t(`${m}.sortLabel`)}
        </h2>
        <ul class="link-list">
          {SORTS.map((s) => (
            <li>
              {s === p.sort ? (
                <strong aria-current="true" safe>
                  {t(`${m}.sort.${s}`)}
                </strong>
              ) : (
                <a href={`${MINISTRY_PATH}?sort=${s}`} safe>
                  {t(`${m}.sort.${s}`)}
                </a>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <h2 id="municipalities-heading" safe>
        {t(`${m}.listHeading`)}
      </h2>
      <ScrollTable
        labelledBy="municipalities-heading"
        caption={t(`${m}.caption.${p.sort}`)}
        head={[t(`${m}.municipality`), t(`${m}.pilot`), t(`${m}.live`), t(`${m}.progress`)]}
      >
        {p.rows.map((r) => (
          <tr>
            <td>
              <a href={onboardingPath(r.slug)} safe>
                {r.name}
              </a>
            </td>
            <td safe>{t(`${m}.${r.pilot ? "yes" : "no"}`)}</td>
            <td safe>
              {r.liveAt ? t(`${m}.liveSince`, { date: formatDay(p.ctx, r.liveAt) }) : t(`${m}.notLive`)}
            </td>
            <td safe>{t(`${m}.progressValue`, { done: r.done, total: r.total })}</td>
          </tr>
        ))}
      </ScrollTable>
    </Layout>
  );
}

// ── A municipality's checklist.

/** Where each item is done, when the viewer may go there. */
export type ItemLinks = Partial<Record<ChecklistItem["id"], { href: string; label: string }[]>>;

function ItemDetail({ ctx, item }: { ctx: PageContext; item: ChecklistItem }) {
  const { t, lang } = ctx;
  const c = `${K}.checklist.items.${item.id}`;
  const names = (list: { name: LocalizedText }[]) =>
    joinNames(
      lang,
      list.map((d) => localized(d.name, lang)),
    );
  switch (item.id) {
    case "departments":
    case "coordinator":
    case "admin":
      return <p safe>{item.done ? t(`${c}.done`, { count: item.count }) : t(`${c}.missing`)}</p>;
    case "departmentStaff":
      return (
        <>
          {item.done ? <p safe>{t(`${c}.done`)}</p> : null}
          {!item.done && item.withoutHead.length + item.withoutOfficer.length === 0 ? (
            <p safe>{t(`${c}.noDepartments`)}</p>
          ) : null}
          {item.withoutHead.length > 0 ? (
            <p safe>{t(`${c}.withoutHead`, { list: names(item.withoutHead) })}</p>
          ) : null}
          {item.withoutOfficer.length > 0 ? (
            <p safe>{t(`${c}.withoutOfficer`, { list: names(item.withoutOfficer) })}</p>
          ) : null}
          {item.pendingInvitations > 0 ? (
            <p class="hint" safe>
              {t(`${c}.pending`, { count: item.pendingInvitations })}
            </p>
          ) : null}
        </>
      );
    case "categories":
      return (
        <p safe>
          {item.done
            ? t(`${c}.done`)
            : t(`${c}.missing`, {
                types: joinNames(
                  lang,
                  item.missingTypes.map((type) => t(`caseType.${type}`)),
                ),
              })}
        </p>
      );
    case "routing":
      return (
        <>
          {item.unrouted.length === 0 ? (
            <p safe>{t(`${c}.allRouted`)}</p>
          ) : item.unrouted.length === item.enabled ? (
            <p safe>{t(`${c}.noRules`)}</p>
          ) : (
            <p safe>{t(`${c}.toCoordinator`, { list: names(item.unrouted) })}</p>
          )}
          {!item.done ? <p safe>{t(`${c}.noCoordinator`)}</p> : null}
        </>
      );
    case "languages":
      return (
        <>
          <p safe>
            {t(`${c}.done`, {
              list: joinNames(
                lang,
                item.languages.map((l) => t(`${K}.languages.name.${l}`)),
              ),
            })}
          </p>
          {item.missing.length > 0 ? (
            <p safe>
              {t(`${c}.missing`, {
                list: joinNames(
                  lang,
                  item.missing.map((l) => t(`${K}.languages.name.${l}`)),
                ),
              })}
            </p>
          ) : null}
        </>
      );
  }
}

export function ChecklistPage(
  p: Frame & {
    items: ChecklistItem[];
    links: ItemLinks;
    pilot: boolean;
    liveAt: Date | null;
    /** Whether the viewer may change the pilot flag (the ministry, the operator). */
    canSetPilot: boolean;
    values: Record<string, string>;
  },
) {
  const { t } = p.ctx;
  const c = `${K}.checklist`;
  const errors = p.errors ?? {};
  const done = p.items.filter((i) => i.done).length;
  const action = (rest: string) => onboardingPath(p.municipality.slug, `/onboarding/${rest}`);
  return (
    <OnboardingLayout
      {...p}
      title={t(`${c}.title`, { municipality: p.municipality.name })}
      order={["live", "liveReason", "pilotReason"]}
    >
      <p class="lead" safe>
        {t(`${c}.lead`)}
      </p>
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${c}.pilot`)}</dt>
          <dd safe>{t(`${c}.${p.pilot ? "inPilot" : "notInPilot"}`)}</dd>
        </div>
        <div>
          <dt safe>{t(`${c}.live`)}</dt>
          <dd safe>
            {p.liveAt ? t(`${c}.liveSince`, { date: formatDay(p.ctx, p.liveAt) }) : t(`${c}.notLive`)}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${c}.progress`)}</dt>
          <dd safe>{t(`${c}.progressValue`, { done, total: p.items.length })}</dd>
        </div>
      </dl>

      <h2 safe>{t(`${c}.heading`)}</h2>
      <ol>
        {p.items.map((item) => (
          <li id={`item-${item.id}`}>
            <h3>
              <span safe>{t(`${c}.items.${item.id}.title`)}</span> <StateTag ctx={p.ctx} done={item.done} />
            </h3>
            <ItemDetail ctx={p.ctx} item={item} />
            {(p.links[item.id] ?? []).length > 0 ? (
              <ul class="link-list">
                {(p.links[item.id] ?? []).map((l) => (
                  <li>
                    <a href={l.href} safe>
                      {l.label}
                    </a>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="hint" safe>
                {t(`${c}.${item.id === "admin" ? "byOperator" : "byMunicipality"}`)}
              </p>
            )}
          </li>
        ))}
      </ol>

      {/* The error summary's link to a refused go-live lands here (`field-live`). */}
      <h2 id="field-live" tabindex="-1" safe>
        {t(`${c}.goingLive`)}
      </h2>
      <PostForm action={action(p.liveAt ? "offline" : "live")} csrf={p.ctx.csrf}>
        <p safe>
          {t(
            `${c}.${p.liveAt ? "offlineLead" : done === p.items.length ? "liveLead" : "liveLeadIncomplete"}`,
          )}
        </p>
        <TextAreaField
          t={t}
          name="liveReason"
          label={t(`${c}.reasonLabel`)}
          hint={t(`${c}.${p.liveAt ? "offlineReasonHint" : "liveReasonHint"}`)}
          value={p.values.liveReason ?? ""}
          errors={errors}
          rows={3}
        />
        <Button
          label={t(`${c}.${p.liveAt ? "takeOffline" : "goLive"}`)}
          variant={p.liveAt ? "warning" : "primary"}
        />
      </PostForm>

      {p.canSetPilot ? (
        <>
          <h2 id="pilot" safe>
            {t(`${c}.pilotHeading`)}
          </h2>
          <PostForm action={action("pilot")} csrf={p.ctx.csrf}>
            <input type="hidden" name="pilot" value={p.pilot ? "no" : "yes"} />
            <TextAreaField
              t={t}
              name="pilotReason"
              label={t(`${c}.reasonLabel`)}
              hint={t(`${c}.pilotReasonHint`)}
              value={p.values.pilotReason ?? ""}
              errors={errors}
              rows={3}
            />
            <Button label={t(`${c}.${p.pilot ? "leavePilot" : "joinPilot"}`)} variant="secondary" />
          </PostForm>
        </>
      ) : null}
    </OnboardingLayout>
  );
}

// ── Categories.

export interface CategoryChoice {
  id: number;
  type: string;
  name: string;
  enabled: boolean;
  open: number;
}

export function CategoriesPage(p: Frame & { groups: { type: string; categories: CategoryChoice[] }[] }) {
  const { t } = p.ctx;
  const c = `${K}.categories`;
  return (
    <OnboardingLayout {...p} title={t(`${c}.title`, { municipality: p.municipality.name })}>
      <p class="lead" safe>
        {t(`${c}.lead`)}
      </p>
      <p safe>{t(`${c}.openCasesRule`)}</p>
      <PostForm action={onboardingPath(p.municipality.slug, "/categories")} csrf={p.ctx.csrf}>
        {p.groups.map((g) => (
          <fieldset class="choice-group" id={`type-${g.type}`}>
            <legend class="choice-group__legend" safe>
              {t(`caseType.${g.type}`)}
            </legend>
            {g.categories.map((cat) => {
              const id = `category-${cat.id}`;
              const hint =
                cat.open > 0
                  ? t(`${c}.${cat.enabled ? "openCases" : "offWithOpen"}`, { count: cat.open })
                  : undefined;
              return (
                <div class={hint ? "checkbox checkbox--hinted" : "checkbox checkbox--small"}>
                  <input
                    class="checkbox__input"
                    type="checkbox"
                    id={id}
                    name="category"
                    value={String(cat.id)}
                    checked={cat.enabled}
                    aria-describedby={hint ? `${id}-hint` : undefined}
                  />
                  <div class="checkbox__text">
                    <label class="checkbox__label" for={id} safe>
                      {cat.name}
                    </label>
                    {hint ? (
                      <div class="hint checkbox__hint" id={`${id}-hint`} safe>
                        {hint}
                      </div>
                    ) : null}
                  </div>
                </div>
              );
            })}
          </fieldset>
        ))}
        <Button label={t(`${c}.save`)} />
      </PostForm>
    </OnboardingLayout>
  );
}

// ── Languages.

export function LanguagesPage(
  p: Frame & { chosen: readonly string[]; withCatalog: readonly string[]; byLaw: readonly string[] },
) {
  const { t } = p.ctx;
  const c = `${K}.languages`;
  const always: readonly string[] = LANGUAGES;
  return (
    <OnboardingLayout {...p} title={t(`${c}.title`, { municipality: p.municipality.name })}>
      <p class="lead" safe>
        {t(`${c}.lead`)}
      </p>
      <PostForm action={onboardingPath(p.municipality.slug, "/languages")} csrf={p.ctx.csrf}>
        <fieldset class="choice-group">
          <legend class="choice-group__legend" safe>
            {t(`${c}.legend`)}
          </legend>
          {[...always, ...OPTIONAL_LANGUAGES].map((l) => {
            const id = `language-${l}`;
            const isAlways = always.includes(l);
            const isLaw = p.byLaw.includes(l);
            const hints = [
              isAlways
                ? t(
                    (OFFICIAL_LANGUAGES as readonly string[]).includes(l)
                      ? `${c}.official`
                      : `${c}.everywhere`,
                  )
                : isLaw
                  ? t(`${c}.byLaw`)
                  : undefined,
              isAlways || p.withCatalog.includes(l)
                ? undefined
                : t(`${c}.noCatalog`, { language: t(`${c}.name.${l}`) }),
            ].filter((h) => h !== undefined);
            const hint = hints.length > 0 ? hints.join(" ") : undefined;
            return (
              <div class={hint ? "checkbox checkbox--hinted" : "checkbox"}>
                <input
                  class="checkbox__input"
                  type="checkbox"
                  id={id}
                  name={isAlways || isLaw ? undefined : "language"}
                  value={l}
                  checked={isAlways || isLaw || p.chosen.includes(l)}
                  disabled={isAlways || isLaw}
                  aria-describedby={hint ? `${id}-hint` : undefined}
                />
                <div class="checkbox__text">
                  <label class="checkbox__label" for={id} safe>
                    {t(`${c}.name.${l}`)}
                  </label>
                  {hint ? (
                    <div class="hint checkbox__hint" id={`${id}-hint`} safe>
                      {hint}
                    </div>
                  ) : null}
                </div>
              </div>
            );
          })}
        </fieldset>
        <Button label={t(`${c}.save`)} />
      </PostForm>
    </OnboardingLayout>
  );
}
