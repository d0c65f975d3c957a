CREATE TABLE "quotas" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"scope" text NOT NULL,
	"scope_id" uuid NOT NULL,
	"period_kind" text NOT NULL,
	"period_key" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"metric" text NOT NULL,
	"deal_kind" text DEFAULT 'all' NOT NULL,
	"currency" text,
	"target" bigint NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quotas_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "forecast_submissions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"scope" text NOT NULL,
	"scope_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period_key" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"currency" text NOT NULL,
	"commit" bigint NOT NULL,
	"best_case" bigint NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"system" jsonb NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecast_submissions_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "fiscal_year_start_month" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "reps_see_team_numbers" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "quotas_target_key" ON "quotas" USING btree ("org_id","scope","scope_id","period_key","metric","deal_kind");--> statement-breakpoint
CREATE INDEX "quotas_period_idx" ON "quotas" USING btree ("org_id","period_key","metric");--> statement-breakpoint
CREATE INDEX "forecast_submissions_scope_idx" ON "forecast_submissions" USING btree ("org_id","period_key","scope","scope_id","submitted_at");