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

-- The age band a person reaches this year: the district's year (district_today, Asia/Shanghai)
-- minus the birth year, in
-- ten-year bands ('30-39', …, '90+').  It depends on the birth year only, and changes for
-- everybody at once on 1 January in Shanghai, whatever the session's TimeZone: running a query
-- on two dates narrows nobody's birthday down.  A RETURN body, so it is inlined.
CREATE FUNCTION age_band(card idcard) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT CASE WHEN y.age >= 90 THEN '90+'
                    ELSE (y.age / 10 * 10)::text || '-' || (y.age / 10 * 10 + 9)::text END
        FROM (SELECT extract(year FROM commgrid.district_today())::int
                     - extract(year FROM commgrid.birth_date(card))::int AS age) y);
COMMENT ON FUNCTION age_band(idcard) IS
  'Ten-year age band reached this year (year in Asia/Shanghai minus birth year): 0-9 … 80-89, 90+; independent of TimeZone and of the birthday';

-- The area tree for BI tools: codes as text, sizes, no geometry.
CREATE VIEW bi_area AS
SELECT a.code::text AS code, a.name, a.kind, a.parent::text AS parent_code,
       commgrid.depth(a.code) AS depth,
       round((ST_Area(a.boundary::geography) / 1e6)::numeric, 3) AS area_km2
FROM commgrid.area a;
COMMENT ON VIEW bi_area IS 'BI: administrative areas (district to grid) with their size, no boundary';
COMMENT ON COLUMN bi_area.code IS 'Area gridcode as text';
COMMENT ON COLUMN bi_area.name IS 'Area name';
COMMENT ON COLUMN bi_area.kind IS 'district, subdistrict, town, community, village or grid';
COMMENT ON COLUMN bi_area.parent_code IS 'Parent area gridcode as text';
COMMENT ON COLUMN bi_area.depth IS 'Depth: 3 district, 4 township, 5 community, 6 grid';
COMMENT ON COLUMN bi_area.area_km2 IS 'Area in km², from the boundary';

-- Keep the first character of a name (the family name, for most Chinese names): 张三丰 → 张**.
CREATE FUNCTION mask_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN char_length(name) <= 1 THEN repeat('*', char_length(name))
              ELSE left(name, 1) || repeat('*', char_length(name) - 1) END
$$;
COMMENT ON FUNCTION mask_name(text) IS
  'Masked name for BI: the first character kept, the rest starred (张三丰 → 张**)';

-- The community and grid summaries of the people model, for BI: aggregates in plain types.
-- The report views show the rows of the querying role's jurisdiction (commgrid.reaches), and
-- the BI reader has none; so BI reads them through security-definer row functions, which run
-- them as the owner over every district.
CREATE FUNCTION bi_community_summary_rows() RETURNS SETOF community_summary
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.community_summary
$$;
REVOKE EXECUTE ON FUNCTION bi_community_summary_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_community_summary_rows() IS
  'The rows of bi_community_summary, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_community_summary AS
SELECT * FROM commgrid.bi_community_summary_rows();
COMMENT ON VIEW bi_community_summary IS
  'BI: one row per urban community (commgrid.community_summary): counts only, plain types';

CREATE FUNCTION bi_grid_summary_rows() RETURNS SETOF grid_summary
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.grid_summary
$$;
REVOKE EXECUTE ON FUNCTION bi_grid_summary_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_grid_summary_rows() IS
  'The rows of bi_grid_summary, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_grid_summary AS
SELECT s.grid_code, s.grid_name, s.community_code, s.community_name, s.party_group_name,
       s.party_group_has_leader, s.households, s.residents, s.vulnerable_residents, s.empty_nest_elderly,
       s.members_placed, s.staff, s.full_time_staff, s.compliance_problems
FROM commgrid.bi_grid_summary_rows() s;
COMMENT ON VIEW bi_grid_summary IS
  'BI: one row per grid (commgrid.grid_summary): counts only, plain types';

-- Residents for BI: no row per person, only groups of residents with the same grid, sex and
-- age band, and no group smaller than k (masking_setting bi_min_group_size).  No name, ID
-- number, phone, birth date or exact age reaches BI, so none can be rebuilt; a group hidden
-- for its size is absent (not shown as 0), so its residents cannot be told apart from nobody.
-- A security barrier: a BI reader's own function in a WHERE clause never sees a resident's row
-- before grouping and the size rule.
CREATE VIEW bi_resident WITH (security_barrier) AS
SELECT g.grid_code, g.community_code, g.sex, g.age_band, g.residents
FROM (SELECT r.grid_code::text AS grid_code, r.community_code::text AS community_code,
             commgrid.sex(r.idcard) AS sex, commgrid.age_band(r.idcard) AS age_band,
             count(*)::int AS residents
      FROM commgrid.resident r
      GROUP BY 1, 2, 3, 4) g
WHERE g.residents >= (SELECT s.value FROM commgrid.masking_setting s WHERE s.name = 'bi_min_group_size');
COMMENT ON VIEW bi_resident IS
  'BI: residents counted by grid, sex and age band, only groups of at least k residents (masking_setting bi_min_group_size); no row per person';
