// Demo consultations in Prishtinë: the 2027 budget, open, with three sections and a few comments; and a
// parking regulation, closed, every comment with its disposition and the report published. The open one is
// made first, so the page samples find it as consultation 1 and the reported one as 2.
import { sql } from "drizzle-orm";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { addDays, localDateOf } from "../../calendar/zone.ts";
import type { Tx } from "../../db/client.ts";
import {
  consultationCommentSupports,
  consultationComments,
  consultationFollowers,
  consultationSections,
  type LocalizedText,
} from "../../db/schema.ts";
import type { ConsultationKind, Disposition } from "./model.ts";

export interface DemoDeps {
  now: Date;
  municipalityId(slug: string): number;
  userId(local: string): string;
  calendar: WorkingCalendar;
}

const DAY = 86_400_000;

interface DemoComment {
  by: string;
  section: number | null;
  body: string;
  language: "sq" | "sr" | "en";
  showName?: boolean;
  replyTo?: number;
  supporters?: string[];
  disposition?: [Disposition, string];
}

async function consultation(
  tx: Tx,
  d: DemoDeps,
  c: {
    kind: ConsultationKind;
    title: LocalizedText;
    summary: LocalizedText;
    opensOn: string;
    closesOn: string;
    publishedAt: Date;
    report?: { at: Date; summary: LocalizedText };
    sections: { heading: LocalizedText; body: LocalizedText }[];
    comments: DemoComment[];
  },
): Promise<number> {
  const municipalityId = d.municipalityId("prishtine");
  const by = d.userId("koordinatori.prishtine");
  // Raw insert: the schema maps updatedAt onto created_at as well, so Drizzle's insert names it twice.
  const { rows } = (await tx.execute(sql`
    insert into consultations (municipality_id, kind, title, summary, opens_on, closes_on, published_at,
                               report_published_at, report_summary, created_by, created_at)
    values (${municipalityId}, ${c.kind}, ${JSON.stringify(c.title)}::jsonb, ${JSON.stringify(c.summary)}::jsonb,
            ${c.opensOn}::date, ${c.closesOn}::date, ${c.publishedAt.toISOString()}::timestamptz,
            ${c.report ? c.report.at.toISOString() : null}::timestamptz,
            ${c.report ? JSON.stringify(c.report.summary) : null}::jsonb, ${by}::uuid,
            ${new Date(c.publishedAt.getTime() - DAY).toISOString()}::timestamptz)
    returning id`)) as unknown as { rows: { id: number }[] };
  const id = Number(rows[0]!.id);
  const sectionIds: number[] = [];
  for (const [i, s] of c.sections.entries()) {
    const [row] = await tx
      .insert(consultationSections)
      .values({ consultationId: id, position: i + 1, ...s })
      .returning({ id: consultationSections.id });
    sectionIds.push(row!.id);
  }
  const commentIds: number[] = [];
  for (const [i, k] of c.comments.entries()) {
    const [row] = await tx
      .insert(consultationComments)
      .values({
        consultationId: id,
        sectionId: k.section === null ? null : sectionIds[k.section]!,
        parentId: k.replyTo === undefined ? null : commentIds[k.replyTo]!,
        authorId: d.userId(k.by),
        body: k.body,
        language: k.language,
        showName: k.showName ?? false,
        supportCount: k.supporters?.length ?? 0,
        createdAt: new Date(c.publishedAt.getTime() + (i + 1) * 3 * 3_600_000),
        ...(k.disposition
          ? {
              disposition: k.disposition[0],
              dispositionReason: k.disposition[1],
              dispositionBy: by,
              dispositionAt: c.report?.at ?? c.publishedAt,
            }
          : {}),
      })
      .returning({ id: consultationComments.id });
    commentIds.push(row!.id);
    for (const s of k.supporters ?? [])
      await tx.insert(consultationCommentSupports).values({ commentId: row!.id, userId: d.userId(s) });
    await tx
      .insert(consultationFollowers)
      .values({ consultationId: id, userId: d.userId(k.by) })
      .onConflictDoNothing();
  }
  return id;
}

