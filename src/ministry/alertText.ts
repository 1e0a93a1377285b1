// What an alert says, in words and numbers, in one language: its title (the place and the rule broken) and
// its evidence, one sentence per month or case. The alerts page and the monitors' notice say the same.
import type { Language, Translate } from "../kernel/i18n.ts";
import { formatsOf, monthName } from "../stats/web/statsPages.tsx";
import type { AlertKind, BacklogEvidence, OnTimeEvidence, UntouchedEvidence } from "./alertRules.ts";

/** An alert as stored (ministry_alerts), with its place named in the language of the text. */
export interface AlertForText {
  kind: AlertKind;
  evidence: unknown;
  municipality: string;
  /** The department's name; undefined: the municipality as a whole. */
  department?: string | undefined;
}

const K = "ministry.alerts";

const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayName(lang: Language, timeZone: string, iso: string): string {
  const key = `${lang} ${timeZone}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "sr" ? "sr-Latn" : lang, { dateStyle: "long", timeZone });
    dayFormats.set(key, f);
  }
  return f.format(new Date(iso));
}

/** "Prishtinë, Public Services: fewer answered within the standard than 80 %". */
export function alertTitle(t: Translate, lang: Language, a: AlertForText): string {
  const place = a.department
    ? t(`${K}.placeDepartment`, { municipality: a.municipality, department: a.department })
    : a.municipality;
  const values: Record<string, unknown> = { place };
  if (a.kind === "on_time_low") {
    const e = a.evidence as OnTimeEvidence;
    values.level = formatsOf(lang).share.format(e.levelPercent / 100);
    values.count = e.months.length;
  } else if (a.kind === "backlog_growing") {
    values.count = (a.evidence as BacklogEvidence).months.length - 1;
  } else {
    const e = a.evidence as UntouchedEvidence;
    values.count = e.total ?? e.cases.length;
    values.days = e.days;
  }
  return t(`${K}.headline.${a.kind}`, values);
}

/** The evidence, one sentence per month (or per case), oldest first. */
export function evidenceLines(t: Translate, lang: Language, timeZone: string, a: AlertForText): string[] {
  const f = formatsOf(lang);
  if (a.kind === "on_time_low") {
    const e = a.evidence as OnTimeEvidence;
    return e.months.map((m) =>
      t(`${K}.evidence.onTimeMonth`, {
        month: monthName(lang, m.month),
        share: f.share.format(m.decided > 0 ? m.met / m.decided : 0),
        met: f.count.format(m.met),
        decided: f.count.format(m.decided),
      }),
    );
  }
  if (a.kind === "backlog_growing") {
    const e = a.evidence as BacklogEvidence;
    const months = e.months.map((m, i) => {
      const values = { month: monthName(lang, m.month), backlog: f.count.format(m.backlog) };
      if (i === 0) return t(`${K}.evidence.backlogStart`, values);
      const growth = m.backlog - e.months[i - 1]!.backlog;
      return t(`${K}.evidence.backlogMonth`, { ...values, growth: f.count.format(growth) });
    });
    // A department's backlog is of the cases it has now: one reassigned takes its months along.
    return a.department ? [...months, t(`${K}.evidence.backlogDepartment`)] : months;
  }
  const e = a.evidence as UntouchedEvidence;
  const more = (e.total ?? e.cases.length) - e.cases.length;
  const cases = e.cases.map((c) =>
    t(
      c.lastActionAt && c.lastActionAt > c.escalatedAt
        ? `${K}.evidence.caseLastAction`
        : `${K}.evidence.case`,
      {
        code: c.code,
        escalated: dayName(lang, timeZone, c.escalatedAt),
        last: c.lastActionAt ? dayName(lang, timeZone, c.lastActionAt) : "",
        count: c.workingDays,
      },
    ),
  );
  return more > 0 ? [...cases, t(`${K}.evidence.moreCases`, { count: more })] : cases;
}
