// What the demo installation contains: three municipalities' staff, two citizens and cases in every
// status, written as a municipality would see them. Only seeded in demo mode.
import type { StaffRole } from "../access/roles.ts";
import type { CaseStatus } from "../cases/statuses.ts";
import type { LocalizedText } from "../db/schema.ts";

export const DEMO_PASSWORD = "demo-ekomuna-2026";
export const DEMO_EMAIL_DOMAIN = "demo.ekomuna.example";

export const DEMO_DEPARTMENTS: { code: string; name: LocalizedText }[] = [
  {
    code: "public-services",
    name: { sq: "Drejtoria e Shërbimeve Publike", sr: "Direkcija za javne usluge", en: "Public Services" },
  },
  {
    code: "urbanism",
    name: { sq: "Drejtoria e Urbanizmit", sr: "Direkcija za urbanizam", en: "Urban Planning" },
  },
  {
    code: "environment",
    name: {
      sq: "Drejtoria e Mbrojtjes së Mjedisit",
      sr: "Direkcija za zaštitu životne sredine",
      en: "Environmental Protection",
    },
  },
  {
    code: "administration",
    name: { sq: "Drejtoria e Administratës", sr: "Direkcija za administraciju", en: "Administration" },
  },
];

export interface DemoUser {
  local: string;
  name: string;
  language: "sq" | "sr" | "en";
  role?: StaffRole;
  municipality?: string;
  department?: string;
}

export const DEMO_USERS: DemoUser[] = [
  { local: "operator", name: "Platform Operator", language: "en", role: "platform_operator" },
  { local: "ministria", name: "Arben Krasniqi", language: "sq", role: "ministry_monitor" },
  {
    local: "admin.prishtine",
    name: "Vjosa Gashi",
    language: "sq",
    role: "municipal_admin",
    municipality: "prishtine",
  },
  {
    local: "koordinatori.prishtine",
    name: "Blerim Hoxha",
    language: "sq",
    role: "participation_coordinator",
    municipality: "prishtine",
  },
  {
    local: "drejtori.prishtine",
    name: "Dren Berisha",
    language: "sq",
    role: "department_head",
    municipality: "prishtine",
    department: "public-services",
  },
  {
    local: "zyrtari.prishtine",
    name: "Arta Morina",
    language: "sq",
    role: "officer",
    municipality: "prishtine",
    department: "public-services",
  },
  {
    local: "koordinatori.prizren",
    name: "Fatmire Kryeziu",
    language: "sq",
    role: "participation_coordinator",
    municipality: "prizren",
  },
  {
    local: "zyrtari.prizren",
    name: "Emre Yıldız",
    language: "sq",
    role: "officer",
    municipality: "prizren",
    department: "urbanism",
  },
  {
    local: "koordinator.gracanica",
    name: "Milica Jovanović",
    language: "sr",
    role: "participation_coordinator",
    municipality: "gracanice",
  },
  {
    local: "sluzbenik.gracanica",
    name: "Nikola Petrović",
    language: "sr",
    role: "officer",
    municipality: "gracanice",
    department: "public-services",
  },
  { local: "lirije.shala", name: "Lirije Shala", language: "sq" },
  { local: "stefan.ilic", name: "Stefan Ilić", language: "sr" },
];

export interface DemoCase {
  municipality: string;
  category: string;
  status: CaseStatus;
  language: "sq" | "sr" | "en";
  title: string;
  description: string;
  address?: string;
  at?: [number, number];
  /** The demo citizen who sent it; anonymous when absent. */
  submitter?: string;
  department?: string;
  reason?: string;
  /** How many days before the seed's "now" it was received. */
  daysAgo: number;
}

