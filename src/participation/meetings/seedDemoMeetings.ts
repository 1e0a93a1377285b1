// Demo meetings in Prishtinë: a budget hearing next month (linked to the demo budget consultation when
// there is one), a public meeting held two weeks ago and another coming up. Inserted in that order, so the
// budget hearing is meeting 1, the browser suite's sample (/meetings/1). Minutes need a stored file, which
// the seed cannot write: the past meeting has none.
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { addDays, dayOfWeek, type LocalDate, localDateOf, localDateTime } from "../../calendar/zone.ts";
import type { Tx } from "../../db/client.ts";
import { consultations } from "../../db/schema.ts";
import { insertMeeting } from "./meetingCommands.ts";
import type { MeetingKind } from "./meetingForm.ts";

/** The first weekday (Monday–Friday) on or after `date`. */
function weekday(date: LocalDate): LocalDate {
  let d = date;
  while (dayOfWeek(d) === 0 || dayOfWeek(d) === 6) d = addDays(d, 1);
  return d;
}

export async function seedDemoMeetings(
  tx: Tx,
  d: {
    now: Date;
    municipalityId(slug: string): number;
    userId(local: string): string;
    calendar: WorkingCalendar;
  },
): Promise<void> {
  const zone = d.calendar.timeZone;
  const municipalityId = d.municipalityId("prishtine");
  const createdBy = d.userId("koordinatori.prishtine");
  const today = localDateOf(d.now, zone);
  const at = (day: LocalDate, from: string, to: string) => ({
    startsAt: localDateTime(day, from, zone),
    endsAt: localDateTime(day, to, zone),
  });
  const [budget] = await tx
    .select({ id: consultations.id })
    .from(consultations)
    .where(
      and(
        eq(consultations.municipalityId, municipalityId),
        eq(consultations.kind, "budget"),
        isNotNull(consultations.publishedAt),
      ),
    )
    .orderBy(desc(consultations.id))
    .limit(1);
  const cityHall = {
    sq: "Salla e Kuvendit Komunal, Ndërtesa e Komunës, Rruga UÇK 2, Prishtinë",
    sr: "Sala Skupštine opštine, Zgrada opštine, Ulica UÇK 2, Priština",
    en: "Municipal Assembly hall, Municipality building, UÇK Street 2, Prishtinë",
  };
  const stepFree = {
    sq: "Hyrje pa shkallë nga parkingu; ashensor deri në katin e parë. Përkthim në gjuhën e shenjave sipas kërkesës, tri ditë përpara.",
    sr: "Ulaz bez stepenica sa parkinga; lift do prvog sprata. Prevod na znakovni jezik na zahtev, tri dana unapred.",
    en: "Step-free entrance from the car park; lift to the first floor. Sign language interpretation on request, three days ahead.",
  };
  const base = { municipalityId, createdBy, createdAt: d.now, accessibility: null, consultationId: null };
  const meetings: Parameters<typeof insertMeeting>[1][] = [
    {
      ...base,
      kind: "budget_hearing" as MeetingKind,
      title: {
        sq: "Dëgjimi buxhetor për vitin 2027",
        sr: "Budžetsko saslušanje za 2027. godinu",
        en: "Budget hearing for 2027",
      },
      ...at(weekday(addDays(today, 30)), "17:00", "19:00"),
      place: cityHall,
      accessibility: stepFree,
      agenda: {
        sq: "1. Prezantimi i projektbuxhetit 2027\n2. Investimet kapitale sipas lagjeve\n3. Pyetje dhe propozime nga qytetarët",
        sr: "1. Predstavljanje nacrta budžeta za 2027.\n2. Kapitalne investicije po naseljima\n3. Pitanja i predlozi građana",
        en: "1. Presentation of the 2027 draft budget\n2. Capital investments by neighbourhood\n3. Citizens' questions and proposals",
      },
      consultationId: budget?.id ?? null,
    },
    {
      ...base,
      kind: "public_meeting" as MeetingKind,
      title: {
        sq: "Takim publik: transporti publik në lagjen Dardania",
        sr: "Javni sastanak: javni prevoz u naselju Dardanija",
        en: "Public meeting: public transport in Dardania",
      },
      ...at(weekday(addDays(today, -14)), "18:00", "20:00"),
      place: {
        sq: "Shkolla fillore «Faik Konica», salla e sportit, lagjja Dardania",
        sr: "Osnovna škola „Faik Konica“, fiskulturna sala, naselje Dardanija",
        en: "“Faik Konica” primary school, sports hall, Dardania",
      },
      accessibility: {
        sq: "Hyrje pa shkallë nga oborri i shkollës.",
        sr: "Ulaz bez stepenica iz školskog dvorišta.",
        en: "Step-free entrance from the school yard.",
      },
      agenda: {
        sq: "1. Linjat e autobusëve dhe oraret\n2. Stacionet e reja\n3. Diskutim",
        sr: "1. Autobuske linije i redovi vožnje\n2. Nova stajališta\n3. Diskusija",
        en: "1. Bus lines and timetables\n2. New stops\n3. Discussion",
      },
    },
    {
      ...base,
      kind: "public_meeting" as MeetingKind,
      title: {
        sq: "Takim publik me kryetarin: pastërtia dhe hapësirat e gjelbra",
        sr: "Javni sastanak sa predsednikom: čistoća i zelene površine",
        en: "Public meeting with the mayor: cleanliness and green spaces",
      },
      ...at(weekday(addDays(today, 21)), "17:30", "19:30"),
      place: cityHall,
      accessibility: stepFree,
      agenda: {
        sq: "1. Raporti për grumbullimin e mbeturinave\n2. Parqet dhe gjelbërimi 2027\n3. Pyetje nga qytetarët",
        sr: "1. Izveštaj o prikupljanju otpada\n2. Parkovi i zelenilo 2027.\n3. Pitanja građana",
        en: "1. Report on waste collection\n2. Parks and greenery in 2027\n3. Citizens' questions",
      },
    },
  ];
  // One after the other, so the ids follow this order.
  for (const m of meetings) await insertMeeting(tx, m);
}
