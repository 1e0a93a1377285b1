// The ministry's part of the demo (demo mode only): two open demo cases escalated to the ministry — one in
// Prishtinë ten days ago and left untouched since, one in Prizren yesterday — a note the ministry left on
// the first, and then a pass of the oversight check, which raises (and tells the demo monitor of) the
// alert on Prishtinë's untouched escalation. Run once, after the demo cases are seeded (src/demo/seedDemo.ts).
import { and, eq, sql } from "drizzle-orm";
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { caseEvents, cases, categories, municipalities, users } from "../db/schema.ts";
import { DEMO_EMAIL_DOMAIN } from "../demo/demoContent.ts";
import { runOversightPass } from "./alerts.ts";

const DAY = 86_400_000;

/** Which demo cases reach the ministry, and how many days ago. */
const ESCALATED = [
  { municipality: "prishtine", category: "parks", status: "reopened", daysAgo: 10 },
  { municipality: "prizren", category: "illegal-construction", status: "in_progress", daysAgo: 1 },
] as const;

export async function seedDemoOversight(
  db: Db,
  calendar: WorkingCalendar,
  now: Date,
  /** The site's address, for the links in the messages the demo's alert has already sent. */
  baseUrl = "http://localhost:3000",
): Promise<void> {
  const [ministry] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, `ministria@${DEMO_EMAIL_DOMAIN}`));
  await db.transaction(async (tx) => {
    for (const [i, e] of ESCALATED.entries()) {
      const [kase] = await tx
        .select({ id: cases.id, municipalityId: cases.municipalityId })
        .from(cases)
        .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
        .innerJoin(categories, eq(categories.id, cases.categoryId))
        .where(
          and(
            eq(municipalities.slug, e.municipality),
            eq(categories.code, e.category),
            eq(cases.status, e.status),
          ),
        )
        .limit(1);
      if (!kase) continue;
      const at = new Date(now.getTime() - e.daysAgo * DAY);
      // The ladder's three steps, two and three working days apart as the SLA scheduler would have made them;
      // marked made for every clock, so the scheduler never climbs it again.
      const steps = [1, 2, 3].map((level) => ({ level, at: new Date(at.getTime() - (3 - level) * 2 * DAY) }));
      const marks = Object.fromEntries(
        ["ack", "firstResponse", "resolution"].flatMap((clock) =>
          steps.map((s) => [`${clock}.escalation_${s.level}`, s.at.toISOString()]),
        ),
      );
      await tx
        .update(cases)
        .set({ escalationLevel: 3, slaMarks: sql`${cases.slaMarks} || ${JSON.stringify(marks)}::jsonb` })
        .where(eq(cases.id, kase.id));
      await tx.insert(caseEvents).values([
        ...steps.map((s) => ({
          caseId: kase.id,
          municipalityId: kase.municipalityId,
          type: "escalated",
          isPublic: true,
          data: {
            clock: "resolution",
            level: s.level,
            to: ["department_head", "participation_coordinator", "ministry_monitor"][s.level - 1],
          },
          at: s.at,
        })),
        ...(i === 0 && ministry
          ? [
              {
                caseId: kase.id,
                municipalityId: kase.municipalityId,
                type: "ministry_note",
                actorId: ministry.id,
                isPublic: false,
                message: "Telefonuam drejtorin e Shërbimeve Publike: premtoi riparimin brenda javës.",
                data: {},
                at: new Date(at.getTime() + DAY),
              },
            ]
          : []),
      ]);
    }
  });
  await runOversightPass(db, now, { calendar, baseUrl });
}
