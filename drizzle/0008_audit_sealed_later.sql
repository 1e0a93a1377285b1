ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seq" bigint;--> statement-breakpoint
-- Entries written before this migration were chained in id order as they were appended: that is their seq.
UPDATE "audit_log" SET "seq" = numbered.n FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS n FROM "audit_log") AS numbered WHERE "audit_log"."id" = numbered."id";--> statement-breakpoint
CREATE INDEX "audit_log_unsealed" ON "audit_log" USING btree ("id") WHERE seq is null;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_seq_unique" UNIQUE("seq");