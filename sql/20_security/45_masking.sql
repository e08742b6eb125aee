-- Masking for BI: the BI reader reads only the bi_* views, which show aggregates or masked
-- values in plain PostgreSQL types (text, integer, numeric), never an exact home location.
-- The views run with their owner's rights, so the BI reader needs no base table at all.

-- A mobile number (11 characters or more) keeps its first 3 and last 4: 13812341234 →
-- 138****1234, as on Chinese receipts.  A landline of 8-10 digits keeps only its last 2 (the
-- first 3 and last 4 would leave 7 of 8 digits); anything shorter is starred whole.
CREATE FUNCTION mask_phone(phone text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN char_length(phone) >= 11
              THEN left(phone, 3) || repeat('*', char_length(phone) - 7) || right(phone, 4)
              WHEN char_length(phone) >= 8
              THEN repeat('*', char_length(phone) - 2) || right(phone, 2)
              ELSE repeat('*', char_length(phone)) END
$$;
COMMENT ON FUNCTION mask_phone(text) IS
  'Masked phone number: 11 characters or more keep the first 3 and last 4 (138****1234), 8-10 keep the last 2 (******21), fewer are starred whole';

-- Settings of the BI views, changed by the extension's owner only.
CREATE TABLE masking_setting (
  name        text PRIMARY KEY,
  value       numeric NOT NULL,
  description text NOT NULL
);
COMMENT ON TABLE masking_setting IS 'Settings of the BI views'' protection of persons (changed by the extension owner only)';
COMMENT ON COLUMN masking_setting.name IS 'Setting name';
COMMENT ON COLUMN masking_setting.value IS 'Its value';
COMMENT ON COLUMN masking_setting.description IS 'What it bounds';
INSERT INTO masking_setting VALUES
  ('bi_min_group_size', 5, 'k: bi_resident shows no group of fewer residents than this (k-anonymity)');
-- k of the BI views: read by staff, changed by the extension owner only (a district
-- administrator scoped to one township must not weaken every district's protection)
SELECT commgrid.secure_table('commgrid.masking_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.mark_install_only('commgrid.masking_setting', 'the BI protection''s settings, as the install script writes them');


-- Keep the first character of a name (the family name, for most Chinese names): 张三丰 → 张**.
CREATE FUNCTION mask_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN char_length(name) <= 1 THEN repeat('*', char_length(name))
              ELSE left(name, 1) || repeat('*', char_length(name) - 1) END
$$;
COMMENT ON FUNCTION mask_name(text) IS
  'Masked name for BI: the first character kept, the rest starred (张三丰 → 张**)';

-- THE BI VIEW OF A REPORT VIEW, its one source.  A report view shows the rows of the querying
-- role's jurisdiction (commgrid.reaches), and the BI reader has none; so BI reads it through a
-- security-definer row function, bi_<report>_rows(), which runs it as the owner over every
-- district, and the view bi_<report> over that function shows all its columns or the ones
-- given.  Install script only.
CREATE FUNCTION create_bi_view(report regclass, view_comment text, columns name[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  report_name name := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = report);
  rows_function text := format('commgrid.%I()', 'bi_' || report_name || '_rows');
  bi_view text := format('commgrid.%I', 'bi_' || report_name);
BEGIN
  EXECUTE format('CREATE FUNCTION %s RETURNS SETOF commgrid.%I '
                 'LANGUAGE sql STABLE SECURITY DEFINER '
                 'SET search_path = pg_catalog, commgrid, public, pg_temp AS %L',
                 rows_function, report_name, format(E'\n  SELECT * FROM commgrid.%I\n', report_name));
  EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', rows_function);
  EXECUTE format('COMMENT ON FUNCTION %s IS %L', rows_function,
                 format('The rows of bi_%s, computed with the owner''s rights (for the BI reader)', report_name));
  EXECUTE format('CREATE VIEW %s AS SELECT %s FROM %s', bi_view,
                 COALESCE((SELECT string_agg(format('s.%I', c), ', ') FROM unnest(columns) c), '*'),
                 rows_function || CASE WHEN columns IS NULL THEN '' ELSE ' s' END);
  EXECUTE format('COMMENT ON VIEW %s IS %L', bi_view, view_comment);
END $$;
REVOKE EXECUTE ON FUNCTION create_bi_view(regclass, text, name[]) FROM PUBLIC;
COMMENT ON FUNCTION create_bi_view(regclass, text, name[]) IS
  'Make bi_<report>: a BI view of a report view (all its columns, or the ones given) through the security-definer row function bi_<report>_rows(); install script only';
