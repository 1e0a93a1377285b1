// The daily digest: once a day, after 07:00 local time, one email per person with what was kept for it
// (digest_items: the topics they chose "daily digest" for) and, for staff, their open work: their open
// cases counted by deadline state, and the overdue and due-soon ones listed.
//
// "Their open work", kept simple: in each municipality where the person holds a role, the open cases
// assigned to them; for a department head also their department's open cases not assigned to anyone yet.
//
// Exactly once per person and local day, however many workers run it: the pass records the day in
// digest_runs (user, day) with ON CONFLICT DO NOTHING in the same transaction as the email and the items
// it marks sent. A second worker's insert waits for the first one's commit and then finds the row: it
// sends nothing. A day with nothing to say sends no email but is recorded all the same.
import { and, asc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import type { Db } from "../db/client.ts";
import { cases, digestItems, digestRuns, municipalities, outbox, roleAssignments } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import { openInboxHref } from "../workspace/inboxQuery.ts";
import { noticeEmail, unsubscribeUrl } from "./notify.ts";

/** At most this many overdue and due-soon cases are listed; the counts say how many there are. */
export const URGENT_LIMIT = 20;
/** People handled per transaction batch read: the pass reads candidates in pages of this size. */
const BATCH = 200;

const COUNTED_STATES = ["overdue", "due_soon", "on_track", "paused"] as const;
type CountedState = (typeof COUNTED_STATES)[number];

/**
 * The local day ("2026-11-27") a digest pass at `now` is for, or undefined before `hour` o'clock local
 * time, when no digest goes out yet.
 */
export function digestDay(now: Date, timeZone: string, hour: number): string | undefined {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  if (Number(parts.hour) < hour) return undefined;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export interface DigestItem {
  subject: string;
  /** A path on this site, or null. */
  link: string | null;
}

export interface OpenWork {
  counts: Record<CountedState, number>;
  /** Overdue first, then due soon, soonest due first; at most URGENT_LIMIT. */
  urgent: { code: string; title: string; dueAt: Date | null; state: string; path: string }[];
  /** The workspace to open (the first municipality of the person's roles). */
  workspacePath: string;
}

export interface DigestContent {
  items: DigestItem[];
  work?: OpenWork | undefined;
}

/** A link to this site only: a path, never another host ("//host") or a scheme. */
export const isLocalPath = (link: string | null | undefined): link is string =>
  typeof link === "string" && link.startsWith("/") && !link.startsWith("//") && !link.includes("\\");

const openWorkTotal = (work: OpenWork | undefined) =>
  work ? COUNTED_STATES.reduce((n, s) => n + work.counts[s], 0) : 0;

/** Whether the digest has anything to say: kept messages, or open cases. */
export const hasContent = (c: DigestContent) => c.items.length > 0 || openWorkTotal(c.work) > 0;

/**
 * The digest's subject, paragraphs and link in the person's language (pure: the caller gives the day,
 * the site's address and the time zone dates are written in).
 */
export function digestMessage(
  lang: Language,
  content: DigestContent,
  at: { day: string; baseUrl: string; timeZone: string },
): { subject: string; lines: string[]; link: string } {
  const t = translator(lang);
  const date = (d: Date) =>
    new Intl.DateTimeFormat(htmlLang(lang), { dateStyle: "medium", timeZone: at.timeZone }).format(d);
  // The day at noon UTC is that calendar day in any European time zone.
  const subject = t("notifications.digest.subject", { date: date(new Date(`${at.day}T12:00:00Z`)) });
  const lines: string[] = [];
  if (content.items.length > 0) {
    lines.push(t("notifications.digest.itemsHeading", { count: content.items.length }));
    for (const item of content.items) {
      lines.push(
        isLocalPath(item.link)
          ? t("notifications.digest.itemWithLink", {
              subject: item.subject,
              url: `${at.baseUrl}${item.link}`,
            })
          : item.subject,
      );
    }
  }
  const work = content.work;
  const total = openWorkTotal(work);
  if (work && total > 0) {
    lines.push(t("notifications.digest.workHeading", { count: total }));
    lines.push(
      COUNTED_STATES.filter((s) => work.counts[s] > 0)
        .map((s) =>
          t("notifications.digest.stateCount", {
            state: t(`inbox.slaState.${s}`),
            figure: work.counts[s],
          }),
        )
        .join("; "),
    );
    if (work.urgent.length > 0) {
      lines.push(t("notifications.digest.urgentHeading", { max: URGENT_LIMIT }));
      for (const c of work.urgent) {
        lines.push(
          t(c.dueAt ? "notifications.digest.urgentCase" : "notifications.digest.urgentCaseNoDate", {
            code: c.code,
            title: c.title,
            state: t(`inbox.slaState.${c.state}`),
            due: c.dueAt ? date(c.dueAt) : "",
            url: `${at.baseUrl}${c.path}`,
          }),
        );
      }
    }
  }
  // Kept messages of any topic: the way to change what comes here is the preferences page.
  if (content.items.length > 0)
    lines.push(t("notifications.digest.preferences", { url: `${at.baseUrl}/notifications/preferences` }));
  const link = `${at.baseUrl}${work && total > 0 ? work.workspacePath : "/notifications"}`;
  return { subject, lines, link };
}

export interface DigestPassOptions {
  db: Db;
  now: Date;
  /** The site's address, for the links in the emails. */
  baseUrl: string;
  timeZone?: string;
  /** The local hour from which the day's digests go out. */
  hour?: number;
}

export interface DigestPassResult {
  /** The local day the pass was for; undefined before the hour (nothing was done). */
  day: string | undefined;
  /** People whose digest this pass made (recorded), with or without an email. */
  people: number;
  emails: number;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

interface Candidate {
  id: string;
  email: string;
  name: string;
  language: string;
}

/**
 * The people due a digest today and not given one yet: those with kept messages, and staff who did not
 * turn the open-work digest off (effectiveMode: it is a digest unless turned off).
 */
async function candidates(db: Db, day: string, after: string | null): Promise<Candidate[]> {
  const result = (await db.execute(sql`
    with due as (
      select user_id from digest_items where sent_at is null
      union
      select r.user_id from role_assignments r
      where not exists (
        select 1 from notification_preferences p
        where p.user_id = r.user_id and p.topic = 'open_work_digest' and p.mode = 'off'
      )
    )
    select u.id, u.email, u.name, u.language
    from due join users u on u.id = due.user_id
    where u.deleted_at is null
      and (${after}::uuid is null or u.id > ${after}::uuid)
      and not exists (select 1 from digest_runs d where d.user_id = u.id and d.day = ${day}::date)
    order by u.id
    limit ${BATCH}`)) as unknown as { rows: Candidate[] };
  return result.rows;
}

/** The person's open work, or undefined when they hold no role in a municipality. */
async function openWork(tx: Tx, userId: string): Promise<OpenWork | undefined> {
  const roles = await tx
    .select({
      role: roleAssignments.role,
      municipalityId: roleAssignments.municipalityId,
      departmentId: roleAssignments.departmentId,
      slug: municipalities.slug,
    })
    .from(roleAssignments)
    .innerJoin(municipalities, eq(municipalities.id, roleAssignments.municipalityId))
    .where(eq(roleAssignments.userId, userId))
    .orderBy(asc(roleAssignments.id));
  if (roles.length === 0) return undefined;
  // Each condition names the municipality, so the indexes led by it (assignee, department) are used.
  const scopes: SQL[] = [];
  for (const r of roles) {
    const m = r.municipalityId as number;
    scopes.push(and(eq(cases.municipalityId, m), eq(cases.assigneeId, userId)) as SQL);
    if (r.role === "department_head" && r.departmentId !== null)
      scopes.push(
        and(
          eq(cases.municipalityId, m),
          eq(cases.departmentId, r.departmentId),
          isNull(cases.assigneeId),
        ) as SQL,
      );
  }
  const mine = and(inArray(cases.status, [...OPEN_STATUSES]), or(...scopes));
  const counted = await tx
    .select({ state: cases.slaState, n: sql<number>`count(*)::int` })
    .from(cases)
    .where(mine)
    .groupBy(cases.slaState);
  const counts = Object.fromEntries(COUNTED_STATES.map((s) => [s, 0])) as Record<CountedState, number>;
  for (const c of counted) if (c.state in counts) counts[c.state as CountedState] = Number(c.n);
  const urgent =
    counts.overdue + counts.due_soon === 0
      ? []
      : await tx
          .select({
            code: cases.trackingCode,
            title: cases.title,
            dueAt: cases.slaDueAt,
            state: cases.slaState,
            slug: municipalities.slug,
          })
          .from(cases)
          .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
          .where(and(mine, inArray(cases.slaState, ["overdue", "due_soon"])))
          .orderBy(
            sql`case when ${cases.slaState} = 'overdue' then 0 else 1 end`,
            sql`${cases.slaDueAt} asc nulls last`,
            asc(cases.id),
          )
          .limit(URGENT_LIMIT);
  return {
    counts,
    urgent: urgent.map((c) => ({
      code: c.code,
      title: c.title,
      dueAt: c.dueAt,
      state: c.state,
      path: `/m/${c.slug}/workspace/cases/${c.code}`,
    })),
    workspacePath: openInboxHref(roles[0]!.slug),
  };
}

/** One person's digest for the day, in one transaction; false when another worker already made it. */
async function digestFor(
  db: Db,
  person: Candidate,
  day: string,
  o: Required<Pick<DigestPassOptions, "now" | "baseUrl" | "timeZone">>,
): Promise<{ made: boolean; emailed: boolean }> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(digestRuns)
      .values({ userId: person.id, day, sentAt: o.now })
      .onConflictDoNothing()
      .returning({ userId: digestRuns.userId });
    if (claimed.length === 0) return { made: false, emailed: false };
    const items = await tx
      .select({ id: digestItems.id, subject: digestItems.subject, link: digestItems.link })
      .from(digestItems)
      .where(and(eq(digestItems.userId, person.id), isNull(digestItems.sentAt)))
      .orderBy(asc(digestItems.createdAt), asc(digestItems.id));
    const work = await openWork(tx, person.id);
    const content: DigestContent = { items, work };
    if (!hasContent(content)) return { made: true, emailed: false };
    const lang: Language = isLanguage(person.language) ? person.language : "sq";
    const message = digestMessage(lang, content, { day, baseUrl: o.baseUrl, timeZone: o.timeZone });
    const withWork = openWorkTotal(work) > 0;
    // The open-work digest is a topic one can leave with one click; kept messages of other topics are
    // changed on the preferences page the email links to.
    const unsubscribe = withWork
      ? await unsubscribeUrl(tx, { now: o.now, baseUrl: o.baseUrl }, `u:${person.id}`, "open_work_digest")
      : undefined;
    const mail = noticeEmail(person.email, lang, person.name, message, message.link, unsubscribe);
    await tx.insert(outbox).values({
      kind: "email",
      topic: withWork ? "open_work_digest" : "digest",
      payload: mail as unknown as Record<string, unknown>,
      createdAt: o.now,
      availableAt: o.now,
    });
    if (items.length > 0)
      await tx
        .update(digestItems)
        .set({ sentAt: o.now })
        .where(
          inArray(
            digestItems.id,
            items.map((i) => i.id),
          ),
        );
    return { made: true, emailed: true };
  });
}

