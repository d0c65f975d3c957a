CREATE TABLE "handoffs" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"lead_id" uuid,
	"from_user_id" uuid,
	"to_user_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"summary" jsonb NOT NULL,
	"decision_id" uuid,
	"accept_due_at" timestamp with time zone,
	"responded_at" timestamp with time zone,
	"decline_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handoffs_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "routing_decisions" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"rule_set_id" uuid,
	"rule_set_version" integer,
	"rule_id" uuid,
	"rule_name" text,
	"reason" text NOT NULL,
	"candidates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"owner_id" uuid,
	"previous_owner_id" uuid,
	"territory_id" uuid,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_decisions_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "routing_rotations" (
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"last_user_id" uuid,
	"credits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_rotations_org_id_key_pk" PRIMARY KEY("org_id","key")
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"rule_set_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"match" text DEFAULT 'all' NOT NULL,
	"conditions" jsonb NOT NULL,
	"strategy" text NOT NULL,
	"target" jsonb NOT NULL,
	"weights" jsonb,
	"account_owner_first" boolean DEFAULT false NOT NULL,
	CONSTRAINT "routing_rules_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "rule_sets" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"object" text NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"fallback_owner_id" uuid,
	"sla_minutes" integer,
	"business_hours" jsonb,
	"escalation" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"activated_by" uuid,
	CONSTRAINT "rule_sets_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "sla_timers" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"rule_set_id" uuid,
	"decision_id" uuid,
	"minutes" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"stopped_at" timestamp with time zone,
	"outcome" text,
	"job_queued_at" timestamp with time zone,
	CONSTRAINT "sla_timers_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "territories" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"parent_id" uuid,
	"priority" integer DEFAULT 100 NOT NULL,
	"criteria" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "territories_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "territory_members" (
	"org_id" uuid NOT NULL,
	"territory_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "territory_members_org_id_territory_id_user_id_pk" PRIMARY KEY("org_id","territory_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "user_availability" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"out_of_office_until" timestamp with time zone,
	"working_hours" jsonb,
	"daily_cap" integer,
	"counted_day" text,
	"assigned_on_day" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_availability_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "territory_id" uuid;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "territory_id" uuid;--> statement-breakpoint
CREATE INDEX "handoffs_to_idx" ON "handoffs" USING btree ("org_id","to_user_id","status");--> statement-breakpoint
CREATE INDEX "handoffs_opportunity_idx" ON "handoffs" USING btree ("org_id","opportunity_id");--> statement-breakpoint
CREATE INDEX "routing_decisions_subject_idx" ON "routing_decisions" USING btree ("org_id","subject_id","id");--> statement-breakpoint
CREATE INDEX "routing_decisions_owner_idx" ON "routing_decisions" USING btree ("org_id","owner_id","id");--> statement-breakpoint
CREATE INDEX "routing_decisions_rule_set_idx" ON "routing_decisions" USING btree ("org_id","rule_set_id","id");--> statement-breakpoint
CREATE INDEX "routing_rules_set_idx" ON "routing_rules" USING btree ("org_id","rule_set_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_sets_version_key" ON "rule_sets" USING btree ("org_id","object","version");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_sets_active_key" ON "rule_sets" USING btree ("org_id","object") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "sla_timers_subject_idx" ON "sla_timers" USING btree ("org_id","subject_id") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "sla_timers_owner_idx" ON "sla_timers" USING btree ("org_id","owner_id","started_at");--> statement-breakpoint
CREATE INDEX "sla_timers_unqueued_idx" ON "sla_timers" USING btree ("due_at") WHERE status = 'running' and job_queued_at is null;--> statement-breakpoint
CREATE INDEX "territories_parent_idx" ON "territories" USING btree ("org_id","parent_id");--> statement-breakpoint
CREATE INDEX "territory_members_user_idx" ON "territory_members" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE INDEX "leads_territory_idx" ON "leads" USING btree ("org_id","territory_id","created_at","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "accounts_territory_idx" ON "accounts" USING btree ("org_id","territory_id","name","id") WHERE deleted_at is null;