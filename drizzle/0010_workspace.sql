CREATE TABLE "response_templates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "response_templates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"municipality_id" integer,
	"code" text NOT NULL,
	"type" text,
	"category_id" integer,
	"language" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "routing_rules_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"municipality_id" integer NOT NULL,
	"category_id" integer,
	"area" jsonb,
	"department_id" integer NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_standards" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sla_standards_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"municipality_id" integer,
	"type" text NOT NULL,
	"category_id" integer,
	"priority" text,
	"unit" text NOT NULL,
	"ack_within" smallint NOT NULL,
	"first_response_within" smallint NOT NULL,
	"resolution_within" smallint NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_state" text DEFAULT 'on_track' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_pauses" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "next_sla_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_marks" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "escalation_level" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "merged_into_id" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "referred_to" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "original_title" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "original_description" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "response_templates" ADD CONSTRAINT "response_templates_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_templates" ADD CONSTRAINT "response_templates_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_standards" ADD CONSTRAINT "sla_standards_municipality_id_municipalities_id_fk" FOREIGN KEY ("municipality_id") REFERENCES "public"."municipalities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_standards" ADD CONSTRAINT "sla_standards_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_standards" ADD CONSTRAINT "sla_standards_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "response_templates_national" ON "response_templates" USING btree ("code","language") WHERE "response_templates"."municipality_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "response_templates_municipal" ON "response_templates" USING btree ("municipality_id","code","language") WHERE "response_templates"."municipality_id" is not null;--> statement-breakpoint
CREATE INDEX "routing_rules_municipality" ON "routing_rules" USING btree ("municipality_id","position");--> statement-breakpoint
CREATE INDEX "saved_views_user" ON "saved_views" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_standards_key" ON "sla_standards" USING btree (coalesce("municipality_id", 0),"type",coalesce("category_id", 0),coalesce("priority", ''));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_merged_into_id_cases_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_next_sla_check" ON "cases" USING btree ("next_sla_check_at") WHERE next_sla_check_at is not null;--> statement-breakpoint
CREATE INDEX "cases_municipality_sla_state" ON "cases" USING btree ("municipality_id","sla_state");--> statement-breakpoint
CREATE INDEX "cases_municipality_department_received" ON "cases" USING btree ("municipality_id","department_id","received_at" DESC NULLS LAST);--> statement-breakpoint
-- Cases from before the workspace: their SLA state from their status and stored deadlines. Those not yet
-- due get a scheduler check now (it then plans their warnings); those already overdue are marked overdue
-- but not escalated after the fact: nobody could have worked them in a workspace, and an upgrade must not
-- send a flood of escalation emails about the past.
UPDATE "cases" SET
  "sla_due_at" = CASE
    WHEN "status" IN ('submitted', 'acknowledged', 'assigned', 'in_progress', 'reopened', 'awaiting_citizen') THEN
      CASE WHEN "acknowledged_at" IS NULL THEN "ack_due_at"
           WHEN "first_response_at" IS NULL THEN "response_due_at"
           ELSE "resolution_due_at" END
    END;--> statement-breakpoint
UPDATE "cases" SET
  "sla_state" = CASE
    WHEN "status" = 'awaiting_citizen' THEN 'paused'
    WHEN "status" NOT IN ('submitted', 'acknowledged', 'assigned', 'in_progress', 'reopened') THEN 'done'
    WHEN "sla_due_at" < now() THEN 'overdue'
    ELSE 'on_track' END,
  "next_sla_check_at" = CASE
    WHEN "status" IN ('submitted', 'acknowledged', 'assigned', 'in_progress', 'reopened')
      AND "sla_due_at" >= now() THEN now() END;
