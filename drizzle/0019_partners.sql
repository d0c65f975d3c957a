CREATE TABLE "deal_registrations" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"registered_by" uuid,
	"company" text NOT NULL,
	"domain" text,
	"contact_name" text NOT NULL,
	"contact_email" text,
	"country" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"close_date" date NOT NULL,
	"product_notes" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decision_reason" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"account_id" uuid,
	"opportunity_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deal_registrations_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "partner_members" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_members_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "partner_programs" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"registration_expiry_days" integer DEFAULT 90 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partner_tiers" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_tiers_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"tier_id" uuid,
	"manager_id" uuid,
	"website" text,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partners_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "registration_notes" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"registration_id" uuid NOT NULL,
	"author_id" uuid,
	"author_side" text NOT NULL,
	"body" text NOT NULL,
	"shared" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "registration_notes_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "opportunities" ADD COLUMN "partner_id" uuid;--> statement-breakpoint
ALTER TABLE "opportunities" ADD COLUMN "partner_role" text;--> statement-breakpoint
CREATE INDEX "deal_registrations_partner_idx" ON "deal_registrations" USING btree ("org_id","partner_id","created_at","id");--> statement-breakpoint
CREATE INDEX "deal_registrations_status_idx" ON "deal_registrations" USING btree ("org_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "deal_registrations_expiry_idx" ON "deal_registrations" USING btree ("expires_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "partner_members_partner_idx" ON "partner_members" USING btree ("org_id","partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partner_tiers_name_key" ON "partner_tiers" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "partners_name_key" ON "partners" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE INDEX "registration_notes_registration_idx" ON "registration_notes" USING btree ("org_id","registration_id","created_at");--> statement-breakpoint
CREATE INDEX "opportunities_partner_idx" ON "opportunities" USING btree ("org_id","partner_id") WHERE partner_id is not null;