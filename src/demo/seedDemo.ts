// Seeds the demo installation (only in demo mode): departments, staff and citizens with one shared
// password, and cases in every status with a consistent timeline and response deadlines.

import { hash } from "@node-rs/argon2";
import { eq, inArray, isNull, sql } from "drizzle-orm";
import type { WorkingCalendar } from "../calendar/calendar.ts";
import { tellAssigned, tellCitizen } from "../cases/caseNotices.ts";
import { deadlines } from "../cases/sla.ts";
import { REOPENED_KEY, slaColumns } from "../cases/slaTracking.ts";
import type { CaseStatus } from "../cases/statuses.ts";
import { nextTrackingCode } from "../cases/trackingCode.ts";
import type { Db } from "../db/client.ts";
import {
  caseEvents,
  cases,
  categories,
  departments,
  municipalities,
  roleAssignments,
  users,
} from "../db/schema.ts";
import { seedDemoOnboarding } from "../onboarding/seedDemoOnboarding.ts";
import { seedDemoConsultations } from "../participation/consultations/demo.ts";
import { seedDemoMeetings } from "../participation/meetings/seedDemoMeetings.ts";
import { seedDemoProposals } from "../participation/proposals/seedDemoProposals.ts";
import { categoryStandard } from "../reference/referenceCache.ts";
import { seedDemoEvaluations } from "../reports/demo.ts";
import { seedStandardsDemo } from "../standards/demo.ts";
import { DEMO_CASES, DEMO_DEPARTMENTS, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DEMO_USERS } from "./demoContent.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The statuses a case passes through on its way to `target`, in order. */
export function demoPath(target: CaseStatus, type: string): CaseStatus[] {
  const worked: CaseStatus[] = ["submitted", "acknowledged", "assigned", "in_progress"];
  const done: CaseStatus = type === "issue_report" ? "resolved" : "answered";
  switch (target) {
    case "submitted":
    case "acknowledged":
    case "assigned":
    case "in_progress":
      return worked.slice(0, worked.indexOf(target) + 1);
    case "awaiting_citizen":
    case "answered":
    case "resolved":
      return [...worked, target];
    case "reopened":
    case "closed":
      return [...worked, done, target];
    case "rejected":
    case "referred":
      return ["submitted", "acknowledged", target];
    case "merged":
      return ["submitted", "merged"];
  }
}

export const demoEmail = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

/** True when demo data is already there (so a restart does not seed it twice). */
export async function hasDemoData(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(eq(users.email, demoEmail("operator")));
  return (row?.n ?? 0) > 0;
}

