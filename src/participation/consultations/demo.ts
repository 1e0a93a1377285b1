// Demo consultations in Prishtinë: the 2027 budget, open, with three sections, a few comments and a PDF
// summary; and a parking regulation, closed, every comment with its disposition and the report published.
// The open one is made first, so the page samples find it as consultation 1 and the reported one as 2.
import { eq, sql } from "drizzle-orm";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { addDays, localDateOf } from "../../calendar/zone.ts";
import type { PhotoStore } from "../../cases/photos/storage.ts";
import type { Db, Tx } from "../../db/client.ts";
import {
  consultationCommentSupports,
  consultationComments,
  consultationDocuments,
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

/**
 * A one-page PDF 1.4 with a few lines of text (Helvetica in WinAnsi: Latin-1 letters such as ë and ç, not
 * č, ć or đ), its cross-reference table counted byte by byte: a real file any reader opens, made here
 * rather than kept as a binary in the repository.
 */
export function demoPdf(lines: readonly string[]): Buffer {
  const text = lines.map((l) => `(${l.replace(/[\\()]/g, "\\$&")}) Tj T*`).join("\n");
  const stream = `BT\n/F1 12 Tf\n16 TL\n72 770 Td\n${text}\nET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(Buffer.byteLength(pdf, "latin1"));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xref = Buffer.byteLength(pdf, "latin1");
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) pdf += `${String(o).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** The demo budget's PDF: a fixed key in the upload store, its bytes made by demoPdf. */
export const DEMO_DOCUMENT = {
  key: "de/de3c0000-0000-4000-8000-000000000001.pdf",
  title: "Projektbuxheti 2027 – përmbledhja / Nacrt budžeta 2027 – sažetak",
  fileName: "projektbuxheti-2027.pdf",
  bytes: demoPdf([
    "Komuna e Prishtinës - Projektbuxheti 2027 (përmbledhje)",
    "Opstina Pristina - Nacrt budzeta za 2027. (sazetak)",
    "",
    "Të hyrat / Prihodi: 118 000 000 EUR",
    "Arsimi / Obrazovanje: 41 %   Shëndetësia / Zdravstvo: 17 %",
    "Investimet kapitale / Kapitalne investicije: rrugët, kopshtet, ndriçimi LED",
    "",
    "Dokument demonstrues i E-Komunës. / Demonstracioni dokument E-Komune.",
  ]),
};

/**
 * Puts the demo's PDF into the upload store when a demo consultation lists it and the store lacks it:
 * the demo is seeded in a database transaction that has no store, so the app does it once it is ready.
 */
export async function restoreDemoDocuments(db: Db, store: PhotoStore): Promise<boolean> {
  const [listed] = await db
    .select({ id: consultationDocuments.id })
    .from(consultationDocuments)
    .where(eq(consultationDocuments.storageKey, DEMO_DOCUMENT.key))
    .limit(1);
  if (!listed) return false;
  const there = await store.get(DEMO_DOCUMENT.key);
  if (there) {
    there.body.destroy();
    return false;
  }
  await store.put(DEMO_DOCUMENT.key, DEMO_DOCUMENT.bytes, "application/pdf");
  return true;
}

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
    documents?: (typeof DEMO_DOCUMENT)[];
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
  for (const [i, doc] of (c.documents ?? []).entries())
    await tx.insert(consultationDocuments).values({
      consultationId: id,
      title: doc.title,
      fileName: doc.fileName,
      storageKey: doc.key,
      bytes: doc.bytes.length,
      position: i + 1,
      createdAt: new Date(c.publishedAt.getTime() - DAY),
    });
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
    documents: [DEMO_DOCUMENT],
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
