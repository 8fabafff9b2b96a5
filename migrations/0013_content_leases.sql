CREATE TABLE "content_leases" (
	"lease_id" uuid PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"sha256s" text NOT NULL
);
--> statement-breakpoint
-- Hashes are written once and read whole: compressing them (pglz) took as long as the rest of a lease.
ALTER TABLE "content_leases" ALTER COLUMN "sha256s" SET STORAGE EXTERNAL;
