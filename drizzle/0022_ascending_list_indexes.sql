DROP INDEX "activities_timeline_idx";--> statement-breakpoint
DROP INDEX "form_submissions_form_idx";--> statement-breakpoint
DROP INDEX "merges_survivor_idx";--> statement-breakpoint
DROP INDEX "merges_type_idx";--> statement-breakpoint
CREATE INDEX "activities_timeline_idx" ON "activities" USING btree ("org_id","subject_type","subject_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "form_submissions_form_idx" ON "form_submissions" USING btree ("org_id","form_id","id");--> statement-breakpoint
CREATE INDEX "merges_survivor_idx" ON "merges" USING btree ("org_id","survivor_id","id");--> statement-breakpoint
CREATE INDEX "merges_type_idx" ON "merges" USING btree ("org_id","entity_type","id");