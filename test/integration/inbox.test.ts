// The staff inbox through its pages: who sees which cases (per role), each filter, the counts per SLA
// state, the sorts and pages, saved views, the CSV export with and without personal data (and its audit
// entry), bulk actions, and query strings that mean nothing. The staff and cases are Pejë's, made here,
// so every figure is known; the demo's Prishtinë staff and cases are the "other municipality".
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  cases,
  categories,
  departments,
  municipalities,
  roleAssignments,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { parseCsv } from "../../src/kernel/csv.ts";
import {
  INBOX_SORTS,
  type InboxScope,
  type InboxSort,
  listInbox,
  openInboxExport,
} from "../../src/workspace/inboxQuery.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const INBOX = "/m/peje/workspace";

let peje: { id: number; code: string };
let dept1: number;
let dept2: number;
const staff: Record<"officerA" | "headB" | "officerC" | "coordinatorD" | "adminE", string> = {
  officerA: "",
  headB: "",
  officerC: "",
  coordinatorD: "",
  adminE: "",
};
const code = (n: number) => `PEJ-2026-${String(n).padStart(6, "0")}`;
const [c1, c2, c3, c4, c5, c6] = [1, 2, 3, 4, 5, 6].map(code) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

/** A staff account of Pejë with the demo password, holding `role` (in `department`). */
async function makeStaff(local: string, name: string, role: string, department: number | null) {
  const [demo] = await db()
    .select()
    .from(users)
    .where(eq(users.email, "zyrtari.prishtine@demo.ekomuna.example"));
  const [u] = await db()
    .insert(users)
    .values({
      email: `${local}@peje.example`,
      name,
      passwordHash: demo!.passwordHash,
      emailVerifiedAt: demo!.emailVerifiedAt,
      language: "en",
    })
    .returning();
  await db()
    .insert(roleAssignments)
    .values({ userId: u!.id, role, municipalityId: peje.id, departmentId: department });
  return u!.id;
}

async function categoryId(c: string) {
  const [row] = await db().select({ id: categories.id }).from(categories).where(eq(categories.code, c));
  return row!.id;
}

type CaseRow = typeof cases.$inferInsert;

/** A case of Pejë written as the commands would leave it. */
async function addCase(n: number, c: Partial<CaseRow> & { category: string }) {
  const { category, ...rest } = c;
  await db()
    .insert(cases)
    .values({
      trackingCode: code(n),
      municipalityId: peje.id,
      type: "issue_report",
      categoryId: await categoryId(category),
      status: "submitted",
      title: `Rasti ${n}`,
      description: "Një përshkrim.",
      receivedAt: new Date("2026-11-02T09:00:00Z"),
      ...rest,
    });
}

/** A client reading English, signed in as `email` when given. */
async function client(email?: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  if (email) {
    const res = await web.submit("/login", { email, password: DEMO_PASSWORD });
    expect(res.statusCode, `log in as ${email}`).toBe(303);
  }
  return web;
}
const as = {} as Record<keyof typeof staff, WebClient>;

/** The tracking codes of the inbox's rows, in order. */
const codesOf = (html: string) =>
  [...html.matchAll(/href="\/m\/[a-z-]+\/workspace\/cases\/([A-Z]{3}-\d{4}-\d{6,})"/g)].map((m) => m[1]!);
