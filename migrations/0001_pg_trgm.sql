-- Trigram indexes make substring search on names fast (PGlite ships pg_trgm too).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
