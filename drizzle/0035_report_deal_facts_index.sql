-- The funnel's later steps read each converted lead's deal by key: its status, account and closing
-- from the index alone instead of the deal's row (index-only probes at a year of leads).
CREATE INDEX IF NOT EXISTS "opportunities_facts_idx" ON "opportunities" USING btree ("org_id", "id") INCLUDE ("status", "account_id", "closed_at") WHERE deleted_at IS NULL;
