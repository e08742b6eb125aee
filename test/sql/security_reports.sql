-- Reports for every honest staff role (issue 9 items 9 and 4), district 350102 with two
-- townships: every report view (found from the catalog) shows each role exactly the owner's
-- rows filtered by hand by its jurisdiction, area_report works inside the jurisdiction only,
-- compliance knows the facts of restricted columns without their values, ranks are the
-- district's, a leaky function sees no other row, and what EXPLAIN ANALYZE tells.  Rolled back.
SET search_path = commgrid, public;
BEGIN;
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
\set QUIET on
SET client_min_messages = warning;
-- sequences are not rolled back: security_cleanup.psql restores them before the ROLLBACK
CREATE TEMP TABLE security_sequence_state AS
SELECT format('%I.%I', schemaname, sequencename) AS seq, last_value, start_value
FROM pg_sequences WHERE schemaname = 'commgrid';
SELECT count(*) AS group_roles FROM commgrid.create_roles() \gset
-- district 350102: 甲街道 (two communities, three grids) and 乙镇 (one community, one grid)
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 26.0, x1, 26.4, 4490)
FROM (VALUES
  ('350102', '报表区', 'district', 119.0, 119.4),
  ('350102001', '甲街道', 'subdistrict', 119.0, 119.2),
  ('350102002', '乙镇', 'town', 119.2, 119.4),
  ('350102001001', '甲一社区', 'community', 119.0, 119.1),
  ('350102001002', '甲二社区', 'community', 119.1, 119.2),
  ('350102002001', '乙一社区', 'community', 119.2, 119.4),
  ('350102001001001', '甲一第1网格', 'grid', 119.0, 119.05),
  ('350102001001002', '甲一第2网格', 'grid', 119.05, 119.1),
  ('350102001002001', '甲二第1网格', 'grid', 119.1, 119.2),
  ('350102002001001', '乙一第1网格', 'grid', 119.2, 119.4)
) a(code, name, kind, x0, x1)
ORDER BY code;
CREATE FUNCTION pg_temp.grid_point(n int) RETURNS geometry LANGUAGE sql IMMUTABLE
  AS $$SELECT ST_SetSRID(ST_MakePoint((ARRAY[119.025, 119.075, 119.15, 119.3])[n], 26.2), 4490)$$;
INSERT INTO household (household_id, address, location)
SELECT 350102000000 + n, '报表路' || n || '号', pg_temp.grid_point(n) FROM generate_series(1, 4) n;
-- residents 1-3 in grid 1, 4-5 in grid 2, 6-7 in grid 3, 8-10 in 乙一
INSERT INTO resident (resident_id, idcard, name, phone, household_id)
SELECT 350102000000 + n, make_idcard('350102', date '1960-01-01' + n * 500, n),
       '报表居民' || n, '1391234' || lpad(n::text, 4, '0'),
       350102000000 + CASE WHEN n <= 3 THEN 1 WHEN n <= 5 THEN 2 WHEN n <= 7 THEN 3 ELSE 4 END
FROM generate_series(1, 10) n;
INSERT INTO party_org (org_id, name, kind, parent_id, community_code, grid_code, term_start) VALUES
  (350102000001, '甲一社区支部', 'branch', NULL, '350102001001', NULL, date '2024-01-01'),
  (350102000002, '甲一第1网格党小组', 'party_group', 350102000001, '350102001001', '350102001001001', NULL),
  (350102000003, '乙一社区支部', 'branch', NULL, '350102002001', NULL, date '2024-01-01');
-- members: 1, 2 placed in grid 1; 4 and 5 away (4 without an activity certificate, 5 with one)
INSERT INTO party_member (resident_id, org_id, status, category, grid_code) VALUES
  (350102000001, 350102000001, 'full', 'retired', '350102001001001'),
  (350102000002, 350102000001, 'full', 'in_service', '350102001001001'),
  (350102000004, 350102000001, 'full', 'laid_off', NULL),
  (350102000005, 350102000001, 'probationary', 'in_service', NULL),
  (350102000008, 350102000003, 'full', 'retired', NULL);
INSERT INTO floating_member (resident_id, community_code, direction, since, destination, certificate_no)
VALUES (350102000004, '350102001001', 'outflow', current_date - 60, '深圳', NULL),
       (350102000005, '350102001001', 'outflow', current_date - 60, '广州', 'HD-350102-5');
INSERT INTO grid_staff (name, phone, role, full_time, location, grid_code)
SELECT '报表网格员' || n, '1380000' || lpad(n::text, 4, '0'), 'full_time_worker', true,
       pg_temp.grid_point(n), (ARRAY['350102001001001', '350102001001002', '350102001002001', '350102002001001'])[n]::gridcode
