CREATE TABLE "email_addresses" (
	"org_id" uuid NOT NULL,
	"address" text NOT NULL,
	"unsubscribed_at" timestamp with time zone,
	"bounced_at" timestamp with time zone,
	"bounce_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_addresses_org_id_address_pk" PRIMARY KEY("org_id","address")
);
--> statement-breakpoint
CREATE TABLE "email_consent_events" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"address" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"actor_id" uuid,
	"email_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_consent_events_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "email_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"smtp_host" text,
	"smtp_port" integer,
	"smtp_secure" boolean DEFAULT false NOT NULL,
	"smtp_user" text,
	"smtp_password_sealed" text,
	"from_address" text,
	"track_opens" boolean DEFAULT true NOT NULL,
	"track_clicks" boolean DEFAULT true NOT NULL,
	"track_replies" boolean DEFAULT true NOT NULL,
	"postal_address" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_templates" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"marketing" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "email_templates_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "email_user_settings" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"signature" text DEFAULT '' NOT NULL,
	"imap_host" text,
	"imap_port" integer,
	"imap_secure" boolean DEFAULT true NOT NULL,
	"imap_user" text,
	"imap_password_sealed" text,
	"imap_mailbox" text DEFAULT 'INBOX' NOT NULL,
	"imap_uid_validity" text,
	"imap_last_uid" integer DEFAULT 0 NOT NULL,
	"imap_polled_at" timestamp with time zone,
	"imap_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_user_settings_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "emails" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"status" text NOT NULL,
	"from_address" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"body_text" text DEFAULT '' NOT NULL,
	"body_html" text,
	"message_id" text NOT NULL,
	"in_reply_to" text,
	"reply_to_email_id" uuid,
	"template_id" uuid,
	"enrollment_id" uuid,
	"step_id" text,
	"marketing" boolean DEFAULT false NOT NULL,
	"sender_id" uuid,
	"sent_at" timestamp with time zone,
	"error" text,
	"open_count" integer DEFAULT 0 NOT NULL,
	"first_opened_at" timestamp with time zone,
	"click_count" integer DEFAULT 0 NOT NULL,
	"first_clicked_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	"bounced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "emails_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "sequence_enrollments" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"time_zone" text NOT NULL,
	"sender_id" uuid NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"exit_reason" text,
	"step_index" integer DEFAULT 0 NOT NULL,
	"next_due_at" timestamp with time zone,
	"waiting_step_id" text,
	"enrolled_by" uuid,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "sequence_enrollments_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "sequence_step_runs" (
	"org_id" uuid NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"step_index" integer NOT NULL,
	"sequence_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"outcome" text NOT NULL,
	"email_id" uuid,
	"activity_id" uuid,
	"detail" text,
	"ran_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sequence_step_runs_org_id_enrollment_id_step_index_pk" PRIMARY KEY("org_id","enrollment_id","step_index")
);
--> statement-breakpoint
CREATE TABLE "sequences" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"allow_concurrent" boolean DEFAULT false NOT NULL,
	"steps" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sequences_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE INDEX "email_consent_events_address_idx" ON "email_consent_events" USING btree ("org_id","address","id");--> statement-breakpoint
CREATE INDEX "email_templates_name_idx" ON "email_templates" USING btree ("org_id","name","id") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "emails_subject_idx" ON "emails" USING btree ("org_id","subject_type","subject_id","id");--> statement-breakpoint
CREATE INDEX "emails_message_id_idx" ON "emails" USING btree ("org_id","message_id");--> statement-breakpoint
CREATE INDEX "emails_enrollment_idx" ON "emails" USING btree ("org_id","enrollment_id") WHERE enrollment_id is not null;--> statement-breakpoint
CREATE INDEX "sequence_enrollments_due_idx" ON "sequence_enrollments" USING btree ("next_due_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "sequence_enrollments_subject_idx" ON "sequence_enrollments" USING btree ("org_id","subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "sequence_enrollments_sequence_idx" ON "sequence_enrollments" USING btree ("org_id","sequence_id","id");--> statement-breakpoint
CREATE INDEX "sequence_step_runs_sequence_idx" ON "sequence_step_runs" USING btree ("org_id","sequence_id");--> statement-breakpoint
CREATE INDEX "sequences_name_idx" ON "sequences" USING btree ("org_id","name","id");