const decode = (s: string) =>
  s
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, "peje"));
  peje = { id: m!.id, code: m!.code };
  const made = await db()
    .insert(departments)
    .values([
      { municipalityId: peje.id, code: "roads", name: { sq: "Rrugët", sr: "Putevi", en: "Roads" } },
      { municipalityId: peje.id, code: "waste", name: { sq: "Mbeturinat", sr: "Otpad", en: "Waste" } },
    ])
    .returning();
  [dept1, dept2] = [made[0]!.id, made[1]!.id];
  staff.officerA = await makeStaff("officer.a", "Alban Officer", "officer", dept1);
  staff.headB = await makeStaff("head.b", "Besa Head", "department_head", dept1);
  staff.officerC = await makeStaff("officer.c", "Cen Officer", "officer", dept2);
  staff.coordinatorD = await makeStaff(
    "coordinator.d",
    "Dita Coordinator",
    "participation_coordinator",
    null,
  );
  staff.adminE = await makeStaff("admin.e", "Edon Admin", "municipal_admin", null);

  // "Now" is Thursday 26 November 2026, 11:00 in Pejë.
  await addCase(1, {
    category: "potholes",
    departmentId: dept1,
    status: "submitted",
    slaState: "on_track",
    slaDueAt: new Date("2026-11-30T23:00:00Z"), // the end of Monday 30 November
    channel: "web",
    // 00:30 on 20 November in Pejë: a day later than in UTC.
    receivedAt: new Date("2026-11-19T23:30:00Z"),
  });
  await addCase(2, {
    category: "potholes",
    departmentId: dept1,
    assigneeId: staff.officerA,
    status: "in_progress",
    slaState: "overdue",
    slaDueAt: new Date("2026-11-23T23:00:00Z"), // the end of Monday 23 November
    channel: "phone",
    priority: "urgent",
    receivedAt: new Date("2026-11-10T09:00:00Z"),
  });
  await addCase(3, {
    category: "waste",
    departmentId: dept2,
    assigneeId: staff.officerA, // another department's case, given to the officer personally
    status: "assigned",
    slaState: "due_soon",
    slaDueAt: new Date("2026-11-26T23:00:00Z"), // the end of today
    channel: "counter",
    priority: "high",
    receivedAt: new Date("2026-11-25T09:00:00Z"),
  });
  await addCase(4, {
    category: "waste",
    departmentId: dept2,
    assigneeId: staff.officerC,
    status: "awaiting_citizen",
    slaState: "paused",
    slaDueAt: new Date("2026-12-03T23:00:00Z"),
    channel: "paper",
    priority: "low",
    receivedAt: new Date("2026-11-01T09:00:00Z"),
  });
  await addCase(5, {
    category: "information",
    type: "request",
    status: "submitted",
    slaState: "on_track",
    slaDueAt: new Date("2026-12-10T23:00:00Z"),
    channel: "email",
    title: "Ndriçimi në rrugën e shkollës",
    contactName: "Drita Berisha",
    contactEmail: "drita@example.org",
    contactPhone: "+383 44 123 456",
    receivedAt: new Date("2026-10-15T09:00:00Z"),
  });
  await addCase(6, {
    category: "public-lighting",
    departmentId: dept1,
    status: "resolved",
    slaState: "done",
    slaDueAt: null,
    channel: "web",
    priority: "low",
    title: '=HYPERLINK("http://evil.example","lights")',
    receivedAt: new Date("2026-09-01T09:00:00Z"),
  });
  for (const [who, local] of [
    ["officerA", "officer.a"],
    ["headB", "head.b"],
    ["officerC", "officer.c"],
    ["coordinatorD", "coordinator.d"],
    ["adminE", "admin.e"],
  ] as const)
    as[who] = await client(`${local}@peje.example`);
});
afterAll(() => p.close());