FROM generate_series(1, 4) n;
-- two units of one kind, U1 in 甲一 and U2 in 乙一; a 2025 campaign rates both ways
INSERT INTO unit (name, uscc, kind, affiliation, rank, location) VALUES
  ('U1 报表一中', '91350100M000100Y43', 'public_institution', 'district', 'section', pg_temp.grid_point(1)),
  ('U2 报表医院', '91310110666007217T', 'public_institution', 'district', 'section', pg_temp.grid_point(4));
CREATE TEMP TABLE u AS SELECT unit_id, left(name, 2) AS tag FROM unit WHERE name LIKE 'U_ 报表%';
INSERT INTO assessment_campaign (district_code, year, name, unit_target_weight, subdistrict_weight, opinion_weight, opinion_trim)
VALUES ('350102', 2025, '报表区2025年度双向考核', 0.2, 0.6, 0.4, 0);
CREATE TEMP TABLE camp AS SELECT campaign_id FROM assessment_campaign WHERE district_code = '350102';
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, x.direction, x.rater_kind, x.code, x.name, 1, 10
FROM camp, (VALUES (1, 'community', 'C1', '参与共建'), (2, 'subdistrict', 'S1', '年度考核'),
                   (2, 'unit', 'O1', '服务驻区单位')) x(direction, rater_kind, code, name);
INSERT INTO assessment_rating (indicator_id, rater_code, rater_unit_id, ratee_unit_id, ratee_code, score, entered_by)
SELECT i.indicator_id, x.rater_code::gridcode, (SELECT unit_id FROM u WHERE tag = x.rater_unit),
       (SELECT unit_id FROM u WHERE tag = x.ratee_unit), x.ratee_code::gridcode, x.score, 350102000003
FROM assessment_indicator i JOIN camp USING (campaign_id)
JOIN (VALUES ('C1', '350102001001', NULL, 'U1', NULL, 8), ('C1', '350102002001', NULL, 'U2', NULL, 6),
             ('S1', '350102001', NULL, NULL, '350102001001', 9), ('S1', '350102002', NULL, NULL, '350102002001', 7),
             ('O1', NULL, 'U1', NULL, '350102001001', 7), ('O1', NULL, 'U2', NULL, '350102002001', 9))
     x(code, rater_code, rater_unit, ratee_unit, ratee_code, score) ON x.code = i.code;
-- one login role per group, a jurisdiction each; the liaison speaks for U1
CREATE ROLE r350102_admin IN ROLE commgrid_district_admin;
CREATE ROLE r350102_town IN ROLE commgrid_township_staff;
CREATE ROLE r350102_comm IN ROLE commgrid_community_staff;
CREATE ROLE r350102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE r350102_liaison IN ROLE commgrid_unit_liaison;
CREATE ROLE r350102_bi IN ROLE commgrid_bi_reader;
CREATE ROLE r350102_nobody;
SELECT commgrid.grant_jurisdiction('r350102_admin', '350102'),
       commgrid.grant_jurisdiction('r350102_town', '350102001'),
       commgrid.grant_jurisdiction('r350102_comm', '350102001001'),
       commgrid.grant_jurisdiction('r350102_grid', '350102001001001'),
       commgrid.grant_liaison('r350102_liaison', (SELECT unit_id FROM u WHERE tag = 'U1')) \gset
RESET client_min_messages;
\set QUIET off

