// The one schema (Drizzle, pg-core) for both the embedded PGlite and a PostgreSQL server. Migrations in
// drizzle/ are generated from it by drizzle-kit and applied by src/db/migrate.ts on both.
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** A name in each language a page can be shown in; `sq` and `sr` always, others where known. */
export type LocalizedText = { sq: string; sr: string; en?: string; tr?: string; bs?: string };

/** PostgreSQL's full-text document type, for the generated search column. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true });
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** A municipality is a tenant: a profile of languages, categories and standards, never special code. */
export const municipalities = pgTable("municipalities", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  /** Also the Open311 jurisdiction_id. */
  slug: text("slug").notNull().unique(),
  /** Three letters that start its tracking codes, e.g. PRI-2026-000123. */
  code: text("code").notNull().unique(),
  name: jsonb("name").$type<LocalizedText>().notNull(),
  /** The languages its pages and messages are offered in, beyond the national sq and sr. */
  languages: text("languages").array().notNull().default(sql`ARRAY['sq','sr','en']::text[]`),
  majority: text("majority"),
  active: boolean("active").notNull().default(true),
  /** Taking part in the pilot (issue 9): its set-up is checked before it goes live. */
  pilot: boolean("pilot").notNull().default(false),
  /** When the ministry or its admin turned it live, once its onboarding checklist was complete. */
  liveAt: ts("live_at"),
  createdAt: createdAt(),
});

/** The national taxonomy (municipality_id null) and municipal sub-categories. */
export const categories = pgTable(
  "categories",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull(),
    type: text("type").notNull(), // issue_report | request | feedback | proposal
    group: text("group_code").notNull(),
    name: jsonb("name").$type<LocalizedText>().notNull(),
    municipalityId: integer("municipality_id").references(() => municipalities.id),
    parentId: integer("parent_id"),
    /** Sensitive categories never show a precise location or text without review. */
    sensitive: boolean("sensitive").notNull().default(false),
    anonymousAllowed: boolean("anonymous_allowed").notNull().default(true),
    /** The national response standard: amounts in `slaUnit` for the three clocks. */
    slaUnit: text("sla_unit").notNull().default("working_days"), // working_days | calendar_days | hours
    ackWithin: smallint("ack_within").notNull(),
    firstResponseWithin: smallint("first_response_within").notNull(),
    resolutionWithin: smallint("resolution_within").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("categories_national_code").on(t.code).where(sql`${t.municipalityId} is null`),
    uniqueIndex("categories_municipal_code")
      .on(t.municipalityId, t.code)
      .where(sql`${t.municipalityId} is not null`),
  ],
);

/** The case statuses of the one national lifecycle, with their names and Open311 open/closed mapping. */
export const caseStatuses = pgTable("case_statuses", {
  code: text("code").primaryKey(),
  name: jsonb("name").$type<LocalizedText>().notNull(),
  open311: text("open311").notNull(), // open | closed
  position: smallint("position").notNull(),
});

/** National reason codes required for outcomes such as rejected, referred or merged. */
export const reasonCodes = pgTable("reason_codes", {
  code: text("code").primaryKey(),
  appliesTo: text("applies_to").notNull(),
  name: jsonb("name").$type<LocalizedText>().notNull(),
  active: boolean("active").notNull().default(true),
});

/** The working-day calendar is data, by year: holidays with the day they are observed on. */
export const holidays = pgTable(
  "holidays",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    calendar: text("calendar").notNull(), // e.g. XK
    /** A stable key for the holiday within its calendar, e.g. "europe-day". */
    code: text("code").notNull(),
    date: date("date").notNull(),
    observed: date("observed").notNull(),
    name: jsonb("name").$type<LocalizedText>().notNull(),
    rule: text("rule").notNull(), // fixed | easter | announced
    status: text("status").notNull(), // law | check | provisional | confirmed
  },
  (t) => [uniqueIndex("holidays_calendar_date_code").on(t.calendar, t.date, t.code)],
);

export const departments = pgTable(
  "departments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    code: text("code").notNull(),
    name: jsonb("name").$type<LocalizedText>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("departments_municipality_code").on(t.municipalityId, t.code)],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    identityLevel: text("identity_level").notNull().default("basic"), // basic | verified
    language: text("language").notNull().default("sq"),
    emailVerifiedAt: ts("email_verified_at"),
    createdAt: createdAt(),
    deletedAt: ts("deleted_at"),
  },
  (t) => [uniqueIndex("users_email_lower").on(sql`lower(${t.email})`)],
);

/** A staff role, scoped to a municipality and department where the role has that scope. */
export const roleAssignments = pgTable(
  "role_assignments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    municipalityId: integer("municipality_id").references(() => municipalities.id),
    departmentId: integer("department_id").references(() => departments.id),
    createdAt: createdAt(),
  },
  (t) => [index("role_assignments_user").on(t.userId)],
);

/** Tracking codes are sequential per municipality and year. */
export const trackingCounters = pgTable(
  "tracking_counters",
  {
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    year: smallint("year").notNull(),
    last: integer("last").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.municipalityId, t.year] })],
);

