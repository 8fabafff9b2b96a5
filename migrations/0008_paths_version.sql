ALTER TABLE "tree_versions" ADD COLUMN "paths_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- As in migration 0005, plus: a transaction that renamed or moved a folder also sets the owner's
-- paths_version to the tree version it committed, so folder paths remembered at one paths_version
-- hold until it moves. Only a folder's name and parent change its descendants' paths: a new
-- folder has an id no one remembers, a trashed subtree is out of every search, and ids are never
-- reused. Folder etags change on every upload beneath them, hence the column check.
CREATE OR REPLACE FUNCTION "fileflow_bump_tree_version"() RETURNS trigger LANGUAGE plpgsql AS $$
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
  IF TG_OP = 'UPDATE' AND OLD."type" = 'folder'
      AND (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."parent_id" IS DISTINCT FROM NEW."parent_id") THEN
    UPDATE "tree_versions" SET "paths_version" = "version"
      WHERE "user_id" IN (NEW.user_id, OLD.user_id) AND "paths_version" <> "version";
  END IF;
  RETURN NULL;
END
$$;