describe("who sees which cases", () => {
  it("shows an officer their department's cases and those assigned to them, newest first", async () => {
    const res = await as.officerA.get(INBOX);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<h1>Inbox</h1>");
    expect(codesOf(res.body)).toEqual([c3, c1, c2, c6]);
    expect(res.body).toMatch(/role="status"[^>]*>4 cases</);
  });

  it("is linked from the account page, opening on the cases still to be worked on", async () => {
    const account = decode((await as.coordinatorD.get("/account")).body);
    const link = account.match(/href="(\/m\/peje\/workspace\?[^"]+)"[^>]*>Open the inbox</)?.[1];
    expect(link).toBeDefined();
    const body = (await as.coordinatorD.get(link!)).body;
    // c6 is resolved: in the bare inbox (every status, above), not in the one the link opens.
    expect(codesOf(body)).toEqual([c3, c1, c2, c4, c5]);
  });

  it("shows a department head their department's cases", async () => {
    expect(codesOf((await as.headB.get(INBOX)).body)).toEqual([c1, c2, c6]);
  });

  it("shows another department's officer only theirs", async () => {
    expect(codesOf((await as.officerC.get(INBOX)).body)).toEqual([c3, c4]);
  });

  it("shows the coordinator and the municipal admin every case of the municipality, and no other", async () => {
    for (const who of [as.coordinatorD, as.adminE]) {
      const body = (await who.get(INBOX)).body;
      expect(codesOf(body)).toEqual([c3, c1, c2, c4, c5, c6]);
      expect(body).not.toContain("/workspace/cases/PRI-");
    }
  });

  it("answers not found to another municipality's staff, a citizen and the ministry", async () => {
    for (const local of ["zyrtari.prishtine", "koordinatori.prishtine", "lirije.shala", "ministria"]) {
      const web = await client(`${local}@demo.ekomuna.example`);
      expect((await web.get(INBOX)).statusCode, local).toBe(404);
      expect((await web.get(`${INBOX}/export.csv`)).statusCode, local).toBe(404);
    }
    expect((await as.coordinatorD.get("/m/prishtine/workspace")).statusCode).toBe(404);
    expect((await as.coordinatorD.get("/m/no-such-place/workspace")).statusCode).toBe(404);
  });

  it("sends a visitor to log in and back", async () => {
    const res = await (await client()).get(`${INBOX}?sla=overdue`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`${INBOX}?sla=overdue`)}`);
  });
});

describe("filters", () => {
  const view = async (qs: string, who: WebClient = as.coordinatorD) => {
    const res = await who.get(`${INBOX}?${qs}`);
    expect(res.statusCode, qs).toBe(200);
    return codesOf(res.body);
  };

  it("filters by one status or several", async () => {
    expect(await view("status=submitted")).toEqual([c1, c5]);
    expect(await view("status=submitted&status=in_progress")).toEqual([c1, c2, c5]);
  });

  it("filters by type, category and channel", async () => {
    expect(await view("type=request")).toEqual([c5]);
    expect(await view("category=waste")).toEqual([c3, c4]);
    expect(await view("channel=phone")).toEqual([c2]);
  });

  it("filters by department, or none yet", async () => {
    expect(await view(`department=${dept1}`)).toEqual([c1, c2, c6]);
    expect(await view("department=unassigned")).toEqual([c5]);
  });

  it("filters by assignee: me, nobody yet, or a colleague", async () => {
    expect(await view("assignee=me", as.officerA)).toEqual([c3, c2]);
    expect(await view("assignee=unassigned")).toEqual([c1, c5, c6]);
    expect(await view(`assignee=${staff.officerC}`)).toEqual([c4]);
  });

  it("filters by the local day of receipt, in the profile's time zone", async () => {
    // c1 came in at 23:30 UTC on the 19th, which is the 20th in Pejë.
    expect(await view("from=2026-11-20")).toEqual([c3, c1]);
    expect(await view("from=2026-11-10&to=2026-11-19")).toEqual([c2]);
    expect(await view("to=2026-10-15")).toEqual([c5, c6]);
  });

  it("filters by SLA state", async () => {
    expect(await view("sla=overdue")).toEqual([c2]);
    expect(await view("sla=paused")).toEqual([c4]);
    expect(await view("sla=done")).toEqual([c6]);
  });

  it("searches words without accents, or finds a tracking code", async () => {
    expect(await view("q=ndricimi")).toEqual([c5]);
    expect(await view(`q=${c3.toLowerCase()}`)).toEqual([c3]);
  });

  it("combines filters with the actor's scope", async () => {
    expect(await view(`category=waste&status=assigned`, as.officerA)).toEqual([c3]);
    expect(await view(`department=${dept2}`, as.officerA)).toEqual([c3]);
  });
});

describe("counts per SLA state", () => {
  /** The figures of the SLA-state links, by their label. */
  const counts = (html: string) =>
    Object.fromEntries(
      [...decode(html).matchAll(/<a href="[^"]*"(?: aria-current="true")?>([A-Za-z ]+): (\d+)<\/a>/g)].map(
        (m) => [m[1]!, Number(m[2])],
      ),
    );

  it("counts the view's cases per state", async () => {
    const body = (await as.coordinatorD.get(INBOX)).body;
    expect(counts(body)).toEqual({ All: 6, "On track": 2, "Due soon": 1, Overdue: 1, Paused: 1, Done: 1 });
  });

  it("counts with the other filters but without the SLA state itself, and each figure is a link", async () => {
    const body = (await as.coordinatorD.get(`${INBOX}?department=${dept1}&sla=overdue`)).body;
    expect(counts(body)).toEqual({ All: 3, "On track": 1, "Due soon": 0, Overdue: 1, Paused: 0, Done: 1 });
    expect(decode(body)).toContain(`<a href="${INBOX}?department=${dept1}&sla=done">Done: 1</a>`);
    expect(decode(body)).toContain(`<a href="${INBOX}?department=${dept1}&sla=overdue" aria-current="true">`);
    expect(body).toMatch(/role="status"[^>]*>1 case</);
  });

  it("counts within the actor's scope", async () => {
    expect(counts((await as.officerC.get(INBOX)).body)).toEqual({
      All: 2,
      "On track": 0,
      "Due soon": 1,
      Overdue: 0,
      Paused: 1,
      Done: 0,
    });
  });
});

describe("rows", () => {
  it("shows each case's details, with the time left in working days or the days overdue", async () => {
    const body = (await as.coordinatorD.get(INBOX)).body;
    const row = (c: string) => body.slice(body.indexOf(`/workspace/cases/${c}`)).split("</tr>")[0]!;
    expect(row(c1)).toContain("due in 2 working days"); // Friday and Monday
    expect(row(c1)).toContain("On track");
    expect(row(c1)).toContain("Roads");
    expect(row(c1)).toContain("November 20, 2026");
    expect(row(c2)).toContain("3 days overdue");
    expect(row(c2)).toContain("Urgent");
    expect(row(c2)).toContain("Alban Officer");
    expect(row(c2)).toContain("Phone");
    expect(row(c3)).toContain("due today");
    expect(row(c4)).toContain("Paused");
    expect(row(c4)).not.toContain("due ");
    expect(row(c5)).toContain("Nobody yet");
    expect(row(c5)).toContain("None yet");
    expect(row(c5)).toContain('<strong class="status-tag status-tag--submitted">Submitted</strong>');
    expect(row(c6)).toContain("Done");
  });
});

describe("sorting", () => {
  const order = async (sort: string) => codesOf((await as.coordinatorD.get(`${INBOX}?sort=${sort}`)).body);

  it("sorts by receipt, newest or oldest first", async () => {
    expect(await order("received_desc")).toEqual([c3, c1, c2, c4, c5, c6]);
    expect(await order("received_asc")).toEqual([c6, c5, c4, c2, c1, c3]);
  });

  it("sorts by deadline, soonest first, cases with no running clock last", async () => {
    expect(await order("due")).toEqual([c2, c3, c1, c4, c5, c6]);
  });

  it("sorts by priority, then newest first", async () => {
    expect(await order("priority")).toEqual([c2, c3, c1, c5, c4, c6]);
  });

  it("sorts by status in lifecycle order", async () => {
    expect(await order("status")).toEqual([c1, c5, c3, c2, c4, c6]);
  });

  it("marks the sorted column for screen readers", async () => {
    const body = (await as.coordinatorD.get(`${INBOX}?sort=due`)).body;
    expect(body).toContain('<th scope="col" aria-sort="ascending">Deadline</th>');
  });

  it("exports in batches in the same order as the page, for every sort", async () => {
    const scope: InboxScope = { kind: "municipality", municipalityId: peje.id };
    for (const sort of INBOX_SORTS as readonly InboxSort[]) {
      for (const filters of [
        { statuses: [] },
        { statuses: ["submitted" as const] },
        { statuses: [], department: dept1 },
      ]) {
        const page = await listInbox(db(), scope, filters, { sort, page: 1, timeZone: "Europe/Belgrade" });
        const exported = await openInboxExport(db(), scope, filters, {
          sort,
          timeZone: "Europe/Belgrade",
          personal: false,
          batchSize: 2,
        });
        const batched: string[] = [];
        for await (const batch of exported.batches()) {
          expect(batch.length).toBeLessThanOrEqual(2);
          batched.push(...batch.map((r) => r.trackingCode));
        }
        expect(exported.count).toBe(batched.length);
        expect(batched, sort).toEqual(page.items.map((i) => i.trackingCode));
      }
    }
  });
});

describe("query strings that mean nothing", () => {
  it.each([
    ["status=lost", "Choose statuses from the list"],
    ["type=complaint", "Choose a type from the list"],
    ["category=no-such-category", "Choose a category from the list"],
    ["department=999999", "Choose a department from the list"],
    ["department=roads", "Choose a department from the list"],
    ["assignee=someone", "Choose a person from the list"],
    ["channel=pigeon", "Choose a channel from the list"],
    ["sla=late", "Choose a deadline state from the list"],
    ["from=2026-02-30", "Enter the start date as a real date"],
    ["to=yesterday", "Enter the end date as a real date"],
    ["from=2026-11-20&to=2026-11-01", "The end date must be the same as or after the start date"],
    ["sort=random", "Choose an order from the list"],
    ["page=0", "The page number is not valid"],
    ["page=9999", "Only the first 500 pages can be shown"],
    ["q=%21%21%21", "Enter words or a tracking code to search for"],
    [`q=${"a".repeat(201)}`, "Search for 200 characters or fewer"],
    ["q=%00", "Enter words or a tracking code to search for"],
  ])("%s: the page again with a message", async (qs, message) => {
    const res = await as.coordinatorD.get(`${INBOX}?${qs}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("<title>Error: Inbox");
    expect(decode(res.body)).toContain(message);
    expect(codesOf(res.body)).toEqual([]);
  });

  it("does not take a department of another municipality", async () => {
    const [other] = await db()
      .select()
      .from(departments)
      .where(eq(departments.code, "public-services"))
      .limit(1);
    expect((await as.coordinatorD.get(`${INBOX}?department=${other!.id}`)).statusCode).toBe(400);
  });

  it("answers the export of such a view with the page and its message", async () => {
    const res = await as.coordinatorD.get(`${INBOX}/export.csv?sla=late`);
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("text/html");
  });
});

