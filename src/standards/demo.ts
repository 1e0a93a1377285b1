// The demo's national standards history (demo mode only): three changes the ministry made in the past weeks
// and one dated for the first day of next month, still waiting — recorded through the same commands the
// pages use, so the history, the municipal staff's list and the pending change's page show real content.
// The change dated ahead is the fourth recorded: its page is a browser-suite sample (standardsRoutes.tsx).
import { eq } from "drizzle-orm";
import { localDateOf } from "../calendar/zone.ts";
import type { Db } from "../db/client.ts";
import { standardChanges, users } from "../db/schema.ts";
import { DEMO_EMAIL_DOMAIN } from "../demo/demoContent.ts";
import { changeStandard, saveQuestion } from "./commands.ts";
import type { ChangeDeps, ChangeResult } from "./recordChange.ts";

const DAY_MS = 86_400_000;

/** Records the demo's changes as the demo ministry monitor; call once, after the demo's users exist. */
export async function seedStandardsDemo(db: Db, now: Date, timeZone: string): Promise<void> {
  // Once: a history already there (an earlier demo start) is left as it is.
  const [any] = await db.select({ id: standardChanges.id }).from(standardChanges).limit(1);
  if (any) return;
  const [ministry] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, `ministria@${DEMO_EMAIL_DOMAIN}`));
  const at = (daysAgo: number): ChangeDeps => ({
    db,
    now: new Date(now.getTime() - daysAgo * DAY_MS),
    timeZone,
    actorId: ministry?.id ?? null,
  });
  const dayOf = (deps: ChangeDeps) => localDateOf(deps.now, timeZone);
  const made = (result: ChangeResult) => {
    if (!result.ok) throw new Error(`demo standards: ${result.refusal.reason}`);
  };

  const first = at(20);
  made(
    await saveQuestion(first, {
      reason: "Komunat kërkuan të dinë llojin e kontejnerit për ta dërguar kamionin e duhur.",
      appliesFrom: dayOf(first),
      category: "waste",
      creating: true,
      question: {
        code: "container",
        datatype: "singlevaluelist",
        required: false,
        order: 1,
        description: {
          sq: "Çfarë lloj kontejneri?",
          sr: "Koja vrsta kontejnera?",
          en: "What kind of container?",
        },
        values: [
          { key: "bin", name: { sq: "Kosh i vogël", sr: "Mala kanta", en: "Small bin" } },
          {
            key: "container",
            name: { sq: "Kontejner i madh", sr: "Veliki kontejner", en: "Large container" },
          },
          { key: "none", name: { sq: "Pa kontejner", sr: "Bez kontejnera", en: "No container" } },
        ],
      },
    }),
  );

  const second = at(10);
  made(
    await changeStandard(second, {
      reason: "Udhëzimi administrativ i Ministrisë nr. 04/2026 për deponitë ilegale.",
      appliesFrom: dayOf(second),
      category: "illegal-dumping",
      priority: null,
      standard: { unit: "working_days", ackWithin: 2, firstResponseWithin: 5, resolutionWithin: 15 },
      note: null,
    }),
  );

  const third = at(5);
  made(
    await changeStandard(third, {
      reason: "Ndërprerja e furnizimit me ujë prek shëndetin: raportet urgjente trajtohen brenda orëve.",
      appliesFrom: dayOf(third),
      category: "water-supply",
      priority: "urgent",
      standard: { unit: "hours", ackWithin: 4, firstResponseWithin: 24, resolutionWithin: 72 },
      note: "Udhëzimi administrativ nr. 05/2026",
    }),
  );

  const today = at(0);
  const [y, m] = dayOf(today).split("-").map(Number) as [number, number];
  const nextMonth = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  made(
    await changeStandard(today, {
      reason: "Vendimi i Qeverisë nr. 18/2026: kanalizimi i hapur riparohet brenda shtatë ditësh pune.",
      appliesFrom: nextMonth,
      category: "sewage",
      priority: null,
      standard: { unit: "working_days", ackWithin: 1, firstResponseWithin: 2, resolutionWithin: 7 },
      note: null,
    }),
  );
}
