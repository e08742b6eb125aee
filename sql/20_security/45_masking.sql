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

-- A bi_* view that shows a report view's rows unchanged says what the report view's columns
-- say: its column comments are copied from the report view's, so there is one text for both.
CREATE FUNCTION copy_column_comments(target regclass, source regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT b.attname, d.description
      FROM pg_catalog.pg_attribute b
      JOIN pg_catalog.pg_attribute s ON s.attrelid OPERATOR(pg_catalog.=) source
                                    AND s.attname OPERATOR(pg_catalog.=) b.attname
      JOIN pg_catalog.pg_description d
        ON d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.objoid OPERATOR(pg_catalog.=) s.attrelid AND d.objsubid OPERATOR(pg_catalog.=) s.attnum
     WHERE b.attrelid OPERATOR(pg_catalog.=) target AND b.attnum OPERATOR(pg_catalog.>) 0
  LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', target, c.attname, c.description);
  END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION copy_column_comments(regclass, regclass) FROM PUBLIC;
COMMENT ON FUNCTION copy_column_comments(regclass, regclass) IS
  'Copy the column comments of a view onto the same-named columns of another (install-time helper for the bi_* copies of report views)';
