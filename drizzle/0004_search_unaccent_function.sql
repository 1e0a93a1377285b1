-- unaccent(text) is STABLE (it finds its dictionary through search_path), so no index or generated
-- column may use it. The two-argument form with a schema-qualified dictionary does not depend on the
-- search path, so this wrapper can honestly be IMMUTABLE; its SQL-standard body is bound when it is
-- created, which keeps dump and restore safe. If the unaccent rules ever change, rebuild cases.search.
CREATE FUNCTION public.ekomuna_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN public.unaccent('public.unaccent'::regdictionary, $1);
