// The demo's proposals in Prishtinë (demo mode only): the municipality's own rules (a threshold of 15, so
// the demo can be pushed over it by hand), fifteen residents who support, the bicycle-lane proposal of the
// demo cases published and collecting (12 of 15), a playground proposal that reached its threshold, was
// accepted and is being built, with its progress record and two milestones, and a tree-planting proposal
// awaiting moderation. Written as the commands
// would have left the rows (SLA columns, pauses, events), inside the demo seeding's transaction.
import { and, eq, sql } from "drizzle-orm";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { localDateOf } from "../../calendar/zone.ts";
import { deadlines } from "../../cases/sla.ts";
import { slaColumns } from "../../cases/slaTracking.ts";
import type { CaseStatus } from "../../cases/statuses.ts";
import { nextTrackingCode } from "../../cases/trackingCode.ts";
import type { Tx } from "../../db/client.ts";
import {
  caseEvents,
  caseFollowers,
  cases,
  categories,
  municipalities,
  participationSettings,
  proposalMilestones,
  proposalSupports,
  proposals,
  users,
} from "../../db/schema.ts";
import { DEMO_EMAIL_DOMAIN } from "../../demo/demoContent.ts";
import { categoryStandard } from "../../reference/referenceCache.ts";
import { participationSettingsFor } from "../settings.ts";
import { supportClosesAt } from "./proposalRules.ts";

const DAY = 86_400_000;

/** The residents who support the demo's proposals (no password: they cannot sign in). */
const RESIDENTS = [
  ["arta.berisha", "Arta Berisha", "sq"],
  ["driton.morina", "Driton Morina", "sq"],
  ["fjolla.kelmendi", "Fjolla Kelmendi", "sq"],
  ["gentian.rexhepi", "Gentian Rexhepi", "sq"],
  ["hana.krasniqi", "Hana Krasniqi", "sq"],
  ["ilir.bytyqi", "Ilir Bytyçi", "sq"],
  ["jeta.hoxha", "Jeta Hoxha", "sq"],
  ["kushtrim.gashi", "Kushtrim Gashi", "sq"],
  ["marija.jovanovic", "Marija Jovanović", "sr"],
  ["nenad.petrovic", "Nenad Petrović", "sr"],
  ["ardita.shala", "Ardita Shala", "sq"],
  ["besnik.avdiu", "Besnik Avdiu", "sq"],
  ["dafina.zeqiri", "Dafina Zeqiri", "sq"],
  ["milica.stojanovic", "Milica Stojanović", "sr"],
  ["valon.ismaili", "Valon Ismaili", "sq"],
] as const;

