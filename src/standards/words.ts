// A change of the national standards in words, in a page's language: what it is about, and each field
// that changed as "before → after" (or everything it set, when it created its subject). The history page
// and its CSV say the same. Pure: names of categories come from the caller.
import type { Standard } from "../cases/sla.ts";
import type { CategoryQuestion, LocalizedText } from "../db/schema.ts";
import type { Language, Translate } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import type {
  CalendarState,
  CategoryState,
  Kind,
  ParticipationState,
  QuestionState,
  ReasonState,
  SlaState,
  TemplateState,
} from "./model.ts";

const K = "standards";
const A = "municipal_admin.standards";

export interface StoredChange {
  kind: string;
  subject: string;
  before: unknown;
  after: unknown;
}

export interface Words {
  t: Translate;
  lang: Language;
  /** A national category's names by its code (inactive ones too). */
  categoryName(code: string): LocalizedText | undefined;
}

const names = (n: LocalizedText) => [n.sq, n.sr, n.en].filter(Boolean).join(" / ");
const yesNo = (w: Words, b: boolean) => w.t(`${K}.words.${b ? "yes" : "no"}`);

/** "Acknowledge: 1 working day; First response: 3 working days; Resolution: 7 working days". */
export function standardWords(t: Translate, s: Standard): string {
  return (
    [
      ["ack", s.ackWithin],
      ["firstResponse", s.firstResponseWithin],
      ["resolution", s.resolutionWithin],
    ] as const
  )
    .map(([clock, n]) => `${t(`${A}.clock.${clock}`)}: ${t(`${A}.amount.${s.unit}`, { count: n })}`)
    .join("; ");
}

const categoryLabel = (w: Words, code: string) => {
  const n = w.categoryName(code);
  return n ? `${localized(n, w.lang)} (${code})` : code;
};
const appliesToWords = (w: Words, s: { type: string | null; category: string | null }) =>
  s.category !== null
    ? categoryLabel(w, s.category)
    : s.type
      ? w.t(`${K}.templates.everyOfType`, { type: w.t(`caseType.${s.type}`) })
      : w.t(`${K}.templates.appliesAll`);
const valuesWords = (values: CategoryQuestion["values"]) =>
  (values ?? []).map((v) => `${v.key} (${names(v.name)})`).join(", ");

/** The fields of a state as text, by the catalog name of each field (standards.field.*). */
function fieldsOf(w: Words, kind: string, state: unknown): [string, string][] {
  const { t } = w;
  switch (kind as Kind) {
    case "category": {
      const s = state as CategoryState;
      return [
        ["type", t(`caseType.${s.type}`)],
        ["group", s.group],
        ["name", names(s.name)],
        ["sensitive", yesNo(w, s.sensitive)],
        ["anonymousAllowed", yesNo(w, s.anonymousAllowed)],
        ["active", yesNo(w, s.active)],
        ...(s.standard ? [["standard", standardWords(t, s.standard)] as [string, string]] : []),
      ];
    }
    case "question": {
      const q = (state as QuestionState).question;
      return [
        ["description", names(q.description)],
        ["datatype", t(`${K}.datatype.${q.datatype}`)],
        ["required", yesNo(w, q.required)],
        ["order", String(q.order)],
        ...(q.values ? [["values", valuesWords(q.values)] as [string, string]] : []),
      ];
    }
    case "sla": {
      const s = state as SlaState;
      return [
        ["standard", standardWords(t, s.standard)],
        ["note", s.note ?? t(`${K}.words.none`)],
      ];
    }
    case "reason_code": {
      const s = state as ReasonState;
      return [
        ["explains", t(`status.${s.appliesTo}`)],
        ["name", names(s.name)],
        ["active", yesNo(w, s.active)],
      ];
    }
    case "template": {
      const s = state as TemplateState;
      return [
        ["appliesTo", appliesToWords(w, s)],
        ["title", s.title],
        ["body", s.body],
        ["active", yesNo(w, s.active)],
      ];
    }
    case "participation": {
      const s = state as ParticipationState;
      return [
        ["consultationMinDays", String(s.consultationMinDays)],
        ["proposalWindowDays", String(s.proposalWindowDays)],
        ["proposalThreshold", String(s.proposalThreshold)],
        ["normativeThresholdPercent", String(s.normativeThresholdPercent)],
        ["supportRequiresVerified", yesNo(w, s.supportRequiresVerified)],
      ];
    }
    case "calendar": {
      const s = state as CalendarState;
      return [
        ["date", s.date],
        ["observed", s.observed],
        ["name", names(s.name)],
      ];
    }
  }
  return [];
}

/** What a change is about: its kind and its subject, named. */
export function subjectWords(w: Words, c: StoredChange): string {
  const { t, lang } = w;
  const state = (c.after ?? c.before) as never;
  const kind = t(`${K}.kind.${c.kind}`);
  let label: string;
  switch (c.kind as Kind) {
    case "category":
      label = `${localized((state as CategoryState).name, lang)} (${(state as CategoryState).code})`;
      break;
    case "question": {
      const s = state as QuestionState;
      label = `${localized(s.question.description, lang)} – ${categoryLabel(w, s.category)}`;
      break;
    }
    case "sla": {
      const s = state as SlaState | null;
      // A removed rule has no state after; its subject still names the category and priority.
      const [, , category, priority] = c.subject.split(":");
      label = `${categoryLabel(w, s?.category ?? category ?? "")} – ${t(`${A}.priority.${priority === "*" || !priority ? "all" : priority}`)}`;
      break;
    }
    case "reason_code":
      label = `${localized((state as ReasonState).name, lang)} (${(state as ReasonState).code})`;
      break;
    case "template": {
      const s = state as TemplateState;
      label = `${s.title} (${t(`language.name.${s.language}`)})`;
      break;
    }
    case "participation":
      label = t(`${K}.words.national`);
      break;
    case "calendar": {
      const s = state as CalendarState;
      label = `${localized(s.name, lang)}, ${s.date}`;
      break;
    }
    default:
      label = c.subject;
  }
  return `${kind}: ${label}`;
}

/** Each thing the change did, one line each. */
export function changeLines(w: Words, c: StoredChange): string[] {
  const { t } = w;
  const field = (f: string) => t(`${K}.field.${f}`);
  if (c.after == null) return [t(`${K}.words.removed`)];
  const after = fieldsOf(w, c.kind, c.after);
  if (c.before == null)
    return [
      t(`${K}.words.created`),
      ...after.map(([f, v]) => t(`${K}.words.set`, { field: field(f), value: v })),
    ];
  const before = new Map(fieldsOf(w, c.kind, c.before));
  const lines = after
    .filter(([f, v]) => before.get(f) !== v)
    .map(([f, v]) =>
      t(`${K}.words.changed`, { field: field(f), before: before.get(f) ?? t(`${K}.words.none`), after: v }),
    );
  return lines.length > 0 ? lines : [t(`${K}.words.noVisibleChange`)];
}
