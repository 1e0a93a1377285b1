CREATE TABLE "ministry_alerts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ministry_alerts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"municipality_id" integer NOT NULL,
	"department_id" integer,
	"month" date NOT NULL,
	"evidence" jsonb NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"closing_note" text
);
--> statement-breakpoint
CREATE TABLE "oversight_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"on_time_min_percent" smallint DEFAULT 80 NOT NULL,
	"on_time_months" smallint DEFAULT 2 NOT NULL,
	"backlog_months" smallint DEFAULT 3 NOT NULL,
	"untouched_working_days" smallint DEFAULT 5 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pilot_evaluations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pilot_evaluations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"title" jsonb NOT NULL,
	"summary" jsonb,
	"municipality_ids" integer[] NOT NULL,
	"from_month" date NOT NULL,
	"to_month" date NOT NULL,
	"published_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "standard_changes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "standard_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"reason" text NOT NULL,
	"applies_from" date NOT NULL,
	"applied_at" timestamp with time zone,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_standard" jsonb;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "pilot" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "municipalities" ADD COLUMN "live_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ministry_alerts" ADD CONSTRAINT "ministry_alerts_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ministry_alerts" ADD CONSTRAINT "ministry_alerts_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ministry_alerts" ADD CONSTRAINT "ministry_alerts_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_settings" ADD CONSTRAINT "oversight_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pilot_evaluations" ADD CONSTRAINT "pilot_evaluations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standard_changes" ADD CONSTRAINT "standard_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ministry_alerts_key" ON "ministry_alerts" USING btree ("kind","municipality_id",coalesce("department_id", 0),"month");--> statement-breakpoint
CREATE INDEX "ministry_alerts_open" ON "ministry_alerts" USING btree ("raised_at") WHERE "ministry_alerts"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "standard_changes_subject" ON "standard_changes" USING btree ("kind","subject","changed_at");--> statement-breakpoint
CREATE INDEX "standard_changes_recent" ON "standard_changes" USING btree ("changed_at");--> statement-breakpoint
CREATE INDEX "standard_changes_pending" ON "standard_changes" USING btree ("applies_from") WHERE "standard_changes"."applied_at" is null;--> statement-breakpoint
INSERT INTO "oversight_settings" ("id") VALUES (1);