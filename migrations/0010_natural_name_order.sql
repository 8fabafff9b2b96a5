-- Folder listings sort names in natural order, as people read them: "sub-2" before "sub-10",
-- case-insensitively. The key is the lower-cased name with every run of digits written as its
-- length (three digits) and the digits without leading zeros, so that a plain text comparison
-- orders numbers by value. ICU's numeric collation would do it, but the embedded database's ICU
-- ignores it. Stored in name_sort_key (a generated column) and indexed for listings.
CREATE OR REPLACE FUNCTION natural_sort_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
    CASE WHEN part ~ '^[0-9]' THEN lpad(length(ltrim(part, '0'))::text, 3, '0') || ltrim(part, '0') ELSE part END,
    '' ORDER BY ord), '')
  FROM regexp_split_to_table(regexp_replace(lower(name), '([0-9]+)', E'\x01\\1\x01', 'g'), E'\x01') WITH ORDINALITY AS t(part, ord)
$$;--> statement-breakpoint
DROP INDEX "file_nodes_listing_idx";--> statement-breakpoint
ALTER TABLE "file_nodes" ADD COLUMN "name_sort_key" text GENERATED ALWAYS AS (natural_sort_key(name)) STORED;--> statement-breakpoint
CREATE INDEX "file_nodes_listing_idx" ON "file_nodes" USING btree ("user_id","parent_id",("type" = 'folder') desc,"name_sort_key","name") WHERE "file_nodes"."trashed_at" is null;