// A citizen of a municipality that uses Turkish or Bosnian writes in it and is answered in it (issue 10,
// docs/LANGUAGES.md): what each form lets a person choose, what the server accepts from the web journey,
// staff-assisted entry, the JSON API and Open311, the acknowledgement email in Turkish through a real SMTP
// server, the standard responses in the case's language (in a database made before them too), the pages
// of consultations and meetings in their municipality's languages, and Mamushë's Turkish name.
import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { formatDay } from "../../src/cases/web/casePages.tsx";
import { cases, municipalities, responseTemplates } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { translator } from "../../src/kernel/i18n.ts";
import { smtpMailer } from "../../src/notifications/mailer.ts";
import { deliverDue } from "../../src/notifications/outbox.ts";
import { prepareDatabase } from "../../src/platform.ts";
import { loadProfile } from "../../src/reference/profile.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { NATIONAL_TEMPLATES } from "../../src/workspace/templates.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { startSmtpServer } from "../support/smtp.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let apiKey: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
  p = await createTestPlatform({
    demo: true,
    now: "2026-11-26T10:00:00Z",
    mailer: () => smtpMailer(smtp.url, "E-Komuna <no-reply@ekomuna.test>"),
  });
  const made = await createApiClient(db(), { name: "Languages test", now: p.clock.now(), via: "test" });
  if (!made.ok) throw new Error(made.reason);
  apiKey = made.key;
});
afterAll(async () => {
  await p?.close();
  await smtp?.close();
});

const db = () => p.deps.database.db;

/** Runs `body` while the municipality offers the languages `change` makes of its own, then puts them back. */
async function withLanguages(
  slug: string,
  change: (languages: string[]) => string[],
  body: () => Promise<void>,
) {
  const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, slug));
  const set = async (languages: string[]) => {
    await db().update(municipalities).set({ languages }).where(eq(municipalities.id, m!.id));
    forgetReferenceData(db());
  };
  await set(change(m!.languages));
  try {
    await body();
  } finally {
    await set(m!.languages);
  }
}
const tr = translator("tr");
const en = translator("en");

function visitor(lang: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", lang);
  return web;
}

async function staff(local: string) {
  const web = visitor("en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  expect(res.statusCode).toBe(303);
  return web;
}

const pageLang = (body: string) => /<html lang="([^"]+)">/.exec(body)?.[1];
/** The languages the header's switch lists, by tag, the current one starred. */
const switchLanguages = (body: string) =>
  [
    ...(/<nav class="language-switch"[\s\S]*?<\/nav>/.exec(body)?.[0] ?? "").matchAll(
      /<(a|span)[^>]* lang="([^"]+)"/g,
    ),
  ].map((m) => (m[1] === "span" ? `${m[2]}*` : m[2]));
/** The values of the language radios of a form, the checked one starred. */
const languageRadios = (body: string) =>
  [
    ...body.matchAll(
      /<input type="radio" class="radio__input" id="language-[a-z]+" name="language" value="([a-z]+)"( checked)?/g,
    ),
  ].map((m) => `${m[1]}${m[2] ? "*" : ""}`);

/** Submits a step and expects to be sent on; answers where. */
async function step(web: WebClient, url: string, fields: Record<string, string>) {
  const res = await web.submit(url, fields);
  expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
  return res.headers.location as string;
}

/** An issue report's journey in a municipality up to its contact step; answers the draft's /submit/<token>. */
async function toContact(web: WebClient, slug: string, title: string) {
  const base = (await step(web, `/m/${slug}/submit`, { type: "issue_report" })).replace(/\/category$/, "");
  await step(web, `${base}/category`, { category: "potholes" });
  await step(web, `${base}/details`, { title, description: "Okulun önünde, sağ şeritte." });
  await step(web, `${base}/location`, { address: "Rruga e Shadërvanit 3" });
  return base;
}

const caseRow = async (code: string) => {
  const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
  return row!;
};

async function api(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await p.app.inject({
    method: "POST",
    url: `/api/v1${path}`,
    headers: {
      authorization: `Bearer ${apiKey}`,
      "content-type": "application/json",
      "idempotency-key": `lang-${Math.random().toString(36).slice(2)}`,
      ...headers,
    },
    payload: JSON.stringify(body),
  });
  return Object.assign(res, { data: res.json() });
}

