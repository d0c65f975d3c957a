CREATE TABLE "org_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"disqualification_reasons" jsonb NOT NULL,
	"recycle_after_days" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_qualifications" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"framework_id" uuid NOT NULL,
	"answers" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lead_qualifications_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "qualification_frameworks" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"questions" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qualification_frameworks_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "scoring_rules" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"fit" jsonb NOT NULL,
	"engagement" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "score" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "score_explanation" jsonb;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "disqualified_reason" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "disqualified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "recycle_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "lead_qualifications_lead_idx" ON "lead_qualifications" USING btree ("org_id","lead_id","framework_id");--> statement-breakpoint
CREATE INDEX "lead_qualifications_framework_idx" ON "lead_qualifications" USING btree ("org_id","framework_id");--> statement-breakpoint
CREATE UNIQUE INDEX "qualification_frameworks_name_idx" ON "qualification_frameworks" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "qualification_frameworks_default_idx" ON "qualification_frameworks" USING btree ("org_id") WHERE is_default;--> statement-breakpoint
CREATE INDEX "leads_score_idx" ON "leads" USING btree ("org_id","score" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_recycle_idx" ON "leads" USING btree ("org_id","recycle_at") WHERE status = 'disqualified' and deleted_at is null;