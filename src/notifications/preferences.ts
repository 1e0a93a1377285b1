// What a person chooses to get by email, per topic (topics.ts): which topics they are offered, which
// choices each offers, the form's validation (pure, zod) and loading and saving the choices.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { notificationPreferences } from "../db/schema.ts";
import {
  DIGEST_ONLY_TOPICS,
  effectiveMode,
  isMode,
  MODES,
  type Mode,
  REQUIRED_TOPICS,
  STAFF_TOPICS,
  TOPICS,
  type Topic,
} from "./topics.ts";

/** The topics a person may get, in the order the page shows them: staff topics only for staff. */
export function topicsFor(staff: boolean): Topic[] {
  return TOPICS.filter((topic) => staff || !STAFF_TOPICS.has(topic));
}

/** The choices a topic offers; none for a topic the case or the law needs (always sent at once). */
export function choicesOf(topic: Topic): readonly Mode[] {
  if (REQUIRED_TOPICS.has(topic)) return [];
  if (DIGEST_ONLY_TOPICS.has(topic)) return ["digest", "off"];
  return MODES;
}

/** The topics of the list a person may choose for. */
export const editableTopics = (topics: readonly Topic[]): Topic[] =>
  topics.filter((topic) => choicesOf(topic).length > 0);

/**
 * The form: one field per editable topic, named after it, with one of the topic's choices. Anything else
 * posted (a required topic, a staff topic on a citizen's form) is ignored: it cannot be chosen.
 */
export function preferencesSchema(topics: readonly Topic[]) {
  const shape: Record<string, z.ZodType<Mode>> = {};
  for (const topic of editableTopics(topics)) {
    shape[topic] = z.enum(choicesOf(topic) as [Mode, ...Mode[]], {
      error: "notifications.preferences.errors.choose",
    });
  }
  return z.object(shape) as unknown as z.ZodType<Partial<Record<Topic, Mode>>>;
}

/** What the form shows as chosen: the mode that applies to each of the topics. */
export async function loadPreferences(
  db: Pick<Db, "select">,
  userId: string,
  topics: readonly Topic[],
): Promise<Record<string, Mode>> {
  const rows = await db
    .select({ topic: notificationPreferences.topic, mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  const chosen = new Map(rows.filter((r) => isMode(r.mode)).map((r) => [r.topic, r.mode as Mode]));
  return Object.fromEntries(topics.map((topic) => [topic, effectiveMode(topic, chosen.get(topic))]));
}

/** Saves the choices (one row per topic, replacing any earlier choice) in one statement. */
export async function savePreferences(
  db: Pick<Db, "insert">,
  userId: string,
  choices: Partial<Record<Topic, Mode>>,
  now: Date,
): Promise<void> {
  const rows = Object.entries(choices)
    .filter(([topic, mode]) => mode && choicesOf(topic as Topic).includes(mode))
    .map(([topic, mode]) => ({ userId, topic, mode: mode as Mode, updatedAt: now }));
  if (rows.length === 0) return;
  await db
    .insert(notificationPreferences)
    .values(rows)
    .onConflictDoUpdate({
      target: [notificationPreferences.userId, notificationPreferences.topic],
      set: { mode: sql`excluded.mode`, updatedAt: sql`excluded.updated_at` },
    });
}

/** Turns a topic off for an account (an unsubscribe link); false for a topic that cannot be turned off. */
export async function turnOff(
  db: Pick<Db, "insert">,
  userId: string,
  topic: Topic,
  now: Date,
): Promise<boolean> {
  if (!choicesOf(topic).includes("off")) return false;
  await savePreferences(db, userId, { [topic]: "off" }, now);
  return true;
}

/** Whether an account already gets nothing by email for the topic. */
export async function isOff(db: Pick<Db, "select">, userId: string, topic: Topic): Promise<boolean> {
  const [row] = await db
    .select({ mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(
      and(
        eq(notificationPreferences.userId, userId),
        eq(notificationPreferences.topic, topic),
        eq(notificationPreferences.mode, "off"),
      ),
    );
  return !!row && effectiveMode(topic, "off") === "off";
}

/** Who an unsubscribe link speaks for: an account, or an address without one; and the topic. */
export type UnsubscribeTarget =
  | { kind: "user"; userId: string; topic: Topic }
  | { kind: "email"; email: string; topic: Topic };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads an unsubscribe link's token (`u:<userId>|<topic>` or `e:<email>|<topic>`, signed by notify.ts's
 * unsubscribeUrl); undefined when it is not one, or its signature does not match under the key.
 */
export function readUnsubscribeToken(
  token: unknown,
  verify: (signed: string) => string | undefined,
): UnsubscribeTarget | undefined {
  if (typeof token !== "string" || token.length === 0 || token.length > 1000) return undefined;
  const value = verify(token);
  if (!value) return undefined;
  // The topic is after the last bar: an address may hold one, a topic never does.
  const bar = value.lastIndexOf("|");
  const who = value.slice(0, bar);
  const topic = value.slice(bar + 1);
  if (bar < 0 || !(TOPICS as readonly string[]).includes(topic)) return undefined;
  if (who.startsWith("u:") && UUID.test(who.slice(2)))
    return { kind: "user", userId: who.slice(2).toLowerCase(), topic: topic as Topic };
  if (who.startsWith("e:") && who.length > 2 && who.includes("@"))
    return { kind: "email", email: who.slice(2).toLowerCase(), topic: topic as Topic };
  return undefined;
}
