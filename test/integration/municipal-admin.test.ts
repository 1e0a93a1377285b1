// A municipality's set-up through its pages, signed in as the demo municipal admin of Prishtinë:
// departments, routing rules, response templates and tightened response standards. Every change is
// audited with it; bad input answers 422 with the form kept and changes nothing; other staff see nothing.
import { and, asc, count, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  categories,
  departments,
  municipalities,
  responseTemplates,
  roleAssignments,
  routingRules,
  slaStandards,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { ALL_LANGUAGES } from "../../src/kernel/i18n.ts";
import { referenceData } from "../../src/reference/referenceCache.ts";
import { loadRoutingRules, routeCase } from "../../src/workspace/routing.ts";
import {
  fillTemplate,
  NATIONAL_TEMPLATES,
  seedResponseTemplates,
  templatesFor,
  unknownPlaceholders,
} from "../../src/workspace/templates.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let admin: WebClient;
let prishtine: number;
let prizren: number;
const db = () => p.deps.database.db;
const A = "/m/prishtine/admin";

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

const municipalityId = async (slug: string) =>
  (await db().select().from(municipalities).where(eq(municipalities.slug, slug)))[0]!.id;
const categoryId = async (code: string) =>
  (
    await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, code), isNull(categories.municipalityId)))
  )[0]!.id;
const departmentOf = async (code: string) =>
  (
    await db()
      .select()
      .from(departments)
      .where(and(eq(departments.municipalityId, prishtine), eq(departments.code, code)))
  )[0];
const audits = async (action: string) =>
  db().select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));
const rulesOf = async (m: number) =>
  db()
    .select()
    .from(routingRules)
    .where(eq(routingRules.municipalityId, m))
    .orderBy(asc(routingRules.position), asc(routingRules.id));
const countOf = async (table: typeof departments | typeof responseTemplates | typeof slaStandards) =>
  (await db().select({ n: count() }).from(table))[0]!.n;