export async function seedDemoConsultations(tx: Tx, d: DemoDeps): Promise<void> {
  const today = localDateOf(d.now, d.calendar.timeZone);
  await consultation(tx, d, {
    kind: "budget",
    title: {
      sq: "Projektbuxheti i Komunës së Prishtinës për vitin 2027",
      sr: "Nacrt budžeta Opštine Priština za 2027. godinu",
      en: "Draft budget of the Municipality of Prishtinë for 2027",
    },
    summary: {
      sq: "Komuna fton qytetarët të japin mendimin për projektbuxhetin e vitit 2027: të hyrat, shpenzimet sipas drejtorive dhe investimet kapitale.",
      sr: "Opština poziva građane da daju mišljenje o nacrtu budžeta za 2027. godinu: prihodi, rashodi po direkcijama i kapitalne investicije.",
      en: "The municipality invites citizens to comment on the draft 2027 budget: revenue, spending by department and capital investment.",
    },
    opensOn: addDays(today, -5),
    closesOn: addDays(today, 14),
    publishedAt: new Date(d.now.getTime() - 7 * DAY),
    sections: [
      {
        heading: { sq: "1. Të hyrat", sr: "1. Prihodi", en: "1. Revenue" },
        body: {
          sq: "Të hyrat e planifikuara janë 118 milionë euro: granti qeveritar, tatimi në pronë dhe taksat komunale.",
          sr: "Planirani prihodi iznose 118 miliona evra: vladin grant, porez na imovinu i opštinske takse.",
          en: "Planned revenue is €118 million: the government grant, property tax and municipal fees.",
        },
      },
      {
        heading: {
          sq: "2. Shpenzimet sipas drejtorive",
          sr: "2. Rashodi po direkcijama",
          en: "2. Spending by department",
        },
        body: {
          sq: "Arsimi merr 41%, shëndetësia 17%, shërbimet publike 12%; pjesa tjetër ndahet mes drejtorive të tjera.",
          sr: "Obrazovanje dobija 41%, zdravstvo 17%, javne usluge 12%; ostatak se deli među drugim direkcijama.",
          en: "Education receives 41%, health 17%, public services 12%; the rest is shared among the other departments.",
        },
      },
      {
        heading: {
          sq: "3. Investimet kapitale",
          sr: "3. Kapitalne investicije",
          en: "3. Capital investment",
        },
        body: {
          sq: "Rikonstruimi i rrugëve në lagjen Arbëria, dy kopshte të reja dhe ndriçimi publik me LED.",
          sr: "Rekonstrukcija ulica u naselju Arbërija, dva nova vrtića i LED javna rasveta.",
          en: "Rebuilding the streets of Arbëria, two new kindergartens and LED street lighting.",
        },
      },
    ],
    comments: [
      {
        by: "lirije.shala",
        section: 2,
        body: 'Kërkoj që rruga e shkollës "Faik Konica" të hyjë në listën e rikonstruimit: fëmijët ecin në baltë çdo dimër.',
        language: "sq",
        showName: true,
        supporters: ["stefan.ilic"],
      },
      {
        by: "stefan.ilic",
        section: 1,
        body: "Predlažem više sredstava za javni prevoz do sela; autobusi idu samo dva puta dnevno.",
        language: "sr",
      },
      {
        by: "stefan.ilic",
        section: 2,
        replyTo: 0,
        body: "Slažem se, i trotoar pored škole bi trebalo urediti.",
        language: "sr",
      },
      {
        by: "lirije.shala",
        section: null,
        body: "Buxheti duhet të publikohet edhe në format të hapur, që ta lexojmë më lehtë.",
        language: "sq",
      },
    ],
  });
  const closedOn = addDays(today, -40);
  await consultation(tx, d, {
    kind: "regulation",
    title: {
      sq: "Rregullorja për parkimin në qendër të qytetit",
      sr: "Uredba o parkiranju u centru grada",
      en: "Regulation on parking in the city centre",
    },
    summary: {
      sq: "Zonat e parkimit me pagesë, çmimet dhe lejet për banorët e qendrës.",
      sr: "Zone plaćenog parkiranja, cene i dozvole za stanovnike centra.",
      en: "Paid parking zones, prices and permits for residents of the centre.",
    },
    opensOn: addDays(closedOn, -20),
    closesOn: closedOn,
    publishedAt: new Date(d.now.getTime() - 62 * DAY),
    report: {
      at: new Date(d.now.getTime() - 10 * DAY),
      summary: {
        sq: "U pranuan lejet falas për banorët me aftësi të kufizuara; çmimi për orë mbetet 0,50 euro.",
        sr: "Prihvaćene su besplatne dozvole za stanovnike sa invaliditetom; cena po satu ostaje 0,50 evra.",
        en: "Free permits for residents with disabilities were accepted; the hourly price stays at €0.50.",
      },
    },
    sections: [
      {
        heading: { sq: "1. Zonat e parkimit", sr: "1. Zone parkiranja", en: "1. Parking zones" },
        body: {
          sq: "Zona A (e kuqe): qendra; zona B (e verdhë): lagjet përreth.",
          sr: "Zona A (crvena): centar; zona B (žuta): okolna naselja.",
          en: "Zone A (red): the centre; zone B (yellow): the surrounding neighbourhoods.",
        },
      },
      {
        heading: { sq: "2. Lejet për banorët", sr: "2. Dozvole za stanovnike", en: "2. Residents' permits" },
        body: {
          sq: "Banorët e zonës A paguajnë 10 euro në muaj për një leje.",
          sr: "Stanovnici zone A plaćaju 10 evra mesečno za dozvolu.",
          en: "Residents of zone A pay €10 a month for a permit.",
        },
      },
    ],
    comments: [
      {
        by: "lirije.shala",
        section: 1,
        body: "Banorët me aftësi të kufizuara duhet ta marrin lejen falas.",
        language: "sq",
        showName: true,
        disposition: ["accepted", "Neni 7 u ndryshua: leja është falas për ta."],
      },
      {
        by: "stefan.ilic",
        section: 0,
        body: "Cena od 0,50 evra po satu je previsoka za zonu B.",
        language: "sr",
        disposition: ["not_accepted", "Çmimi mbulon mirëmbajtjen e parkingjeve; mbetet i njëjtë."],
      },
      {
        by: "stefan.ilic",
        section: null,
        body: "Treba više mesta za bicikle.",
        language: "sr",
        disposition: ["noted", "Do të trajtohet në planin e lëvizshmërisë 2027."],
      },
    ],
  });
}
