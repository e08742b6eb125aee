-- The district report: the report's 基本情况 paragraph computed from the data, and plain-typed
-- summary views for BI tools (text codes, no extension types, so a JDBC client reads them
-- without pg_commgrid).  The summary views hold counts and the names of areas and
-- organisations only, never a person's data; they compute with their owner's rights and show
-- each role the rows of its jurisdiction (commgrid.reaches); BI reads them through the bi_*
-- views.

-- The report's indicators for any area: a district, a township, a community or a grid.  It
-- runs with the owner's rights, after checking that the whole area lies in the caller's
-- jurisdiction (commgrid.check_staff_reach, the staff functions' check), so every figure
-- counts every row under the area and never needs a restricted column from the caller; a BI
-- reader may ask for a district (the bi_* views give it every district's figures anyway).
-- Levels are counted by depth, not by kind names, so new kinds of a level count too.
CREATE FUNCTION area_report(code gridcode)
RETURNS TABLE (indicator text, value numeric, unit text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  d commgrid.area;
  target commgrid.gridcode := code;
  area_depth int := commgrid.depth(code);
  actor name := commgrid.acting_role();
BEGIN
  IF NOT (area_depth = 3 AND commgrid.is_member_of(actor, 'bi_reader')) THEN
    PERFORM commgrid.check_staff_reach(target, format('area %s', target));
  END IF;
  SELECT * INTO d FROM commgrid.area a WHERE a.code = target;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'area % does not exist', target
      USING ERRCODE = '22023', HINT = 'Areas are the rows of commgrid.area.';
  END IF;

  RETURN QUERY
  WITH sub AS (
    SELECT commgrid.depth(a.code) AS depth, a.kind, count(*) AS n
    FROM commgrid.area a WHERE a.code <@ target
    GROUP BY 1, 2
  ),
  community AS (
    SELECT a.code,
           (SELECT r.kind FROM commgrid.party_org r
            WHERE r.community_code = a.code AND r.parent_id IS NULL) AS org_kind
    FROM commgrid.area a
    WHERE a.code <@ target AND a.kind = 'community'
  ),
  unassigned_household AS (
    SELECT h.household_id
    FROM commgrid.household h
    WHERE h.grid_code IS NULL AND ST_Covers(d.boundary, h.location)
  ),
  unassigned AS (
    SELECT count(*) AS n
    FROM unassigned_household h JOIN commgrid.resident r USING (household_id)
  ),
  assigned AS (
    SELECT count(*) AS n FROM commgrid.resident r WHERE r.grid_code <@ target
  ),
  member AS (
    SELECT count(*) AS n,
           count(*) FILTER (WHERE m.status = 'probationary') AS probationary
    FROM commgrid.member_of_record m
    WHERE m.community_code <@ target OR m.grid_code <@ target
  ),
  floating AS (
    SELECT count(*) FILTER (WHERE f.direction = 'inflow') AS inflow,
           count(*) FILTER (WHERE f.direction = 'outflow' AND f.transferred_on IS NULL) AS outflow
    FROM commgrid.floating_member f LEFT JOIN commgrid.party_member m USING (resident_id)
    WHERE f.community_code <@ target OR m.grid_code <@ target
  ),
  staff AS (
    SELECT count(*) AS n FROM commgrid.grid_staff s WHERE s.grid_code <@ target
  ),
  dues AS (
    SELECT count(DISTINCT p.resident_id) AS n
    FROM commgrid.party_dues p LEFT JOIN commgrid.party_member m USING (resident_id)
    WHERE (p.community_code <@ target OR m.grid_code <@ target)
      AND p.paid_by_id <> p.resident_id
      AND p.month >= date_trunc('month', commgrid.district_today() - interval '12 months')
  ),
  problem AS (
    SELECT c.kind, count(*) AS n
    FROM commgrid.org_compliance c WHERE c.area_code <@ target
    GROUP BY c.kind
  ),
  grids AS (SELECT coalesce((SELECT sum(n) FROM sub WHERE depth = 6), 0) AS n),
  line (ordinal, indicator, value, unit) AS (
    SELECT 1, 'area', round((ST_Area(d.boundary::geography) / 1e6)::numeric, 0), 'km²'
    UNION ALL SELECT 2, 'townships', coalesce((SELECT sum(n) FROM sub WHERE depth = 4), 0), 'townships'
    UNION ALL
    SELECT 3, 'townships: ' || s.kind, s.n, 'townships' FROM sub s WHERE s.depth = 4
    UNION ALL SELECT 4, 'resident population', (SELECT n FROM assigned) + (SELECT n FROM unassigned), 'persons'
    UNION ALL SELECT 5, 'households', (SELECT count(*) FROM commgrid.household h WHERE h.grid_code <@ target)
                                      + (SELECT count(*) FROM unassigned_household), 'households'
    UNION ALL SELECT 6, 'urban communities', (SELECT count(*) FROM community), 'communities'
    UNION ALL SELECT 7, 'communities with a Party committee', (SELECT count(*) FROM community WHERE org_kind = 'committee'), 'communities'
    UNION ALL SELECT 8, 'communities with a Party general branch', (SELECT count(*) FROM community WHERE org_kind = 'general_branch'), 'communities'
    UNION ALL SELECT 9, 'communities with a Party branch', (SELECT count(*) FROM community WHERE org_kind = 'branch'), 'communities'
    UNION ALL SELECT 10, 'communities without a Party organisation', (SELECT count(*) FROM community WHERE org_kind IS NULL), 'communities'
    UNION ALL SELECT 11, 'Party members', (SELECT n FROM member), 'members'
    UNION ALL SELECT 12, 'probationary members', (SELECT probationary FROM member), 'members'
    UNION ALL SELECT 13, 'floating members away (outflow)', (SELECT outflow FROM floating), 'members'
    UNION ALL SELECT 14, 'floating members received (inflow)', (SELECT inflow FROM floating), 'members'
    UNION ALL SELECT 15, 'members whose dues others paid (last 12 months)', (SELECT n FROM dues), 'members'
    UNION ALL SELECT 16, 'grids', (SELECT n FROM grids), 'grids'
    UNION ALL SELECT 17, 'grids with a Party group',
      (SELECT count(*) FROM commgrid.party_org o WHERE o.kind = 'party_group' AND o.grid_code <@ target), 'grids'
    UNION ALL SELECT 18, 'grid staff', (SELECT n FROM staff), 'persons'
    UNION ALL SELECT 19, 'staff per grid',
      CASE WHEN (SELECT n FROM grids) > 0 THEN round((SELECT n FROM staff)::numeric / (SELECT n FROM grids), 1) END, 'persons'
    UNION ALL SELECT 20, 'residents unassigned', (SELECT n FROM unassigned), 'persons'
    -- participation (issue 14): sql/64_participation/70_member_participation.sql
    UNION ALL SELECT * FROM commgrid.participation_report_lines(target)
    UNION ALL
    SELECT 100 + k.ordinal, 'compliance: ' || k.kind, coalesce(p.n, 0), 'problems'
    FROM commgrid.compliance_kind k LEFT JOIN problem p USING (kind)
    -- Party work staffing (issue 16, sql/68_staffing/72_reviews.sql)
    UNION ALL
    SELECT s.ordinal, s.indicator, s.value, s.unit FROM commgrid.staffing_report_lines(target) s
    -- visits and the actual population (sql/62_visits/66_coverage.sql)
    UNION ALL
    SELECT 200 + v.ordinal, v.indicator, v.value, v.unit FROM commgrid.visit_report_lines(target) v
    -- mass work (issue 12, sql/60_services/65_figures.sql)
    UNION ALL
    SELECT 300 + s.ordinal, 'mass work: ' || s.indicator, s.value, s.unit
    FROM commgrid.service_report_lines(target) s
    -- wearable care (issue 15, sql/66_care/73_report.sql)
    UNION ALL
    SELECT 400 + c.ordinal, c.indicator, c.value, c.unit FROM commgrid.care_report_lines(target) c
  )
  SELECT l.indicator, l.value::numeric, l.unit FROM line l ORDER BY l.ordinal, l.indicator;
END $$;
REVOKE EXECUTE ON FUNCTION area_report(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION area_report(gridcode) IS
  'The report''s 基本情况 for any area in the caller''s jurisdiction (district, township, community or grid; 42501 outside it): area, townships (by kind), population, communities by Party organisation kind, members, grids, staff per grid, residents unassigned (must be 0), then compliance problems by kind';

-- The district case of area_report, kept for its callers: the same figures, one source.
CREATE FUNCTION district_report(district gridcode)
RETURNS TABLE (indicator text, value numeric, unit text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF commgrid.depth(district) <> commgrid.level_depth('district') THEN
    RAISE EXCEPTION '% is a % code, not a district', district, commgrid.level(district)
      USING ERRCODE = '22023', HINT = 'A district (county-level) code has 6 digits, e.g. 500112.';
  END IF;
  RETURN QUERY SELECT * FROM commgrid.area_report(district);
END $$;
REVOKE EXECUTE ON FUNCTION district_report(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION district_report(gridcode) IS
  'The report''s 基本情况 for a district (area_report of a district code; 22023 for another level)';

CREATE VIEW community_summary WITH (security_barrier) AS
SELECT a.code::text AS community_code, a.name AS community_name,
       t.code::text AS township_code, t.name AS township_name, t.kind AS township_kind,
       commgrid.parent(t.code)::text AS district_code,
       r.kind AS org_kind, r.name AS org_name, r.term_end AS org_term_end,
       coalesce(m.members, 0) AS members,
       coalesce(m.full_members, 0) AS full_members,
       coalesce(m.probationary_members, 0) AS probationary_members,
       coalesce(f.inflow, 0) AS inflow_members,
       coalesce(f.outflow, 0) AS outflow_members,
       (SELECT count(*) FROM commgrid.area g WHERE g.parent = a.code AND g.kind = 'grid') AS grids,
       (SELECT count(*) FROM commgrid.party_org o WHERE o.community_code = a.code AND o.kind = 'party_group') AS party_groups,
       (SELECT count(*) FROM commgrid.grid_staff s WHERE s.community_code = a.code) AS staff,
       (SELECT count(*) FROM commgrid.household h WHERE h.community_code = a.code) AS households,
       (SELECT count(*) FROM commgrid.resident p WHERE p.community_code = a.code) AS residents,
       (SELECT count(*) FROM commgrid.org_compliance c WHERE c.area_code <@ a.code) AS compliance_problems
FROM commgrid.area a
JOIN commgrid.area t ON t.code = a.parent
LEFT JOIN commgrid.party_org r ON r.community_code = a.code AND r.parent_id IS NULL
LEFT JOIN (
  SELECT community_code, count(*) AS members,
         count(*) FILTER (WHERE status = 'full') AS full_members,
         count(*) FILTER (WHERE status = 'probationary') AS probationary_members
  FROM commgrid.member_of_record GROUP BY community_code
) m ON m.community_code = a.code
LEFT JOIN (
  SELECT community_code,
         count(*) FILTER (WHERE direction = 'inflow') AS inflow,
         count(*) FILTER (WHERE direction = 'outflow' AND transferred_on IS NULL) AS outflow
  FROM commgrid.floating_member GROUP BY community_code
) f ON f.community_code = a.code
WHERE a.kind = 'community' AND commgrid.reaches(a.code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW community_summary IS
  'One row per urban community of the caller''s jurisdiction, with plain types for BI tools: its township, Party organisation, members, grids, staff, households, residents and compliance problems';
COMMENT ON COLUMN community_summary.community_code IS 'Community code (12 digits), as text';
COMMENT ON COLUMN community_summary.community_name IS 'Community name, e.g. 锦苑社区';
COMMENT ON COLUMN community_summary.township_code IS 'Code of the subdistrict or town the community belongs to (9 digits), as text';
COMMENT ON COLUMN community_summary.township_name IS 'Name of the subdistrict or town';
COMMENT ON COLUMN community_summary.township_kind IS 'subdistrict, town, rural_township or township_unit (commgrid.area.kind)';
COMMENT ON COLUMN community_summary.district_code IS 'Code of the district (6 digits), as text';
COMMENT ON COLUMN community_summary.org_kind IS 'Kind of the community Party organisation: committee, general_branch or branch; NULL when there is none';
COMMENT ON COLUMN community_summary.org_name IS 'Name of the community Party organisation';
COMMENT ON COLUMN community_summary.org_term_end IS 'Last day of the community organisation''s current term (5 years from its start)';
COMMENT ON COLUMN community_summary.members IS 'Party members of record: members whose membership the community holds (commgrid.member_of_record)';
COMMENT ON COLUMN community_summary.full_members IS 'Members of record with status full';
COMMENT ON COLUMN community_summary.probationary_members IS 'Members of record with status probationary (预备党员)';
COMMENT ON COLUMN community_summary.inflow_members IS 'Floating members received from elsewhere (inflow; their membership is held at home)';
COMMENT ON COLUMN community_summary.outflow_members IS 'Members away (outflow) whose membership has not been transferred';
COMMENT ON COLUMN community_summary.grids IS 'Grids of the community';
COMMENT ON COLUMN community_summary.party_groups IS 'Party groups of the community (one per grid when complete)';
COMMENT ON COLUMN community_summary.staff IS 'Grid staff of the community';
COMMENT ON COLUMN community_summary.households IS 'Registered households of the community';
COMMENT ON COLUMN community_summary.residents IS 'Residents of the community';
COMMENT ON COLUMN community_summary.compliance_problems IS 'Rows of commgrid.org_compliance under the community (its grids included)';

CREATE VIEW grid_summary WITH (security_barrier) AS
SELECT g.code::text AS grid_code, g.name AS grid_name,
       c.code::text AS community_code, c.name AS community_name,
       grp.name AS party_group_name, grp.secretary_id IS NOT NULL AS party_group_has_leader,
       (SELECT count(*) FROM commgrid.household h WHERE h.grid_code = g.code) AS households,
       coalesce(r.residents, 0) AS residents,
       coalesce(r.vulnerable, 0) AS vulnerable_residents,
       coalesce(r.empty_nest, 0) AS empty_nest_elderly,
       (SELECT count(*) FROM commgrid.member_of_record m WHERE m.grid_code = g.code) AS members_placed,
       (SELECT count(*) FROM commgrid.grid_staff s WHERE s.grid_code = g.code) AS staff,
       (SELECT count(*) FROM commgrid.grid_staff s WHERE s.grid_code = g.code AND s.full_time) AS full_time_staff,
       (SELECT count(*) FROM commgrid.org_compliance x WHERE x.area_code = g.code) AS compliance_problems
FROM commgrid.area g
JOIN commgrid.area c ON c.code = g.parent
LEFT JOIN commgrid.party_org grp ON grp.grid_code = g.code AND grp.kind = 'party_group'
LEFT JOIN (
  SELECT grid_code, count(*) AS residents,
         count(*) FILTER (WHERE cardinality(vulnerable_kinds) > 0) AS vulnerable,
         count(*) FILTER (WHERE empty_nest_elderly) AS empty_nest
  FROM commgrid.resident GROUP BY grid_code
) r ON r.grid_code = g.code
WHERE g.kind = 'grid' AND commgrid.reaches(g.code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW grid_summary IS
  'One row per grid of the caller''s jurisdiction, with plain types for BI tools: its community, Party group and whether it has a leader, households, residents, vulnerable and empty-nest residents, members placed, staff and compliance problems';
COMMENT ON COLUMN grid_summary.grid_code IS 'Grid code (15 digits), as text';
COMMENT ON COLUMN grid_summary.grid_name IS 'Grid name, e.g. 锦苑社区第1网格';
COMMENT ON COLUMN grid_summary.community_code IS 'Code of the grid''s community, as text';
COMMENT ON COLUMN grid_summary.community_name IS 'Name of the grid''s community';
COMMENT ON COLUMN grid_summary.party_group_name IS 'Name of the grid''s Party group; NULL when it has none';
COMMENT ON COLUMN grid_summary.party_group_has_leader IS 'Whether the Party group has a leader (secretary); NULL when there is no Party group';
COMMENT ON COLUMN grid_summary.households IS 'Registered households whose location is in the grid';
COMMENT ON COLUMN grid_summary.residents IS 'Residents of the grid''s households';
COMMENT ON COLUMN grid_summary.vulnerable_residents IS 'Residents in at least one vulnerable group (vulnerable_kinds not empty)';
COMMENT ON COLUMN grid_summary.empty_nest_elderly IS 'Residents marked empty-nest elderly (空巢老人)';
COMMENT ON COLUMN grid_summary.members_placed IS 'Party members of record placed in the grid';
COMMENT ON COLUMN grid_summary.staff IS 'Grid staff whose duty post is in the grid';
COMMENT ON COLUMN grid_summary.full_time_staff IS 'Grid staff of the grid who work full time';
COMMENT ON COLUMN grid_summary.compliance_problems IS 'Rows of commgrid.org_compliance about the grid itself';

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
-- The counts of a sensitive kind (vulnerable residents: minimum living allowance, extreme
-- poverty …; empty-nest elderly) are shown only when at least k (masking_setting
-- bi_min_group_size), as bi_resident's groups: "1 of the 2 residents of this grid lives on the
-- minimum living allowance" names a household.  A hidden count is NULL (0 too).  The district's
-- report gives the district's total of vulnerable residents, so a district with one hidden grid
-- would give its count back (total minus the shown ones): there one shown count of the district
-- is hidden as well (secondary suppression), that of the grid with the most residents outside
-- it, so that the two hidden counts' known sum, bounded by the grids' residents, leaves the
-- small one anywhere from 0 to k-1.  A grid without residents does not count as hidden: its 0
-- is known anyway.
CREATE VIEW bi_grid_summary WITH (security_barrier) AS
WITH k AS (SELECT s.value AS k FROM commgrid.masking_setting s WHERE s.name = 'bi_min_group_size'),
ranked AS (
  SELECT s.*,
         s.vulnerable_residents < k.k AS vulnerable_small,
         count(*) FILTER (WHERE s.vulnerable_residents < k.k AND s.residents > 0) OVER d AS vulnerable_small_in_district,
         row_number() OVER (PARTITION BY left(s.grid_code, 6), s.vulnerable_residents >= k.k
                            ORDER BY s.residents - s.vulnerable_residents DESC, s.grid_code) AS vulnerable_rank,
         s.empty_nest_elderly < k.k AS empty_nest_small,
         count(*) FILTER (WHERE s.empty_nest_elderly < k.k AND s.residents > 0) OVER d AS empty_nest_small_in_district,
         row_number() OVER (PARTITION BY left(s.grid_code, 6), s.empty_nest_elderly >= k.k
                            ORDER BY s.residents - s.empty_nest_elderly DESC, s.grid_code) AS empty_nest_rank
  FROM commgrid.bi_grid_summary_rows() s CROSS JOIN k
  WINDOW d AS (PARTITION BY left(s.grid_code, 6))
)
SELECT s.grid_code, s.grid_name, s.community_code, s.community_name, s.party_group_name,
       s.party_group_has_leader, s.households, s.residents,
       CASE WHEN NOT s.vulnerable_small
                 AND NOT (s.vulnerable_small_in_district = 1 AND s.vulnerable_rank = 1)
            THEN s.vulnerable_residents END AS vulnerable_residents,
       CASE WHEN NOT s.empty_nest_small
                 AND NOT (s.empty_nest_small_in_district = 1 AND s.empty_nest_rank = 1)
            THEN s.empty_nest_elderly END AS empty_nest_elderly,
       s.members_placed, s.staff, s.full_time_staff, s.compliance_problems
FROM ranked s;
COMMENT ON VIEW bi_grid_summary IS
  'BI: one row per grid (commgrid.grid_summary): counts only, plain types; vulnerable and empty-nest residents NULL when fewer than k (masking_setting bi_min_group_size), and one more grid''s (the one with most residents outside the count) when only one grid of the district is hidden';
-- the BI copies say what the report views' columns say (one text for both)
SELECT commgrid.copy_column_comments('commgrid.bi_community_summary', 'commgrid.community_summary');
SELECT commgrid.copy_column_comments('commgrid.bi_grid_summary', 'commgrid.grid_summary');
COMMENT ON COLUMN bi_grid_summary.vulnerable_residents IS
  'Residents in at least one vulnerable group (vulnerable_kinds not empty); NULL when fewer than k, or when only one grid of the district is hidden and this grid has the most residents outside the count';
COMMENT ON COLUMN bi_grid_summary.empty_nest_elderly IS
  'Residents marked empty-nest elderly (空巢老人); NULL when fewer than k, or when only one grid of the district is hidden and this grid has the most residents outside the count';

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
