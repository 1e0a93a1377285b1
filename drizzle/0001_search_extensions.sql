-- Full-text search and near-duplicate detection run in the database: unaccent folds "ë"/"ç"/"š" so that
-- "rruge" finds "rrugë"; pg_trgm finds similar titles. Both are trusted extensions (PostgreSQL 13+), so a
-- database owner can create them without superuser rights; PGlite loads them from its contrib bundle.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
