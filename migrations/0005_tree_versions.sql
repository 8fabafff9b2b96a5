CREATE TABLE "tree_versions" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tree_versions" ADD CONSTRAINT "tree_versions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Bumps the owner's tree version once per transaction that wrote any of the owner's nodes, at its
-- commit (a deferred constraint trigger): the row lock on the counter is the last lock such a
-- transaction takes, so it cannot take part in a deadlock, and it is held only while committing.
-- The guard (a setting local to the transaction) makes a bulk write of many nodes bump once.
-- Versions of deleted users are not written (their row went with them). A session that set
-- fileflow.announce_tree_versions (the embedded database's one session) is told each new version
-- by NOTIFY, delivered with the commit; PostgreSQL servers do not set it, so their commits do not
-- queue behind the server-wide notification lock.
CREATE FUNCTION "fileflow_bump_tree_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid;
  bumped text := coalesce(current_setting('fileflow.tree_versions_bumped', true), '');
  bumped_to bigint;
BEGIN
  FOREACH owner IN ARRAY (CASE TG_OP
      WHEN 'INSERT' THEN ARRAY[NEW.user_id]
      WHEN 'DELETE' THEN ARRAY[OLD.user_id]
      ELSE ARRAY[NEW.user_id, OLD.user_id] END) LOOP
    IF position(owner::text IN bumped) = 0 THEN
      INSERT INTO "tree_versions" ("user_id", "version")
        SELECT owner, 1 WHERE EXISTS (SELECT 1 FROM "users" WHERE "id" = owner)
        ON CONFLICT ("user_id") DO UPDATE SET "version" = "tree_versions"."version" + 1
        RETURNING "version" INTO bumped_to;
      IF bumped_to IS NOT NULL AND current_setting('fileflow.announce_tree_versions', true) = 'on' THEN
        PERFORM pg_notify('fileflow_tree_versions', owner::text || ' ' || bumped_to::text);
      END IF;
      bumped := bumped || owner::text || ',';
      PERFORM set_config('fileflow.tree_versions_bumped', bumped, true);
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "file_nodes_bump_tree_version" AFTER INSERT OR UPDATE OR DELETE ON "file_nodes"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "fileflow_bump_tree_version"();
