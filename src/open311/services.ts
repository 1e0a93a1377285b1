// Services are the categories a municipality offers, one service per category code, with the
// category's extra questions as the service definition's attributes (they were written in Open311's
// attribute types from the start: PRODUCT.md). Only what can be sent through Open311 is a service:
// proposals and categories that need a signed-in account are left out, as an API key cannot send them.
import { max } from "drizzle-orm";
import { CASE_TYPES, type CaseType } from "../cases/statuses.ts";
import { needsAccount, type OfferedCategory, offeredCategories } from "../cases/web/submitJourney.ts";
import type { Db } from "../db/client.ts";
import { type CategoryQuestion, categories } from "../db/schema.ts";
import type { Language, Translate } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { list, type WireRecord } from "./wire.ts";

const K = "open311";

export interface Service {
  type: CaseType;
  category: OfferedCategory;
}

/** The services of a municipality: its offered categories that Open311 can send, in the taxonomy's order. */
export async function servicesOf(db: Db, municipalityId: number): Promise<Service[]> {
  const byType = await Promise.all(
    CASE_TYPES.map(async (type) => ({ type, offered: await offeredCategories(db, municipalityId, type) })),
  );
  // One service per code: should a municipality's own sub-category share a code with another category,
  // the first in the taxonomy's order is the service (as POST finds it: the types in CASE_TYPES' order).
  const seen = new Set<string>();
  return byType.flatMap(({ type, offered }) =>
    offered.flatMap((category) => {
      if (needsAccount(type, category) || seen.has(category.code)) return [];
      seen.add(category.code);
      return [{ type, category }];
    }),
  );
}

const groupName = (t: Translate, group: string) => {
  const key = `submit.group.${group}`;
  const name = t(key);
  return name === key ? group : name;
};

/** One `service` of the service list. */
export function serviceRecord(s: Service, lang: Language, t: Translate): WireRecord {
  const c = s.category;
  const group = groupName(t, c.group);
  // Synonyms: the category's name in the other languages, so a search in any of them finds it.
  const names = [...new Set(Object.values(c.name).filter((n): n is string => !!n))];
  return {
    service_code: c.code,
    service_name: localized(c.name, lang),
    description: t(`${K}.serviceDescription`, { type: t(`caseType.${s.type}`), group }),
    metadata: c.questions.length > 0,
    type: "realtime",
    keywords: names.join(", "),
    group,
  };
}

/** The service definition: each question as an attribute, numbered from 1 in the order they are asked. */
export function serviceDefinition(s: Service, lang: Language, t: Translate): WireRecord {
  const questions = s.category.questions
    .map((q, i) => ({ q, i }))
    .sort((a, b) => a.q.order - b.q.order || a.i - b.i)
    .map(({ q }) => q);
  return {
    service_code: s.category.code,
    attributes: list(
      "attribute",
      questions.map((q, i) => attributeRecord(q, i + 1, lang, t)),
    ),
  };
}

function attributeRecord(q: CategoryQuestion, order: number, lang: Language, t: Translate): WireRecord {
  const listed = q.datatype === "singlevaluelist" || q.datatype === "multivaluelist";
  return {
    variable: true,
    code: q.code,
    datatype: q.datatype,
    required: q.required,
    datatype_description: t(`${K}.datatype.${q.datatype}`, { code: q.code }),
    order,
    description: localized(q.description, lang),
    ...(listed
      ? {
          values: list(
            "value",
            (q.values ?? []).map((v) => ({ key: v.key, name: localized(v.name, lang) })),
          ),
        }
      : {}),
  };
}

/**
 * The discovery document's changeset: when the taxonomy last gained a category (UTC, sortable). A
 * client that sees it change reloads its service lists and definitions.
 */
export async function servicesChangeset(db: Db): Promise<string> {
  const [row] = await db.select({ at: max(categories.createdAt) }).from(categories);
  const at = row?.at ?? new Date(0);
  return `${at.toISOString().slice(0, 19)}Z`;
}
