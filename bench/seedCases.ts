// Fills a benchmark database with many cases (BENCH_CASES, default 100,000), so that the case page, the
// filtered list and case creation are measured against a table the size of a national year, not the 17
// demo cases. The database is the one the app would use (DATABASE_URL, or PGlite in EKOMUNA_DATA_DIR); it
// is migrated and demo-seeded first. Cases are generated in SQL (generate_series) in batches: spread over
// the 38 municipalities and 2025, every type except proposals, every status, one in ten private, issue
// reports with a location near the municipality's seat, each with its "submitted" event and, when it moved
// on, a status event. Tracking codes are <CODE>-2025-nnnnnn and the 2025 counters are set past them, so
// new submissions never collide. Run again, it only adds what is missing.
//
//   BENCH_CASES=100000 DATABASE_URL=postgres://… node --import tsx bench/seedCases.ts
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config.ts";
import type { Database } from "../src/db/client.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { openConfiguredDatabase, prepareDatabase } from "../src/platform.ts";
import { loadProfile } from "../src/reference/profile.ts";

const BATCH = 10_000;

const TITLES = [
  "Gropë e thellë në rrugë",
  "Ndriçim publik që nuk punon",
  "Mbeturina të pambledhura prej një jave",
  "Trotuar i dëmtuar",
  "Ujë që rrjedh nga gypi",
  "Semafor i prishur",
  "Pemë e rrëzuar mbi rrugë",
  "Kanalizim i bllokuar",
  "Kërkesë për informatë mbi lejen",
  "Sugjerim për parkun e lagjes",
];
const STREETS = [
  "Nënë Tereza",
  "Agim Ramadani",
  "Luan Haradinaj",
  "Bill Clinton",
  "Fehmi Agani",
  "Rexhep Luci",
  "UÇK",
  "Garibaldi",
  "Dardania",
  "Ilir Konushevci",
];
// Weighted like a working year: most cases finished, a tail still open.
const STATUSES = [
  "submitted",
  "acknowledged",
  "assigned",
  "in_progress",
  "in_progress",
  "awaiting_citizen",
  "answered",
  "resolved",
  "resolved",
  "resolved",
  "resolved",
  "closed",
  "closed",
  "closed",
  "rejected",
  "referred",
];
const DONE = ["answered", "resolved", "closed", "rejected", "referred"];

const textArray = (values: string[]) =>
  sql.raw(`array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",")}]::text[]`);

