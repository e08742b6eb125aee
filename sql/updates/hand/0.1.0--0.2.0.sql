-- Hand-written part of pg_commgrid--0.1.0--0.2.0.sql (sql/updates/README.md).  It runs after
-- the generated block that drops every view, policy and trigger of the extension; the part
-- after the "@after" marker runs after the new install script's objects exist.
-- Each change to a table of 0.1.0 is here, with its data migrated.

-- issue 9: a jurisdiction or liaison names its role by OID (a renamed role keeps its rows).  A
-- row naming a role that no longer exists grants nothing; the update refuses to guess and
-- names it, so the district deletes it (or creates the role) and runs the update again.
DO $hand$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(DISTINCT t || ': ' || r, ', ') INTO bad
  FROM (SELECT 'jurisdiction' AS t, role_name::text AS r FROM commgrid.jurisdiction
        UNION ALL SELECT 'liaison_unit', role_name::text FROM commgrid.liaison_unit) x
  WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = x.r);
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'rows name roles that do not exist'
      USING ERRCODE = '23503', DETAIL = pg_catalog.left(bad, 500),
            HINT = 'Delete those rows (they grant nothing) or create the roles, then update again.';
  END IF;
END
$hand$;
ALTER TABLE jurisdiction ALTER COLUMN role_name TYPE regrole USING role_name::text::regrole;
ALTER TABLE liaison_unit ALTER COLUMN role_name TYPE regrole USING role_name::text::regrole;

-- issue 11 (levels): provinces and cities in the area tree, rural townships and township units
-- at depth 4.  A generated column's expression cannot be altered (PostgreSQL 15): parent is
-- added again (same values for every row 0.1.0 allowed), with its foreign key and index.
ALTER TABLE area DROP CONSTRAINT area_kind_fits_level;
ALTER TABLE area DROP COLUMN parent;
ALTER TABLE area ADD COLUMN parent gridcode GENERATED ALWAYS AS
             (CASE WHEN kind IN ('province', 'city', 'district') THEN NULL
                   ELSE commgrid.parent(code) END) STORED
             REFERENCES area (code) ON UPDATE RESTRICT ON DELETE RESTRICT;
CREATE INDEX area_parent_idx ON area (parent);
ALTER TABLE area ADD CONSTRAINT area_kind_fits_level CHECK (
    (kind = 'province' AND commgrid.depth(code) = 1) OR
    (kind = 'city' AND commgrid.depth(code) = 2) OR
    (kind = 'district' AND commgrid.depth(code) = 3) OR
    (kind IN ('subdistrict', 'town', 'rural_township', 'township_unit') AND commgrid.depth(code) = 4) OR
    (kind IN ('community', 'village') AND commgrid.depth(code) = 5) OR
    (kind = 'grid' AND commgrid.depth(code) = 6));
ALTER TABLE assigned_table DROP CONSTRAINT assigned_table_level_check;
ALTER TABLE assigned_table ADD CONSTRAINT assigned_table_level_check
  CHECK (level IN ('grid', 'community', 'village', 'township', 'subdistrict', 'town', 'rural_township',
                   'township_unit', 'county', 'district', 'city', 'province'));

-- issue 9: audit entries carry the area they are about (row-level security on the log).  The
-- entries written before 0.2.0 get the district's code: district administrators keep them.
ALTER TABLE audit_log ADD COLUMN scope_code gridcode;
UPDATE audit_log SET scope_code = (SELECT code FROM area WHERE kind = 'district' ORDER BY code LIMIT 1);

-- issue 10: the registration day.  The residents registered under 0.1.0 get the day of the
-- update in the district (0.1.0 did not record it); the default comes after, with
-- commgrid.district_today().
ALTER TABLE resident ADD COLUMN registered_on date;
UPDATE resident SET registered_on = (pg_catalog.now() AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE resident ALTER COLUMN registered_on SET NOT NULL;

-- @after

-- issue 10: "today" in the district rather than in the session's time zone
ALTER TABLE resident ALTER COLUMN registered_on SET DEFAULT commgrid.district_today();
ALTER TABLE cobuilding_need ALTER COLUMN published_on SET DEFAULT commgrid.district_today();
ALTER TABLE cobuilding_resource ALTER COLUMN published_on SET DEFAULT commgrid.district_today();