export async function seedDemo(
  db: Db,
  calendar: WorkingCalendar,
  now: Date,
  /** The site's address, for the links in the messages the demo's cases have already sent. */
  baseUrl = "http://localhost:3000",
): Promise<void> {
  const passwordHash = await hash(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    const slugs = [...new Set(DEMO_USERS.flatMap((u) => (u.municipality ? [u.municipality] : [])))];
    const munis = await tx.select().from(municipalities).where(inArray(municipalities.slug, slugs));
    const muniBySlug = new Map(munis.map((m) => [m.slug, m]));

    const depts = await tx
      .insert(departments)
      .values(
        munis.flatMap((m) =>
          DEMO_DEPARTMENTS.map((d) => ({ municipalityId: m.id, code: d.code, name: d.name })),
        ),
      )
      .returning();
    const deptId = (muni: number, code: string | undefined) =>
      code ? depts.find((d) => d.municipalityId === muni && d.code === code)?.id : undefined;

    const created = await tx
      .insert(users)
      .values(
        DEMO_USERS.map((u) => ({
          email: demoEmail(u.local),
          name: u.name,
          passwordHash,
          language: u.language,
          emailVerifiedAt: now,
        })),
      )
      .returning();
    const userId = (local: string) => created.find((c) => c.email === demoEmail(local))?.id;

    await tx.insert(roleAssignments).values(
      DEMO_USERS.flatMap((u) => {
        if (!u.role) return [];
        const m = u.municipality ? muniBySlug.get(u.municipality) : undefined;
        return [
          {
            userId: userId(u.local)!,
            role: u.role,
            municipalityId: m?.id ?? null,
            departmentId: m ? (deptId(m.id, u.department) ?? null) : null,
          },
        ];
      }),
    );

    const cats = await tx.select().from(categories).where(isNull(categories.municipalityId));
    for (const d of DEMO_CASES) {
      const m = muniBySlug.get(d.municipality);
      const cat = cats.find((c) => c.code === d.category);
      if (!m || !cat) throw new Error(`demo case refers to unknown ${m ? "category" : "municipality"}`);
      const path = demoPath(d.status, cat.type);
      const receivedAt = new Date(
        Math.min(now.getTime() - d.daysAgo * DAY - 3 * HOUR, now.getTime() - path.length * HOUR),
      );
      // Each later step follows the previous by a working-day-ish interval, never after `now`.
      const step = Math.max(HOUR, Math.min(DAY, (now.getTime() - receivedAt.getTime()) / (path.length + 1)));
      const times = path.map((_, i) => new Date(receivedAt.getTime() + i * step));
      const when = (s: CaseStatus) => {
        const i = path.indexOf(s);
        return i < 0 ? null : times[i]!;
      };
      const submitter = d.submitter ? DEMO_USERS.find((u) => u.local === d.submitter) : undefined;
      const officer = DEMO_USERS.find((u) => u.municipality === d.municipality && u.role === "officer");
      const coordinator = DEMO_USERS.find(
        (u) => u.municipality === d.municipality && u.role === "participation_coordinator",
      );
      const closedAt = ["closed", "rejected", "referred", "merged"].includes(d.status) ? times.at(-1)! : null;
      const firstResponseAt =
        when("awaiting_citizen") ?? when("answered") ?? when("resolved") ?? when("rejected");

      const awaiting = when("awaiting_citizen");
      const slaPauses = d.status === "awaiting_citizen" && awaiting ? [{ from: awaiting.toISOString() }] : [];
      // The SLA columns as the commands would have left them (slaTracking.ts).
      const sla = slaColumns(
        {
          status: d.status,
          receivedAt,
          standard: categoryStandard(cat),
          pauses: slaPauses,
          acknowledgedAt: when("acknowledged"),
          firstResponseAt,
          resolvedAt: when("resolved") ?? when("answered"),
          // While a case awaits the citizen its new deadlines are unknown: the ones before the pause stay.
          ...deadlines(receivedAt, categoryStandard(cat), calendar),
        },
        now,
        calendar,
      );
      const [kase] = await tx
        .insert(cases)
        .values({
          ...sla,
          slaPauses,
          // A reopening is kept with the SLA marks, as the command keeps it: the escalation ladder of a case
          // reopened after its deadline counts from it (slaScheduler.ts planSla).
          ...(d.status === "reopened" ? { slaMarks: { [REOPENED_KEY]: times.at(-1)!.toISOString() } } : {}),
          trackingCode: await nextTrackingCode(tx, m, Number(receivedAt.toISOString().slice(0, 4))),
          municipalityId: m.id,
          type: cat.type,
          categoryId: cat.id,
          channel: d.submitter ? "web" : "counter",
          status: d.status,
          reasonCode: d.reason ?? (d.status === "resolved" || d.status === "closed" ? "resolved" : null),
          language: d.language,
          title: d.title,
          description: d.description,
          address: d.address ?? null,
          latitude: d.at?.[0] ?? null,
          longitude: d.at?.[1] ?? null,
          submitterId: submitter ? userId(submitter.local) : null,
          contactName: submitter?.name ?? null,
          contactEmail: submitter ? demoEmail(submitter.local) : null,
          showName: false,
          departmentId: deptId(m.id, d.department) ?? null,
          assigneeId: path.includes("in_progress") && officer ? userId(officer.local) : null,
          receivedAt,
          acknowledgedAt: when("acknowledged"),
          firstResponseAt,
          resolvedAt: when("resolved") ?? when("answered"),
          closedAt,
          createdAt: receivedAt,
          updatedAt: times.at(-1)!,
        })
        .returning();
      await tx.insert(caseEvents).values(
        path.map((status, i) => ({
          caseId: kase!.id,
          municipalityId: m.id,
          type: i === 0 ? "submitted" : "status_changed",
          fromStatus: i === 0 ? null : path[i - 1]!,
          toStatus: status,
          reasonCode: ["rejected", "referred", "merged"].includes(status) ? (d.reason ?? null) : null,
          actorId:
            i === 0
              ? submitter
                ? userId(submitter.local)!
                : null
              : (userId(
                  (status === "in_progress" || status === "resolved" ? officer : coordinator)?.local ?? "",
                ) ?? null),
          isPublic: true,
          at: times[i]!,
        })),
      );
      // What the people concerned were told on the way, so the notification centre and the development
      // mailbox have something to show: the citizen of the case's latest step, the officer of the case.
      const told = { now: times.at(-1)!, baseUrl };
      if (d.submitter && d.status !== "submitted")
        await tellCitizen(
          tx,
          told,
          kase!,
          d.status === "resolved" ? { kind: "resolved" } : { kind: "status", status: d.status },
        );
      if (kase!.assigneeId) await tellAssigned(tx, told, kase!, null);
    }

    // Participation (src/participation): the meetings link to the consultations, so they come after.
    const participation = {
      now,
      calendar,
      municipalityId: (slug: string) => muniBySlug.get(slug)!.id,
      userId: (local: string) => userId(local)!,
    };
    await seedDemoConsultations(tx, participation);
    await seedDemoMeetings(tx, participation);
    await seedDemoProposals(tx, participation);
    await seedDemoEvaluations(tx, participation);
    await seedDemoOnboarding(tx);
  });
  // The national standards' history: a few past changes and one dated for next month (src/standards).
  await seedStandardsDemo(db, now, calendar.timeZone);
}

/** The demo logins, as `npm start` prints them. */
export function demoLogins(): { email: string; role: string; municipality?: string }[] {
  return DEMO_USERS.map((u) => ({
    email: demoEmail(u.local),
    role: u.role ?? "citizen",
    ...(u.municipality ? { municipality: u.municipality } : {}),
  }));
}