/** Makes the day's digests due at `now` (none before the hour); each person's at most once a day. */
export async function runDigestPass(options: DigestPassOptions): Promise<DigestPassResult> {
  const timeZone = options.timeZone ?? "Europe/Belgrade";
  const day = digestDay(options.now, timeZone, options.hour ?? 7);
  const result: DigestPassResult = { day, people: 0, emails: 0 };
  if (!day) return result;
  let after: string | null = null;
  for (;;) {
    const batch = await candidates(options.db, day, after);
    for (const person of batch) {
      const done = await digestFor(options.db, person, day, {
        now: options.now,
        baseUrl: options.baseUrl,
        timeZone,
      });
      if (done.made) result.people++;
      if (done.emailed) result.emails++;
    }
    if (batch.length < BATCH) return result;
    after = batch[batch.length - 1]!.id;
  }
}

/**
 * Runs a digest pass every `intervalMs` (five minutes: the day's digests go out soon after the hour) and
 * on runNow(), one at a time in this process, until stopped. Several processes may run it: digest_runs
 * keeps each person's digest to one a day.
 */
export function startDigestScheduler(
  db: Db,
  baseUrl: string,
  options: {
    intervalMs?: number;
    log?: (e: unknown) => void;
    clock?: Clock;
    timeZone?: string;
    hour?: number;
  } = {},
) {
  const clock = options.clock ?? systemClock;
  let stopped = false;
  let running: Promise<DigestPassResult | undefined> | undefined;
  const run = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= runDigestPass({
      db,
      now: clock.now(),
      baseUrl,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      ...(options.hour !== undefined ? { hour: options.hour } : {}),
    })
      .catch((e) => {
        options.log?.(e);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(run, options.intervalMs ?? 5 * 60_000);
  timer.unref();
  return {
    /** A pass now (or the one already running); its result, or undefined if it failed or the scheduler stopped. */
    runNow: () => run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