-- a query's rows as a role (sorted, hashed), or the SQLSTATE of its refusal
CREATE FUNCTION pg_temp.rows_as(r name, q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  res text;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE format('SELECT count(*) || '' '' || md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM (%s) t', q)
    INTO res;
  RESET ROLE;
  RETURN res;
EXCEPTION WHEN OTHERS THEN
  RESET ROLE;
  RETURN SQLSTATE;
END $$;
-- the owner's rows of a report view filtered by hand: a row belongs to a role when one of its
-- area code columns lies under one of the role's scopes (jurisdiction_scopes() as the role, the
-- policies' source), or (views for liaisons) its unit_id is one of the role's units
CREATE FUNCTION pg_temp.by_hand(r name, v regclass, for_liaison boolean) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  cond text;
  scopes gridcode[];
  units bigint[];
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  scopes := commgrid.jurisdiction_scopes();
  units := commgrid.liaison_units();
  RESET ROLE;
  SELECT string_agg(format('%I::text::commgrid.gridcode <@ ANY (%L::commgrid.gridcode[])', a.attname, scopes), ' OR ')
    INTO cond
  FROM pg_attribute a
  WHERE a.attrelid = v AND a.attnum > 0
    AND a.attname IN ('area_code', 'grid_code', 'community_code', 'township_code', 'subdistrict_code', 'district_code');
  IF for_liaison THEN
    cond := cond || format(' OR unit_id = ANY (%L::bigint[])', units);
  END IF;
  RETURN pg_temp.rows_as(current_user, format('SELECT * FROM commgrid.%I WHERE %s', (SELECT relname FROM pg_class WHERE oid = v), cond));
END $$;
CREATE FUNCTION pg_temp.verdict(r name, v regclass, for_liaison boolean) RETURNS text
LANGUAGE sql AS $$
  SELECT CASE WHEN got ~ '^[0-9A-Z]{5}$' THEN got
              WHEN got = pg_temp.by_hand(r, v, for_liaison) THEN split_part(got, ' ', 1)
              ELSE 'MISMATCH ' || got END
  FROM pg_temp.rows_as(r, format('SELECT * FROM commgrid.%I', (SELECT relname FROM pg_class WHERE oid = v))) got
$$;
-- a query as a role: 'owner' when it gives the owner's rows, else its SQLSTATE
CREATE FUNCTION pg_temp.as_owner(r name, q text) RETURNS text
LANGUAGE sql AS $$
  SELECT CASE WHEN got = pg_temp.rows_as(current_user, q) THEN 'owner''s'
              WHEN got ~ '^[0-9A-Z]{5}$' THEN got ELSE 'MISMATCH' END
  FROM pg_temp.rows_as(r, q) got
$$;

-- every report view, as every role: the number of rows when they are exactly the owner's rows
-- filtered by hand, else the SQLSTATE (42501: not granted to the role)
SELECT v.view_name AS report_view,
       pg_temp.verdict('r350102_admin', v.view_name, v.unit_liaison) AS admin,
       pg_temp.verdict('r350102_town', v.view_name, v.unit_liaison) AS town,
       pg_temp.verdict('r350102_comm', v.view_name, v.unit_liaison) AS comm,
       pg_temp.verdict('r350102_grid', v.view_name, v.unit_liaison) AS grid,
       pg_temp.verdict('r350102_liaison', v.view_name, v.unit_liaison) AS liaison,
       pg_temp.verdict('r350102_bi', v.view_name, v.unit_liaison) AS bi,
       pg_temp.verdict('r350102_nobody', v.view_name, v.unit_liaison) AS nobody
FROM commgrid.report_views() v ORDER BY v.view_name::text;

-- the report views are exactly the owner's-rights views open to staff: nothing else (bi_*
-- aside) runs with the owner's rights for them
SELECT c.relname, r.rolname
FROM pg_class c CROSS JOIN pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind = 'v' AND c.relname NOT LIKE 'bi\_%'
  AND r.rolname LIKE 'commgrid\_%' AND has_table_privilege(r.oid, c.oid, 'SELECT')
  AND NOT ('security_invoker=true' = ANY (COALESCE(c.reloptions, '{}')))
  AND c.oid NOT IN (SELECT view_name FROM commgrid.report_views())
ORDER BY 1, 2;

-- area_report: the owner's figures for any area inside the jurisdiction, 42501 outside it;
-- the BI reader gets the district's
SELECT a.code,
       pg_temp.as_owner('r350102_admin', q) AS admin, pg_temp.as_owner('r350102_town', q) AS town,
       pg_temp.as_owner('r350102_comm', q) AS comm, pg_temp.as_owner('r350102_grid', q) AS grid,
       pg_temp.as_owner('r350102_liaison', q) AS liaison, pg_temp.as_owner('r350102_bi', q) AS bi,
       pg_temp.as_owner('r350102_nobody', q) AS nobody
FROM area a, LATERAL format('SELECT * FROM commgrid.area_report(%L)', a.code) q
WHERE a.code <@ '350102'
ORDER BY a.code;
-- the figures of a township, a community and a grid (levels counted by depth)
SELECT indicator, t.value AS township, c.value AS community, g.value AS grid
FROM area_report('350102001') WITH ORDINALITY t(indicator, value, unit, n)
JOIN area_report('350102001001') WITH ORDINALITY c(indicator, value, unit, n) USING (indicator)
JOIN area_report('350102001001001') WITH ORDINALITY g(indicator, value, unit, n) USING (indicator)
WHERE t.value <> 0 OR c.value <> 0 OR g.value <> 0
ORDER BY t.n;
-- district_report is area_report's district case; other levels and unknown codes are refused
SELECT (SELECT array_agg(x ORDER BY x::text) FROM district_report('350102') x)
     = (SELECT array_agg(x ORDER BY x::text) FROM area_report('350102') x) AS district_case;