describe("saved views", () => {
  /** The names and addresses of the saved views listed on a page. */
  const viewsOf = (html: string) => {
    const section = html.slice(
      html.indexOf('id="views-heading"'),
      html.indexOf("</section>", html.indexOf('id="views-heading"')),
    );
    return [...decode(section).matchAll(/<li><a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[2]!, m[1]!]);
  };

  it("saves the current view under a name, lists it as a link, and keeps it per person", async () => {
    const res = await as.coordinatorD.submit(
      `${INBOX}?sla=overdue&sort=due`,
      { viewName: "Overdue first" },
      `${INBOX}/views`,
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${INBOX}?sla=overdue&sort=due&notice=view_saved`);
    const page = await as.coordinatorD.get(res.headers.location as string);
    expect(page.body).toContain("The view has been saved.");
    expect(viewsOf(page.body)).toEqual([["Overdue first", `${INBOX}?sla=overdue&sort=due`]]);
    expect(codesOf((await as.coordinatorD.get(`${INBOX}?sla=overdue&sort=due`)).body)).toEqual([c2]);
    // Another person's list is their own.
    expect(viewsOf((await as.officerA.get(INBOX)).body)).toEqual([]);
  });

  it("keeps a view to the inbox of the municipality it was saved in", async () => {
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [held] = await db()
      .insert(roleAssignments)
      .values({
        userId: staff.coordinatorD,
        role: "participation_coordinator",
        municipalityId: prishtine!.id,
      })
      .returning();
    try {
      const other = await as.coordinatorD.get("/m/prishtine/workspace");
      expect(other.statusCode).toBe(200);
      // Pejë's view names Pejë's departments and people: not offered in Prishtinë's inbox.
      expect(viewsOf(other.body)).toEqual([]);
      expect(viewsOf((await as.coordinatorD.get(INBOX)).body).map(([name]) => name)).toEqual([
        "Overdue first",
      ]);
    } finally {
      await db().delete(roleAssignments).where(eq(roleAssignments.id, held!.id));
    }
  });

  it("replaces a view saved again under the same name", async () => {
    await as.coordinatorD.submit(`${INBOX}?type=request`, { viewName: "overdue FIRST" }, `${INBOX}/views`);
    expect(viewsOf((await as.coordinatorD.get(INBOX)).body)).toEqual([
      ["overdue FIRST", `${INBOX}?type=request`],
    ]);
  });

  it("asks for a name, keeping the view", async () => {
    const res = await as.coordinatorD.submit(`${INBOX}?channel=web`, { viewName: "  " }, `${INBOX}/views`);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("Enter a name for the view");
    expect(codesOf(res.body)).toEqual([c1, c6]);
    const long = await as.coordinatorD.submit(INBOX, { viewName: "x".repeat(81) }, `${INBOX}/views`);
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain("Enter a name of 80 characters or fewer");
  });

  it("deletes a view, only its owner's", async () => {
    const page = (await as.coordinatorD.get(INBOX)).body;
    const action = decode(page).match(/action="(\/m\/peje\/workspace\/views\/[0-9a-f-]+\/delete)"/)![1]!;
    const stranger = await as.officerA.postWithToken(action, {}, INBOX);
    expect(stranger.statusCode).toBe(404);
    const res = await as.coordinatorD.submit(INBOX, {}, action);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${INBOX}?notice=view_deleted`);
    const after = (await as.coordinatorD.get(res.headers.location as string)).body;
    expect(after).toContain("The view has been deleted.");
    expect(viewsOf(after)).toEqual([]);
  });

  it("refuses a save without the form's token", async () => {
    const res = await as.coordinatorD.post(`${INBOX}/views`, { viewName: "No token", view: "" });
    expect(res.statusCode).toBe(403);
  });
});