const report = (municipality: string, over: Record<string, unknown> = {}) => ({
  municipality,
  type: "issue_report",
  category: "potholes",
  title: "Derin çukur",
  description: "Okulun önünde.",
  address: "Rruga e Shadërvanit 3",
  ...over,
});

describe("the language a citizen chooses for messages", () => {
  it("lists Turkish on Prizren's journey, whose steps are in Turkish; Prishtinë and registration list sq, sr, en", async () => {
    const web = visitor("tr");
    const base = await toContact(web, "prizren", "Derin çukur");
    const contact = await web.get(`${base}/contact`);
    expect(contact.statusCode).toBe(200);
    // The draft's steps are Prizren's pages: in Turkish, with Turkish in the switch.
    expect(pageLang(contact.body)).toBe("tr");
    expect(switchLanguages(contact.body)).toEqual(["sq", "sr-Latn", "en", "tr*"]);
    expect(languageRadios(contact.body)).toEqual(["sq", "sr", "en", "tr*"]);
    expect(contact.body).toContain('<label class="radio__label" for="language-tr" lang="tr">Türkçe</label>');

    const elsewhere = visitor("tr");
    const other = await toContact(elsewhere, "prishtine", "Gropë");
    const otherContact = await elsewhere.get(`${other}/contact`);
    expect(pageLang(otherContact.body)).toBe("sq");
    expect(switchLanguages(otherContact.body)).toEqual(["sq*", "sr-Latn", "en"]);
    expect(languageRadios(otherContact.body)).toEqual(["sq*", "sr", "en"]);

    expect(languageRadios((await visitor("en").get("/register")).body)).toEqual(["sq", "sr", "en*"]);
  });

  it("sends a Turkish case from Prizren, and refuses Turkish in Prishtinë with what was typed kept", async () => {
    const web = visitor("tr");
    const base = await toContact(web, "prizren", "Kaldırımda çukur");
    const fields = { name: "Ayşe", email: "ayse@example.org", phone: "", language: "tr" };
    expect(await step(web, `${base}/contact`, fields)).toBe(`${base}/check`);
    const check = await web.get(`${base}/check`);
    expect(check.body).toContain(tr("language.name.tr"));
    await step(web, `${base}/check`, {});
    const done = await web.get(`${base}/done`);
    const code = /class="confirmation-panel__code">(PRZ-2026-\d{6})</.exec(done.body)?.[1];
    expect(code).toBeDefined();
    expect((await caseRow(code!)).language).toBe("tr");

    const elsewhere = visitor("en");
    const other = await toContact(elsewhere, "prishtine", "Pothole");
    const refused = await elsewhere.submit(`${other}/contact`, fields);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(`<a href="#field-language">${en("validation.language.invalid")}</a>`);
    expect(refused.body).toContain('id="field-language-error"');
    expect(refused.body).toContain('value="Ayşe"');
    expect(refused.body).toContain('value="ayse@example.org"');
    expect(languageRadios(refused.body)).toEqual(["sq", "sr", "en"]);
  });

  it("lets Prizren's staff record a walk-in's request in Turkish, and Prishtinë's not", async () => {
    const letter = {
      category: "social-assistance",
      channel: "counter",
      receivedDate: "2026-11-25",
      receivedTime: "09:30",
      title: "Sosyal yardım başvurusu",
      description: "Beş kişilik aile kış için yardım istiyor.",
      address: "",
      contactName: "Mehmet Yılmaz",
      contactEmail: "",
      contactPhone: "+383 44 111 222",
      language: "tr",
    };
    const prizren = await staff("zyrtari.prizren");
    const form = await prizren.get("/m/prizren/assisted");
    expect(languageRadios(form.body)).toEqual(["sq", "sr", "en*", "tr"]);
    const recorded = await prizren.submit("/m/prizren/assisted", letter);
    expect(recorded.statusCode, recorded.body.slice(0, 1500)).toBe(200);
    const code = /class="confirmation__code">(PRZ-2026-\d{6})</.exec(recorded.body)?.[1];
    expect((await caseRow(code!)).language).toBe("tr");

    const prishtine = await staff("zyrtari.prishtine");
    expect(languageRadios((await prishtine.get("/m/prishtine/assisted")).body)).toEqual(["sq", "sr", "en*"]);
    const refused = await prishtine.submit("/m/prishtine/assisted", letter);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(en("validation.language.invalid"));
    expect(refused.body).toContain("Beş kişilik aile kış için yardım istiyor.");
  });
});

