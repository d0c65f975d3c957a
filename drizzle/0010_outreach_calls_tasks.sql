CREATE TABLE "call_scripts" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"body" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_scripts_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "call_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"calling_hours" jsonb NOT NULL,
	"default_time_zone" text,
	"recall_after_minutes" integer DEFAULT 240 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"type" text DEFAULT 'todo' NOT NULL,
	"owner_id" uuid NOT NULL,
	"subject_type" text,
	"subject_id" uuid,
	"due_at" timestamp with time zone,
	"remind_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"status" text DEFAULT 'open' NOT NULL,
	"completed_at" timestamp with time zone,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "activity_goals" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"scope" text NOT NULL,
	"scope_id" uuid NOT NULL,
	"calls" integer,
	"connects" integer,
	"emails" integer,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_goals_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "do_not_call" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "do_not_call" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "call_scripts_name_idx" ON "call_scripts" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "tasks_owner_open_idx" ON "tasks" USING btree ("org_id","owner_id","due_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "tasks_subject_idx" ON "tasks" USING btree ("org_id","subject_type","subject_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "tasks_reminder_idx" ON "tasks" USING btree ("remind_at") WHERE status = 'open' and reminded_at is null and remind_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "activity_goals_scope_idx" ON "activity_goals" USING btree ("org_id","scope","scope_id");--> statement-breakpoint
CREATE INDEX "activity_goals_org_idx" ON "activity_goals" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "activities_actor_idx" ON "activities" USING btree ("org_id","actor_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "activities_external_call_idx" ON "activities" USING btree ("org_id",(details->>'externalCallId')) WHERE (details->>'externalCallId') is not null;