/** Every input (issue report, request, feedback, proposal) is a case of this one model. */
export const cases = pgTable(
  "cases",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    trackingCode: text("tracking_code").notNull().unique(),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    type: text("type").notNull(),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    channel: text("channel").notNull().default("web"), // web | api | counter | phone | paper | email
    status: text("status")
      .notNull()
      .references(() => caseStatuses.code),
    reasonCode: text("reason_code").references(() => reasonCodes.code),
    priority: text("priority").notNull().default("normal"), // low | normal | high | urgent
    visibility: text("visibility").notNull().default("public"), // public | private
    language: text("language").notNull().default("sq"),
    title: text("title").notNull(),
    description: text("description").notNull(),
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    address: text("address"),
    // Personal data: only through the public-view function and for roles allowed to see it.
    submitterId: uuid("submitter_id").references(() => users.id, { onDelete: "set null" }),
    contactName: text("contact_name"),
    contactEmail: text("contact_email"),
    contactPhone: text("contact_phone"),
    showName: boolean("show_name").notNull().default(false),
    departmentId: integer("department_id").references(() => departments.id),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    /** When the municipality received it; for counter, phone and paper input the original date. */
    receivedAt: ts("received_at").notNull(),
    acknowledgedAt: ts("acknowledged_at"),
    firstResponseAt: ts("first_response_at"),
    resolvedAt: ts("resolved_at"),
    closedAt: ts("closed_at"),
    ackDueAt: ts("ack_due_at"),
    responseDueAt: ts("response_due_at"),
    resolutionDueAt: ts("resolution_due_at"),
    /** Answers to the category's extra questions, by question code. */
    attributes: jsonb("attributes")
      .$type<Record<string, string | number | string[]>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** SHA-256 of the private tracking link's token: the code alone reveals nothing private. */
    trackingTokenHash: text("tracking_token_hash"),
    /** The submitting form's (or API client's) idempotency key: a retry finds the case, never a second one. */
    idempotencyKey: text("idempotency_key").unique(),
    /** The citizen's verdict after the answer: resolved or not, 1–5, and a comment. */
    satisfaction: smallint("satisfaction"),
    satisfactionResolved: boolean("satisfaction_resolved"),
    satisfactionComment: text("satisfaction_comment"),
    /**
     * Title and description as searchable words, accents folded ("ndricim" finds "ndriçim"), no stemming
     * ('simple', the same for Albanian, Serbian and English). Stored, so phrase searches need not
     * recompute it; ekomuna_unaccent is the IMMUTABLE wrapper of migration 0004.
     */
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, public.ekomuna_unaccent(title || ' ' || description))`,
    ),
    /**
     * The running clock's state, kept current by the commands and the SLA scheduler (slaTracking.ts), so
     * that the inbox filters and counts by it through an index: on_track | due_soon | overdue | paused |
     * done (no clock runs: answered, resolved or closed).
     */
    slaState: text("sla_state").notNull().default("on_track"),
    /** When the running clock is due (acknowledgement, first response or resolution); null: none runs. */
    slaDueAt: ts("sla_due_at"),
    /**
     * The response standard the case is measured against, fixed when it is received (and again when its
     * priority is set), so that a later change of the national or municipal standards applies to the cases
     * received from the day it applies and never moves a date already promised. Null on cases received
     * before it was kept: the standard in force is used.
     */
    slaStandard: jsonb("sla_standard").$type<{
      unit: "working_days" | "calendar_days" | "hours";
      ackWithin: number;
      firstResponseWithin: number;
      resolutionWithin: number;
      /** After a change of priority, the clocks already met or breached with their terms (sla.ts Standard). */
      kept?: Partial<
        Record<
          "ack" | "firstResponse" | "resolution",
          { unit: "working_days" | "calendar_days" | "hours"; within: number }
        >
      >;
    }>(),
    /**
     * The times the case awaited the citizen ({from, to}, ISO instants; `to` absent while it still does):
     * the clocks stand still then (sla.ts). Kept on the case so that the scheduler needs no other row.
     */
    slaPauses: jsonb("sla_pauses")
      .$type<{ from: string; to?: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /**
     * When the SLA scheduler must next look at the case (the next 75 % / 90 % mark or breach of the clock
     * that runs); null when no clock runs. The scheduler reads only the cases due, through an index.
     */
    nextSlaCheckAt: ts("next_sla_check_at"),
    /** The warnings and escalations already made, by "clock.mark" (e.g. "response.warning_90"): each once. */
    slaMarks: jsonb("sla_marks").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /** 0 none; 1 department head, 2 participation coordinator, 3 ministry (the escalation ladder). */
    escalationLevel: smallint("escalation_level").notNull().default(0),
    /** The case this one was merged into (its status is then `merged`). */
    mergedIntoId: bigint("merged_into_id", { mode: "number" }).references((): AnyPgColumn => cases.id),
    /** The institution a referred case went to, as staff wrote it. */
    referredTo: text("referred_to"),
    /** The citizen's own words, kept for authorised staff when the public text was edited or redacted. */
    originalTitle: text("original_title"),
    originalDescription: text("original_description"),
    /**
     * Raised by every change staff make: a form carries the version it was shown, and a change made on
     * an older version is refused with what changed since (two officers never both succeed silently).
     */
    version: integer("version").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // The SLA scheduler's work list: only cases with a clock running, by when they are due a look.
    index("cases_next_sla_check").on(t.nextSlaCheckAt).where(sql`next_sla_check_at is not null`),
    // The inbox's counts and filters by SLA state, per municipality.
    index("cases_municipality_sla_state").on(t.municipalityId, t.slaState),
    // "Assigned to me" and an officer's inbox (their department's cases or their own): 393 ms → 6 ms in a
    // municipality of 188 000 cases.
    index("cases_municipality_assignee").on(t.municipalityId, t.assigneeId),
    // The inbox of a department (an officer's, a head's, a coordinator's filtered view) and its counts per
    // SLA state, each a range of this index: a 184 000-case municipality's filtered inbox from 325 to 45 ms
    // at p95 one request at a time (docs/PERFORMANCE.md, session 4). The last column stands in for INCLUDE.
    index("cases_municipality_department_inbox").on(
      t.municipalityId,
      t.departmentId,
      t.slaState,
      t.status,
      t.receivedAt.desc(),
      t.id.desc(),
      t.slaDueAt,
    ),
    // The inbox of a department, newest first.
    index("cases_municipality_department_received").on(t.municipalityId, t.departmentId, t.receivedAt.desc()),
    // A municipality's cases in a status, newest first: the public list and the staff inbox filtered by
    // status. Without received_at here, "in progress in Prishtinë" walked every newer case of Prishtinë
    // in another status (85 000 rows, 145 ms, when a backlog of new reports sat on top).
    index("cases_municipality_status_received").on(
      t.municipalityId,
      t.status,
      t.receivedAt.desc(),
      t.id.desc(),
    ),
    index("cases_municipality_received").on(t.municipalityId, t.receivedAt),
    index("cases_submitter").on(t.submitterId),
    index("cases_search").using("gin", t.search),
    // The default public list: newest public cases first.
    index("cases_public_received").on(t.receivedAt.desc(), t.id.desc()).where(sql`visibility = 'public'`),
    // The public list and map filtered by municipality or by category, newest first.
    index("cases_public_municipality_received")
      .on(t.municipalityId, t.receivedAt.desc(), t.id.desc())
      .where(sql`visibility = 'public'`),
    index("cases_public_category_received")
      .on(t.categoryId, t.receivedAt.desc(), t.id.desc())
      .where(sql`visibility = 'public'`),
    // Possible duplicates: open public reports of a category near a point (possibleDuplicates.ts writes
    // the same condition; the statuses are lifecycle.ts's OPEN_STATUSES — change both together).
    index("cases_open_public_place")
      .on(t.municipalityId, t.categoryId, t.latitude, t.longitude)
      .where(
        sql`visibility = 'public' and status in ('submitted', 'acknowledged', 'assigned', 'in_progress', 'awaiting_citizen', 'reopened')`,
      ),
    // The ministry's queue of open cases escalated to it, and its count on the national dashboard
    // (src/ministry): 9 ms instead of a scan of the table (315 ms on 200,000 cases). OPEN_STATUSES again.
    index("cases_ministry_queue")
      .on(t.municipalityId)
      .where(
        sql`escalation_level = 3 and status in ('submitted', 'acknowledged', 'assigned', 'in_progress', 'awaiting_citizen', 'reopened')`,
      ),
    // The SLA review of every open case (slaScheduler.ts reviewOpenCases) reads these columns and no other,
    // in id order: from this index alone (an index-only scan of ~150 MB instead of the 1.8 GB table, on
    // 1,000,000 cases). Drizzle has no INCLUDE: the columns after id stand in for it. The statuses are
    // lifecycle.ts's OPEN_STATUSES, written out in the review's statement too — change all together.
    index("cases_open_sla")
      .on(
        t.id,
        t.status,
        t.municipalityId,
        t.categoryId,
        t.priority,
        t.slaStandard,
        t.receivedAt,
        t.acknowledgedAt,
        t.firstResponseAt,
        t.resolvedAt,
        t.ackDueAt,
        t.responseDueAt,
        t.resolutionDueAt,
        t.slaState,
        t.slaDueAt,
        t.nextSlaCheckAt,
        t.slaPauses,
        t.slaMarks,
      )
      .where(
        sql`status in ('submitted', 'acknowledged', 'assigned', 'in_progress', 'awaiting_citizen', 'reopened')`,
      ),
  ],
);

/** The append-only timeline: every change to a case is an event with who, when and why. */
export const caseEvents = pgTable(
  "case_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => cases.id),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    reasonCode: text("reason_code").references(() => reasonCodes.code),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    isPublic: boolean("is_public").notNull().default(true),
    message: text("message"),
    data: jsonb("data").$type<Record<string, unknown>>(),
    at: ts("at").notNull(),
  },
  (t) => [
    index("case_events_case").on(t.caseId, t.at),
    index("case_events_municipality_at").on(t.municipalityId, t.at),
  ],
);

/** A login session. The cookie holds a random token; only its SHA-256 is stored, so a leaked table logs no one in. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(), // sha256(token), hex
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    /** How the session was opened: password, email_link, eid. */
    method: text("method").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/** Single-use links sent by email (verify address, log in, reset password, staff invitation); hashed like sessions. */
export const emailTokens = pgTable(
  "email_tokens",
  {
    id: text("id").primaryKey(), // sha256(token), hex
    purpose: text("purpose").notNull(), // verify_email | login | reset_password | invitation
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("email_tokens_user").on(t.userId)],
);

/** An external identity (national eID over OpenID Connect) linked to an account. */
export const identities = pgTable(
  "identities",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    subject: text("subject").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("identities_provider_subject").on(t.provider, t.subject)],
);

/** Failed logins per account key (lower-case email) and per IP, for growing delays. */
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(), // "email:<lower email>" | "ip:<address>"
  failures: integer("failures").notNull().default(0),
  lastFailureAt: ts("last_failure_at").notNull(),
  blockedUntil: ts("blocked_until"),
});

/**
 * The tamper-evident audit log: append-only, each entry holding the hash of the one before, so that a
 * changed or removed row breaks the chain from there on (`ekomuna audit verify`).
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts("at").notNull(),
    actorId: uuid("actor_id"),
    action: text("action").notNull(),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    municipalityId: integer("municipality_id"),
    ip: text("ip"),
    data: jsonb("data").$type<Record<string, unknown>>(),
    /** The entry's place in the chain, its predecessor's hash and its own: set by sealAudit, null until then. */
    seq: bigint("seq", { mode: "number" }).unique(),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_log_actor").on(t.actorId),
    index("audit_log_subject").on(t.subjectType, t.subjectId),
    // What the sealer looks for: entries not chained yet, oldest first.
    index("audit_log_unsealed").on(t.id).where(sql`seq is null`),
  ],
);

/**
 * The transactional outbox: a message written in the same transaction as the change that causes it,
 * delivered by a worker (claimed with FOR UPDATE SKIP LOCKED), retried with backoff, dead after a limit.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").notNull(), // email | webhook
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** What the message is about (src/notifications/topics.ts, or a webhook event), for operators. */
    topic: text("topic"),
    createdAt: createdAt(),
    availableAt: ts("available_at").notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    lockedUntil: ts("locked_until"),
    deliveredAt: ts("delivered_at"),
    deadAt: ts("dead_at"),
  },
  (t) => [
    // Per kind: each channel claims its own (src/notifications/worker.ts), and a backlog of one kind must
    // not be read through by the claims of another.
    index("outbox_pending_kind")
      .on(t.kind, t.availableAt)
      .where(sql`${t.deliveredAt} is null and ${t.deadAt} is null`),
    // What pruning removes: delivered messages past the time they are kept (pruneDelivered).
    index("outbox_delivered").on(t.deliveredAt).where(sql`${t.deliveredAt} is not null`),
  ],
);

/** Mail kept instead of sent, in demo mode without SMTP_URL, for the development mailbox page. */
export const devMailbox = pgTable("dev_mailbox", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  to: text("to_address").notNull(),
  subject: text("subject").notNull(),
  text: text("text_body").notNull(),
  html: text("html_body"),
  createdAt: createdAt(),
});

/** An extra question of a category, in Open311's attribute terms. */
export interface CategoryQuestion {
  code: string;
  datatype: "string" | "number" | "datetime" | "text" | "singlevaluelist" | "multivaluelist";
  required: boolean;
  order: number;
  description: LocalizedText;
  values?: { key: string; name: LocalizedText }[];
}

/** The extra questions of each category (national, or a municipality's sub-category). */
export const categoryQuestions = pgTable("category_questions", {
  categoryId: integer("category_id")
    .primaryKey()
    .references(() => categories.id, { onDelete: "cascade" }),
  questions: jsonb("questions").$type<CategoryQuestion[]>().notNull().default(sql`'[]'::jsonb`),
  /** How near (metres) another open report of the category counts as a possible duplicate. */
  duplicateRadiusM: smallint("duplicate_radius_m").notNull().default(50),
});

/** A municipality switches national categories off (no row, or enabled: the category is offered). */
export const municipalityCategories = pgTable(
  "municipality_categories",
  {
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    enabled: boolean("enabled").notNull(),
  },
  (t) => [primaryKey({ columns: [t.municipalityId, t.categoryId] })],
);

/** A municipality's territory, to refuse a location outside it (GeoJSON Polygon or MultiPolygon, WGS 84). */
export const municipalityAreas = pgTable("municipality_areas", {
  municipalityId: integer("municipality_id")
    .primaryKey()
    .references(() => municipalities.id),
  geometry: jsonb("geometry").$type<{ type: "Polygon" | "MultiPolygon"; coordinates: unknown }>().notNull(),
  /** Where the boundary comes from (e.g. the cadastral agency's dataset and its date). */
  source: text("source").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** The submission journey's answers so far, kept on the server so nothing typed is lost between pages. */
export const caseDrafts = pgTable("case_drafts", {
  id: text("id").primaryKey(), // sha256 of the draft token in the journey's URL
  data: jsonb("data").$type<Record<string, unknown>>().notNull(),
  userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  expiresAt: ts("expires_at").notNull(),
});

/** Photos, re-encoded without metadata; on a draft while it is being written, then on the case. */
export const casePhotos = pgTable(
  "case_photos",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: bigint("case_id", { mode: "number" }).references(() => cases.id, { onDelete: "cascade" }),
    draftId: text("draft_id"),
    storageKey: text("storage_key").notNull(),
    thumbnailKey: text("thumbnail_key").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    hidden: boolean("hidden").notNull().default(false),
    position: smallint("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("case_photos_case").on(t.caseId), index("case_photos_draft").on(t.draftId)],
);

/** Signed-in people following a public case (or their own). */
export const caseFollowers = pgTable(
  "case_followers",
  {
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] })],
);

/**
 * A program that uses the REST API (and later Open311) on behalf of people: a municipality's own app, a
 * civic-tech service. It holds a secret key (`ek_live_…`, shown once); only the key's SHA-256 is kept,
 * so a copy of the table opens nothing. The key acts as a visitor of the policy table, plus this identity
 * (idempotency scope, channel `api`, an optional municipality it may submit to, its rate limit).
 */
export const apiClients = pgTable(
  "api_clients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** Set: the client may submit only to this municipality. */
    municipalityId: integer("municipality_id").references(() => municipalities.id),
    keyHash: text("key_hash").notNull().unique(), // sha256(key), hex
    /** The key's first characters (`ek_live_` and 8 more): not secret, enough to tell keys apart in lists. */
    keyPrefix: text("key_prefix").notNull(),
    /** Requests per minute, per kind (reads, writes); null: the default (RATE_LIMITS in src/api/auth.ts). */
    rateLimit: integer("rate_limit"),
    /** The operator who made it; null when made at the server's command line. */
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    /** Updated at most once a minute, so that using a key costs no write per request. */
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_clients_key_prefix").on(t.keyPrefix)],
);

/**
 * Where a new case goes: the first rule (lowest position) of its municipality whose category (none: any)
 * and area (none: anywhere) match sends it to a department. No match: the participation coordinator.
 */
export const routingRules = pgTable(
  "routing_rules",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    categoryId: integer("category_id").references(() => categories.id),
    /** A GeoJSON Polygon or MultiPolygon (WGS 84) the case's point must fall in. */
    area: jsonb("area").$type<{ type: "Polygon" | "MultiPolygon"; coordinates: unknown }>(),
    departmentId: integer("department_id")
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    position: smallint("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("routing_rules_municipality").on(t.municipalityId, t.position)],
);

/** A staff member's saved inbox filters (the query string of the inbox). */
export const savedViews = pgTable(
  "saved_views",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The municipality whose inbox it is a view of (its departments and people are that one's). */
    municipalityId: integer("municipality_id").references(() => municipalities.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    query: text("query").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("saved_views_user").on(t.userId)],
);

/**
 * Standard responses staff start an answer from: national (municipality null) or a municipality's own,
 * for a category (none: any of the type), in one language, with {{placeholders}} filled when used.
 */
export const responseTemplates = pgTable(
  "response_templates",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id").references(() => municipalities.id),
    code: text("code").notNull(),
    type: text("type"),
    categoryId: integer("category_id").references(() => categories.id),
    language: text("language").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("response_templates_national").on(t.code, t.language).where(sql`${t.municipalityId} is null`),
    uniqueIndex("response_templates_municipal")
      .on(t.municipalityId, t.code, t.language)
      .where(sql`${t.municipalityId} is not null`),
  ],
);

/**
 * Response standards beyond a category's national default: a national rule for a type, category and
 * priority (municipality null), or a municipality's tightening of one (never looser: sla.ts checkTighter).
 */
export const slaStandards = pgTable(
  "sla_standards",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id").references(() => municipalities.id),
    type: text("type").notNull(),
    categoryId: integer("category_id").references(() => categories.id),
    priority: text("priority"),
    unit: text("unit").notNull(), // working_days | calendar_days | hours
    ackWithin: smallint("ack_within").notNull(),
    firstResponseWithin: smallint("first_response_within").notNull(),
    resolutionWithin: smallint("resolution_within").notNull(),
    /** Why (a decision of the municipal assembly, a law): shown beside the standard. */
    note: text("note"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("sla_standards_key").on(
      sql`coalesce(${t.municipalityId}, 0)`,
      t.type,
      sql`coalesce(${t.categoryId}, 0)`,
      sql`coalesce(${t.priority}, '')`,
    ),
  ],
);

/**
 * What a person wants by email, per topic (src/notifications/topics.ts): at once, in the daily digest, or
 * not at all. No row: at once. Topics the case or the law needs (a request for information) ignore it.
 */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    mode: text("mode").notNull(), // immediate | digest | off
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.topic] })],
);

/**
 * An address without an account that asked (through an email's unsubscribe link) to get no more messages
 * of a topic. Topics the case or the law needs are still sent.
 */
export const emailOptOuts = pgTable(
  "email_opt_outs",
  {
    /** Lower case. */
    email: text("email").notNull(),
    topic: text("topic").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.email, t.topic] })],
);

/** The in-app notification centre: one row per person and message, written in the person's language. */
export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    caseId: bigint("case_id", { mode: "number" }).references(() => cases.id, { onDelete: "cascade" }),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    /** A path on this site (never another host). */
    link: text("link"),
    createdAt: createdAt(),
    readAt: ts("read_at"),
  },
  (t) => [
    index("notifications_user").on(t.userId, t.createdAt),
    index("notifications_unread").on(t.userId).where(sql`${t.readAt} is null`),
  ],
);

/** Messages kept for a person's daily digest email, instead of one email each. */
export const digestItems = pgTable(
  "digest_items",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("digest_items_pending").on(t.userId).where(sql`${t.sentAt} is null`)],
);

/** The days a person's digest went out: one row per person and day, so two workers never send it twice. */
export const digestRuns = pgTable(
  "digest_runs",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date("day").notNull(),
    sentAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);

/** Keys the platform signs with (unsubscribe links): made once, at random, kept in the database. */
export const platformKeys = pgTable("platform_keys", {
  name: text("name").primaryKey(),
  secret: text("secret").notNull(),
  createdAt: createdAt(),
});

/**
 * An HTTPS endpoint that receives signed JSON for chosen events: a municipality's (registered by its
 * admin) or every municipality's (municipality null, registered by an operator).
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id").references(() => municipalities.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** The HMAC-SHA256 key the receiver checks signatures with (shown to the admin once). */
    secret: text("secret").notNull(),
    events: text("events").array().notNull(),
    description: text("description"),
    active: boolean("active").notNull().default(true),
    /** A private or loopback address, allowed by an operator (a receiver inside the municipality's network). */
    allowPrivate: boolean("allow_private").notNull().default(false),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_endpoints_municipality").on(t.municipalityId)],
);

/** Every attempt to deliver to a webhook endpoint: the log its admin reads. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    endpointId: integer("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    outboxId: bigint("outbox_id", { mode: "number" }),
    event: text("event").notNull(),
    attempt: integer("attempt").notNull(),
    /** The receiver's HTTP status; null when none came (refused, timed out). */
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    at: createdAt(),
  },
  (t) => [index("webhook_deliveries_endpoint").on(t.endpointId, t.at)],
);

/**
 * What the statistics know of one case (src/stats/facts.ts), recomputed from the case and its events
 * whenever an event happens to it: the aggregates below are kept current by subtracting a case's old
 * facts and adding its new ones, so no statistics request scans cases.
 */
export const caseFacts = pgTable(
  "case_facts",
  {
    caseId: bigint("case_id", { mode: "number" })
      .primaryKey()
      .references(() => cases.id, { onDelete: "cascade" }),
    /** The facts as the aggregates counted them (src/stats/facts.ts `Facts`), to subtract them exactly. */
    facts: jsonb("facts").$type<Record<string, unknown>>().notNull(),
    computedAt: createdAt(),
  },
  (t) => [
    // The cases with a clock still owed, by when it is due: a pass finds those whose due instant has passed
    // without any event (src/stats/aggregator.ts), without reading every case's facts.
    index("case_facts_due").on(sql`((${t.facts}->>'due') collate "C")`).where(sql`${t.facts} ? 'due'`),
  ],
);

/**
 * Counters per municipality, month received (local, first day), type, category, channel and department
 * (0: none): the breakdowns and the drill-down. Each counter's meaning is in docs/INDICATORS.md.
 */
export const statsBreakdown = pgTable(
  "stats_breakdown",
  {
    municipalityId: integer("municipality_id").notNull(),
    month: date("month").notNull(),
    type: text("type").notNull(),
    categoryId: integer("category_id").notNull(),
    channel: text("channel").notNull(),
    departmentId: integer("department_id").notNull().default(0),
    counters: integer("counters").array().notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.municipalityId, t.month, t.type, t.categoryId, t.channel, t.departmentId],
    }),
    index("stats_breakdown_month").on(t.month),
  ],
);

/**
 * Per municipality and month: the same counters, the cases finished in the month (for the backlog's
 * trend), and the distributions of the times to acknowledge, first response and resolution in working
 * days (histograms over src/stats/buckets.ts), from which medians and 90th percentiles of any period
 * and any set of municipalities are read without touching a case.
 */
export const statsMonth = pgTable(
  "stats_month",
  {
    municipalityId: integer("municipality_id").notNull(),
    month: date("month").notNull(),
    counters: integer("counters").array().notNull(),
    finishedInMonth: integer("finished_in_month").notNull().default(0),
    ackHist: integer("ack_hist").array().notNull(),
    responseHist: integer("response_hist").array().notNull(),
    resolutionHist: integer("resolution_hist").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.municipalityId, t.month] }), index("stats_month_month").on(t.month)],
);

/**
 * Per municipality, department (0: none) and month: the cases received in the month and those finished in
 * it, net of reopenings, of the cases the department has now (src/stats/facts.ts `DepartmentMonthRow`).
 * Summed up to a month they give the department's backlog at its end, as stats_month the municipality's:
 * the ministry's alert on a department's growing backlog reads them (src/ministry/alerts.ts).
 */
export const statsDepartmentMonth = pgTable(
  "stats_department_month",
  {
    municipalityId: integer("municipality_id").notNull(),
    departmentId: integer("department_id").notNull(),
    month: date("month").notNull(),
    received: integer("received").notNull().default(0),
    finished: integer("finished").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.municipalityId, t.departmentId, t.month] }),
    index("stats_department_month_month").on(t.month),
  ],
);

/**
 * The statistics aggregator's progress, one row per name (src/stats/aggregator.ts): `events` (the case
 * events read up to), `layout`, `due` and `lease` (one pass at a time across processes).
 */
export const statsProgress = pgTable("stats_progress", {
  name: text("name").primaryKey(),
  lastEventId: bigint("last_event_id", { mode: "number" }).notNull().default(0),
  /** Recent passes' (time, last event id), so a pass re-reads events that committed late (facts.ts). */
  recent: jsonb("recent").$type<{ at: string; lastEventId: number }[]>().notNull().default(sql`'[]'::jsonb`),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// ── Participation in decisions (issue 8): consultations, public meetings, proposals ──────────────────

/**
 * The participation rules a municipality works to: the consultation minimum, the proposals' support
 * window and threshold. The row with no municipality is the national default (set by the ministry); a
 * municipality's own row, when there is one, replaces it whole.
 */
export const participationSettings = pgTable(
  "participation_settings",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id").references(() => municipalities.id),
    /** A consultation stays open at least this many calendar days (the national minimum: 15). */
    consultationMinDays: smallint("consultation_min_days").notNull().default(15),
    /** How long a published proposal collects support, in calendar days. */
    proposalWindowDays: smallint("proposal_window_days").notNull().default(90),
    /** Supports a proposal needs for a formal answer. */
    proposalThreshold: integer("proposal_threshold").notNull().default(100),
    /** For a proposal of a normative act: this share (percent) of the registered voters. */
    normativeThresholdPercent: smallint("normative_threshold_percent").notNull().default(15),
    registeredVoters: integer("registered_voters"),
    /** Only accounts with a verified identity may support. */
    supportRequiresVerified: boolean("support_requires_verified").notNull().default(false),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("participation_settings_scope").on(sql`coalesce(${t.municipalityId}, 0)`)],
);

/**
 * A public consultation on a draft (budget, investment plan, urban plan, regulation, other act). Staff
 * write it in both official languages. A draft until `published_at`; upcoming, open or closed by its
 * dates (inclusive, the municipality's local days); its report ("you said, we did") published once every
 * comment has a disposition.
 */
export const consultations = pgTable(
  "consultations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    kind: text("kind").notNull(), // budget | investment_plan | urban_plan | regulation | other
    title: jsonb("title").$type<LocalizedText>().notNull(),
    summary: jsonb("summary").$type<LocalizedText>().notNull(),
    departmentId: integer("department_id").references(() => departments.id),
    opensOn: date("opens_on").notNull(),
    closesOn: date("closes_on").notNull(),
    publishedAt: ts("published_at"),
    reportPublishedAt: ts("report_published_at"),
    /** What the municipality says it did with the comments overall, shown above the report. */
    reportSummary: jsonb("report_summary").$type<LocalizedText>(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("consultations_municipality").on(t.municipalityId, t.opensOn)],
);

/** The draft's text, divided into sections citizens comment on. */
export const consultationSections = pgTable(
  "consultation_sections",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    consultationId: integer("consultation_id")
      .notNull()
      .references(() => consultations.id, { onDelete: "cascade" }),
    position: smallint("position").notNull(),
    heading: jsonb("heading").$type<LocalizedText>().notNull(),
    body: jsonb("body").$type<LocalizedText>().notNull(),
  },
  (t) => [index("consultation_sections_consultation").on(t.consultationId, t.position)],
);

/** A PDF of a consultation (the draft act, annexes), kept in the upload store and served as a download. */
export const consultationDocuments = pgTable(
  "consultation_documents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    consultationId: integer("consultation_id")
      .notNull()
      .references(() => consultations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    fileName: text("file_name").notNull(),
    storageKey: text("storage_key").notNull(),
    bytes: integer("bytes").notNull(),
    position: smallint("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("consultation_documents_consultation").on(t.consultationId)],
);

/**
 * A citizen's comment on a consultation, on the whole (no section) or on a section, or a reply to another
 * comment. Hidden by a moderator with a reason (the author still sees it, with the reason). After closing,
 * staff record its disposition with a reason.
 */
export const consultationComments = pgTable(
  "consultation_comments",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    consultationId: integer("consultation_id")
      .notNull()
      .references(() => consultations.id, { onDelete: "cascade" }),
    sectionId: integer("section_id").references(() => consultationSections.id, { onDelete: "set null" }),
    parentId: bigint("parent_id", { mode: "number" }).references((): AnyPgColumn => consultationComments.id, {
      onDelete: "cascade",
    }),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    /** The language the author wrote in (for the `lang` attribute). */
    language: text("language").notNull(),
    /** The author chose to be named in the report; otherwise "a participant". */
    showName: boolean("show_name").notNull().default(false),
    supportCount: integer("support_count").notNull().default(0),
    hiddenAt: ts("hidden_at"),
    hiddenReason: text("hidden_reason"),
    hiddenBy: uuid("hidden_by").references(() => users.id, { onDelete: "set null" }),
    disposition: text("disposition"), // accepted | partly_accepted | not_accepted | noted
    dispositionReason: text("disposition_reason"),
    dispositionBy: uuid("disposition_by").references(() => users.id, { onDelete: "set null" }),
    dispositionAt: ts("disposition_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("consultation_comments_consultation").on(t.consultationId, t.createdAt),
    index("consultation_comments_author").on(t.authorId),
  ],
);

/** One support per account per comment. */
export const consultationCommentSupports = pgTable(
  "consultation_comment_supports",
  {
    commentId: bigint("comment_id", { mode: "number" })
      .notNull()
      .references(() => consultationComments.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.userId] })],
);

/** A user's report that a comment is abusive; one per user per comment, closed when a moderator acts. */
export const consultationCommentReports = pgTable(
  "consultation_comment_reports",
  {
    commentId: bigint("comment_id", { mode: "number" })
      .notNull()
      .references(() => consultationComments.id, { onDelete: "cascade" }),
    reporterId: uuid("reporter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    createdAt: createdAt(),
    resolvedAt: ts("resolved_at"),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.reporterId] })],
);

/** People told when a consultation's report is published (participants follow automatically). */
export const consultationFollowers = pgTable(
  "consultation_followers",
  {
    consultationId: integer("consultation_id")
      .notNull()
      .references(() => consultations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.consultationId, t.userId] })],
);

/**
 * A public meeting or budget hearing on a municipality's calendar (the law asks for at least two a year),
 * with its place and how accessible it is, the agenda, a linked consultation, and the minutes (a PDF)
 * afterwards. `sequence` grows with every change, for calendar programs reading the iCalendar feed.
 */
export const publicMeetings = pgTable(
  "public_meetings",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    kind: text("kind").notNull(), // public_meeting | budget_hearing
    title: jsonb("title").$type<LocalizedText>().notNull(),
    startsAt: ts("starts_at").notNull(),
    endsAt: ts("ends_at"),
    place: jsonb("place").$type<LocalizedText>().notNull(),
    accessibility: jsonb("accessibility").$type<LocalizedText>(),
    agenda: jsonb("agenda").$type<LocalizedText>().notNull(),
    consultationId: integer("consultation_id").references(() => consultations.id, { onDelete: "set null" }),
    minutesKey: text("minutes_key"),
    minutesFileName: text("minutes_file_name"),
    minutesBytes: integer("minutes_bytes"),
    cancelledAt: ts("cancelled_at"),
    sequence: integer("sequence").notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("public_meetings_municipality").on(t.municipalityId, t.startsAt)],
);

/**
 * What a proposal (a case of type proposal) has beyond the case: from its publication by the coordinator,
 * the support window and threshold it was published with, the supports counted, when it reached the
 * threshold (the formal answer's clocks run from then) or ran out, the decision, and — once accepted — its
 * public progress record.
 */
export const proposals = pgTable(
  "proposals",
  {
    caseId: bigint("case_id", { mode: "number" })
      .primaryKey()
      .references(() => cases.id, { onDelete: "cascade" }),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    publishedAt: ts("published_at").notNull(),
    supportClosesAt: ts("support_closes_at").notNull(),
    threshold: integer("threshold").notNull(),
    requiresVerified: boolean("requires_verified").notNull().default(false),
    supportCount: integer("support_count").notNull().default(0),
    thresholdReachedAt: ts("threshold_reached_at"),
    expiredAt: ts("expired_at"),
    decision: text("decision"), // accepted | rejected | under_consideration
    decisionAt: ts("decision_at"),
    progressStatus: text("progress_status"), // planned | in_progress | completed | stalled
    progressPercent: smallint("progress_percent"),
    budgetLine: text("budget_line"),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("proposals_municipality").on(t.municipalityId, t.publishedAt),
    index("proposals_collecting")
      .on(t.supportClosesAt)
      .where(sql`${t.thresholdReachedAt} is null and ${t.expiredAt} is null`),
  ],
);

/** One support per account per proposal. */
export const proposalSupports = pgTable(
  "proposal_supports",
  {
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => proposals.caseId, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] }), index("proposal_supports_user").on(t.userId)],
);

/** A dated step of an accepted proposal's public progress record. */
export const proposalMilestones = pgTable(
  "proposal_milestones",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    caseId: bigint("case_id", { mode: "number" })
      .notNull()
      .references(() => proposals.caseId, { onDelete: "cascade" }),
    on: date("on").notNull(),
    text: jsonb("text").$type<LocalizedText>().notNull(),
    percent: smallint("percent"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("proposal_milestones_case").on(t.caseId, t.on)],
);

/**
 * The national standards' history (issue 9): each change the ministry makes to a category or its
 * questions, a response standard, a reason code, a standard response template, the working-day calendar
 * or the participation defaults — what it was and became, who, when, why and from which day it applies,
 * so that past statistics stay interpretable and municipalities see what changed. A change that applies
 * from a later day waits here (applied_at null) until that day.
 */
export const standardChanges = pgTable(
  "standard_changes",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").notNull(), // category | question | sla | reason_code | template | calendar | participation
    /** What was changed, stable across its versions: "category:potholes", "sla:issue_report:*:urgent". */
    subject: text("subject").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    reason: text("reason").notNull(),
    appliesFrom: date("applies_from").notNull(),
    appliedAt: ts("applied_at"),
    changedBy: uuid("changed_by").references(() => users.id, { onDelete: "set null" }),
    changedAt: ts("changed_at").notNull().defaultNow(),
  },
  (t) => [
    index("standard_changes_subject").on(t.kind, t.subject, t.changedAt),
    index("standard_changes_recent").on(t.changedAt),
    index("standard_changes_pending").on(t.appliesFrom).where(sql`${t.appliedAt} is null`),
  ],
);

/** The ministry's monitoring levels (one row): when lateness becomes an alert. */
export const oversightSettings = pgTable("oversight_settings", {
  id: smallint("id").primaryKey().default(1),
  /** An alert when the share answered on time is below this (percent) for `onTimeMonths` months running. */
  onTimeMinPercent: smallint("on_time_min_percent").notNull().default(80),
  onTimeMonths: smallint("on_time_months").notNull().default(2),
  /** An alert when the backlog grew in each of this many months running. */
  backlogMonths: smallint("backlog_months").notNull().default(3),
  /** An alert when a case escalated to the ministry has had no staff action for this many working days. */
  untouchedWorkingDays: smallint("untouched_working_days").notNull().default(5),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: updatedAt(),
});

/**
 * An alert on systematic lateness (issue 9): a municipality, or one of its departments, below the on-time
 * level, with a growing backlog, or leaving escalated cases untouched — with the evidence that raised it.
 * One per kind, place and month; ministry monitors are told once (notified_at) and close it with a note.
 */
export const ministryAlerts = pgTable(
  "ministry_alerts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").notNull(), // on_time_low | backlog_growing | escalations_untouched
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    departmentId: integer("department_id").references(() => departments.id, { onDelete: "cascade" }),
    /** The first day of the last month the evidence covers. */
    month: date("month").notNull(),
    evidence: jsonb("evidence").notNull(),
    raisedAt: ts("raised_at").notNull().defaultNow(),
    notifiedAt: ts("notified_at"),
    closedAt: ts("closed_at"),
    closedBy: uuid("closed_by").references(() => users.id, { onDelete: "set null" }),
    closingNote: text("closing_note"),
  },
  (t) => [
    uniqueIndex("ministry_alerts_key").on(
      t.kind,
      t.municipalityId,
      sql`coalesce(${t.departmentId}, 0)`,
      t.month,
    ),
    index("ministry_alerts_open").on(t.raisedAt).where(sql`${t.closedAt} is null`),
  ],
);

/** A pilot evaluation (issue 9): a chosen set of municipalities over a period, publishable as a public page. */
export const pilotEvaluations = pgTable("pilot_evaluations", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  title: jsonb("title").$type<LocalizedText>().notNull(),
  /** What the evaluation is for, and what it found: shown above the figures. */
  summary: jsonb("summary").$type<LocalizedText>(),
  municipalityIds: integer("municipality_ids").array().notNull(),
  /** Months, "YYYY-MM-01", inclusive. */
  fromMonth: date("from_month").notNull(),
  toMonth: date("to_month").notNull(),
  publishedAt: ts("published_at"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