describe("the JSON API and Open311", () => {
  it("takes Turkish for Prizren, refuses it for Prishtinë at `language`, and says which languages each takes", async () => {
    const made = await api("/cases", report("prizren", { language: "tr" }));
    expect(made.statusCode, made.body).toBe(201);
    expect((await caseRow(made.data.trackingCode)).language).toBe("tr");

    const refused = await api("/cases", report("prishtine", { language: "tr" }), { "accept-language": "en" });
    expect(refused.statusCode).toBe(422);
    expect(refused.data.error.code).toBe("validation_failed");
    expect(refused.data.error.fields).toEqual({ language: "Must be one of: sq, sr, en." });

    // No language named: the request's, among the municipality's (Turkish in Prizren, its fallback elsewhere).
    const asked = { "accept-language": "tr-TR,tr;q=0.9" };
    const byDefault = await api("/cases", report("prizren"), asked);
    expect((await caseRow(byDefault.data.trackingCode)).language).toBe("tr");
    const fallback = await api("/cases", report("prishtine"), asked);
    expect((await caseRow(fallback.data.trackingCode)).language).toBe("sq");

    const categories = await p.app.inject({ url: "/api/v1/categories?municipality=prizren" });
    expect(categories.json().municipality.languages).toEqual(["sq", "sr", "en", "tr"]);
  });

  it("answers a retry of a Turkish case with that case after Prizren switched Turkish off, and refuses a new one", async () => {
    const key = { "idempotency-key": "lang-retry-after-switch-off" };
    const made = await api("/cases", report("prizren", { language: "tr" }), key);
    expect(made.statusCode, made.body).toBe(201);
    await withLanguages(
      "prizren",
      (languages) => languages.filter((l) => l !== "tr"),
      async () => {
        const retried = await api("/cases", report("prizren", { language: "tr" }), key);
        expect(retried.statusCode, retried.body).toBe(200);
        expect(retried.headers["idempotent-replayed"]).toBe("true");
        expect(retried.data.trackingCode).toBe(made.data.trackingCode);

        const fresh = await api("/cases", report("prizren", { language: "tr" }));
        expect(fresh.statusCode).toBe(422);
        expect(fresh.data.error.fields).toHaveProperty("language");
      },
    );
  });

  it("makes an Open311 report from a Turkish client a Turkish case in Prizren, an Albanian one in Prishtinë", async () => {
    const post = (jurisdiction: string) =>
      p.app.inject({
        method: "POST",
        url: "/open311/v2/requests.json",
        headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "tr" },
        payload: new URLSearchParams({
          api_key: apiKey,
          jurisdiction_id: jurisdiction,
          service_code: "potholes",
          address_string: "Rruga e Shadërvanit 3",
          description: "Derin çukur.",
        }).toString(),
      });
    const prizren = await post("prizren");
    expect(prizren.statusCode, prizren.body).toBe(201);
    const [turkish] = prizren.json();
    expect((await caseRow(turkish.service_request_id)).language).toBe("tr");
    const code = turkish.service_request_id as string;
    const date = formatDay(
      { lang: "tr", timeZone: p.deps.calendar.timeZone },
      (await caseRow(code)).responseDueAt!,
      true,
    );
    expect(turkish.service_notice).toBe(
      tr("open311.serviceNotice", { code, date, url: `http://127.0.0.1:3000/cases/${code}` }),
    );
    const prishtine = await post("prishtine");
    expect(prishtine.statusCode, prishtine.body).toBe(201);
    expect((await caseRow(prishtine.json()[0].service_request_id)).language).toBe("sq");
  });
});

describe("messages to the citizen", () => {
  it("sends a Turkish case's acknowledgement in Turkish, with its date in Turkish (real SMTP)", async () => {
    const web = visitor("tr");
    const base = await toContact(web, "prizren", "Sokak lambası yanmıyor");
    await step(web, `${base}/contact`, {
      name: "Zeynep",
      email: "zeynep@example.org",
      phone: "",
      language: "tr",
    });
    await step(web, `${base}/check`, {});
    const code = /(PRZ-2026-\d{6})/.exec((await web.get(`${base}/done`)).body)![1]!;
    await deliverDue(db(), p.deps.mailer, () => p.clock.now());
    const [mail] = smtp.to("zeynep@example.org");
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe(`Alındı: ${code} – Sokak lambası yanmıyor`);
    expect(mail!.raw).toContain("Sayın Zeynep,");
    expect(mail!.raw).toContain(
      tr("emails.case_acknowledged.body", { title: "Sokak lambası yanmıyor", code }),
    );
    const due = new Intl.DateTimeFormat("tr", {
      dateStyle: "full",
      timeZone: p.deps.calendar.timeZone,
    }).format(new Date((await caseRow(code)).responseDueAt!.getTime() - 1));
    expect(mail!.raw).toContain(tr("emails.case_acknowledged.due", { due }));
    expect(mail!.raw).toContain('<html lang="tr">');
  });
});