describe("CSV export", () => {
  const personalExports = async () =>
    (await db().select().from(auditLog)).filter((e) => e.action === "case.exported_personal");
  const csvOf = (body: string) => {
    expect(body.startsWith("\uFEFF")).toBe(true);
    return parseCsv(body.slice(1));
  };

  it("exports the view without contact details for an officer, and records nothing", async () => {
    const res = await as.officerA.get(`${INBOX}/export.csv?sort=received_asc`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="inbox-peje-2026-11-26.csv"');
    const rows = csvOf(res.body);
    expect(rows.map((r) => r["Tracking code"])).toEqual([c6, c2, c1, c3]);
    expect(Object.keys(rows[0]!)).not.toContain("Contact email");
    expect(rows.find((r) => r["Tracking code"] === c2)).toMatchObject({
      Status: "In progress",
      Priority: "Urgent",
      Department: "Roads",
      "Assigned to": "Alban Officer",
      "Deadline state": "Overdue",
      Due: "2026-11-24 00:00",
      Channel: "Phone",
      Received: "2026-11-10 10:00",
    });
    expect(await personalExports()).toEqual([]);
  });

  it("exports contact details for the coordinator, and records the export with its filters and size", async () => {
    const res = await as.coordinatorD.get(`${INBOX}/export.csv?type=request`);
    expect(res.statusCode).toBe(200);
    const rows = csvOf(res.body);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      "Tracking code": c5,
      "Contact name": "Drita Berisha",
      "Contact email": "drita@example.org",
      "Contact phone": "+383 44 123 456",
    });
    const entries = await personalExports();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorId: staff.coordinatorD,
      municipalityId: peje.id,
      data: { filters: "type=request", sort: "received_desc", rows: 1 },
    });
  });

  it("keeps a title that a spreadsheet would run as a formula as text", async () => {
    const rows = csvOf((await as.coordinatorD.get(`${INBOX}/export.csv?sla=done`)).body);
    expect(rows.map((r) => r.Title)).toEqual(['\'=HYPERLINK("http://evil.example","lights")']);
  });

  it("gives the municipal admin no contact details", async () => {
    const rows = csvOf((await as.adminE.get(`${INBOX}/export.csv`)).body);
    expect(rows).toHaveLength(6);
    expect(Object.keys(rows[0]!)).not.toContain("Contact name");
  });

  it("offers the export from the page, saying whether it holds contact details", async () => {
    const coordinator = decode((await as.coordinatorD.get(`${INBOX}?channel=web`)).body);
    expect(coordinator).toContain(`href="${INBOX}/export.csv?channel=web"`);
    expect(coordinator).toContain("recorded in the audit log");
    expect(decode((await as.officerA.get(INBOX)).body)).toContain("The file has no contact details.");
  });
});