export async function seedBenchCases(database: Database, target: number, log = console.log): Promise<number> {
  const db = database.db;
  const count = async () =>
    Number(
      ((await db.execute(sql`select count(*)::int as n from cases`)) as unknown as { rows: { n: number }[] })
        .rows[0]!.n,
    );
  const seats = [...loadProfile().seats].map(([slug, s]) => `('${slug}',${s.latitude},${s.longitude})`);
  let have = await count();
  const started = Date.now();
  while (have < target) {
    const n = Math.min(BATCH, target - have);
    // The next serial per municipality for 2025 continues from its counter.
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        with mun as (
          select m.id, m.code, seat.lat, seat.lng, row_number() over (order by m.id) - 1 as i,
                 count(*) over () as n, coalesce(tc.last, 0) as last
          from municipalities m
          join (values ${sql.raw(seats.join(","))}) as seat(slug, lat, lng) on seat.slug = m.slug
          left join tracking_counters tc on tc.municipality_id = m.id and tc.year = 2025
        ),
        cat as (
          select id, type, sensitive, row_number() over (order by id) - 1 as i, count(*) over () as n
          from categories where municipality_id is null and type <> 'proposal' and active
        ),
        g as (select s from generate_series(${have}::int, ${have + n - 1}::int) s),
        rows as (
          select g.s, mun.id as municipality_id, mun.code, mun.lat, mun.lng,
                 mun.last + row_number() over (partition by mun.id order by g.s) as serial,
                 cat.id as category_id, cat.type,
                 (${textArray(STATUSES)})[1 + (g.s * 7) % ${sql.raw(String(STATUSES.length))}] as status,
                 timestamptz '2025-01-01 08:00:00+01' + (g.s % 364) * interval '1 day'
                   + (g.s % 9) * interval '1 hour' as received_at
          from g
          join mun on mun.i = g.s % mun.n
          join cat on cat.i = (g.s / 38) % cat.n
        ),
        counters as (
          insert into tracking_counters (municipality_id, year, last)
          select municipality_id, 2025, max(serial) from rows group by municipality_id
          on conflict (municipality_id, year) do update set last = excluded.last
        ),
        inserted as (
        insert into cases (tracking_code, municipality_id, type, category_id, channel, status, visibility,
          language, title, description, latitude, longitude, address, received_at, acknowledged_at,
          resolved_at, closed_at, ack_due_at, response_due_at, resolution_due_at, created_at, updated_at,
          department_id)
        select code || '-2025-' || lpad(serial::text, 6, '0'), municipality_id, type, category_id,
          (array['web','web','web','api','counter','phone','paper','email'])[1 + s % 8], status,
          case when s % 10 = 0 then 'private' else 'public' end,
          (array['sq','sq','sq','sr','en'])[1 + s % 5],
          (${textArray(TITLES)})[1 + s % ${sql.raw(String(TITLES.length))}] || ' (' || s || ')',
          'Në rrugën ' || (${textArray(STREETS)})[1 + (s / 10) % ${sql.raw(String(STREETS.length))}] || ' nr. ' || (s % 120)
            || ': qytetarët e kanë vënë re këtë prej disa ditësh dhe kërkojnë zgjidhje. '
            || (array['Ndriçimi','Rruga','Trotuari','Uji','Kanalizimi'])[1 + (s / 3) % 5]
            || ' është përmendur. Numri i rastit në bankën e provës: ' || s || '.',
          case when type = 'issue_report' then lat + ((s * 37) % 600 - 300) / 10000.0 end,
          case when type = 'issue_report' then lng + ((s * 53) % 600 - 300) / 10000.0 end,
          'Rruga ' || (${textArray(STREETS)})[1 + (s / 10) % ${sql.raw(String(STREETS.length))}] || ' ' || (s % 120),
          received_at,
          case when status <> 'submitted' then received_at + interval '1 day' end,
          case when status in ('resolved','closed') then received_at + interval '9 days' end,
          case when status = 'closed' then received_at + interval '20 days' end,
          received_at + interval '2 days', received_at + interval '10 days', received_at + interval '21 days',
          received_at, received_at,
          -- Spread over the municipality's departments (the demo's), one in five left to the coordinator.
          case when s % 5 <> 0 then (select d.id from departments d where d.municipality_id = rows.municipality_id
            order by d.id offset (s / 5) % greatest(1, (select count(*) from departments d2
              where d2.municipality_id = rows.municipality_id)) limit 1) end
        from rows
        returning id, municipality_id, status, received_at
        )
        insert into case_events (case_id, municipality_id, type, from_status, to_status, reason_code, is_public, message, at)
        select id, municipality_id, 'submitted', null, 'submitted', null, true, null, received_at from inserted
        union all
        select id, municipality_id, 'status_changed', 'in_progress', status,
               case when status = 'rejected' then (select code from reason_codes order by code limit 1) end,
               true,
               case when status in (${sql.raw(DONE.map((s) => `'${s}'`).join(","))})
                    then 'Komuna e ka shqyrtuar dhe ka vepruar sipas kompetencave.' end,
               received_at + interval '9 days'
        from inserted where status <> 'submitted'`);
    });
    have = await count();
    log(`  ${have} cases (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  // The SLA columns as the commands keep them (slaTracking.ts), from the seeded statuses and deadlines:
  // the seeded year is over, so every open case is overdue, and not due a scheduler look.
  await db.execute(sql`
    update cases set
      sla_due_at = case when status in ('submitted','acknowledged','assigned','in_progress','reopened','awaiting_citizen')
        then case when acknowledged_at is null then ack_due_at when first_response_at is null then response_due_at
          else resolution_due_at end end,
      sla_state = case when status = 'awaiting_citizen' then 'paused'
        when status in ('submitted','acknowledged','assigned','in_progress','reopened')
          then case when resolution_due_at < now() then 'overdue' else 'on_track' end
        else 'done' end
    where sla_due_at is null and sla_state = 'on_track' and tracking_code like '%-2025-%'`);
  await db.execute(sql`analyze`);
  return have;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = Number(process.env.BENCH_CASES ?? 100_000);
  if (!Number.isInteger(target) || target < 0) throw new Error("BENCH_CASES must be a whole number");
  const config = loadConfig({ ...process.env, EKOMUNA_DEMO: "1" });
  const database = await openConfiguredDatabase(config);
  try {
    await prepareDatabase(database, { demo: true, now: systemClock.now() });
    console.log(`seeding up to ${target} cases into ${database.kind}`);
    await seedBenchCases(database, target);
  } finally {
    await database.close();
  }
}
