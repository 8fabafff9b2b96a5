-- New entries of the search index wait in its pending list, which every search reads whole, until
-- the list outgrows gin_pending_list_limit (4 MB by default): a few thousand writes made searches
-- several times slower, and the embedded database has no autovacuum to empty the list. At the
-- smallest limit, 64 kB, the list is merged into the index every hundred or so new rows. Altered in place
-- rather than rebuilt (what drizzle-kit wrote), which would take minutes on a large tree.
ALTER INDEX "file_nodes_user_name_trgm_idx" SET (gin_pending_list_limit = 64);--> statement-breakpoint
SELECT gin_clean_pending_list('file_nodes_user_name_trgm_idx'::regclass);
