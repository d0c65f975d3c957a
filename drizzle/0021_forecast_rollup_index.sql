-- The forecast roll-up (forecasts module, opportunities/forecast-inputs.service.ts forecastGroups)
-- sums deals per owner closing in a period: with every column it reads in the index, PostgreSQL
-- answers it from the index alone (an index-only scan per owner) instead of visiting ~20,000 rows.
CREATE INDEX IF NOT EXISTS "opportunities_forecast_idx" ON "opportunities" USING btree ("org_id", "owner_id", "close_date") INCLUDE ("currency", "status", "forecast_category", "amount", "probability") WHERE deleted_at IS NULL;
