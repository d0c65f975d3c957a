CREATE TABLE "opportunity_stage_totals" (
	"org_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"owner_key" uuid NOT NULL,
	"currency" text NOT NULL,
	"deals" integer DEFAULT 0 NOT NULL,
	"amount" numeric DEFAULT '0' NOT NULL,
	"weighted" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "opportunity_stage_totals_org_id_stage_id_owner_key_currency_pk" PRIMARY KEY("org_id","stage_id","owner_key","currency")
);
--> statement-breakpoint
-- Deltas into opportunity_stage_totals; the nil UUID stands for "no owner".
CREATE FUNCTION opportunity_stage_totals_add(p_org uuid, p_stage uuid, p_owner uuid, p_currency text, p_deals integer, p_amount numeric, p_weighted numeric)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO opportunity_stage_totals AS t (org_id, stage_id, owner_key, currency, deals, amount, weighted)
  VALUES (p_org, p_stage, coalesce(p_owner, '00000000-0000-0000-0000-000000000000'::uuid), p_currency, p_deals, p_amount, p_weighted)
  ON CONFLICT (org_id, stage_id, owner_key, currency)
  DO UPDATE SET deals = t.deals + excluded.deals, amount = t.amount + excluded.amount, weighted = t.weighted + excluded.weighted
$$;
--> statement-breakpoint
-- Live deals (deleted_at is null) count. An update that moves a deal between keys touches the
-- lower key first, so two moves crossing between the same stages lock in the same order.
CREATE FUNCTION opportunity_stage_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_live boolean := false;
  new_live boolean := false;
  old_key text;
  new_key text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    old_live := OLD.deleted_at IS NULL;
    old_key := OLD.stage_id::text || '|' || coalesce(OLD.owner_id::text, '') || '|' || OLD.currency;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    new_live := NEW.deleted_at IS NULL;
    new_key := NEW.stage_id::text || '|' || coalesce(NEW.owner_id::text, '') || '|' || NEW.currency;
  END IF;
  IF old_live AND new_live AND old_key = new_key THEN
    PERFORM opportunity_stage_totals_add(NEW.org_id, NEW.stage_id, NEW.owner_id, NEW.currency, 0,
      NEW.amount::numeric - OLD.amount, NEW.amount::numeric * NEW.probability - OLD.amount::numeric * OLD.probability);
    RETURN NULL;
  END IF;
  IF old_live AND (NOT new_live OR old_key < new_key) THEN
    PERFORM opportunity_stage_totals_add(OLD.org_id, OLD.stage_id, OLD.owner_id, OLD.currency, -1, -OLD.amount::numeric, -(OLD.amount::numeric * OLD.probability));
    old_live := false;
  END IF;
  IF new_live THEN
    PERFORM opportunity_stage_totals_add(NEW.org_id, NEW.stage_id, NEW.owner_id, NEW.currency, 1, NEW.amount::numeric, NEW.amount::numeric * NEW.probability);
  END IF;
  IF old_live THEN
    PERFORM opportunity_stage_totals_add(OLD.org_id, OLD.stage_id, OLD.owner_id, OLD.currency, -1, -OLD.amount::numeric, -(OLD.amount::numeric * OLD.probability));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER opportunity_stage_totals_insert_delete AFTER INSERT OR DELETE ON opportunities
FOR EACH ROW EXECUTE FUNCTION opportunity_stage_totals_track();
--> statement-breakpoint
CREATE TRIGGER opportunity_stage_totals_update AFTER UPDATE OF stage_id, owner_id, currency, amount, probability, deleted_at ON opportunities
FOR EACH ROW WHEN (
  OLD.stage_id IS DISTINCT FROM NEW.stage_id OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.currency IS DISTINCT FROM NEW.currency
  OR OLD.amount IS DISTINCT FROM NEW.amount OR OLD.probability IS DISTINCT FROM NEW.probability OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
) EXECUTE FUNCTION opportunity_stage_totals_track();
--> statement-breakpoint
INSERT INTO opportunity_stage_totals (org_id, stage_id, owner_key, currency, deals, amount, weighted)
SELECT org_id, stage_id, coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), currency, count(*), sum(amount), sum(amount::numeric * probability)
FROM opportunities WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4;
