CREATE TABLE "opportunity_month_totals" (
	"org_id" uuid NOT NULL,
	"owner_key" uuid NOT NULL,
	"close_month" date NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"forecast_category" text NOT NULL,
	"deals" integer DEFAULT 0 NOT NULL,
	"amount" numeric DEFAULT '0' NOT NULL,
	"weighted" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "opportunity_month_totals_pk" PRIMARY KEY("org_id","owner_key","close_month","currency","status","forecast_category")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "qualified_at" timestamp with time zone;--> statement-breakpoint
-- When a lead became qualified, from the audit log (every status change is audited): the latest
-- entry that left it qualified. Leads with no such entry (imported as qualified, or seeded) keep
-- null and stay out of the funnel's lead → qualified and qualified → deal medians.
UPDATE leads l SET qualified_at = q.at
FROM (
  SELECT org_id, entity_id, max(created_at) AS at FROM audit_log
  WHERE entity_type = 'lead' AND after->>'status' = 'qualified'
  GROUP BY 1, 2
) q
WHERE l.org_id = q.org_id AND l.id = q.entity_id AND l.status IN ('qualified', 'converted') AND l.qualified_at IS NULL;
--> statement-breakpoint
-- Reports read a period's leads, deals created, deals due and deals closed from the index alone
-- (index-only scans: the funnel, pipeline and hints at 1,000,000 leads and 200,000 deals).
-- leads_created_idx keeps its key (the list's sort) and carries the funnel's columns.
DROP INDEX IF EXISTS "leads_created_idx";
--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "leads" USING btree ("org_id", "created_at", "id") INCLUDE ("status", "owner_id", "source", "territory_id", "qualified_at") WHERE deleted_at IS NULL;
--> statement-breakpoint
DROP INDEX IF EXISTS "opportunities_close_idx";
--> statement-breakpoint
CREATE INDEX "opportunities_close_idx" ON "opportunities" USING btree ("org_id", "close_date", "id") INCLUDE ("status", "currency", "amount", "owner_id", "source") WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "opportunities_created_idx" ON "opportunities" USING btree ("org_id", "created_at") INCLUDE ("status", "currency", "amount", "owner_id", "source", "stage_id") WHERE deleted_at IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "opportunities_closed_idx" ON "opportunities" USING btree ("org_id", "closed_at") INCLUDE ("status", "currency", "amount", "owner_id", "source", "created_at", "loss_reason") WHERE deleted_at IS NULL AND closed_at IS NOT NULL;
--> statement-breakpoint
-- Slippage: the deals whose close date was ever pushed later, looked up per deal in a small index.
CREATE INDEX IF NOT EXISTS "opportunity_history_pushed_idx" ON "opportunity_history" USING btree ("org_id", "opportunity_id") WHERE previous_close_date IS NOT NULL AND close_date > previous_close_date;
--> statement-breakpoint
-- opportunity_month_totals, kept per statement from the transition tables like
-- opportunity_stage_totals (0015): each statement adds its deltas per (org, owner, close month,
-- currency, status, category) in one ordered upsert. Existing deals are counted once here.
CREATE FUNCTION opportunity_month_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO opportunity_month_totals AS t (org_id, owner_key, close_month, currency, status, forecast_category, deals, amount, weighted)
    SELECT d.org_id, d.owner_key, d.close_month, d.currency, d.status, d.forecast_category, sum(d.deals), sum(d.amount), sum(d.weighted)
    FROM (
      SELECT n.org_id, coalesce(n.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_key, date_trunc('month', n.close_date)::date AS close_month,
        n.currency, n.status, n.forecast_category, 1 AS deals, n.amount::numeric AS amount, n.amount::numeric * n.probability AS weighted
      FROM new_rows n WHERE n.deleted_at IS NULL AND n.close_date IS NOT NULL
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d.deals) <> 0 OR sum(d.amount) <> 0 OR sum(d.weighted) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (org_id, owner_key, close_month, currency, status, forecast_category)
    DO UPDATE SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted = t.weighted + excluded.weighted;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO opportunity_month_totals AS t (org_id, owner_key, close_month, currency, status, forecast_category, deals, amount, weighted)
    SELECT d.org_id, d.owner_key, d.close_month, d.currency, d.status, d.forecast_category, sum(d.deals), sum(d.amount), sum(d.weighted)
    FROM (
      SELECT o.org_id, coalesce(o.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_key, date_trunc('month', o.close_date)::date AS close_month,
        o.currency, o.status, o.forecast_category, -1 AS deals, -o.amount::numeric AS amount, -(o.amount::numeric * o.probability) AS weighted
      FROM old_rows o WHERE o.deleted_at IS NULL AND o.close_date IS NOT NULL
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d.deals) <> 0 OR sum(d.amount) <> 0 OR sum(d.weighted) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (org_id, owner_key, close_month, currency, status, forecast_category)
    DO UPDATE SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted = t.weighted + excluded.weighted;
  ELSE
    INSERT INTO opportunity_month_totals AS t (org_id, owner_key, close_month, currency, status, forecast_category, deals, amount, weighted)
    SELECT d.org_id, d.owner_key, d.close_month, d.currency, d.status, d.forecast_category, sum(d.deals), sum(d.amount), sum(d.weighted)
    FROM (
      SELECT o.org_id, coalesce(o.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_key, date_trunc('month', o.close_date)::date AS close_month,
        o.currency, o.status, o.forecast_category, -1 AS deals, -o.amount::numeric AS amount, -(o.amount::numeric * o.probability) AS weighted
      FROM old_rows o WHERE o.deleted_at IS NULL AND o.close_date IS NOT NULL
      UNION ALL
      SELECT n.org_id, coalesce(n.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner_key, date_trunc('month', n.close_date)::date AS close_month,
        n.currency, n.status, n.forecast_category, 1 AS deals, n.amount::numeric AS amount, n.amount::numeric * n.probability AS weighted
      FROM new_rows n WHERE n.deleted_at IS NULL AND n.close_date IS NOT NULL
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(d.deals) <> 0 OR sum(d.amount) <> 0 OR sum(d.weighted) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (org_id, owner_key, close_month, currency, status, forecast_category)
    DO UPDATE SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted = t.weighted + excluded.weighted;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER opportunity_month_totals_insert AFTER INSERT ON opportunities
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION opportunity_month_totals_track();
--> statement-breakpoint
CREATE TRIGGER opportunity_month_totals_update AFTER UPDATE ON opportunities
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION opportunity_month_totals_track();
--> statement-breakpoint
CREATE TRIGGER opportunity_month_totals_delete AFTER DELETE ON opportunities
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION opportunity_month_totals_track();
--> statement-breakpoint
INSERT INTO opportunity_month_totals (org_id, owner_key, close_month, currency, status, forecast_category, deals, amount, weighted)
SELECT org_id, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), date_trunc('month', close_date)::date, currency, status, forecast_category,
  count(*), sum(amount::numeric), sum(amount::numeric * probability)
FROM opportunities WHERE deleted_at IS NULL AND close_date IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
