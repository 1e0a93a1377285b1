// The demo's pilot evaluation (demo mode only): the three municipalities the demo's cases are in, over the
// last three months, published, so the public evaluation page shows real figures. Written as
// createEvaluation and setPublished would have left it, inside the demo seeding's transaction.
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Tx } from "../db/client.ts";
import { pilotEvaluations } from "../db/schema.ts";
import { addMonths, monthOf } from "../stats/web/period.ts";

export async function seedDemoEvaluations(
  tx: Tx,
  d: {
    now: Date;
    municipalityId(slug: string): number;
    userId(local: string): string;
    calendar: WorkingCalendar;
  },
): Promise<void> {
  const to = monthOf(d.now, d.calendar.timeZone);
  const from = addMonths(to, -2);
  await tx.insert(pilotEvaluations).values({
    title: {
      sq: "Vlerësimi i pilotit: tre komunat e para",
      sr: "Evaluacija pilot-projekta: prve tri opštine",
      en: "Pilot evaluation: the first three municipalities",
    },
    summary: {
      sq: "Si e përdorën qytetarët platformën dhe si u përgjigjën komunat gjatë tre muajve të parë të pilotit.\n\nShifrat përditësohen çdo disa minuta nga statistikat.",
      sr: "Kako su građani koristili platformu i kako su opštine odgovarale tokom prva tri meseca pilot-projekta.\n\nPodaci se ažuriraju iz statistike na svakih nekoliko minuta.",
      en: "How citizens used the platform and how the municipalities answered in the pilot's first three months.\n\nThe figures are updated from the statistics every few minutes.",
    },
    municipalityIds: ["prishtine", "prizren", "gracanice"]
      .map((slug) => d.municipalityId(slug))
      .sort((a, b) => a - b),
    fromMonth: `${from}-01`,
    toMonth: `${to}-01`,
    publishedAt: d.now,
    createdBy: d.userId("ministria"),
    createdAt: d.now,
    updatedAt: d.now,
  });
}
