-- activity_daily_counts, kept per statement from the transition tables (a row trigger would make
-- bulk activity writes many times slower, as it did for opportunity_stage_totals): each statement
-- adds its deltas per (org, UTC day, actor, kind) in one ordered upsert. Existing activities are
-- counted once here.
CREATE FUNCTION activity_daily_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO activity_daily_counts AS t (org_id, day, actor_key, kind, count)
    SELECT n.org_id, (n.occurred_at AT TIME ZONE 'UTC')::date, coalesce(n.actor_id, '00000000-0000-0000-0000-000000000000'::uuid), n.kind, count(*)
    FROM new_rows n GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (org_id, day, actor_key, kind) DO UPDATE SET count = t.count + excluded.count;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO activity_daily_counts AS t (org_id, day, actor_key, kind, count)
    SELECT o.org_id, (o.occurred_at AT TIME ZONE 'UTC')::date, coalesce(o.actor_id, '00000000-0000-0000-0000-000000000000'::uuid), o.kind, -count(*)
    FROM old_rows o GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (org_id, day, actor_key, kind) DO UPDATE SET count = t.count + excluded.count;
  ELSE
    INSERT INTO activity_daily_counts AS t (org_id, day, actor_key, kind, count)
    SELECT d.org_id, d.day, d.actor_key, d.kind, sum(d.n)
    FROM (
      SELECT o.org_id, (o.occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(o.actor_id, '00000000-0000-0000-0000-000000000000'::uuid) AS actor_key, o.kind, -1 AS n FROM old_rows o
      UNION ALL
      SELECT n.org_id, (n.occurred_at AT TIME ZONE 'UTC')::date, coalesce(n.actor_id, '00000000-0000-0000-0000-000000000000'::uuid), n.kind, 1 FROM new_rows n
    ) d
    GROUP BY 1, 2, 3, 4 HAVING sum(d.n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (org_id, day, actor_key, kind) DO UPDATE SET count = t.count + excluded.count;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER activity_daily_counts_insert AFTER INSERT ON activities
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION activity_daily_counts_track();
--> statement-breakpoint
CREATE TRIGGER activity_daily_counts_update AFTER UPDATE ON activities
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION activity_daily_counts_track();
--> statement-breakpoint
CREATE TRIGGER activity_daily_counts_delete AFTER DELETE ON activities
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION activity_daily_counts_track();
--> statement-breakpoint
INSERT INTO activity_daily_counts (org_id, day, actor_key, kind, count)
SELECT org_id, (occurred_at AT TIME ZONE 'UTC')::date, coalesce(actor_id, '00000000-0000-0000-0000-000000000000'::uuid), kind, count(*)
FROM activities GROUP BY 1, 2, 3, 4;