export async function seedDemoProposals(
  tx: Tx,
  d: {
    now: Date;
    municipalityId(slug: string): number;
    userId(local: string): string;
    calendar: WorkingCalendar;
  },
): Promise<void> {
  const { now, calendar } = d;
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
  const prishtine = d.municipalityId("prishtine");
  const national = await participationSettingsFor(tx, null);
  await tx
    .insert(participationSettings)
    .values({
      municipalityId: prishtine,
      consultationMinDays: national.consultationMinDays,
      proposalWindowDays: 60,
      proposalThreshold: 15,
      normativeThresholdPercent: national.normativeThresholdPercent,
      updatedAt: at(200),
    })
    .onConflictDoNothing();
  const residents = await tx
    .insert(users)
    .values(
      RESIDENTS.map(([local, name, language]) => ({
        email: `${local}@${DEMO_EMAIL_DOMAIN}`,
        name,
        language,
        emailVerifiedAt: at(300),
        createdAt: at(300),
      })),
    )
    .returning({ id: users.id });
  const ids = residents.map((r) => r.id);

  // The bicycle lane (a demo case, acknowledged): published a week ago, 12 supports of 15.
  const [lane] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.municipalityId, prishtine), eq(cases.type, "proposal")))
    .orderBy(cases.id)
    .limit(1);
  if (lane) {
    const publishedAt = new Date(
      Math.max((lane.acknowledgedAt ?? lane.receivedAt).getTime() + 3_600_000, at(8).getTime()),
    );
    const standard = categoryStandard(
      (await tx.select().from(categories).where(eq(categories.id, lane.categoryId)))[0]!,
    );
    const pauses = [...lane.slaPauses, { from: publishedAt.toISOString() }];
    const sla = slaColumns({ ...lane, status: lane.status as CaseStatus, standard, pauses }, now, calendar);
    await tx
      .update(cases)
      .set({
        ...sla,
        visibility: "public",
        slaPauses: pauses,
        version: lane.version + 1,
        updatedAt: publishedAt,
      })
      .where(eq(cases.id, lane.id));
    const supporters = ids.slice(0, 12);
    await tx.insert(proposals).values({
      caseId: lane.id,
      municipalityId: prishtine,
      publishedAt,
      supportClosesAt: supportClosesAt(publishedAt, 60, calendar.timeZone),
      threshold: 15,
      supportCount: supporters.length,
      updatedAt: now,
    });
    await supportsFor(tx, lane.id, supporters, publishedAt, now);
    await tx.insert(caseEvents).values({
      caseId: lane.id,
      municipalityId: prishtine,
      type: "proposal_published",
      actorId: d.userId("koordinatori.prishtine"),
      isPublic: true,
      data: { threshold: 15, windowDays: 60, version: lane.version + 1 },
      at: publishedAt,
    });
  }

  // The playground: accepted, being built.
  const [m] = await tx.select().from(municipalities).where(eq(municipalities.id, prishtine));
  const [cat] = await tx
    .select()
    .from(categories)
    .where(and(eq(categories.code, "social-proposal"), sql`${categories.municipalityId} is null`));
  if (!m || !cat) return;
  const standard = categoryStandard(cat);
  const receivedAt = at(150);
  const ackAt = at(148);
  const reachedAt = at(100);
  const answeredAt = at(80);
  const pauses = [{ from: ackAt.toISOString(), to: reachedAt.toISOString() }];
  const sla = slaColumns(
    {
      status: "answered",
      receivedAt,
      standard,
      pauses,
      acknowledgedAt: ackAt,
      firstResponseAt: answeredAt,
      resolvedAt: answeredAt,
      ...deadlines(receivedAt, standard, calendar),
    },
    now,
    calendar,
  );
  const stefan = d.userId("stefan.ilic");
  const [park] = await tx
    .insert(cases)
    .values({
      ...sla,
      slaPauses: pauses,
      trackingCode: await nextTrackingCode(tx, m, Number(receivedAt.toISOString().slice(0, 4))),
      municipalityId: prishtine,
      type: "proposal",
      categoryId: cat.id,
      channel: "web",
      status: "answered",
      reasonCode: "answered",
      language: "sr",
      title: "Dečje igralište u parku u naselju Dardanija",
      description:
        "Predlažem da se u parku iza škole u Dardaniji postavi ograđeno dečje igralište sa klupama i senkom, jer najbliže igralište je udaljeno više od kilometra.",
      address: "Dardania, parku pas shkollës",
      latitude: 42.6555,
      longitude: 21.1458,
      submitterId: stefan,
      contactName: "Stefan Ilić",
      contactEmail: `stefan.ilic@${DEMO_EMAIL_DOMAIN}`,
      showName: false,
      visibility: "public",
      receivedAt,
      acknowledgedAt: ackAt,
      firstResponseAt: answeredAt,
      resolvedAt: answeredAt,
      createdAt: receivedAt,
      updatedAt: answeredAt,
      version: 5,
    })
    .returning();
  const coordinator = d.userId("koordinatori.prishtine");
  await tx.insert(caseEvents).values([
    {
      caseId: park!.id,
      municipalityId: prishtine,
      type: "submitted",
      toStatus: "submitted",
      actorId: stefan,
      at: receivedAt,
    },
    {
      caseId: park!.id,
      municipalityId: prishtine,
      type: "status_changed",
      fromStatus: "submitted",
      toStatus: "acknowledged",
      actorId: coordinator,
      data: { action: "acknowledge", version: 2 },
      at: ackAt,
    },
    {
      caseId: park!.id,
      municipalityId: prishtine,
      type: "proposal_published",
      actorId: coordinator,
      data: { threshold: 15, windowDays: 60, version: 3 },
      at: ackAt,
    },
    {
      caseId: park!.id,
      municipalityId: prishtine,
      type: "proposal_threshold_reached",
      data: { supports: 15, version: 4 },
      at: reachedAt,
    },
    {
      caseId: park!.id,
      municipalityId: prishtine,
      type: "status_changed",
      fromStatus: "acknowledged",
      toStatus: "answered",
      actorId: coordinator,
      message:
        "Komuna e pranon propozimin: këndi i lojërave ndërtohet në vitin 2026 nga Drejtoria e Shërbimeve Publike. / Opština prihvata predlog: igralište gradi Direkcija za javne usluge u 2026. godini.",
      data: { action: "answer", version: 5 },
      at: answeredAt,
    },
  ]);
  await tx.insert(proposals).values({
    caseId: park!.id,
    municipalityId: prishtine,
    publishedAt: ackAt,
    supportClosesAt: supportClosesAt(ackAt, 60, calendar.timeZone),
    threshold: 15,
    supportCount: 15,
    thresholdReachedAt: reachedAt,
    decision: "accepted",
    decisionAt: answeredAt,
    progressStatus: "in_progress",
    progressPercent: 40,
    budgetLine:
      "Programi 66 – Parqet dhe hapësirat publike, 2026 / Program 66 – Parkovi i javne površine, 2026",
    updatedAt: at(20),
  });
  await supportsFor(tx, park!.id, ids, ackAt, reachedAt);
  await tx.insert(proposalMilestones).values([
    {
      caseId: park!.id,
      on: localDateOf(at(60), calendar.timeZone),
      text: {
        sq: "Projekti i këndit të lojërave u hartua dhe u miratua.",
        sr: "Projekat igrališta je izrađen i odobren.",
        en: "The playground's design was drawn up and approved.",
      },
      percent: 25,
      createdBy: coordinator,
      createdAt: at(60),
    },
    {
      caseId: park!.id,
      on: localDateOf(at(20), calendar.timeZone),
      text: {
        sq: "Filluan punimet në terren: rrethimi dhe bazamenti.",
        sr: "Počeli su radovi na terenu: ograda i podloga.",
        en: "Work began on site: the fence and the base.",
      },
      percent: 40,
      createdBy: coordinator,
      createdAt: at(20),
    },
  ]);

  // A proposal sent two days ago, awaiting moderation: what the coordinator's queue shows.
  const treesAt = at(2);
  const lirije = d.userId("lirije.shala");
  const [environment] = await tx
    .select()
    .from(categories)
    .where(and(eq(categories.code, "environment-proposal"), sql`${categories.municipalityId} is null`));
  if (!environment) return;
  const treesStandard = categoryStandard(environment);
  const treesSla = slaColumns(
    {
      status: "submitted",
      receivedAt: treesAt,
      standard: treesStandard,
      pauses: [],
      acknowledgedAt: null,
      firstResponseAt: null,
      resolvedAt: null,
      ...deadlines(treesAt, treesStandard, calendar),
    },
    now,
    calendar,
  );
  const [trees] = await tx
    .insert(cases)
    .values({
      ...treesSla,
      trackingCode: await nextTrackingCode(tx, m, Number(treesAt.toISOString().slice(0, 4))),
      municipalityId: prishtine,
      type: "proposal",
      categoryId: environment.id,
      channel: "web",
      status: "submitted",
      language: "sq",
      title: "Pemë përgjatë rrugës Agim Ramadani",
      description:
        "Propozoj të mbillen pemë në të dy anët e rrugës Agim Ramadani, ku trotuari është i gjerë dhe verës nuk ka hije.",
      submitterId: lirije,
      contactName: "Lirije Shala",
      contactEmail: `lirije.shala@${DEMO_EMAIL_DOMAIN}`,
      showName: false,
      visibility: "public",
      receivedAt: treesAt,
      createdAt: treesAt,
      updatedAt: treesAt,
    })
    .returning({ id: cases.id });
  await tx.insert(caseEvents).values({
    caseId: trees!.id,
    municipalityId: prishtine,
    type: "submitted",
    toStatus: "submitted",
    actorId: lirije,
    at: treesAt,
  });
}

/** The supports, spread over the time between `from` and `to`, each supporter following the proposal. */
async function supportsFor(tx: Tx, caseId: number, userIds: string[], from: Date, to: Date) {
  const step = (to.getTime() - from.getTime()) / (userIds.length + 1);
  const rows = userIds.map((userId, i) => ({
    caseId,
    userId,
    createdAt: new Date(from.getTime() + (i + 1) * step),
  }));
  await tx.insert(proposalSupports).values(rows);
  await tx.insert(caseFollowers).values(rows);
}
