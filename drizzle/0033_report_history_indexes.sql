-- Stage conversion reads the stage history of the deals created in a period from the history's own
-- rows since the period began (index-only: opportunity_history_changed_idx keeps its key and
-- carries the deal and stage), instead of hashing the org's whole history. The reports' deal
-- indexes also carry the deal's id and account (record visibility checks the account team), so a
-- manager's report stays an index-only scan.
DROP INDEX IF EXISTS "opportunity_history_changed_idx";
--> statement-breakpoint
CREATE INDEX "opportunity_history_changed_idx" ON "opportunity_history" USING btree ("org_id", "changed_at") INCLUDE ("opportunity_id", "stage_id");
--> statement-breakpoint
DROP INDEX IF EXISTS "opportunities_created_idx";
--> statement-breakpoint
CREATE INDEX "opportunities_created_idx" ON "opportunities" USING btree ("org_id", "created_at", "id") INCLUDE ("status", "currency", "amount", "owner_id", "source", "stage_id", "account_id") WHERE deleted_at IS NULL;
--> statement-breakpoint
DROP INDEX IF EXISTS "opportunities_close_idx";
--> statement-breakpoint
CREATE INDEX "opportunities_close_idx" ON "opportunities" USING btree ("org_id", "close_date", "id") INCLUDE ("status", "currency", "amount", "owner_id", "source", "account_id") WHERE deleted_at IS NULL;
--> statement-breakpoint
DROP INDEX IF EXISTS "opportunities_closed_idx";
--> statement-breakpoint
CREATE INDEX "opportunities_closed_idx" ON "opportunities" USING btree ("org_id", "closed_at") INCLUDE ("status", "currency", "amount", "owner_id", "source", "created_at", "loss_reason", "account_id") WHERE deleted_at IS NULL AND closed_at IS NOT NULL;
