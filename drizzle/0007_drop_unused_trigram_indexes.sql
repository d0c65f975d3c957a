DROP INDEX "leads_company_trgm_idx";--> statement-breakpoint
DROP INDEX "accounts_name_trgm_idx";