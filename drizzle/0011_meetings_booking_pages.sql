CREATE TABLE "booking_pages" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"meeting_types" jsonb NOT NULL,
	"buffer_minutes" integer DEFAULT 10 NOT NULL,
	"min_notice_minutes" integer DEFAULT 240 NOT NULL,
	"days_ahead" integer DEFAULT 30 NOT NULL,
	"video_url" text,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_pages_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"organizer_id" uuid NOT NULL,
	"attendees" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"video_url" text,
	"lead_id" uuid,
	"contact_id" uuid,
	"account_id" uuid,
	"opportunity_id" uuid,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"outcome_notes" text DEFAULT '' NOT NULL,
	"booked_via" text DEFAULT 'app' NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meetings_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "booking_pages_slug_key" ON "booking_pages" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "meetings_organizer_idx" ON "meetings" USING btree ("org_id","organizer_id","starts_at");--> statement-breakpoint
CREATE INDEX "meetings_starts_idx" ON "meetings" USING btree ("org_id","starts_at");--> statement-breakpoint
CREATE INDEX "meetings_lead_idx" ON "meetings" USING btree ("org_id","lead_id");--> statement-breakpoint
CREATE INDEX "meetings_opportunity_idx" ON "meetings" USING btree ("org_id","opportunity_id");