CREATE TABLE "activities" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"summary" text DEFAULT '' NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activities_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "form_submissions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"form_id" uuid NOT NULL,
	"lead_id" uuid,
	"contact_id" uuid,
	"outcome" text NOT NULL,
	"match_reason" text,
	"payload" jsonb NOT NULL,
	"utm" jsonb NOT NULL,
	"consent_text" text,
	"consent_at" timestamp with time zone,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_submissions_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "forms" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"fields" jsonb NOT NULL,
	"hidden_fields" jsonb NOT NULL,
	"consent_text" text,
	"lead_source" text DEFAULT 'web_form' NOT NULL,
	"default_owner_id" uuid,
	"default_country" text,
	"public_key" text NOT NULL,
	"redirect_url" text,
	"thank_you_message" text DEFAULT 'Thank you! We will be in touch soon.' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"spam_count" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "forms_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "merges" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_ids" jsonb NOT NULL,
	"field_choices" jsonb NOT NULL,
	"survivor_before" jsonb NOT NULL,
	"merged_before" jsonb NOT NULL,
	"versions_after" jsonb NOT NULL,
	"moves" jsonb NOT NULL,
	"merge_activity_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" uuid,
	CONSTRAINT "merges_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE INDEX "activities_timeline_idx" ON "activities" USING btree ("org_id","subject_type","subject_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "form_submissions_form_idx" ON "form_submissions" USING btree ("org_id","form_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "form_submissions_lead_idx" ON "form_submissions" USING btree ("org_id","lead_id");--> statement-breakpoint
CREATE INDEX "forms_name_idx" ON "forms" USING btree ("org_id","name","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "merges_survivor_idx" ON "merges" USING btree ("org_id","survivor_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "merges_type_idx" ON "merges" USING btree ("org_id","entity_type","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "leads_phone_tail_idx" ON "leads" USING btree ("org_id",right(regexp_replace(regexp_replace("phone", '[[:space:]]*(x|ext[.]?)[[:space:]]*[0-9]+$', '', 'i'), '[^0-9]', '', 'g'), 7)) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_person_idx" ON "leads" USING btree ("org_id",lower("last_name"),lower("first_name")) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "leads_company_trgm_idx" ON "leads" USING gin (lower("company") gin_trgm_ops) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "accounts_name_trgm_idx" ON "accounts" USING gin (lower("name") gin_trgm_ops) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "contacts_phone_tail_idx" ON "contacts" USING btree ("org_id",right(regexp_replace(regexp_replace("phone", '[[:space:]]*(x|ext[.]?)[[:space:]]*[0-9]+$', '', 'i'), '[^0-9]', '', 'g'), 7)) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "contacts_person_idx" ON "contacts" USING btree ("org_id",lower("last_name"),lower("first_name")) WHERE deleted_at is null;