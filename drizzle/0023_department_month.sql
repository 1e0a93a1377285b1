CREATE TABLE "stats_department_month" (
	"municipality_id" integer NOT NULL,
	"department_id" integer NOT NULL,
	"month" date NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"finished" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_department_month_municipality_id_department_id_month_pk" PRIMARY KEY("municipality_id","department_id","month")
);
--> statement-breakpoint
CREATE INDEX "stats_department_month_month" ON "stats_department_month" USING btree ("month");