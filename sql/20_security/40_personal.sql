-- Personal data, classified by column beside each CREATE TABLE.  [personal] columns are
-- masked or aggregated for BI; restricted ones (ID numbers, phones, addresses, home
-- locations) are not granted to any role either: staff read them only through the audited
-- staff functions.  The class lives in personal_column, which the grants read; the column
-- comment shows it to people ([personal] or [personal: restricted] before the owner's text).
CREATE FUNCTION mark_personal(tbl regclass, columns name[], restricted boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  col name;
  num int;
  old text;
  marker text := CASE WHEN restricted THEN '[personal: restricted] ' ELSE '[personal] ' END;
BEGIN
  FOREACH col IN ARRAY columns LOOP
    SELECT attnum INTO num FROM pg_catalog.pg_attribute
    WHERE attrelid = tbl AND attname = col AND attnum > 0 AND NOT attisdropped;
    IF num IS NULL THEN
      RAISE EXCEPTION 'table % has no column %', tbl, col USING ERRCODE = '42703';
    END IF;
    INSERT INTO commgrid.personal_column
      VALUES (tbl, col, CASE WHEN restricted THEN 'restricted' ELSE 'personal' END)
      ON CONFLICT (table_name, column_name) DO UPDATE SET class = EXCLUDED.class;
    old := regexp_replace(COALESCE(col_description(tbl, num), ''), '^\[personal[^]]*\] ', '');
    EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', tbl, col, marker || old);
  END LOOP;
  IF EXISTS (SELECT 1 FROM commgrid.secured_table WHERE table_name = tbl) THEN
    PERFORM commgrid.grant_table_privileges(tbl);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION mark_personal(regclass, name[], boolean) FROM PUBLIC;
COMMENT ON FUNCTION mark_personal(regclass, name[], boolean) IS
  'Classify columns as personal data (personal, or restricted to the staff functions) in personal_column, and show the class at the start of their comments';

-- A column that looks personal to checks_catalog_registration (a name, phone or location in
-- a table about persons) but is not, recorded so: the check then knows it was looked at.
CREATE FUNCTION mark_not_personal(tbl regclass, columns name[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  col name;
BEGIN
  FOREACH col IN ARRAY columns LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                   WHERE attrelid = tbl AND attname = col AND attnum > 0 AND NOT attisdropped) THEN
      RAISE EXCEPTION 'table % has no column %', tbl, col USING ERRCODE = '42703';
    END IF;
    INSERT INTO commgrid.personal_column VALUES (tbl, col, 'not personal')
      ON CONFLICT (table_name, column_name) DO UPDATE SET class = EXCLUDED.class;
  END LOOP;
  IF EXISTS (SELECT 1 FROM commgrid.secured_table WHERE table_name = tbl) THEN
    PERFORM commgrid.grant_table_privileges(tbl);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION mark_not_personal(regclass, name[]) FROM PUBLIC;
COMMENT ON FUNCTION mark_not_personal(regclass, name[]) IS
  'Record in personal_column that columns which look personal are not (granted like any other column)';