/** The text of a page without its markup, entities decoded, for reading messages. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/\s+/g, " ");

const centre = {
  type: "Polygon",
  coordinates: [
    [
      [21.15, 42.65],
      [21.17, 42.65],
      [21.17, 42.67],
      [21.15, 42.67],
      [21.15, 42.65],
    ],
  ],
};

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  prishtine = await municipalityId("prishtine");
  prizren = await municipalityId("prizren");
  // Prizren's coordinator is made Prizren's municipal admin too: an admin, of another municipality.
  const [other] = await db()
    .select()
    .from(users)
    .where(eq(users.email, "koordinatori.prizren@demo.ekomuna.example"));
  await db()
    .insert(roleAssignments)
    .values({ userId: other!.id, role: "municipal_admin", municipalityId: prizren });
  await seedResponseTemplates(db());
  admin = await signIn("admin.prishtine");
});
afterAll(() => p.close());

describe("who may set up a municipality", () => {
  const pages = [
    "",
    "/departments",
    "/departments/public-services",
    "/routing",
    "/templates",
    "/templates/new",
    "/standards",
  ];

  it("opens every set-up page for the municipality's admin, in the page language", async () => {
    for (const page of pages) {
      const res = await admin.get(`${A}${page}`);
      expect(res.statusCode, page).toBe(200);
      // A key missing from the catalogs would show as its name.
      expect(res.body, page).not.toContain("municipal_admin.");
    }
    const index = await admin.get(A);
    for (const link of ["/departments", "/routing", "/templates", "/standards"])
      expect(index.body).toContain(`href="${A}${link}"`);
  });

  it("answers not found to an officer, to another municipality's admin, and for an unknown municipality", async () => {
    const officer = await signIn("zyrtari.prishtine");
    const otherAdmin = await signIn("koordinatori.prizren");
    for (const page of pages) {
      expect((await officer.get(`${A}${page}`)).statusCode, page).toBe(404);
      expect((await otherAdmin.get(`${A}${page}`)).statusCode, page).toBe(404);
    }
    // Their own municipality's set-up is theirs.
    expect((await otherAdmin.get("/m/prizren/admin/departments")).statusCode).toBe(200);
    expect((await admin.get("/m/no-such-place/admin")).statusCode).toBe(404);
    expect((await admin.get("/m/prizren/admin")).statusCode).toBe(404);
  });

  it("gives the participation coordinator the templates only, as the policy table grants", async () => {
    const coordinator = await signIn("koordinatori.prishtine");
    for (const page of ["/departments", "/departments/public-services", "/routing", "/standards"])
      expect((await coordinator.get(`${A}${page}`)).statusCode, page).toBe(404);
    expect((await coordinator.get(`${A}/templates`)).statusCode).toBe(200);
    const index = await coordinator.get(A);
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain(`href="${A}/templates"`);
    expect(index.body).not.toContain(`href="${A}/routing"`);
  });

  it("refuses changes from those who may not make them, and changes nothing", async () => {
    const officer = await signIn("zyrtari.prishtine");
    const otherAdmin = await signIn("koordinatori.prizren");
    const before = await countOf(departments);
    for (const who of [officer, otherAdmin]) {
      const res = await who.postWithToken(
        `${A}/departments`,
        {
          code: "intruders",
          nameSq: "Ndërhyrës",
          nameSr: "Uljezi",
        },
        "/m/prishtine",
      );
      expect(res.statusCode).toBe(404);
    }
    expect(await countOf(departments)).toBe(before);
  });

  it("sends a visitor to log in first", async () => {
    const visitor = new WebClient(p.app);
    const res = await visitor.get(`${A}/routing`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`${A}/routing`)}`);
  });
});

describe("departments", () => {
  it("creates a department with its names, audited", async () => {
    const res = await admin.submit(
      `${A}/departments`,
      { code: "culture", nameSq: "Drejtoria e Kulturës", nameSr: "Direkcija za kulturu", nameEn: "Culture" },
      `${A}/departments`,
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${A}/departments?done=department_created`);
    const created = await departmentOf("culture");
    expect(created?.name).toEqual({ sq: "Drejtoria e Kulturës", sr: "Direkcija za kulturu", en: "Culture" });
    const [entry] = await audits("department.created");
    expect(entry).toMatchObject({ subjectId: String(created!.id), municipalityId: prishtine });
    const page = await admin.get(res.headers.location as string);
    expect(text(page.body)).toContain("The department was created.");
    expect(text(page.body)).toContain("Culture");
  });

  it("refuses a code the municipality already has, or a malformed one, keeping the form", async () => {
    const before = await countOf(departments);
    const taken = await admin.submit(
      `${A}/departments`,
      { code: "public-services", nameSq: "Tjetër", nameSr: "Druga" },
      `${A}/departments`,
    );
    expect(taken.statusCode).toBe(422);
    expect(text(taken.body)).toContain("The municipality already has a department with this code");
    expect(taken.body).toContain('value="Tjetër"');
    const bad = await admin.submit(
      `${A}/departments`,
      { code: "Public Services!", nameSq: "", nameSr: "" },
      `${A}/departments`,
    );
    expect(bad.statusCode).toBe(422);
    const words = text(bad.body);
    expect(words).toContain("Use only lower-case letters, digits and single hyphens");
    expect(words).toContain("Enter the department's name in Albanian");
    expect(words).toContain("Enter the department's name in Serbian");
    expect(bad.body).toMatch(/<title>Error: /);
    expect(await countOf(departments)).toBe(before);
  });

  it("renames a department, audited, and refuses an empty name", async () => {
    const path = `${A}/departments/culture`;
    const empty = await admin.submit(path, { nameSq: "  ", nameSr: "Kultura", nameEn: "" }, path);
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain("Enter the department's name in Albanian");
    const res = await admin.submit(
      path,
      { nameSq: "Drejtoria e Kulturës dhe Rinisë", nameSr: "Direkcija za kulturu i omladinu", nameEn: "" },
      path,
    );
    expect(res.statusCode).toBe(303);
    const renamed = await departmentOf("culture");
    expect(renamed?.name).toEqual({
      sq: "Drejtoria e Kulturës dhe Rinisë",
      sr: "Direkcija za kulturu i omladinu",
    });
    const [entry] = await audits("department.renamed");
    expect(entry?.data).toMatchObject({ code: "culture", to: renamed!.name });
  });

  it("will not delete a department that has staff or cases, and says why", async () => {
    const path = `${A}/departments/public-services`;
    const page = await admin.get(path);
    expect(text(page.body)).toContain("cannot be deleted while staff or cases belong to it");
    expect(page.body).not.toContain(`action="${path}/delete"`);
    const res = await admin.postWithToken(`${path}/delete`, {}, path);
    expect(res.statusCode).toBe(409);
    expect(text(res.body)).toContain("The department was not deleted");
    expect(await departmentOf("public-services")).toBeDefined();
    expect(await audits("department.deleted")).toHaveLength(0);
  });

  it("deletes an unused department with the routing rules that send to it, audited", async () => {
    const culture = (await departmentOf("culture"))!;
    await db()
      .insert(routingRules)
      .values({ municipalityId: prishtine, departmentId: culture.id, position: 50 });
    const path = `${A}/departments/culture`;
    expect(text((await admin.get(path)).body)).toContain("are deleted with it: 1");
    const res = await admin.submit(path, {}, `${path}/delete`);
    expect(res.statusCode).toBe(303);
    expect(await departmentOf("culture")).toBeUndefined();
    expect((await rulesOf(prishtine)).some((r) => r.departmentId === culture.id)).toBe(false);
    const [entry] = await audits("department.deleted");
    expect(entry).toMatchObject({ subjectId: String(culture.id), municipalityId: prishtine });
  });
});

describe("routing rules", () => {
  const page = `${A}/routing`;

  it("shows where unmatched cases go", async () => {
    expect(text((await admin.get(page)).body)).toContain(
      "No rule matches → the participation coordinator, who assigns the case.",
    );
  });

  it("adds rules in order, with a category, a department and an optional area; submission can route by them", async () => {
    const waste = await categoryId("waste");
    const publicServices = (await departmentOf("public-services"))!;
    const urbanism = (await departmentOf("urbanism"))!;
    const environment = (await departmentOf("environment"))!;
    const add = (fields: Record<string, string>) => admin.submit(page, fields, page);
    expect(
      (await add({ category: String(waste), department: String(urbanism.id), area: JSON.stringify(centre) }))
        .statusCode,
    ).toBe(303);
    expect(
      (await add({ category: String(waste), department: String(publicServices.id), area: "" })).statusCode,
    ).toBe(303);
    const res = await add({ category: "", department: String(environment.id), area: "" });
    expect(res.headers.location).toBe(`${page}?done=rule_added`);

    const rules = await rulesOf(prishtine);
    expect(rules.map((r) => [r.categoryId, r.departmentId, r.position])).toEqual([
      [waste, urbanism.id, 0],
      [waste, publicServices.id, 1],
      [null, environment.id, 2],
    ]);
    expect(rules[0]!.area).toEqual(centre);
    expect(await audits("routing_rule.added")).toHaveLength(3);

    const loaded = (await loadRoutingRules(db())).get(prishtine)!;
    expect(routeCase(loaded, { categoryId: waste, latitude: 42.66, longitude: 21.16 })).toBe(urbanism.id);
    expect(routeCase(loaded, { categoryId: waste, latitude: 42.6, longitude: 21.1 })).toBe(publicServices.id);
    expect(routeCase(loaded, { categoryId: await categoryId("potholes") })).toBe(environment.id);
    expect((await loadRoutingRules(db())).get(prizren)).toBeUndefined();

    const list = text((await admin.get(page)).body);
    expect(list).toContain("Within an area (polygons: 1, points: 5)");
    expect(list).toContain("Any category");
  });

  it("refuses an area that is not a polygon in GeoJSON, keeping what was pasted", async () => {
    const before = await rulesOf(prishtine);
    const urbanism = (await departmentOf("urbanism"))!;
    const cases: [string, string][] = [
      ["{ not json", "The area is not valid GeoJSON"],
      ['{"type":"Point","coordinates":[21.16,42.66]}', "The area must be a GeoJSON Polygon or MultiPolygon"],
      [
        '{"type":"Polygon","coordinates":[[[21.15,42.65],[21.17,42.65],[21.17,42.67]]]}',
        "at least four points",
      ],
      [
        JSON.stringify({
          type: "Polygon",
          coordinates: [
            [
              [42.65, 21.15],
              [42.65, 21.17],
              [42.67, 21.17],
              [42.65, 21.15],
            ],
          ],
        }),
        "GeoJSON gives longitude first",
      ],
    ];
    for (const [area, message] of cases) {
      const res = await admin.submit(page, { category: "", department: String(urbanism.id), area }, page);
      expect(res.statusCode, area).toBe(422);
      expect(text(res.body), area).toContain(message);
      expect(text(res.body), area).toContain(area);
    }
    const noDepartment = await admin.submit(page, { category: "", department: "", area: "" }, page);
    expect(noDepartment.statusCode).toBe(422);
    expect(text(noDepartment.body)).toContain("Choose the department the rule sends cases to");
    // The demo gives Prizren an urbanism department (its officer works there).
    const [othersDepartment] = await db()
      .select()
      .from(departments)
      .where(eq(departments.municipalityId, prizren));
    const theirs = await admin.submit(
      page,
      { category: "", department: String(othersDepartment!.id), area: "" },
      page,
    );
    expect(theirs.statusCode).toBe(422);
    expect(text(theirs.body)).toContain("Choose a department of this municipality");
    expect(await rulesOf(prishtine)).toEqual(before);
  });

  it("moves a rule up and down, audited", async () => {
    const [first, second, third] = await rulesOf(prishtine);
    const up = await admin.submit(page, { direction: "up" }, `${page}/${third!.id}/move`);
    expect(up.statusCode).toBe(303);
    expect((await rulesOf(prishtine)).map((r) => r.id)).toEqual([first!.id, third!.id, second!.id]);
    await admin.submit(page, { direction: "down" }, `${page}/${first!.id}/move`);
    expect((await rulesOf(prishtine)).map((r) => [r.id, r.position])).toEqual([
      [third!.id, 0],
      [first!.id, 1],
      [second!.id, 2],
    ]);
    const moves = await audits("routing_rule.moved");
    expect(moves).toHaveLength(2);
    expect(moves[0]?.data).toMatchObject({ direction: "up", from: 2, to: 1 });
    const bad = await admin.postWithToken(`${page}/${first!.id}/move`, { direction: "sideways" }, page);
    expect(bad.statusCode).toBe(400);
  });

  it("deletes a rule, closing the gap in the order, audited", async () => {
    const [first, second, third] = await rulesOf(prishtine);
    const res = await admin.submit(page, {}, `${page}/${second!.id}/delete`);
    expect(res.statusCode).toBe(303);
    expect((await rulesOf(prishtine)).map((r) => [r.id, r.position])).toEqual([
      [first!.id, 0],
      [third!.id, 1],
    ]);
    expect(await audits("routing_rule.deleted")).toHaveLength(1);
    // Another municipality's rule is not found from here.
    const [prizrenDepartment] = await db()
      .select()
      .from(departments)
      .where(eq(departments.municipalityId, prizren));
    const [theirs] = await db()
      .insert(routingRules)
      .values({ municipalityId: prizren, departmentId: prizrenDepartment!.id })
      .returning();
    expect((await admin.postWithToken(`${page}/${theirs!.id}/delete`, {}, page)).statusCode).toBe(404);
    expect(
      (await admin.postWithToken(`${page}/${theirs!.id}/move`, { direction: "up" }, page)).statusCode,
    ).toBe(404);
    expect(await rulesOf(prizren)).toHaveLength(1);
  });
});

describe("response templates", () => {
  const newPage = `${A}/templates/new`;

  it("fills the placeholders it knows and leaves the others for staff to see", () => {
    const body = "{{ citizen_name }}: {{tracking_code}} due {{due_date}} {{citzen_name}} {{officer_name}}";
    expect(
      fillTemplate(body, {
        citizen_name: "Lirije",
        tracking_code: "PRI-2026-000001",
        officer_name: "{{title}}",
      }),
    ).toBe("Lirije: PRI-2026-000001 due {{due_date}} {{citzen_name}} {{title}}");
    expect(unknownPlaceholders(body)).toEqual(["citzen_name"]);
    expect(fillTemplate("{{constructor}} {{__proto__}}", {})).toBe("{{constructor}} {{__proto__}}");
  });

  it("seeds the national templates in every language, once", async () => {
    await seedResponseTemplates(db());
    const national = await db()
      .select()
      .from(responseTemplates)
      .where(isNull(responseTemplates.municipalityId));
    expect(national).toHaveLength(NATIONAL_TEMPLATES.length * ALL_LANGUAGES.length);
    const sr = national.find((t) => t.code === "acknowledged" && t.language === "sr")!;
    expect(sr.title).toBe("Primili smo vaš doprinos");
    expect(sr.body).toContain("{{tracking_code}}");
    expect(unknownPlaceholders(national.map((t) => t.body).join("\n"))).toEqual([]);
  });

  it("creates the municipality's own template, audited, and lists it beside the national ones", async () => {
    const waste = await categoryId("waste");
    const res = await admin.submit(
      newPage,
      {
        code: "waste_collected",
        language: "sq",
        appliesTo: `category:${waste}`,
        title: "Mbeturinat u mblodhën",
        body: "Mbeturinat te {{title}} ({{tracking_code}}) u mblodhën.",
      },
      newPage,
    );
    expect(res.statusCode).toBe(303);
    const [own] = await db()
      .select()
      .from(responseTemplates)
      .where(eq(responseTemplates.municipalityId, prishtine));
    expect(own).toMatchObject({
      code: "waste_collected",
      type: "issue_report",
      categoryId: waste,
      language: "sq",
    });
    expect(await audits("response_template.created")).toHaveLength(1);
    const list = text((await admin.get(`${A}/templates`)).body);
    expect(list).toContain("Mbeturinat u mblodhën");
    expect(list).toContain("We have received your input");
  });

  it("refuses an empty template, an unknown placeholder and a code taken in that language, keeping the form", async () => {
    const before = await countOf(responseTemplates);
    const empty = await admin.submit(
      newPage,
      { code: "", language: "sq", appliesTo: "", title: "", body: "" },
      newPage,
    );
    expect(empty.statusCode).toBe(422);
    const words = text(empty.body);
    for (const message of [
      "Enter the template's code",
      "Enter the template's title",
      "Enter the template's text",
    ])
      expect(words).toContain(message);
    const typo = await admin.submit(
      newPage,
      {
        code: "typo",
        language: "en",
        appliesTo: "type:request",
        title: "Hello",
        body: "Dear {{citzen_name}},",
      },
      newPage,
    );
    expect(typo.statusCode).toBe(422);
    expect(text(typo.body)).toContain("{{citzen_name}} is not a placeholder that can be filled");
    expect(typo.body).toContain("Dear {{citzen_name}},");
    const taken = await admin.submit(
      newPage,
      { code: "waste_collected", language: "sq", appliesTo: "", title: "Tjetër", body: "Tekst" },
      newPage,
    );
    expect(taken.statusCode).toBe(422);
    expect(text(taken.body)).toContain("already has a template with this code in this language");
    const wrongScope = await admin.submit(
      newPage,
      { code: "x", language: "sq", appliesTo: "category:999999", title: "T", body: "B" },
      newPage,
    );
    expect(wrongScope.statusCode).toBe(422);
    expect(await countOf(responseTemplates)).toBe(before);
  });

  it("offers the municipality's own templates first, for the category before its type, in the case's language", async () => {
    const waste = await categoryId("waste");
    await admin.submit(
      newPage,
      {
        code: "issues_generic",
        language: "sq",
        appliesTo: "type:issue_report",
        title: "Për çdo problem",
        body: "Faleminderit.",
      },
      newPage,
    );
    const found = await templatesFor(db(), {
      municipalityId: prishtine,
      type: "issue_report",
      categoryId: waste,
      language: "sq",
    });
    expect(found.map((t) => t.code)).toEqual([
      "waste_collected",
      "issues_generic",
      ...found.filter((t) => t.municipalityId === null).map((t) => t.code),
    ]);
    expect(found.filter((t) => t.municipalityId === null)).toHaveLength(NATIONAL_TEMPLATES.length);
    // Another category, another language, another municipality: not the waste template.
    const potholes = await categoryId("potholes");
    expect(
      (
        await templatesFor(db(), {
          municipalityId: prishtine,
          type: "issue_report",
          categoryId: potholes,
          language: "sq",
        })
      ).map((t) => t.code),
    ).not.toContain("waste_collected");
    expect(
      (
        await templatesFor(db(), {
          municipalityId: prishtine,
          type: "issue_report",
          categoryId: waste,
          language: "sr",
        })
      ).every((t) => t.municipalityId === null),
    ).toBe(true);
    expect(
      (
        await templatesFor(db(), {
          municipalityId: prizren,
          type: "issue_report",
          categoryId: waste,
          language: "sq",
        })
      ).every((t) => t.municipalityId === null),
    ).toBe(true);
  });

  it("edits and deactivates an own template, audited; a deactivated one is no longer offered", async () => {
    const [own] = await db()
      .select()
      .from(responseTemplates)
      .where(
        and(eq(responseTemplates.municipalityId, prishtine), eq(responseTemplates.code, "issues_generic")),
      );
    const path = `${A}/templates/${own!.id}`;
    const edited = await admin.submit(
      path,
      {
        code: "issues_generic",
        language: "sq",
        appliesTo: "type:issue_report",
        title: "Faleminderit",
        body: "Faleminderit, {{citizen_name}}.",
      },
      path,
    );
    expect(edited.statusCode).toBe(303);
    const off = await admin.submit(path, { active: "0" }, `${path}/active`);
    expect(off.statusCode).toBe(303);
    const [row] = await db().select().from(responseTemplates).where(eq(responseTemplates.id, own!.id));
    expect(row).toMatchObject({ title: "Faleminderit", active: false });
    expect(await audits("response_template.updated")).toHaveLength(1);
    expect(await audits("response_template.deactivated")).toHaveLength(1);
    const waste = await categoryId("waste");
    const found = await templatesFor(db(), {
      municipalityId: prishtine,
      type: "issue_report",
      categoryId: waste,
      language: "sq",
    });
    expect(found.map((t) => t.code)).not.toContain("issues_generic");
    // A national template is not the municipality's to edit.
    const [national] = await db()
      .select()
      .from(responseTemplates)
      .where(isNull(responseTemplates.municipalityId))
      .limit(1);
    expect((await admin.get(`${A}/templates/${national!.id}`)).statusCode).toBe(404);
  });
});

describe("response standards", () => {
  const page = `${A}/standards`;

  it("shows each category's national standard beside the municipality's", async () => {
    const words = text((await admin.get(page)).body);
    // Uncollected waste: 1, 3 and 7 working days nationally (profiles/xk/categories.csv).
    expect(words).toContain(
      "Uncollected waste (Issue report) Acknowledge: 1 working day First response: 3 working days Resolution: 7 working days The national standard applies",
    );
  });

  it("saves a tighter standard, audited; new cases of the category get it", async () => {
    const waste = await categoryId("waste");
    const res = await admin.submit(
      page,
      {
        category: String(waste),
        priority: "",
        unit: "working_days",
        ack: "1",
        firstResponse: "2",
        resolution: "5",
        note: "Vendimi i Kuvendit 12/2026",
      },
      page,
    );
    expect(res.statusCode).toBe(303);
    const [row] = await db().select().from(slaStandards).where(eq(slaStandards.municipalityId, prishtine));
    expect(row).toMatchObject({
      categoryId: waste,
      priority: null,
      ackWithin: 1,
      firstResponseWithin: 2,
      resolutionWithin: 5,
    });
    const [entry] = await audits("sla_standard.tightened");
    expect(entry?.data).toMatchObject({ category: "waste", to: { resolutionWithin: 5 }, from: null });
    const words = text((await admin.get(page)).body);
    expect(words).toContain(
      "All priorities Acknowledge: 1 working day First response: 2 working days Resolution: 5 working days",
    );
    // The reference data in memory was forgotten: cases submitted from now on get the tightened standard.
    const reference = await referenceData(db());
    expect(reference.standardFor(prishtine, waste, "normal")).toEqual({
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 2,
      resolutionWithin: 5,
    });
  });

  it("refuses a looser standard with the reason, keeping the form, and changes nothing", async () => {
    const waste = await categoryId("waste");
    const before = await db().select().from(slaStandards);
    const looser = await admin.submit(
      page,
      {
        category: String(waste),
        priority: "urgent",
        unit: "working_days",
        ack: "1",
        firstResponse: "4",
        resolution: "5",
      },
      page,
    );
    expect(looser.statusCode).toBe(422);
    expect(text(looser.body)).toContain(
      "First response: the time is longer than the national standard (3 working days); a municipality may only shorten it",
    );
    expect(looser.body).toContain('value="4"');
    const hours = await admin.submit(
      page,
      {
        category: String(waste),
        priority: "",
        unit: "hours",
        ack: "30",
        firstResponse: "48",
        resolution: "96",
      },
      page,
    );
    expect(hours.statusCode).toBe(422);
    expect(text(hours.body)).toContain(
      "Acknowledge: the time is longer than the national standard (1 working day)",
    );
    const bad = await admin.submit(
      page,
      { category: "", priority: "soon", unit: "weeks", ack: "x", firstResponse: "", resolution: "-1" },
      page,
    );
    expect(bad.statusCode).toBe(422);
    const words = text(bad.body);
    for (const message of [
      "Choose the category whose standard you tighten",
      "Choose a priority from the list",
      "Choose what the times are counted in",
      "Enter a whole number from 0 to 999",
      "Enter the time, as a whole number",
    ])
      expect(words).toContain(message);
    expect(await db().select().from(slaStandards)).toEqual(before);
    expect(await audits("sla_standard.tightened")).toHaveLength(1);
  });

  it("replaces the standard for the same category and priority, and removes it, audited", async () => {
    const waste = await categoryId("waste");
    await admin.submit(
      page,
      {
        category: String(waste),
        priority: "",
        unit: "hours",
        ack: "8",
        firstResponse: "24",
        resolution: "72",
      },
      page,
    );
    const rows = await db().select().from(slaStandards).where(eq(slaStandards.municipalityId, prishtine));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ unit: "hours", ackWithin: 8 });
    expect((await audits("sla_standard.tightened"))[1]?.data).toMatchObject({
      from: { unit: "working_days" },
      to: { unit: "hours" },
    });
    const res = await admin.submit(page, {}, `${page}/${rows[0]!.id}/delete`);
    expect(res.statusCode).toBe(303);
    expect(
      await db().select().from(slaStandards).where(eq(slaStandards.municipalityId, prishtine)),
    ).toHaveLength(0);
    expect(await audits("sla_standard.removed")).toHaveLength(1);
    const reference = await referenceData(db());
    expect(reference.standardFor(prishtine, waste, "normal")?.resolutionWithin).toBe(7);
  });
});