COMMENT ON COLUMN bi_resident.grid_code IS 'Grid of the household, as text: the finest location BI sees (NULL: not yet in a grid)';
COMMENT ON COLUMN bi_resident.community_code IS 'Community of the grid, as text';
COMMENT ON COLUMN bi_resident.sex IS 'Sex, from the ID number';
COMMENT ON COLUMN bi_resident.age_band IS 'Age band reached this year (commgrid.age_band: year in Asia/Shanghai minus birth year)';
COMMENT ON COLUMN bi_resident.residents IS 'Residents in the group: never fewer than k';

-- The district figures for BI: area_report of every district, computed with the owner's rights.
CREATE FUNCTION bi_district_report_rows()
RETURNS TABLE (district_code text, district_name text, line int, indicator text, value numeric, unit text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT a.code::text, a.name, r.line::int, r.indicator, r.value, r.unit
  FROM commgrid.area a
  CROSS JOIN LATERAL commgrid.area_report(a.code) WITH ORDINALITY r(indicator, value, unit, line)
  WHERE a.kind = 'district'
$$;
REVOKE EXECUTE ON FUNCTION bi_district_report_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_district_report_rows() IS
  'The rows of bi_district_report, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_district_report AS
SELECT * FROM commgrid.bi_district_report_rows();
COMMENT ON VIEW bi_district_report IS
  'BI: every district''s report (commgrid.area_report), one row per indicator in report order (line)';
COMMENT ON COLUMN bi_district_report.district_code IS 'The district (6 digits), as text';
COMMENT ON COLUMN bi_district_report.district_name IS 'Name of the district';
COMMENT ON COLUMN bi_district_report.line IS 'Position of the indicator in the report (1 = first): order by it';
COMMENT ON COLUMN bi_district_report.indicator IS 'What is counted, as in commgrid.area_report (area, resident population, grids, compliance: <kind> …)';
COMMENT ON COLUMN bi_district_report.value IS 'The figure';
COMMENT ON COLUMN bi_district_report.unit IS 'Its unit: km², persons, households, communities, members, grids, problems …';

-- Compliance counts for BI: breaches of each kind per community or grid, no subject or detail
-- (those name members by id).
CREATE FUNCTION bi_org_compliance_rows()
RETURNS TABLE (area_code text, area_name text, area_kind text, kind text, problems int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT c.area_code::text, a.name, a.kind, c.kind, count(*)::int
  FROM commgrid.org_compliance c JOIN commgrid.area a ON a.code = c.area_code
  GROUP BY c.area_code, a.name, a.kind, c.kind
$$;
REVOKE EXECUTE ON FUNCTION bi_org_compliance_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_org_compliance_rows() IS
  'The rows of bi_org_compliance, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_org_compliance AS
SELECT * FROM commgrid.bi_org_compliance_rows();
COMMENT ON VIEW bi_org_compliance IS
  'BI: number of compliance problems (commgrid.org_compliance) of each kind per community or grid';
COMMENT ON COLUMN bi_org_compliance.area_code IS 'The community or grid the problems are about, as text';
COMMENT ON COLUMN bi_org_compliance.area_name IS 'Name of the area';
COMMENT ON COLUMN bi_org_compliance.area_kind IS 'Kind of the area: community, village or grid';
COMMENT ON COLUMN bi_org_compliance.kind IS 'Kind of breach (commgrid.compliance_kind)';
COMMENT ON COLUMN bi_org_compliance.problems IS 'Number of breaches of that kind there';

-- The assessment results for BI: the community assessment and the unit scorecard.
CREATE FUNCTION bi_community_assessment_rows() RETURNS SETOF community_assessment
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.community_assessment
$$;
REVOKE EXECUTE ON FUNCTION bi_community_assessment_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_community_assessment_rows() IS
  'The rows of bi_community_assessment, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_community_assessment AS
SELECT * FROM commgrid.bi_community_assessment_rows();
COMMENT ON VIEW bi_community_assessment IS
  'BI: per campaign and community, its assessment (commgrid.community_assessment): scores, grade, rank';

CREATE FUNCTION bi_unit_scorecard_rows() RETURNS SETOF unit_scorecard
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.unit_scorecard
$$;
REVOKE EXECUTE ON FUNCTION bi_unit_scorecard_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_unit_scorecard_rows() IS
  'The rows of bi_unit_scorecard, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_unit_scorecard AS
SELECT * FROM commgrid.bi_unit_scorecard_rows();
COMMENT ON VIEW bi_unit_scorecard IS
  'BI: per campaign and resident unit, its co-building and its assessment result (commgrid.unit_scorecard); organisations only, no person';
-- The other bi_* views show a report view's rows unchanged: their columns say what the report
-- view's columns say (one text for both).
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT b.attrelid::regclass AS bi_view, b.attname, d.description
      FROM (VALUES ('commgrid.bi_community_summary'::regclass, 'commgrid.community_summary'::regclass),
                   ('commgrid.bi_grid_summary', 'commgrid.grid_summary'),
                   ('commgrid.bi_community_assessment', 'commgrid.community_assessment'),
                   ('commgrid.bi_unit_scorecard', 'commgrid.unit_scorecard')) v(bi_view, source)
      JOIN pg_catalog.pg_attribute b ON b.attrelid = v.bi_view AND b.attnum > 0
      JOIN pg_catalog.pg_attribute s ON s.attrelid = v.source AND s.attname = b.attname
      JOIN pg_catalog.pg_description d
        ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objoid = s.attrelid AND d.objsubid = s.attnum
  LOOP
    EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', c.bi_view, c.attname, c.description);
  END LOOP;
END $$;
