CREATE TABLE "activity_daily_counts" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"actor_key" uuid NOT NULL,
	"kind" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "activity_daily_counts_org_id_day_actor_key_kind_pk" PRIMARY KEY("org_id","day","actor_key","kind")
);
--> statement-breakpoint
CREATE TABLE "dashboards" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"widgets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dashboards_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "report_digests" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"week" date NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_digests_org_id_user_id_week_pk" PRIMARY KEY("org_id","user_id","week")
);
--> statement-breakpoint
CREATE INDEX "activity_daily_counts_actor_idx" ON "activity_daily_counts" USING btree ("org_id","actor_key","day");--> statement-breakpoint
CREATE INDEX "dashboards_owner_idx" ON "dashboards" USING btree ("org_id","owner_id");