describe("bulk actions", () => {
  const version = async (c: string) =>
    (await db().select({ v: cases.version }).from(cases).where(eq(cases.trackingCode, c)))[0]!.v;
  const row = async (c: string) => (await db().select().from(cases).where(eq(cases.trackingCode, c)))[0]!;

  it("offers an officer status changes but not assignment, and the admin no bulk form", async () => {
    const officer = (await as.officerA.get(INBOX)).body;
    expect(officer).toContain(`name="case" value="${c1}@`);
    expect(officer).toContain('<option value="start">');
    expect(officer).not.toContain('<option value="assign">');
    const admin = (await as.adminE.get(INBOX)).body;
    expect(admin).not.toContain(`${INBOX}/bulk`);
    expect(admin).not.toContain('name="case"');
  });

  it("assigns the ticked cases and tells, per case, what was done and what not", async () => {
    const stale = (await version(c2)) + 1;
    const res = await as.headB.submit(
      INBOX,
      {
        case: `${c1}@${await version(c1)}`,
        bulkAction: "assign",
        bulkDepartment: String(dept1),
        bulkAssignee: staff.officerA,
      },
      `${INBOX}/bulk`,
    );
    // The form sends one value per ticked box: a second case goes in a second field of the same name.
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${INBOX}?done=${c1}`);
    expect(await row(c1)).toMatchObject({ status: "assigned", assigneeId: staff.officerA });

    const body = new URLSearchParams();
    const page = (await as.headB.get(INBOX)).body;
    body.set("_csrf", page.match(/name="_csrf" value="([^"]+)"/)![1]!);
    body.set("view", "sort=due");
    body.append("case", `${c2}@${stale}`);
    body.append("case", `${c6}@${await version(c6)}`);
    body.append("case", "PRI-2026-000001@0");
    body.set("bulkAction", "assign");
    body.set("bulkAssignee", staff.headB);
    const mixed = await p.app.inject({
      method: "POST",
      url: `${INBOX}/bulk`,
      headers: {
        cookie: [...as.headB.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": "application/x-www-form-urlencoded",
      },
      payload: body.toString(),
    });
    expect(mixed.statusCode).toBe(303);
    expect(decodeURIComponent(mixed.headers.location as string)).toBe(
      `${INBOX}?sort=due&failed=${c2}:case_changed&failed=${c6}:not_allowed_from_status&failed=PRI-2026-000001:not_found`,
    );
    const told = decode((await as.headB.get(mixed.headers.location as string)).body);
    expect(told).toContain("Not done for 3 cases:");
    expect(told).toContain(`${c2}: someone changed the case after this page was shown`);
    expect(told).toContain(`${c6}: not possible in the case's current status`);
    expect(told).toContain("PRI-2026-000001: the case was not found here");
    expect((await row(c2)).assigneeId).toBe(staff.officerA);
  });

  it("changes status for an officer, case by case", async () => {
    const res = await as.officerA.submit(
      `${INBOX}?status=assigned`,
      { case: `${c1}@${await version(c1)}`, bulkAction: "start" },
      `${INBOX}/bulk`,
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${INBOX}?status=assigned&done=${c1}`);
    expect((await row(c1)).status).toBe("in_progress");
    const page = decode((await as.officerA.get(res.headers.location as string)).body);
    expect(page).toContain(`Done for 1 case: ${c1}.`);
  });

  it("asks again, with the form kept, when nothing is ticked or a choice is missing", async () => {
    const none = await as.coordinatorD.submit(INBOX, { bulkAction: "start" }, `${INBOX}/bulk`);
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain("Tick at least one case in the table");
    const noReason = await as.coordinatorD.submit(
      INBOX,
      { case: `${c5}@${await version(c5)}`, bulkAction: "reject" },
      `${INBOX}/bulk`,
    );
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain("Choose the reason for rejecting");
    expect(noReason.body).toContain(`name="case" value="${c5}@0" checked`);
    const noTarget = await as.coordinatorD.submit(
      INBOX,
      { case: `${c5}@${await version(c5)}`, bulkAction: "assign" },
      `${INBOX}/bulk`,
    );
    expect(noTarget.statusCode).toBe(422);
    expect(noTarget.body).toContain("Choose a department or an officer to assign the cases to");
    const forged = await as.coordinatorD.submit(
      INBOX,
      { case: "anything", bulkAction: "start" },
      `${INBOX}/bulk`,
    );
    expect(forged.statusCode).toBe(422);
    expect((await row(c5)).status).toBe("submitted");
  });

  it("assigns a case awaiting the citizen, which keeps awaiting them with its clocks paused", async () => {
    const pauses = [{ from: "2026-11-20T09:00:00.000Z" }];
    await addCase(50, {
      category: "waste",
      departmentId: dept2,
      assigneeId: staff.officerC,
      status: "awaiting_citizen",
      slaState: "paused",
      slaPauses: pauses,
      acknowledgedAt: new Date("2026-11-03T09:00:00Z"),
      firstResponseAt: new Date("2026-11-20T09:00:00Z"),
    });
    const res = await as.coordinatorD.submit(
      INBOX,
      { case: `${code(50)}@0`, bulkAction: "assign", bulkDepartment: String(dept1) },
      `${INBOX}/bulk`,
    );
    expect(res.headers.location).toBe(`${INBOX}?done=${code(50)}`);
    expect(await row(code(50))).toMatchObject({
      status: "awaiting_citizen",
      departmentId: dept1,
      assigneeId: null,
      slaState: "paused",
      slaPauses: pauses,
    });
  });

  it("rejects with a national reason code", async () => {
    const res = await as.coordinatorD.submit(
      INBOX,
      { case: `${c5}@${await version(c5)}`, bulkAction: "reject", bulkReason: "out-of-scope" },
      `${INBOX}/bulk`,
    );
    expect(res.headers.location).toBe(`${INBOX}?done=${c5}`);
    expect(await row(c5)).toMatchObject({ status: "rejected", reasonCode: "out-of-scope" });
  });
});

describe("pages", () => {
  it("pages through a long inbox, 25 cases a page", async () => {
    for (let n = 100; n < 130; n++)
      await addCase(n, {
        category: "graffiti",
        departmentId: dept2,
        receivedAt: new Date(Date.UTC(2026, 7, 1, n - 100)),
      });
    const first = await as.officerC.get(`${INBOX}?category=graffiti`);
    expect(codesOf(first.body)).toHaveLength(25);
    expect(first.body).toContain("<title>Inbox, page 1 of 2");
    expect(decode(first.body)).toContain(`href="${INBOX}?category=graffiti&page=2"`);
    const second = await as.officerC.get(`${INBOX}?category=graffiti&page=2`);
    expect(codesOf(second.body)).toEqual([code(104), code(103), code(102), code(101), code(100)]);
    const past = await as.officerC.get(`${INBOX}?category=graffiti&page=3`);
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain("This page is past the last page of cases.");
  });
});
