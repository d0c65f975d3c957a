DROP INDEX "leads_created_idx";--> statement-breakpoint
DROP INDEX "leads_updated_idx";--> statement-breakpoint
DROP INDEX "leads_owner_idx";--> statement-breakpoint
DROP INDEX "leads_status_idx";--> statement-breakpoint
DROP INDEX "leads_deleted_idx";--> statement-breakpoint
DROP INDEX "leads_score_idx";--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "leads" USING btree ("org_id","created_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_updated_idx" ON "leads" USING btree ("org_id","updated_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_owner_idx" ON "leads" USING btree ("org_id","owner_id","created_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_status_idx" ON "leads" USING btree ("org_id","status","created_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_deleted_idx" ON "leads" USING btree ("org_id","deleted_at","id") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "leads_score_idx" ON "leads" USING btree ("org_id","score","id") WHERE deleted_at is null;