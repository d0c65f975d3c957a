CREATE TABLE "account_key_players" (
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"roles" text[] NOT NULL,
	"reports_to_contact_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_key_players_org_id_account_id_contact_id_pk" PRIMARY KEY("org_id","account_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "account_team_members" (
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_team_members_org_id_account_id_user_id_pk" PRIMARY KEY("org_id","account_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "product_prices" (
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"unit_price" bigint NOT NULL,
	CONSTRAINT "product_prices_org_id_product_id_currency_pk" PRIMARY KEY("org_id","product_id","currency")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"billing" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"level" text NOT NULL,
	"value" integer NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"comment" text,
	CONSTRAINT "approval_requests_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "line_items" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sku" text NOT NULL,
	"billing" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" bigint NOT NULL,
	"discount_bp" integer DEFAULT 0 NOT NULL,
	"term_months" integer,
	"start_date" date,
	"end_date" date,
	"total" bigint NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "line_items_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "opportunities" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"name" text NOT NULL,
	"account_id" uuid,
	"owner_id" uuid,
	"amount" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"close_date" date NOT NULL,
	"probability" integer NOT NULL,
	"forecast_category" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"source" text NOT NULL,
	"source_lead_id" uuid,
	"sourced_by" uuid,
	"next_step" text,
	"competitors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"loss_reason" text,
	"win_reason" text,
	"payment_terms_days" integer DEFAULT 30 NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"renews_opportunity_id" uuid,
	"renews_term_end" date,
	"stage_entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "opportunities_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "opportunity_contacts" (
	"org_id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"roles" text[] NOT NULL,
	"is_primary" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opportunity_contacts_org_id_opportunity_id_contact_id_pk" PRIMARY KEY("org_id","opportunity_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "opportunity_history" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by" uuid,
	"changes" text[] NOT NULL,
	"stage_id" uuid NOT NULL,
	"previous_stage_id" uuid,
	"amount" bigint NOT NULL,
	"previous_amount" bigint,
	"currency" text NOT NULL,
	"close_date" date NOT NULL,
	"previous_close_date" date,
	"probability" integer NOT NULL,
	"forecast_category" text NOT NULL,
	"status" text NOT NULL,
	CONSTRAINT "opportunity_history_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "opportunity_policies" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"manager_discount_bp" integer NOT NULL,
	"finance_discount_bp" integer NOT NULL,
	"standard_payment_terms_days" integer NOT NULL,
	"finance_approver_ids" uuid[] NOT NULL,
	"legal_approver_ids" uuid[] NOT NULL,
	"renewal_lead_days" integer NOT NULL,
	"default_currency" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline_stages" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"probability" integer NOT NULL,
	"forecast_category" text NOT NULL,
	"outcome" text NOT NULL,
	"gates" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "pipeline_stages_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "pipelines" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pipelines_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"link" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE INDEX "account_team_members_user_idx" ON "account_team_members" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku_key" ON "products" USING btree ("org_id",lower("sku"));--> statement-breakpoint
CREATE INDEX "products_name_idx" ON "products" USING btree ("org_id","name","id");--> statement-breakpoint
CREATE INDEX "approval_requests_opportunity_idx" ON "approval_requests" USING btree ("org_id","opportunity_id");--> statement-breakpoint
CREATE INDEX "approval_requests_status_idx" ON "approval_requests" USING btree ("org_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_requests_pending_key" ON "approval_requests" USING btree ("org_id","opportunity_id","kind","level") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "line_items_opportunity_idx" ON "line_items" USING btree ("org_id","opportunity_id","position");--> statement-breakpoint
CREATE INDEX "line_items_product_idx" ON "line_items" USING btree ("org_id","product_id");--> statement-breakpoint
CREATE INDEX "line_items_term_end_idx" ON "line_items" USING btree ("end_date") WHERE end_date is not null;--> statement-breakpoint
CREATE INDEX "opportunities_board_idx" ON "opportunities" USING btree ("org_id","stage_id","close_date","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_close_idx" ON "opportunities" USING btree ("org_id","close_date","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_owner_idx" ON "opportunities" USING btree ("org_id","owner_id","close_date","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_account_idx" ON "opportunities" USING btree ("org_id","account_id","close_date","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "opportunities_renewal_key" ON "opportunities" USING btree ("org_id","renews_opportunity_id","renews_term_end") WHERE renews_opportunity_id is not null;--> statement-breakpoint
CREATE INDEX "opportunity_history_opportunity_idx" ON "opportunity_history" USING btree ("org_id","opportunity_id","changed_at");--> statement-breakpoint
CREATE INDEX "opportunity_history_changed_idx" ON "opportunity_history" USING btree ("org_id","changed_at");--> statement-breakpoint
CREATE INDEX "pipeline_stages_pipeline_idx" ON "pipeline_stages" USING btree ("org_id","pipeline_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "pipelines_name_key" ON "pipelines" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("org_id","user_id","id");