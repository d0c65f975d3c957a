CREATE TABLE "feedback_areas" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"parent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_areas_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "feedback_items" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"quote" text NOT NULL,
	"kind" text NOT NULL,
	"area_id" uuid,
	"contact_id" uuid,
	"said_by" text,
	"captured_by" uuid,
	"account_id" uuid,
	"opportunity_id" uuid,
	"source_type" text,
	"source_id" uuid,
	"idea_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_items_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "ideas" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"area_id" uuid,
	"created_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ideas_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_areas_name_key" ON "feedback_areas" USING btree ("org_id",coalesce("parent_id"::text, ''),lower("name"));--> statement-breakpoint
CREATE INDEX "feedback_items_idea_idx" ON "feedback_items" USING btree ("org_id","idea_id");--> statement-breakpoint
CREATE INDEX "feedback_items_account_idx" ON "feedback_items" USING btree ("org_id","account_id");--> statement-breakpoint
CREATE INDEX "feedback_items_created_idx" ON "feedback_items" USING btree ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ideas_status_idx" ON "ideas" USING btree ("org_id","status","id");