describe("standard responses in the case's language", () => {
  const seeded = async (languages: string[]) =>
    db()
      .select()
      .from(responseTemplates)
      .where(and(isNull(responseTemplates.municipalityId), inArray(responseTemplates.language, languages)));

  it("are seeded in Turkish and Bosnian, and a Turkish case's answer starts from the Turkish one", async () => {
    expect(await seeded(["tr"])).toHaveLength(NATIONAL_TEMPLATES.length);
    expect(await seeded(["bs"])).toHaveLength(NATIONAL_TEMPLATES.length);

    const made = await api("/cases", report("prizren", { language: "tr", contact: { name: "Ayşe Demir" } }));
    const code = made.data.trackingCode as string;
    const officer = await staff("koordinatori.prizren");
    const page = `/m/prizren/workspace/cases/${code}`;
    const work = await officer.get(page);
    expect(work.statusCode).toBe(200);
    const turkishTitle = tr("municipal_admin.templates.seed.acknowledged.title");
    expect(work.body).toContain(turkishTitle);
    expect(work.body).not.toContain(translator("sq")("municipal_admin.templates.seed.acknowledged.title"));
    const [acknowledged] = (await seeded(["tr"])).filter((t) => t.code === "acknowledged");
    const prefilled = await officer.get(`${page}?template=${acknowledged!.id}`);
    expect(prefilled.body).toContain("Sayın Ayşe Demir,");
    expect(prefilled.body).toContain(`${code} takip koduyla kaydettik`);
  });

  it("are added to a database made before Turkish and Bosnian had theirs at its next start, edits kept", async () => {
    await db()
      .delete(responseTemplates)
      .where(
        and(isNull(responseTemplates.municipalityId), inArray(responseTemplates.language, ["tr", "bs"])),
      );
    const sq = and(
      isNull(responseTemplates.municipalityId),
      eq(responseTemplates.code, "acknowledged"),
      eq(responseTemplates.language, "sq"),
    );
    await db().update(responseTemplates).set({ title: "Ndryshuar nga ministria" }).where(sq);
    expect(await seeded(["tr", "bs"])).toHaveLength(0);

    await prepareDatabase(p.deps.database, { demo: false, now: p.clock.now() });
    expect(await seeded(["tr", "bs"])).toHaveLength(2 * NATIONAL_TEMPLATES.length);
    const [edited] = await db().select().from(responseTemplates).where(sq);
    expect(edited!.title).toBe("Ndryshuar nga ministria");
  });

  it("can be written by the ministry in Turkish and Bosnian", async () => {
    const ministry = await staff("ministria");
    const form = await ministry.get("/ministry/standards/templates/new");
    for (const l of ["tr", "bs"]) expect(form.body).toContain(`<option value="${l}" lang="${l}"`);
    const res = await ministry.submit("/ministry/standards/templates/new", {
      code: "bilgi_tesekkur",
      language: "tr",
      appliesTo: "",
      title: "Bilgi için teşekkürler",
      body: "Sayın {{citizen_name}}, {{tracking_code}} için teşekkür ederiz.",
      reason: "Türkçe yanıt.",
    });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    const [row] = await db()
      .select()
      .from(responseTemplates)
      .where(eq(responseTemplates.code, "bilgi_tesekkur"));
    expect(row).toMatchObject({ language: "tr", title: "Bilgi için teşekkürler", municipalityId: null });
    expect((await ministry.get("/ministry/standards")).body).toContain(
      'href="/ministry/standards/templates/bilgi_tesekkur/tr" lang="tr"',
    );
  });
});

