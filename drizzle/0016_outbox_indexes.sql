DROP INDEX "outbox_pending";--> statement-breakpoint
CREATE INDEX "outbox_pending_kind" ON "outbox" USING btree ("kind","available_at") WHERE "outbox"."delivered_at" is null and "outbox"."dead_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_delivered" ON "outbox" USING btree ("delivered_at") WHERE "outbox"."delivered_at" is not null;