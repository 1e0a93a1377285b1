// Several instances on one PostgreSQL (issue 11, docs/DEPLOYMENT.md "Several instances"): two
// `ekomuna serve --no-worker` and two `ekomuna worker` processes, as an operator runs them behind a
// reverse proxy, on one database, with a real SMTP server and the photos in an S3-compatible bucket
// (s3rver, a stand-in for S3 at a boundary we do not own). A session made on one server works on the
// other, and so does a form's CSRF token; cases submitted through both are acknowledged by email exactly
// once each; made overdue, each escalates exactly once while both workers run their deadline passes; a
// photo uploaded through one server is served by the other; and when the workers stop, every email the
// outbox holds was delivered once and only once.
//
// On the embedded database there are no several instances: it belongs to one process, so a second server
// and a worker are refused, and that is what the test checks there.
import { readdirSync } from "node:fs";
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { type Database, openDatabase } from "../../src/db/client.ts";
import { migrate, migrationsFolder } from "../../src/db/migrate.ts";
import { cases } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { prepareDatabase } from "../../src/platform.ts";
import { adminUrl, testDatabaseKind } from "../support/databaseTarget.ts";
import {
  freePort,
  isolatedEnv,
  runCli,
  type Server,
  startServer,
  startWorker,
  type Worker,
} from "../support/processes.ts";
import { startS3Server } from "../support/s3.ts";
import { startSmtpServer } from "../support/smtp.ts";

const postgres = testDatabaseKind() === "postgres";

/** Cases submitted, half through each server. */
const N = 20;
/** Overdue cases imported at once, for the two workers' deadline passes to share. */
const BACKLOG = 1_000;
const OFFICER = "zyrtari.prishtine@demo.ekomuna.example";

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A browser's cookies over fetch, whichever server it talks to (as behind a load balancer). */
class Browser {
  readonly cookies = new Map<string, string>();

  private async send(url: string, init: RequestInit = {}) {
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attributes] = c.split(";");
      const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
      const expired = value === "" || attributes.some((a) => /^\s*max-age=0$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get("location"), body: await res.text() };
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get(url: string) {
    return this.send(url);
  }