export const DEMO_CASES: DemoCase[] = [
  {
    municipality: "prishtine",
    category: "potholes",
    status: "submitted",
    language: "sq",
    title: "Gropë e thellë në Rrugën B",
    description:
      "Një gropë rreth 40 cm e gjerë në korsinë e djathtë, para stacionit të autobusit. Makinat e shmangin duke dalë në korsinë tjetër.",
    address: "Rruga B, afër stacionit të autobusit",
    at: [42.6552, 21.1786],
    submitter: "lirije.shala",
    daysAgo: 0,
  },
  {
    municipality: "prishtine",
    category: "public-lighting",
    status: "acknowledged",
    language: "sq",
    title: "Ndriçimi publik nuk punon në Rrugën Garibaldi",
    description: "Tri shtylla me radhë janë pa dritë që nga e hëna. Rruga është shumë e errët në mbrëmje.",
    address: "Rruga Garibaldi",
    at: [42.6605, 21.1608],
    daysAgo: 1,
  },
  {
    municipality: "prishtine",
    category: "waste",
    status: "assigned",
    language: "sq",
    title: "Kontejnerët e mbeturinave nuk janë zbrazur",
    description:
      "Kontejnerët pranë shkollës nuk janë zbrazur prej pesë ditësh dhe mbeturinat janë shpërndarë në trotuar.",
    address: "Lagjja Dardania, pranë shkollës fillore",
    at: [42.6489, 21.1487],
    submitter: "lirije.shala",
    department: "public-services",
    daysAgo: 2,
  },
  {
    municipality: "prishtine",
    category: "pavement",
    status: "in_progress",
    language: "sq",
    title: "Trotuar i dëmtuar te Sheshi Zahir Pajaziti",
    description:
      "Pllakat e trotuarit janë të ngritura dhe të thyera; një person me karrocë nuk mund të kalojë.",
    address: "Sheshi Zahir Pajaziti",
    at: [42.6609, 21.1622],
    department: "public-services",
    daysAgo: 6,
  },
  {
    municipality: "prishtine",
    category: "information",
    status: "awaiting_citizen",
    language: "sq",
    title: "Orari i grumbullimit të mbeturinave në Ulpianë",
    description: "Kur grumbullohen mbeturinat e vëllimshme në lagjen Ulpianë?",
    submitter: "lirije.shala",
    department: "public-services",
    daysAgo: 8,
  },
  {
    municipality: "prishtine",
    category: "access-to-documents",
    status: "answered",
    language: "en",
    title: "Copy of the 2026 street maintenance contract",
    description:
      "I request a copy of the contract for the maintenance of municipal roads signed in 2026, with its annexes.",
    department: "administration",
    daysAgo: 12,
  },
  {
    municipality: "prishtine",
    category: "snow-ice",
    status: "resolved",
    language: "sq",
    title: "Akull në shkallët e tregut",
    description: "Shkallët që të çojnë te tregu janë të mbuluara me akull dhe janë të rrezikshme.",
    address: "Tregu i gjelbër, hyrja kryesore",
    at: [42.6625, 21.1655],
    department: "public-services",
    daysAgo: 15,
  },
  {
    municipality: "prishtine",
    category: "parks",
    status: "reopened",
    language: "sq",
    title: "Ulëset e thyera në Parkun e Qytetit",
    description: "Dy ulëse janë të thyera dhe kanë gozhdë të dala jashtë.",
    address: "Parku i Qytetit",
    at: [42.6686, 21.1658],
    submitter: "lirije.shala",
    department: "public-services",
    daysAgo: 25,
  },
  {
    municipality: "prishtine",
    category: "graffiti",
    status: "closed",
    language: "sq",
    title: "Grafite në murin e bibliotekës",
    description: "Muri anësor i bibliotekës së lagjes është mbushur me grafite.",
    address: "Biblioteka e lagjes Kodra e Diellit",
    at: [42.6712, 21.1834],
    department: "public-services",
    daysAgo: 40,
  },
  {
    municipality: "prishtine",
    category: "noise",
    status: "rejected",
    language: "sq",
    title: "Zhurmë nga aeroplanët",
    description: "Aeroplanët fluturojnë ulët mbi lagje gjatë natës.",
    reason: "not-municipal-competence",
    daysAgo: 20,
  },
  {
    municipality: "prishtine",
    category: "water-supply",
    status: "referred",
    language: "sq",
    title: "Pa ujë në lagjen Arbëria",
    description: "Nuk ka ujë në rubinet që nga mëngjesi.",
    address: "Lagjja Arbëria",
    at: [42.6508, 21.1702],
    reason: "referred-public-enterprise",
    daysAgo: 3,
  },
  {
    municipality: "prishtine",
    category: "potholes",
    status: "merged",
    language: "sq",
    title: "Gropë te stacioni i autobusit në Rrugën B",
    description: "E njëjta gropë si në raportimin tjetër, para stacionit.",
    address: "Rruga B",
    at: [42.6553, 21.1785],
    reason: "duplicate",
    daysAgo: 0,
  },
  {
    municipality: "prishtine",
    category: "infrastructure-proposal",
    status: "acknowledged",
    language: "sq",
    title: "Korsi për biçikleta në Bulevardin Bill Klinton",
    description:
      "Propozoj një korsi të ndarë për biçikleta përgjatë bulevardit, nga qendra deri te Veternik.",
    submitter: "lirije.shala",
    daysAgo: 9,
  },
  {
    municipality: "prizren",
    category: "illegal-construction",
    status: "in_progress",
    language: "sq",
    title: "Ndërtim pa leje në zonën historike",
    description: "Po ndërtohet një kat shtesë pa leje në një shtëpi të zonës historike.",
    address: "Zona historike, afër Shadërvanit",
    at: [42.2093, 20.7397],
    department: "urbanism",
    daysAgo: 10,
  },
  {
    municipality: "prizren",
    category: "service-feedback",
    status: "answered",
    language: "sq",
    title: "Shërbim i shpejtë në zyrën e gjendjes civile",
    description: "Certifikata u lëshua brenda dhjetë minutash. Faleminderit.",
    daysAgo: 14,
  },
  {
    municipality: "gracanice",
    category: "public-lighting",
    status: "assigned",
    language: "sr",
    title: "Ne radi javna rasveta kod doma zdravlja",
    description: "Ulične svetiljke ispred doma zdravlja ne rade već nedelju dana.",
    address: "Ispred doma zdravlja",
    at: [42.5985, 21.1936],
    submitter: "stefan.ilic",
    department: "public-services",
    daysAgo: 4,
  },
  {
    municipality: "gracanice",
    category: "stray-animals",
    status: "submitted",
    language: "sr",
    title: "Čopor pasa lutalica kod škole",
    description: "Svakog jutra kod škole se okuplja pet ili šest pasa lutalica.",
    address: "Osnovna škola, glavni ulaz",
    at: [42.6001, 21.1952],
    daysAgo: 0,
  },
  // Resolved a few days ago and still within the reopen window: its submitter may rate it or reopen it.
  {
    municipality: "prishtine",
    category: "playgrounds",
    status: "resolved",
    language: "sq",
    title: "Lëkundëse e thyer në këndin e lojërave në Sunny Hill",
    description:
      "Zinxhiri i njërës lëkundëse është këputur dhe ulësja varet në njërën anë. Fëmijët vazhdojnë ta përdorin.",
    address: "Këndi i lojërave, Sunny Hill",
    at: [42.6469, 21.1723],
    submitter: "lirije.shala",
    department: "public-services",
    daysAgo: 7,
  },
];
