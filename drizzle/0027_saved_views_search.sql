CREATE TABLE "saved_views" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"object" text NOT NULL,
	"name" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"filters" jsonb NOT NULL,
	"sort" jsonb NOT NULL,
	"columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_views_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE INDEX "saved_views_object_idx" ON "saved_views" USING btree ("org_id","object","owner_id");--> statement-breakpoint
CREATE INDEX "accounts_phone_tail_idx" ON "accounts" USING btree ("org_id",right(regexp_replace(regexp_replace("phone", '[[:space:]]*(x|ext[.]?)[[:space:]]*[0-9]+$', '', 'i'), '[^0-9]', '', 'g'), 7)) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "opportunities_search_idx" ON "opportunities" USING gin (lower("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "activities_note_text_idx" ON "activities" USING gin (to_tsvector('simple', "summary")) WHERE kind = 'note';