describe("a municipality's own templates and its meetings feed", () => {
  it("offer a municipality's admin only its languages: Turkish refused in Prishtinë, with what was typed kept", async () => {
    const admin = await staff("admin.prishtine");
    const form = await admin.get("/m/prishtine/admin/templates/new");
    expect(form.statusCode).toBe(200);
    for (const l of ["sq", "sr", "en"]) expect(form.body).toContain(`<option value="${l}"`);
    for (const l of ["tr", "bs"]) expect(form.body).not.toContain(`<option value="${l}"`);
    const res = await admin.submit("/m/prishtine/admin/templates/new", {
      code: "faleminderit",
      language: "tr",
      appliesTo: "",
      title: "Teşekkürler",
      body: "Sayın {{citizen_name}}.",
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<a href="#field-language">Choose the template&#39;s language</a>');
    expect(res.body).toContain('value="Teşekkürler"');
  });

  it("writes Prizren's meetings calendar in Turkish when asked, and Prishtinë's in Albanian", async () => {
    const prizren = await visitor("en").get("/m/prizren/meetings.ics?lang=tr");
    expect(prizren.statusCode).toBe(200);
    expect(prizren.body).toContain(`X-WR-CALNAME:${tr("meetings.ical.name", { municipality: "Prizren" })}`);
    const prishtine = await visitor("en").get("/m/prishtine/meetings.ics?lang=tr");
    expect(prishtine.statusCode).toBe(200);
    expect(prishtine.body).toContain(
      `X-WR-CALNAME:${translator("sq")("meetings.ical.name", { municipality: "Prishtinë" })}`,
    );
    expect((await visitor("en").get("/m/prizren/meetings.ics?lang=de")).statusCode).toBe(400);
  });
});

describe("pages of a municipality named by id", () => {
  it("offer a consultation's and a meeting's municipality's languages: Bosnian once Prishtinë switches it on", async () => {
    const bosnian = { cookie: "lang=bs" };
    const get = (url: string) => p.app.inject({ url, headers: bosnian });
    for (const url of ["/consultations/1", "/meetings/1"]) {
      const before = await get(url);
      expect(before.statusCode, url).toBe(200);
      expect(pageLang(before.body), url).toBe("sr-Latn");
      expect(switchLanguages(before.body), url).toEqual(["sq", "sr-Latn*", "en"]);
    }
    await withLanguages(
      "prishtine",
      (languages) => [...languages, "bs"],
      async () => {
        for (const url of ["/consultations/1", "/meetings/1"]) {
          const after = await get(url);
          expect(pageLang(after.body), url).toBe("bs");
          expect(switchLanguages(after.body), url).toEqual(["sq", "sr-Latn", "en", "bs*"]);
        }
      },
    );
  });
});

describe("municipality names", () => {
  it("calls Mamushë Mamuşa on its Turkish pages, from the profile's name_tr", async () => {
    const mamushe = loadProfile().municipalities.find((m) => m.slug === "mamushe")!;
    expect(mamushe.name).toEqual({ sq: "Mamushë", sr: "Mamuša", en: "Mamushë", tr: "Mamuşa" });
    // A municipality without a Turkish name of its own has none: a Turkish page shows the Albanian one.
    expect(loadProfile().municipalities.find((m) => m.slug === "prizren")!.name.tr).toBeUndefined();

    const turkish = await p.app.inject({ url: "/m/mamushe", headers: { cookie: "lang=tr" } });
    expect(pageLang(turkish.body)).toBe("tr");
    expect(turkish.body).toContain(`<h1>${tr("municipality.title", { name: "Mamuşa" })}</h1>`);
    const albanian = await p.app.inject({ url: "/m/mamushe", headers: { cookie: "lang=sq" } });
    expect(albanian.body).toContain(
      `<h1>${translator("sq")("municipality.title", { name: "Mamushë" })}</h1>`,
    );
  });

  it("names the ministry in the footer in Turkish and Bosnian too, from the profile", async () => {
    // Bosnian is offered where a municipality switches it on: Prizren does, for this test.
    await withLanguages(
      "prizren",
      (languages) => [...languages, "bs"],
      async () => {
        for (const [lang, name] of [
          ["tr", "Yerel Yönetimler İdaresi Bakanlığı"],
          ["bs", "Ministarstvo administracije lokalne samouprave"],
          ["sq", "Ministria e Administrimit të Pushtetit Lokal"],
        ] as const) {
          const page = await p.app.inject({ url: "/m/prizren", headers: { cookie: `lang=${lang}` } });
          expect(pageLang(page.body)).toBe(lang);
          const footer = /<footer[\s\S]*<\/footer>/.exec(page.body)?.[0] ?? "";
          expect(footer).toContain(translator(lang)("layout.footerText", { ministry: name }));
        }
      },
    );
  });
});
