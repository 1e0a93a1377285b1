// A timeline: what happened, oldest first, each step with its date (and time), why (the reason), and what
// was written with it. The public case page, the staff's case page (its full timeline, and "what changed
// meanwhile" above a refused form), the ministry's escalation history and a proposal's milestones draw it
// with this one component: the pages decide the words, this decides the markup. Staff pages add who acted
// and mark what the public does not see, in words.
export interface TimelineMessage {
  /** As someone typed it: its line breaks are kept (`case-description`), never read as markup. */
  text: string;
  /** What the text is, when the step holds more than one kind ("Internal note"). */
  label?: string | undefined;
}

export interface TimelineEvent {
  /** When it happened: an instant, or a day ("2026-05-01") for a step dated by the day alone. */
  at: Date | string;
  /** `at` as the reader reads it: their language, the country's time zone. */
  when: string;
  /** Who acted (staff pages): a person's name, "the citizen", "E-Komuna". */
  by?: string | undefined;
  /** The word that marks a step the public does not see ("Internal"); absent for a public step. */
  internal?: string | undefined;
  /** What happened, in a sentence. */
  what: string;
  /** The sentence's language when it is not the page's (staff text that fell back to another language). */
  whatLang?: string | undefined;
  /** The reason line, whole ("Reason: Reported more than once"). */
  reason?: string | undefined;
  messages?: readonly TimelineMessage[];
}

/**
 * The steps as an ordered list. Without steps there is no empty list for a screen reader to announce:
 * `empty` says so in words, or nothing is shown (a page whose timeline cannot be empty passes none).
 */
export function Timeline({
  events,
  empty,
}: {
  events: readonly TimelineEvent[];
  empty?: string | undefined;
}) {
  if (events.length === 0) return empty ? <p safe>{empty}</p> : "";
  return (
    <ol class="timeline">
      {events.map((e) => (
        <li class="timeline__event">
          <p class="timeline__when">
            <time datetime={typeof e.at === "string" ? e.at : e.at.toISOString()} safe>
              {e.when}
            </time>
            {e.by ? <span safe>{` · ${e.by}`}</span> : null}
            {e.internal ? (
              <>
                {" · "}
                <strong safe>{e.internal}</strong>
              </>
            ) : null}
          </p>
          <p class="timeline__what" lang={e.whatLang} safe>
            {e.what}
          </p>
          {e.reason ? (
            <p class="timeline__reason" safe>
              {e.reason}
            </p>
          ) : null}
          {(e.messages ?? [])
            .filter((m) => m.text !== "")
            .map((m) =>
              m.label ? (
                <p class="timeline__message case-description">
                  <strong safe>{`${m.label}: `}</strong>
                  <span safe>{m.text}</span>
                </p>
              ) : (
                <p class="timeline__message case-description" safe>
                  {m.text}
                </p>
              ),
            )}
        </li>
      ))}
    </ol>
  );
}
