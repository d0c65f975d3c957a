CREATE TABLE "lead_rescores" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"rules_version" integer NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"requested_by" uuid,
	"requested_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
