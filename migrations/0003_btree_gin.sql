-- Lets one GIN index hold (user_id, name trigrams): a search reads only the caller's matches.
CREATE EXTENSION IF NOT EXISTS btree_gin;
