-- Maps (issue 17): the indicators a map can show, as a registry.  Each row says where the value
-- of one indicator for the areas of one level comes from: a report view (filtered by the
-- caller's jurisdiction, commgrid.reaches), its column holding the area's code as text and the
-- column holding the value.  A level without a row of its own (a township, the district) gets
-- the sum over its areas of the nearest deeper level that has one, when the indicator is
-- additive.  A new area (requests, visits, care) adds its layer with one INSERT per level in
-- its own install file; the map functions read nothing else.

CREATE TABLE map_indicator (
  indicator    text NOT NULL CHECK (indicator ~ '^[a-z][a-z0-9_]*$'),
  level        text NOT NULL CHECK (level IN ('district', 'township', 'community', 'grid')),
  source       regclass NOT NULL,
  code_column  name NOT NULL,
  value_column name NOT NULL,
  unit         text NOT NULL,
  label        text NOT NULL,
  additive     boolean NOT NULL,
  PRIMARY KEY (indicator, level)
);
COMMENT ON TABLE map_indicator IS
  'The indicators of the maps (areas_geojson, area_tile, choropleth_svg): for each indicator and level, the report view and columns its values come from; one row adds a layer';
COMMENT ON COLUMN map_indicator.indicator IS 'Indicator name as the map functions take it, e.g. residents';
COMMENT ON COLUMN map_indicator.level IS 'Level of the areas the row gives values for: district, township, community or grid';
COMMENT ON COLUMN map_indicator.source IS 'The view read, with the caller''s rights (a report view shows only the caller''s jurisdiction)';
COMMENT ON COLUMN map_indicator.code_column IS 'Column of the source holding the area''s code (as text or gridcode)';
COMMENT ON COLUMN map_indicator.value_column IS 'Column of the source holding the value (a number)';
COMMENT ON COLUMN map_indicator.unit IS 'Unit shown in legends, e.g. persons';
COMMENT ON COLUMN map_indicator.label IS 'Chinese label shown in legends, e.g. 常住人口';
COMMENT ON COLUMN map_indicator.additive IS 'Whether the values of a level add up to the level above (counts do, scores do not)';
-- reference data: read by every staff role, written only by the install scripts
SELECT commgrid.secure_table('commgrid.map_indicator', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.mark_install_only('commgrid.map_indicator', 'written by the install scripts of the areas');

-- Units and assessment per community, for the maps: a report view like community_summary.
-- The score is the combined score of the community's latest assessment campaign.
CREATE VIEW community_unit_summary WITH (security_barrier) AS
SELECT a.code::text AS community_code, a.name AS community_name,
       (SELECT count(*) FROM commgrid.unit u WHERE u.community_code = a.code) AS units,
       s.combined_score AS assessment_score, s.year AS assessment_year
FROM commgrid.area a
LEFT JOIN (
  SELECT DISTINCT ON (r.community_code) r.community_code, round(r.combined_score::numeric, 2) AS combined_score, r.year
  FROM commgrid.assessment_community_result r
  ORDER BY r.community_code, r.year DESC, r.campaign_id DESC
) s ON s.community_code = a.code
WHERE commgrid.depth(a.code) = 5 AND commgrid.reaches(a.code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW community_unit_summary IS
  'One row per community or village of the caller''s jurisdiction: its resident units and the combined score of its latest assessment (for the maps)';
COMMENT ON COLUMN community_unit_summary.community_code IS 'Community code (12 digits), as text';
COMMENT ON COLUMN community_unit_summary.community_name IS 'Community name';
COMMENT ON COLUMN community_unit_summary.units IS 'Resident units whose home community it is (commgrid.unit.community_code)';
COMMENT ON COLUMN community_unit_summary.assessment_score IS 'Combined score of the latest assessment campaign (commgrid.community_assessment), 0-100; NULL when never assessed';
COMMENT ON COLUMN community_unit_summary.assessment_year IS 'Year of that campaign';

-- Compliance problems per community and grid, for the maps: the counts of community_summary
-- and grid_summary (a grid: its own rows; a community: its rows and its grids'), but with
-- commgrid.org_compliance read once for all areas instead of once per area, which the maps'
-- reading of a few areas at a time cannot afford.
CREATE VIEW map_compliance_count WITH (security_barrier) AS
SELECT a.code::text AS area_code, COALESCE(n.problems, 0) AS problems
FROM commgrid.area a
LEFT JOIN (
  SELECT commgrid.ancestor(x.area_code, d.depth) AS code, count(*) AS problems
  FROM commgrid.org_compliance x, (VALUES (5), (6)) d (depth)
  WHERE commgrid.depth(x.area_code) >= d.depth
  GROUP BY 1
) n ON n.code = a.code
WHERE commgrid.depth(a.code) IN (5, 6) AND commgrid.reaches(a.code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW map_compliance_count IS
  'Compliance problems (commgrid.org_compliance) per community (with its grids'') and per grid of the caller''s jurisdiction, for the maps: the figures of community_summary and grid_summary, counted in one pass';
COMMENT ON COLUMN map_compliance_count.area_code IS 'Community or grid code, as text';
COMMENT ON COLUMN map_compliance_count.problems IS 'Rows of commgrid.org_compliance under the area (a grid: about the grid itself)';

INSERT INTO map_indicator VALUES
  ('residents', 'grid', 'commgrid.grid_summary', 'grid_code', 'residents', 'persons', '常住人口', true),
  ('residents', 'community', 'commgrid.community_summary', 'community_code', 'residents', 'persons', '常住人口', true),
  ('households', 'grid', 'commgrid.grid_summary', 'grid_code', 'households', 'households', '户数', true),
  ('households', 'community', 'commgrid.community_summary', 'community_code', 'households', 'households', '户数', true),
  ('members', 'grid', 'commgrid.grid_summary', 'grid_code', 'members_placed', 'members', '党员', true),
  ('members', 'community', 'commgrid.community_summary', 'community_code', 'members', 'members', '党员', true),
  ('staff', 'grid', 'commgrid.grid_summary', 'grid_code', 'staff', 'persons', '网格员', true),
  ('staff', 'community', 'commgrid.community_summary', 'community_code', 'staff', 'persons', '网格员', true),
  ('compliance_problems', 'grid', 'commgrid.map_compliance_count', 'area_code', 'problems', 'problems', '合规问题', true),
  ('compliance_problems', 'community', 'commgrid.map_compliance_count', 'area_code', 'problems', 'problems', '合规问题', true),
  ('units', 'community', 'commgrid.community_unit_summary', 'community_code', 'units', 'units', '驻社区单位', true),
  ('assessment_score', 'community', 'commgrid.community_unit_summary', 'community_code', 'assessment_score', 'points', '考核得分', false);

-- The depth of a map level name (district 3, township 4, community 5, grid 6); 22023 naming
-- the four for anything else.
CREATE FUNCTION map_level_depth(level text) RETURNS int
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF level IN ('district', 'township', 'community', 'grid') THEN
    RETURN commgrid.level_depth(level);
  END IF;
  RAISE EXCEPTION 'unknown map level %', commgrid.echo_value(level)
    USING ERRCODE = '22023', DETAIL = 'The maps have the levels district, township, community and grid.',
          HINT = 'Pass one of district, township, community, grid.';
END $$;
COMMENT ON FUNCTION map_level_depth(text) IS
  'Depth of a map level (district 3, township 4, community 5, grid 6); 22023 for another name';

-- The indicators valid for a level: a row of its own, or an additive row of a deeper level.
CREATE FUNCTION map_indicators(level text)
RETURNS TABLE (indicator text, unit text, label text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
  SELECT DISTINCT ON (m.indicator) m.indicator, m.unit, m.label
  FROM commgrid.map_indicator m
  WHERE commgrid.map_level_depth(m.level) = commgrid.map_level_depth(map_indicators.level)
     OR (m.additive AND commgrid.map_level_depth(m.level) > commgrid.map_level_depth(map_indicators.level))
  ORDER BY m.indicator, commgrid.map_level_depth(m.level)
$$;
COMMENT ON FUNCTION map_indicators(text) IS
  'The indicators a map of a level can show, with unit and label (from commgrid.map_indicator)';

-- Check a list of indicators for a level (NULL: all of them), in the order given; 22023 for
-- an unknown or repeated one, listing the valid ones.
CREATE FUNCTION map_indicators_checked(level text, indicators text[]) RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  valid text[] := ARRAY(SELECT i.indicator FROM commgrid.map_indicators(level) i ORDER BY 1);
  bad text;
BEGIN
  IF indicators IS NULL THEN
    RETURN valid;
  END IF;
  SELECT x INTO bad FROM unnest(indicators) x WHERE x IS NULL OR NOT x = ANY (valid) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'unknown indicator % for level %', commgrid.echo_value(bad), level
      USING ERRCODE = '22023',
            DETAIL = format('The indicators of level %s are: %s.', level, array_to_string(valid, ', ')),
            HINT = 'commgrid.map_indicators(level) lists them; commgrid.map_indicator says where each comes from.';
  END IF;
  IF cardinality(indicators) <> (SELECT count(DISTINCT x) FROM unnest(indicators) x) THEN
    RAISE EXCEPTION 'an indicator is named twice in %', commgrid.echo_value(indicators::text)
      USING ERRCODE = '22023', HINT = 'Name each indicator once.';
  END IF;
  RETURN indicators;
END $$;
COMMENT ON FUNCTION map_indicators_checked(text, text[]) IS
  'The indicators asked for (all of the level''s when NULL), checked: 22023 for an unknown or repeated one, with the valid ones in the detail';

-- The values of one indicator for the given areas of one level, read with the caller's rights
-- from the registry's source: directly for the level's own row, else summed over the areas of
-- the nearest deeper level.  Areas the caller's jurisdiction does not reach get no row (NULL).
CREATE FUNCTION map_indicator_values(level text, indicator text, codes gridcode[])
RETURNS TABLE (code gridcode, value numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  m commgrid.map_indicator;
  d int := commgrid.map_level_depth(level);
BEGIN
  SELECT * INTO m FROM commgrid.map_indicator r
  WHERE r.indicator = map_indicator_values.indicator
    AND (commgrid.map_level_depth(r.level) = d OR (r.additive AND commgrid.map_level_depth(r.level) > d))
  ORDER BY commgrid.map_level_depth(r.level) LIMIT 1;
  IF NOT FOUND THEN
    PERFORM commgrid.map_indicators_checked(level, ARRAY[indicator]);
  END IF;
  IF commgrid.map_level_depth(m.level) = d THEN
    -- the level's own row: the codes filter the view by a plain text comparison (leakproof,
    -- so it reaches inside the security-barrier view)
    RETURN QUERY EXECUTE format(
      'SELECT v.%I::text::commgrid.gridcode, v.%I::numeric FROM %s v WHERE v.%I::text = ANY ($1::text[])',
      m.code_column, m.value_column, m.source, m.code_column)
      USING codes;
  ELSE
    -- the source read once (a view joined by a non-equality would be read once per area)
    RETURN QUERY EXECUTE format(
      'WITH v AS MATERIALIZED (SELECT s.%I::text::commgrid.gridcode AS code, s.%I::numeric AS value FROM %s s) '
      'SELECT a.c, sum(v.value) FROM unnest($1) a(c) JOIN v ON v.code OPERATOR(commgrid.<@) a.c GROUP BY a.c',
      m.code_column, m.value_column, m.source)
      USING codes;
  END IF;
END $$;
COMMENT ON FUNCTION map_indicator_values(text, text, gridcode[]) IS
  'Values of one indicator for areas of one level, from commgrid.map_indicator''s source read with the caller''s rights (summed from a deeper level where the level has no row); areas outside the caller''s jurisdiction get no row';
