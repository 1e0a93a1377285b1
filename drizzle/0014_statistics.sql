CREATE TABLE "case_facts" (
	"case_id" bigint PRIMARY KEY NOT NULL,
	"facts" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_breakdown" (
	"municipality_id" integer NOT NULL,
	"month" date NOT NULL,
	"type" text NOT NULL,
	"category_id" integer NOT NULL,
	"channel" text NOT NULL,
	"department_id" integer DEFAULT 0 NOT NULL,
	"counters" integer[] NOT NULL,
	CONSTRAINT "stats_breakdown_municipality_id_month_type_category_id_channel_department_id_pk" PRIMARY KEY("municipality_id","month","type","category_id","channel","department_id")
);
--> statement-breakpoint
CREATE TABLE "stats_month" (
	"municipality_id" integer NOT NULL,
	"month" date NOT NULL,
	"counters" integer[] NOT NULL,
	"finished_in_month" integer DEFAULT 0 NOT NULL,
	"ack_hist" integer[] NOT NULL,
	"response_hist" integer[] NOT NULL,
	"resolution_hist" integer[] NOT NULL,
	CONSTRAINT "stats_month_municipality_id_month_pk" PRIMARY KEY("municipality_id","month")
);
--> statement-breakpoint
CREATE TABLE "stats_progress" (
	"name" text PRIMARY KEY NOT NULL,
	"last_event_id" bigint DEFAULT 0 NOT NULL,
	"recent" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_facts" ADD CONSTRAINT "case_facts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stats_breakdown_month" ON "stats_breakdown" USING btree ("month");--> statement-breakpoint
CREATE INDEX "stats_month_month" ON "stats_month" USING btree ("month");