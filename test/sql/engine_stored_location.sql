-- One rule for every location column of the extension's tables (stored_location): a point
-- stored in EPSG:4490, 4326 transformed, anything else refused with 22023 and the message and
-- hint locate() gives.  Households, units and grid staff behave alike.  On hand-made areas of
-- 370102 (历下区), all rolled back.
SET search_path = commgrid, public;
BEGIN;
\set SHOW_CONTEXT never
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(117.00, 36.60, 117.10, 36.70, 4490)
FROM (VALUES ('370102', '历下区', 'district'), ('370102001', '解放路街道', 'subdistrict'),
             ('370102001001', '测试社区', 'community'), ('370102001001001', '测试网格', 'grid')) a(code, name, kind)
ORDER BY code;

-- an insert's outcome: what was stored and the area given, or SQLSTATE, message, detail, hint
-- (the insert is rolled back either way)
CREATE FUNCTION pg_temp.store(tbl text, g geometry) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; d text; h text;
BEGIN
  BEGIN
    EXECUTE CASE tbl
      WHEN 'household' THEN 'INSERT INTO household (address, location) VALUES (''测试路1号'', $1)
                             RETURNING ST_AsEWKT(ST_SnapToGrid(location, 1e-6)) || '' '' || coalesce(grid_code::text, ''-'')'
      WHEN 'unit' THEN 'INSERT INTO unit (name, uscc, kind, affiliation, location)
                        VALUES (''测试单位'', make_uscc(''1'', ''1'', ''370102'', ''MB123456''), ''organ'', ''district'', $1)
                        RETURNING ST_AsEWKT(ST_SnapToGrid(location, 1e-6)) || '' '' || coalesce(community_code::text, ''-'')'
      ELSE 'INSERT INTO grid_staff (name, role, location) VALUES (''测试员'', ''grid_leader'', $1)
            RETURNING ST_AsEWKT(ST_SnapToGrid(location, 1e-6)) || '' '' || coalesce(grid_code::text, ''-'')' END
      INTO r USING g;
    RAISE EXCEPTION USING ERRCODE = 'ZZ999', MESSAGE = r;
  EXCEPTION WHEN SQLSTATE 'ZZ999' THEN
    RETURN SQLERRM;
  END;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RETURN concat_ws(E'\n', SQLSTATE || ': ' || SQLERRM, nullif('DETAIL: ' || d, 'DETAIL: '), nullif('HINT: ' || h, 'HINT: '));
END $$;

CREATE TEMP TABLE probe (n int, what text, g geometry);
INSERT INTO probe VALUES
  (1, '4490', 'SRID=4490;POINT(117.05 36.65)'),
  (2, '4326', 'SRID=4326;POINT(117.05 36.65)'),
  (3, '3857', ST_Transform('SRID=4326;POINT(117.05 36.65)'::geometry, 3857)),
  (4, 'no SRID', 'POINT(117.05 36.65)'),
  (5, 'not a point', 'SRID=4490;LINESTRING(117.05 36.65,117.06 36.66)'),
  (6, 'empty point', 'SRID=4490;POINT EMPTY'),
  (7, 'Z', 'SRID=4490;POINT Z(117.05 36.65 10)'),
  (8, 'off the globe', 'SRID=4490;POINT(1170.5 36.65)'),
  (9, 'NaN', ST_SetSRID(ST_MakePoint('NaN', 36.65), 4490));

-- a household and a unit behave alike: the same stored point (the unit gets the community,
-- the household the grid) or the same refusal; grid staff as households
SELECT n, what, h AS household, substring(u FROM ' ([0-9]+)$') AS unit_community,
       regexp_replace(h, ' [0-9]+$', '') = regexp_replace(u, ' [0-9]+$', '') AS unit_alike,
       h = pg_temp.store('grid_staff', g) AS grid_staff_alike
FROM (SELECT n, what, g, pg_temp.store('household', g) AS h, pg_temp.store('unit', g) AS u FROM probe) x
ORDER BY n;

-- the refusals are locate()'s own, message and hint
DO $$
DECLARE
  p record; msg text; hint text;
BEGIN
  FOR p IN SELECT * FROM probe WHERE n IN (3, 4, 5) ORDER BY n LOOP
    BEGIN
      PERFORM locate(p.g);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
      RAISE NOTICE '% locate: %: % (hint: %); household the same: %', p.what, SQLSTATE, msg, hint,
        pg_temp.store('household', p.g) LIKE SQLSTATE || ': ' || msg || '%HINT: ' || hint;
    END;
  END LOOP;
END $$;

-- an update takes the same rule: a household moved with a 4326 point is stored in 4490 and
-- keeps the engine's grid; a 3857 point is refused and the row stays as it was
INSERT INTO household (household_id, address, location) VALUES (370102000001, '测试路2号', 'SRID=4490;POINT(117.02 36.62)');
UPDATE household SET location = 'SRID=4326;POINT(117.08 36.68)' WHERE household_id = 370102000001
RETURNING ST_SRID(location) AS srid, ST_AsText(ST_SnapToGrid(location, 1e-6)) AS location, grid_code;
SAVEPOINT refused;
UPDATE household SET location = ST_Transform('SRID=4326;POINT(117.03 36.63)'::geometry, 3857) WHERE household_id = 370102000001;
ROLLBACK TO refused;
SELECT ST_AsText(ST_SnapToGrid(location, 1e-6)) AS unchanged FROM household WHERE household_id = 370102000001;

-- GIS tools still see Point / 4490 for each location column
SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns
WHERE f_table_schema = 'commgrid' AND f_geometry_column = 'location' ORDER BY f_table_name;
ROLLBACK;
