CREATE TABLE "lead_conversions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"account_name" text NOT NULL,
	"account_reused" boolean NOT NULL,
	"contact_id" uuid,
	"contact_name" text,
	"contact_reused" boolean DEFAULT false NOT NULL,
	"opportunity_id" uuid,
	"opportunity_name" text,
	"handoff_id" uuid,
	"sourced_by" uuid,
	"converted_by" uuid,
	"converted_at" timestamp with time zone NOT NULL,
	"qualification" jsonb,
	"activities_copied" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "lead_conversions_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "lead_conversions_lead_key" ON "lead_conversions" USING btree ("org_id","lead_id");--> statement-breakpoint
CREATE INDEX "lead_conversions_opportunity_idx" ON "lead_conversions" USING btree ("org_id","opportunity_id") WHERE opportunity_id is not null;--> statement-breakpoint
CREATE INDEX "lead_conversions_contact_idx" ON "lead_conversions" USING btree ("org_id","contact_id") WHERE contact_id is not null;