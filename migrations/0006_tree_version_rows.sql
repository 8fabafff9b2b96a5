-- Every user has a tree_versions row from the start (existing users here, new ones as they are
-- created), so the bump at a writer's commit is always an UPDATE of that row. The INSERT of a
-- user's first bump (migration 0005) checked its foreign key with a share lock on the users row
-- at commit, and a deletion of that user running at the same moment could deadlock with it.
INSERT INTO "tree_versions" ("user_id", "version") SELECT "id", 0 FROM "users" ON CONFLICT ("user_id") DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION "fileflow_create_tree_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "tree_versions" ("user_id", "version") VALUES (NEW.id, 0) ON CONFLICT ("user_id") DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "users_create_tree_version" AFTER INSERT ON "users" FOR EACH ROW EXECUTE FUNCTION "fileflow_create_tree_version"();
