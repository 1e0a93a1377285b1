// A card: one item of a list (a case, a possible duplicate, a proposal, a consultation, a meeting, a
// notification, a comment). In order: its title, a link to the item's page when it has one; its status, in
// words; a line of details; what the item says; its details as terms and values; what can be done about it.
// The list around the cards is the page's: `<ol class="case-list">` where the order means something, `<ul>`
// where it does not.
import { type Children, escapeHtml } from "@kitajs/html";

export interface CardDetail {
  term: string;
  /** The value in words, or a date: shown as `text` in a <time> that gives machines `at`. */
  value: string | { at: Date; text: string };
  /** A code read character by character (a tracking code): figures of one width. */
  code?: boolean;
  /** The value that matters most on the card (a proposal's stage, in words): in bold. */
  strong?: boolean;
}

export interface CardProps {
  /** The title's level in the page's outline: 2 under the page's h1, 3 under a section's h2, and so on. */
  level: 2 | 3 | 4;
  /** Text (escaped here), or a component's markup for a stored multilingual text (<Loc>). */
  title: string | { markup: JSX.Element };
  /** The item's page; without it the title is plain text. */
  href?: string | undefined;
  /** The title's language when it is not the page's (what the citizen wrote, in their language). */
  titleLang?: string | undefined;
  /** The card's own address on the page (a fragment to come back to after an action). */
  id?: string | undefined;
  /** The status: a tag with its text (StatusTag, a stage). */
  status?: JSX.Element | undefined;
  /** One line of details, as markup (a tag, a kind, dates). */
  summary?: JSX.Element | undefined;
  details?: readonly CardDetail[] | undefined;
  /** Forms or links acting on the item, after its details. */
  actions?: Children;
  /** What the item says, between its status and its details. */
  children?: Children;
}

export function Card(p: CardProps) {
  // A text title is escaped here, and sits in an element of its own: its link, or a span. A component's
  // markup comes escaped by that component.
  const safeText = typeof p.title === "string" ? escapeHtml(p.title) : p.title.markup;
  const safeTitle = p.href ? (
    <a href={p.href} lang={p.titleLang}>
      {safeText}
    </a>
  ) : typeof p.title === "string" ? (
    <span lang={p.titleLang}>{safeText}</span>
  ) : (
    safeText
  );
  // Status and summary are components' markup, escaped by them.
  const { status: safeStatus, summary: safeSummary } = p;
  return (
    <li class="case-card" id={p.id}>
      {p.level === 2 ? (
        <h2 class="case-card__title">{safeTitle}</h2>
      ) : p.level === 3 ? (
        <h3 class="case-card__title">{safeTitle}</h3>
      ) : (
        <h4 class="case-card__title">{safeTitle}</h4>
      )}
      {safeStatus ? <p class="case-card__status">{safeStatus}</p> : null}
      {safeSummary ? <p class="case-card__details">{safeSummary}</p> : null}
      {p.children}
      {p.details && p.details.length > 0 ? (
        <dl class="case-card__details">
          {p.details.map((d) => (
            <div>
              <dt safe>{d.term}</dt>
              {typeof d.value === "string" ? (
                d.strong ? (
                  <dd class={d.code ? "case-card__code" : undefined}>
                    <strong safe>{d.value}</strong>
                  </dd>
                ) : (
                  <dd class={d.code ? "case-card__code" : undefined} safe>
                    {d.value}
                  </dd>
                )
              ) : (
                <dd class={d.code ? "case-card__code" : undefined}>
                  <time datetime={d.value.at.toISOString()} safe>
                    {d.value.text}
                  </time>
                </dd>
              )}
            </div>
          ))}
        </dl>
      ) : null}
      {p.actions}
    </li>
  );
}