SELECT * FROM district_report('350102001');
SET ROLE r350102_admin;
SELECT * FROM area_report('350102009');
SELECT * FROM area_report('110101');
RESET ROLE;
-- the BI reader runs district_report (no permission denied for table area), and no lower level
SET ROLE r350102_bi;
SELECT indicator, value FROM district_report('350102') WHERE indicator IN ('townships', 'grids', 'Party members');
SELECT * FROM area_report('350102001');
RESET ROLE;

-- compliance knows a floating member's certificate is missing (4) or present (5), while no
-- staff role reads the certificate number itself
SET ROLE r350102_comm;
SELECT kind, area_code, subject FROM org_compliance WHERE kind LIKE 'floating%' ORDER BY subject;
SELECT count(certificate_no) FROM floating_member;
RESET ROLE;
-- ranks and grades are the district's, not the caller's: 甲 township staff see U1's rank among
-- both units though only U1 is theirs
SET ROLE r350102_town;
SELECT unit_name, score, grade, rank_in_kind, units_in_kind FROM unit_scorecard ORDER BY unit_name;
SELECT community_code, combined_score, grade, rank_in_subdistrict FROM community_assessment ORDER BY 1;
RESET ROLE;
-- the liaison reads its unit's scorecard, its community's assessment of it and its own opinion
SET ROLE r350102_liaison;
SELECT unit_name, community_code, score, grade, rank_in_kind, units_in_kind FROM unit_scorecard;
SELECT unit_name, score, communities_rating FROM assessment_unit_result;
SELECT community_code, unit_name, opinion_total FROM community_unit_opinion;
SELECT count(*) FROM community_assessment;
RESET ROLE;

-- a security barrier: a role's own function in the WHERE clause sees only the rows shown
CREATE TEMP TABLE seen (code text);
GRANT ALL ON seen TO PUBLIC;
CREATE FUNCTION public.r350102_peek(code text) RETURNS boolean LANGUAGE sql COST 0.0000001 AS $$
  INSERT INTO seen VALUES (code) RETURNING true
$$;
SET ROLE r350102_comm;
SELECT count(*) FROM community_summary WHERE public.r350102_peek(community_code) AND community_code LIKE '350102%';
SELECT count(*) FROM grid_summary WHERE public.r350102_peek(grid_code) AND grid_code LIKE '350102%';
SELECT count(*) FROM org_compliance WHERE public.r350102_peek(area_code::text) AND area_code <@ '350102';
SELECT count(*) FROM unit_scorecard WHERE public.r350102_peek(community_code);
RESET ROLE;
SELECT code, count(*) FROM seen GROUP BY code ORDER BY code;

-- Item 4: what EXPLAIN ANALYZE tells a grid worker.  The jurisdiction filter's removed-row
-- count is visible, so a leakproof condition on an indexed column it may read (here the
-- resident id) tells whether such a row exists outside; a column it may not read cannot be
-- named at all; and a condition on any other column moves no count, so it learns no value.
CREATE FUNCTION pg_temp.explain_as(r name, q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  plan jsonb;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q INTO plan;
  RESET ROLE;
  RETURN format('rows %s, removed %s', plan #> '{0,Plan,Actual Rows}',
                (SELECT coalesce(sum(x::text::int), 0)
                 FROM jsonb_path_query(plan, 'strict $.**."Rows Removed by Filter"') x));
EXCEPTION WHEN OTHERS THEN
  RESET ROLE;
  RETURN SQLSTATE;
END $$;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT q, pg_temp.explain_as('r350102_grid', q) AS grid_worker_sees
FROM (VALUES ('SELECT resident_id, name FROM commgrid.resident WHERE resident_id = 350102000001'),
             ('SELECT resident_id, name FROM commgrid.resident WHERE resident_id = 350102000009'),
             ('SELECT resident_id, name FROM commgrid.resident WHERE resident_id = 350102000099'),
             ('SELECT resident_id FROM commgrid.resident WHERE idcard IS NOT NULL'),
             ('SELECT household_id FROM commgrid.household WHERE address LIKE ''报表路4%''')) x(q);
-- the name of a resident outside (报表居民9) and a name nobody has: the same counts
SELECT pg_temp.explain_as('r350102_grid', $$SELECT resident_id, name FROM commgrid.resident WHERE name = '报表居民9'$$)
     = pg_temp.explain_as('r350102_grid', $$SELECT resident_id, name FROM commgrid.resident WHERE name = '无此人'$$) AS name_tells_nothing,
       pg_temp.explain_as('r350102_grid', $$SELECT resident_id, name FROM commgrid.resident WHERE name = '报表居民9'$$) AS counts;
RESET enable_bitmapscan;
RESET enable_seqscan;

\i test/fixtures/security_cleanup.psql
\set QUIET on
SET client_min_messages = warning;
ROLLBACK;
RESET client_min_messages;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'r350102\_%';