  post(url: string, form: Record<string, string>) {
    return this.send(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The CSRF token of the first form on `url`. */
  async token(url: string) {
    const token = (await this.get(url)).body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error(`no CSRF token on ${url}`);
    return token;
  }
}

if (!postgres) {
  describe("several instances on the embedded database", () => {
    let iso: Awaited<ReturnType<typeof isolatedEnv>>;
    beforeAll(async () => {
      iso = await isolatedEnv();
    });
    afterAll(() => iso.drop());

    it("are refused: a second server on the same data directory, and a worker (several instances need PostgreSQL)", {
      timeout: 120_000,
    }, async () => {
      const first = await startServer([], iso.env);
      try {
        const second = await runCli(["serve", "--port", String(await freePort())], iso.env);
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(/in use by another E-Komuna process \(pid \d+\)/);
        const worker = await runCli(["worker"], iso.env);
        expect(worker.code).toBe(2);
        expect(worker.stderr).toContain("worker needs a PostgreSQL server (DATABASE_URL)");
        expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      } finally {
        first.child.kill("SIGTERM");
        expect((await first.exited).code).toBe(0);
      }
    });
  });
} else {
  describe("two servers and two workers on one PostgreSQL", () => {
    let iso: Awaited<ReturnType<typeof isolatedEnv>>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let s3: Awaited<ReturnType<typeof startS3Server>>;
    let database: Database;
    let apiKey: string;
    let apps: Server[] = [];
    let workers: Worker[] = [];
    const codes: string[] = [];
    const contact = (i: number) => `citizen${i}@several.example`;

    const rows = async <T>(q: ReturnType<typeof sql>) =>
      ((await database.db.execute(q)) as unknown as { rows: T[] }).rows;

    beforeAll(async () => {
      [iso, smtp, s3] = await Promise.all([isolatedEnv(), startSmtpServer(), startS3Server()]);
      // The demo (its staff log in below) and an API key, once, before any process starts.
      database = await openDatabase({ kind: "postgres", url: iso.env.DATABASE_URL!, poolSize: 2 });
      await prepareDatabase(database, { demo: true, now: new Date() });
      const made = await createApiClient(database.db, {
        name: "several instances",
        rateLimit: 100_000,
        now: new Date(),
        via: "test",
      });
      if (!made.ok) throw new Error(made.reason);
      apiKey = made.key;
      // A deadline pass every second in each worker (a minute by default), so both run many while it lasts.
      const env = { ...iso.env, ...s3.env, SMTP_URL: smtp.url, SLA_CHECK_SECONDS: "1" };
      const started = await Promise.all([
        startServer(["--no-worker"], env),
        startServer(["--no-worker"], env),
        startWorker(env),
        startWorker(env),
      ]);
      apps = started.slice(0, 2) as Server[];
      workers = started.slice(2) as Worker[];
    }, 120_000);

    afterAll(async () => {
      for (const p of [...apps, ...workers]) if (p.child.exitCode === null) p.child.kill("SIGKILL");
      await Promise.all([...apps, ...workers].map((p) => p.exited));
      await database?.close();
      await Promise.all([iso?.drop(), smtp?.close(), s3?.close()]);
    });

    it("keeps a session and accepts a form's CSRF token whichever server answers", async () => {
      const [one, two] = apps as [Server, Server];
      const browser = new Browser();
      // The login form from server 1, sent to server 2.
      const token = await browser.token(`${one.url}/login`);
      const login = await browser.post(`${two.url}/login`, {
        _csrf: token,
        email: OFFICER,
        password: DEMO_PASSWORD,
      });
      expect([login.status, login.location]).toEqual([303, "/"]);
      expect(browser.cookies.has("sid")).toBe(true);
      // Signed in on server 1 with the session server 2 made.
      const account = await browser.get(`${one.url}/account`);
      expect(account.status).toBe(200);
      expect(account.body).toContain(OFFICER);

      // A token that no form gave is refused by either.
      const forged = await browser.post(`${two.url}/logout`, { _csrf: `${token.slice(0, -4)}AAAA` });
      expect(forged.status).toBe(403);
      expect((await browser.get(`${one.url}/account`)).status).toBe(200);
      // Logging out on server 2 with the form server 1 gave ends the session on both.
      const logout = await browser.post(`${two.url}/logout`, {
        _csrf: await browser.token(`${one.url}/account`),
      });
      expect(logout.status).toBe(303);
      for (const app of apps) {
        const after = await browser.get(`${app.url}/account`);
        expect([after.status, after.location]).toEqual([303, "/login?next=%2Faccount"]);
      }
    });

    it(`acknowledges ${N} cases submitted through both servers by email, each exactly once`, {
      timeout: 60_000,
    }, async () => {
      for (let i = 0; i < N; i++) {
        const app = apps[i % 2]!;
        const res = await fetch(`${app.url}/api/v1/cases`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${apiKey}`,
            "idempotency-key": `several-${i}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({
            municipality: "prishtine",
            type: "issue_report",
            category: "potholes",
            title: `Gropë ${i} në rrugë`,
            description: "Në korsinë e djathtë.",
            location: { latitude: 42.6629, longitude: 21.1655 },
            contact: { name: `Qytetari ${i}`, email: contact(i) },
            language: "sq",
          }),
        });
        expect(res.status).toBe(201);
        codes.push(((await res.json()) as { trackingCode: string }).trackingCode);
      }
      expect(new Set(codes).size).toBe(N);
      await until(() => codes.every((_, i) => smtp.to(contact(i)).length > 0), "every acknowledgement email");
      for (const [i, code] of codes.entries()) {
        const mail = smtp.to(contact(i));
        expect(mail).toHaveLength(1);
        expect(mail[0]!.raw).toContain(code);
      }
    });

    it("escalates each overdue case exactly once while both workers run their deadline passes", {
      timeout: 60_000,
    }, async () => {
      expect(codes).toHaveLength(N);
      // And a backlog imported overdue into a municipality with no staff on the platform yet (so only
      // the ministry hears of it, at the last step): enough work that the two workers' passes overlap
      // (one takes longer than the second between two looks on the 2-core development machine), each
      // taking the batches of cases the other has not locked. With the claims' locks and the conditional
      // update taken out of src/cases/slaScheduler.ts, this test found 1,200 to 1,800 steps made twice.
      const [empty] = await rows<{ id: number; slug: string }>(sql`
        select id, slug from municipalities m
        where not exists (select 1 from role_assignments r where r.municipality_id = m.id)
        order by slug limit 1`);
      const [potholes] = await rows<{ id: number }>(
        sql`select category_id as id from cases where tracking_code = ${codes[0]}`,
      );
      const prefix = empty!.slug.slice(0, 3).toUpperCase();
      const backlog = Array.from(
        { length: BACKLOG },
        (_, i) => `${prefix}-2026-8${String(i).padStart(5, "0")}`,
      );
      await database.db.insert(cases).values(
        backlog.map((trackingCode, i) => ({
          trackingCode,
          municipalityId: empty!.id,
          type: "issue_report",
          categoryId: potholes!.id,
          status: "submitted",
          title: `Gropë e vjetër ${i}`,
          description: "E pazgjidhur që nga tetori.",
          receivedAt: new Date(),
        })),
      );
      const all = sql.join(
        [...codes, ...backlog].map((c) => sql`${c}`),
        sql`, `,
      );
      // Received 40 days ago and due a check now: every step of the ladder (at the deadline, 2 and 5
      // working days after it) has come, so each case gets levels 1, 2 and 3.
      await database.db.execute(sql`update cases set received_at = received_at - interval '40 days',
        next_sla_check_at = now() where tracking_code in (${all})`);
      const escalations = () =>
        rows<{ code: string; clock: string; level: number; n: number }>(sql`
          select c.tracking_code as code, e.data->>'clock' as clock, (e.data->>'level')::int as level,
            count(*)::int as n
          from case_events e join cases c on c.id = e.case_id
          where e.type = 'escalated' group by 1, 2, 3`);
      const done = () =>
        rows<{ n: number }>(sql`select count(*)::int as n from cases
          where tracking_code in (${all}) and next_sla_check_at is not null`);
      await until(async () => (await done())[0]!.n === 0, "the deadline passes to reach every case");
      const made = await escalations();
      // No case, of the demo's or these, has any step of any clock twice.
      expect(made.filter((r) => r.n !== 1)).toEqual([]);
      const levels = new Map<string, number[]>();
      for (const r of made) levels.set(r.code, [...(levels.get(r.code) ?? []), r.level]);
      for (const code of [...codes, ...backlog]) expect(levels.get(code)?.sort()).toEqual([1, 2, 3]);
      for (const code of codes) {
        expect(
          made
            .filter((r) => r.code === code)
            .map((r) => r.level)
            .sort(),
        ).toEqual([1, 2, 3]);
      }
      // Each step was emailed to the people who now answer for it (one each in the demo), once.
      const pending = () =>
        rows<{ n: number }>(sql`select count(*)::int as n from outbox where kind = 'email'
          and topic = 'sla_escalation' and delivered_at is null and dead_at is null`);
      await until(async () => (await pending())[0]!.n === 0, "the escalation emails");
      const queued = await rows<{ to: string; subject: string }>(sql`
        select payload->>'to' as to, payload->>'subject' as subject from outbox where topic = 'sla_escalation'`);
      for (const code of codes) {
        const mine = queued.filter((m) => m.subject.includes(code));
        expect(mine).toHaveLength(3);
        // One person may answer for two steps (a coordinator standing in for a department head): as
        // many messages reached each as were queued for them, no more.
        for (const m of mine) {
          const same = (x: { subject: string }) => x.subject === m.subject;
          expect(smtp.received.filter((r) => r.to.includes(m.to) && same(r))).toHaveLength(
            mine.filter((x) => x.to === m.to && same(x)).length,
          );
        }
      }
      const audits = await rows<{ code: string; n: number }>(sql`
        select subject_id as code, count(*)::int as n from audit_log
        where action = 'case.escalated' and subject_id in (${all}) group by 1`);
      expect(audits).toHaveLength(N + BACKLOG);
      expect(audits.filter((a) => a.n !== 3)).toEqual([]);
    });

    it("serves a photo uploaded through one server from the other, out of the shared bucket", async () => {
      const [one, two] = apps as [Server, Server];
      const data = new FormData();
      const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#2a7a3b" } })
        .jpeg()
        .toBuffer();
      data.append("photos", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "a.jpg");
      const uploaded = await fetch(`${one.url}/api/v1/cases/${codes[0]}/photos`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}` },
        body: data,
      });
      expect(uploaded.status).toBe(201);
      const { photos } = (await uploaded.json()) as { photos: { id: string }[] };
      const [row] = await rows<{ key: string }>(
        sql`select storage_key as key from case_photos where id = ${photos[0]!.id}`,
      );
      const stored = await s3.object(row!.key);
      const served = await fetch(`${two.url}/photos/${photos[0]!.id}`);
      expect([served.status, served.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(stored);
      expect((await fetch(`${two.url}/photos/${photos[0]!.id}/thumbnail`)).status).toBe(200);
      // Each server reports the shared bucket.
      for (const app of apps)
        expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: "ok", storage: "ok" });
    });

    it("stops the workers and servers cleanly, and every email the outbox delivered reached the SMTP server exactly once", {
      timeout: 60_000,
    }, async () => {
      for (const w of workers) expect(w.child.exitCode).toBeNull();
      // Everything due has gone out before they stop (their own lookups: each looks every two seconds).
      await until(
        async () =>
          (
            await rows<{ n: number }>(sql`select count(*)::int as n from outbox where kind = 'email'
              and delivered_at is null and dead_at is null and available_at <= now()`)
          )[0]!.n === 0,
        "the outbox to be delivered",
      );
      for (const w of workers) w.child.kill("SIGTERM");
      for (const run of await Promise.all(workers.map((w) => w.exited))) {
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("Worker stopped cleanly.");
        expect(run.stderr).toBe("");
      }
      // The servers too; they said where the files are, and the AWS SDK printed nothing (its notice
      // about the Node versions of its future releases is switched off: src/cases/photos/s3Store.ts).
      for (const app of apps) app.child.kill("SIGTERM");
      for (const run of await Promise.all(apps.map((a) => a.exited))) {
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`Photos and documents: S3 bucket ${s3.bucket} at ${s3.endpoint}`);
        expect(run.stderr).toBe("");
      }
      const delivered = await rows<{ to: string; subject: string; attempts: number }>(sql`
        select payload->>'to' as to, payload->>'subject' as subject, attempts from outbox
        where kind = 'email' and delivered_at is not null`);
      // Each message claimed once: a second claim (a lease run out, two workers on one row) would count.
      expect(delivered.filter((r) => r.attempts !== 1)).toEqual([]);
      const tally = (pairs: string[]) => {
        const counts = new Map<string, number>();
        for (const p of pairs) counts.set(p, (counts.get(p) ?? 0) + 1);
        return [...counts].sort(([a], [b]) => a.localeCompare(b));
      };
      const address = (to: string) => (to.match(/<([^>]+)>/)?.[1] ?? to).toLowerCase();
      expect(smtp.received.length).toBe(delivered.length);
      expect(tally(smtp.received.map((m) => `${m.to.map(address).join(",")} ${m.subject}`))).toEqual(
        tally(delivered.map((r) => `${address(r.to)} ${r.subject}`)),
      );
    });
  });

  describe("a new release on several servers at once", () => {
    it("applies each migration once when three servers migrate an empty database together", async () => {
      const pg = (await import("pg")).default;
      const name = `ekomuna_migrate_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      await admin.query(`create database "${name}" template template0`);
      const servers = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ kind: "postgres", url: adminUrl(name), poolSize: 2 })),
      );
      try {
        await Promise.all(servers.map((s) => migrate(s)));
        const files = readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql"));
        const applied = (await servers[0]!.db.execute(
          sql`select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`,
        )) as unknown as { rows: { n: number; distinct: number }[] };
        expect(applied.rows[0]).toEqual({ n: files.length, distinct: files.length });
      } finally {
        for (const s of servers) await s.close();
        await admin.query(`drop database "${name}"`);
        await admin.end();
      }
    });
  });
}
