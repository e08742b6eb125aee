-- Cross-jurisdiction reads and writes on every secured table, role by role: the rows each
-- role sees, the writes it may make, the moves out of its jurisdiction that are refused,
-- the staff functions (audited) and the BI reader's masked views.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse

-- run a statement as a role: the row count, or the SQLSTATE of its refusal
CREATE FUNCTION pg_temp.as_role(r name, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  IF stmt ~* '^\s*select' THEN
    EXECUTE stmt INTO n;
  ELSE
    EXECUTE stmt;
    GET DIAGNOSTICS n = ROW_COUNT;
  END IF;
  RESET ROLE;
  RETURN n::text;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- rows of the test district each role sees in each table (42501: no privilege at all)
SELECT s.table_name,
       pg_temp.as_role('r330106_admin', q) AS admin, pg_temp.as_role('r330106_town', q) AS town,
       pg_temp.as_role('r330106_comm', q) AS comm, pg_temp.as_role('r330106_grid', q) AS grid,
       pg_temp.as_role('r330106_grid2', q) AS grid2, pg_temp.as_role('r330106_liaison', q) AS liaison,
       pg_temp.as_role('r330106_bi', q) AS bi, pg_temp.as_role('r330106_nobody', q) AS nobody
FROM secured_table s,
     LATERAL (SELECT format('SELECT count(*) FROM %s WHERE %s', s.table_name,
                            (SELECT string_agg(format('%I <@ %L', c, '330106'), ' OR ')
                             FROM unnest(s.scope_columns) c)) AS q) x
WHERE s.scope_columns IS NOT NULL
ORDER BY s.table_name::text;

-- rows of the test district each role may UPDATE in each table (a no-op update of the first
-- plain, unrestricted column; 42501: no privilege)
SELECT s.table_name,
       pg_temp.as_role('r330106_admin', q) AS admin, pg_temp.as_role('r330106_town', q) AS town,
       pg_temp.as_role('r330106_comm', q) AS comm, pg_temp.as_role('r330106_grid', q) AS grid,
       pg_temp.as_role('r330106_grid2', q) AS grid2, pg_temp.as_role('r330106_liaison', q) AS liaison,
       pg_temp.as_role('r330106_bi', q) AS bi
FROM secured_table s,
     LATERAL (SELECT a.attname AS col FROM pg_attribute a
              WHERE a.attrelid = s.table_name AND a.attnum > 0 AND NOT a.attisdropped
                AND a.attgenerated = '' AND a.attidentity = ''
                AND COALESCE(col_description(a.attrelid, a.attnum), '') NOT LIKE '[personal: restricted]%'
              ORDER BY a.attnum LIMIT 1) c,
     LATERAL (SELECT format('UPDATE %s SET %I = %I WHERE %s', s.table_name, c.col, c.col,
                            (SELECT string_agg(format('%I <@ %L', sc, '330106'), ' OR ')
                             FROM unnest(s.scope_columns) sc)) AS q) x
WHERE s.scope_columns IS NOT NULL
ORDER BY s.table_name::text;

-- the views that run with the caller's rights show each role its own jurisdiction
SELECT v, pg_temp.as_role('r330106_admin', q) AS admin, pg_temp.as_role('r330106_town', q) AS town,
       pg_temp.as_role('r330106_comm', q) AS comm, pg_temp.as_role('r330106_grid', q) AS grid,
       pg_temp.as_role('r330106_bi', q) AS bi
FROM (VALUES ('grid_summary', $$SELECT sum(residents) FROM commgrid.grid_summary WHERE grid_code LIKE '330106%'$$),
             ('community_summary', $$SELECT sum(residents) FROM commgrid.community_summary WHERE community_code LIKE '330106%'$$),
             ('member_of_record', $$SELECT count(*) FROM commgrid.member_of_record WHERE community_code <@ '330106'$$)) x(v, q)
ORDER BY v;

-- restricted personal columns: no role reads them from the table, not even the administrator
SELECT pg_temp.as_role(r, 'SELECT count(idcard) FROM commgrid.resident') AS idcard,
       pg_temp.as_role(r, 'SELECT count(phone) FROM commgrid.resident') AS phone,
       pg_temp.as_role(r, 'SELECT count(address) FROM commgrid.household') AS address,
       pg_temp.as_role(r, 'SELECT count(location) FROM commgrid.household') AS location,
       pg_temp.as_role(r, 'SELECT count(name) FROM commgrid.resident') AS name
FROM (VALUES ('r330106_admin'), ('r330106_grid')) x(r);

-- writes inside the jurisdiction
SELECT pg_temp.as_role('r330106_grid', $$INSERT INTO commgrid.household (household_id, address, location)
  VALUES (330106000011, '新户', pg_temp.grid_point(2))$$) AS grid_adds_household,
       pg_temp.as_role('r330106_grid', $$INSERT INTO commgrid.resident (resident_id, name, phone, household_id)
  VALUES (330106000011, '新居民', '13912345678', 330106000011)$$) AS grid_adds_resident,
       pg_temp.as_role('r330106_grid', $$UPDATE commgrid.resident SET phone = '13900000000' WHERE resident_id = 330106000001$$) AS grid_updates_phone,
       pg_temp.as_role('r330106_comm', $$UPDATE commgrid.party_member SET claimed_post = '宣传员' WHERE resident_id = 330106000002$$) AS comm_updates_member;
-- writes outside: unseen rows are not touched, new rows outside are refused (42501)
SELECT pg_temp.as_role('r330106_grid', $$UPDATE commgrid.resident SET phone = '13900000000' WHERE resident_id = 330106000008$$) AS grid_updates_other,
       pg_temp.as_role('r330106_grid', $$DELETE FROM commgrid.resident WHERE resident_id = 330106000006$$) AS grid_deletes_other,
       pg_temp.as_role('r330106_grid', $$INSERT INTO commgrid.household (address, location)
  VALUES ('外户', pg_temp.grid_point(4))$$) AS grid_inserts_outside,
       pg_temp.as_role('r330106_grid', $$UPDATE commgrid.household SET location = pg_temp.grid_point(4) WHERE household_id = 330106000001$$) AS grid_moves_household_out,
       pg_temp.as_role('r330106_grid', $$UPDATE commgrid.resident SET household_id = 330106000004 WHERE resident_id = 330106000001$$) AS grid_moves_resident_out,
       pg_temp.as_role('r330106_comm', $$UPDATE commgrid.party_member SET org_id = 330106000003 WHERE resident_id = 330106000002$$) AS comm_moves_member_out,
       pg_temp.as_role('r330106_town', $$UPDATE commgrid.household SET location = pg_temp.grid_point(4) WHERE household_id = 330106000003$$) AS town_moves_household_out;
-- writes the role may not make at all
SELECT pg_temp.as_role('r330106_grid', $$UPDATE commgrid.party_member SET claimed_post = 'x' WHERE resident_id = 330106000001$$) AS grid_changes_member,
       pg_temp.as_role('r330106_grid', $$INSERT INTO commgrid.grid_staff (name, role, location) VALUES ('x', 'grid_leader', pg_temp.grid_point(1))$$) AS grid_adds_staff,
       pg_temp.as_role('r330106_grid', $$DELETE FROM commgrid.party_dues$$) AS grid_deletes_dues,
       pg_temp.as_role('r330106_bi', $$DELETE FROM commgrid.resident$$) AS bi_deletes,
       pg_temp.as_role('r330106_liaison', $$UPDATE commgrid.household SET address = 'x'$$) AS liaison_updates;
-- a unit liaison keeps its own unit's co-building resources, and no other unit's (another
-- unit is invisible to it, so the units' own check refuses first: 23514)
SELECT unit_id AS other_unit FROM unit WHERE name = '测试医院' \gset
SELECT pg_temp.as_role('r330106_liaison', $$SELECT count(*) FROM commgrid.cobuilding_resource$$) AS liaison_sees,
       pg_temp.as_role('r330106_liaison', $$INSERT INTO commgrid.cobuilding_resource (unit_id, community_code, title, category)
  SELECT unit_id, community_code, '志愿讲座', 'venue' FROM commgrid.unit WHERE name = '测试一中'$$) AS liaison_adds_own,
       pg_temp.as_role('r330106_liaison', format($$INSERT INTO commgrid.cobuilding_resource (unit_id, community_code, title, category)
  VALUES (%s, '330106002001', '冒名', 'venue')$$, :other_unit)) AS liaison_adds_other,
       pg_temp.as_role('r330106_liaison', $$UPDATE commgrid.cobuilding_resource SET title = title$$) AS liaison_updates_all,
       pg_temp.as_role('r330106_liaison', $$DELETE FROM commgrid.unit$$) AS liaison_deletes_unit,
       pg_temp.as_role('r330106_liaison', $$SELECT count(*) FROM commgrid.resident$$) AS liaison_reads_residents;
SELECT pg_temp.as_role('r330106_liaison', 'SELECT commgrid.grant_liaison(''r330106_liaison'', 1)') AS liaison_grants_itself,
       pg_temp.as_role('r330106_comm', $$SELECT count(*) FROM commgrid.cobuilding_resource$$) AS comm_sees_resources,
       pg_temp.as_role('r330106_grid', $$SELECT count(*) FROM commgrid.unit$$) AS grid_reads_units;

-- bidirectional assessment: the liaison gives its unit's opinion of the community, and may not
-- rate its own unit
INSERT INTO assessment_campaign (district_code, year, name, unit_target_weight, subdistrict_weight, opinion_weight, opinion_trim)
VALUES ('330106', 2026, '测试考核', 0.2, 0.6, 0.4, 0);
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, x.direction, x.rater_kind, x.code, x.name, 1, 10
FROM assessment_campaign, (VALUES (1, 'community', 'C1', '参与共建活动'), (2, 'unit', 'O1', '服务驻区单位')) x(direction, rater_kind, code, name)
WHERE district_code = '330106';
SELECT indicator_id AS opinion_indicator FROM assessment_indicator WHERE code = 'O1' AND name = '服务驻区单位' \gset
SELECT indicator_id AS rating_indicator FROM assessment_indicator WHERE code = 'C1' AND name = '参与共建活动' \gset
SELECT unit_id AS own_unit FROM unit WHERE name = '测试一中' \gset
SELECT pg_temp.as_role('r330106_liaison', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_unit_id, ratee_code, score, entered_by)
  VALUES (%s, %s, '330106001001', 9, 330106000003)$$, :opinion_indicator, :own_unit)) AS liaison_gives_opinion,
       pg_temp.as_role('r330106_liaison', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by)
  VALUES (%s, '330106001001', %s, 10, 330106000003)$$, :rating_indicator, :own_unit)) AS liaison_rates_own_unit,
       pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by)
  VALUES (%s, '330106001001', %s, 8, 330106000001)$$, :rating_indicator, :own_unit)) AS community_rates_unit,
       pg_temp.as_role('r330106_liaison', $$SELECT count(*) FROM commgrid.assessment_rating$$) AS liaison_sees_ratings,
       pg_temp.as_role('r330106_liaison', $$UPDATE commgrid.assessment_rating SET score = 1$$) AS liaison_rewrites;
SELECT action, row_key ? 'rating_id' AS keyed, new_values ->> 'score' AS score, acting_role
FROM audit_log WHERE table_name = 'commgrid.assessment_rating' AND xact_id = txid_current() ORDER BY id;

-- the district administrator reaches everything in the district and nothing outside it
SELECT pg_temp.as_role('r330106_admin', $$UPDATE commgrid.household SET location = pg_temp.grid_point(4) WHERE household_id = 330106000003$$) AS admin_moves_within,
       pg_temp.as_role('r330106_admin', $$INSERT INTO commgrid.household (address, location)
  VALUES ('外区', ST_SetSRID(ST_MakePoint(100.0, 20.0), 4490))$$) AS admin_inserts_outside;

-- staff functions: the restricted data of a person in the jurisdiction, audited; 42501 else
SELECT max(id) AS audit_start FROM audit_log \gset
SET ROLE r330106_grid;
SELECT resident_id, name, idcard, sex, birth_date, phone, address, grid_code
FROM resident_card(330106000002);
SELECT household_id, address, longitude, latitude, grid_code, residents FROM household_card(330106000001);
SELECT * FROM resident_card(330106000008);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM resident_card(1);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SET ROLE r330106_bi;
SELECT * FROM resident_card(330106000002);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SET ROLE r330106_town;
SELECT resident_id, idcard FROM resident_card(330106000004);
-- resident 6 moved out of the township with household 3 (the administrator's move above)
SELECT resident_id, idcard FROM resident_card(330106000006);
RESET ROLE;
SELECT action, table_name, row_key, acting_role, via FROM audit_log
WHERE id > :audit_start AND action = 'READ' ORDER BY id;
-- the changes above were audited with old and new values
SELECT action, row_key, old_values ->> 'phone' AS old_phone, new_values ->> 'phone' AS new_phone, acting_role
FROM audit_log WHERE table_name = 'commgrid.resident' AND row_key ->> 'resident_id' LIKE '3301060000%'
  AND action <> 'READ' AND xact_id = txid_current() AND acting_role LIKE 'r330106%'
-- by resident: one statement (the household's move) updates residents 6 and 7 in scan order
ORDER BY action, (row_key ->> 'resident_id')::bigint;

-- BI: aggregates, never a person's row or a base table
SET ROLE r330106_bi;
-- residents only in groups of at least k (5): the fixture's groups are all smaller
SELECT * FROM bi_resident WHERE community_code LIKE '330106%' ORDER BY 1, 3, 4;
SELECT grid_code, grid_name, party_group_name, party_group_has_leader, households, residents, members_placed, staff
FROM bi_grid_summary WHERE grid_code LIKE '330106%' ORDER BY grid_code;
SELECT community_code, community_name, org_kind, members, residents
FROM bi_community_summary WHERE community_code LIKE '330106%' ORDER BY community_code;
SELECT count(*) FROM resident;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT count(*) FROM grid_summary;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT mask_phone('13812341234') AS mobile, mask_phone('+86 138 1234 1234') AS international,
       mask_phone('1234567') AS short, mask_name('张三丰') AS name, mask_name('李') AS one_char;

-- Party membership is not told across jurisdictions: 甲一's community staff names residents 8
-- (a member in 乙一) and 9 (in 乙一, no member) as its branch's member, as a secretary and as
-- a committee member, and 乙一's branch as a member's branch and as a new organisation's
-- parent.  Each is refused alike, before a key (23505, 23503 or success) or a rule tells
-- the resident's membership or the other organisation's community and kind.
CREATE TEMP TABLE party_before AS
SELECT (SELECT string_agg(format('%s:%s:%s', resident_id, org_id, grid_code), ',' ORDER BY resident_id) FROM party_member) AS members,
       (SELECT string_agg(format('%s:%s', org_id, secretary_id), ',' ORDER BY org_id) FROM party_org) AS orgs,
       (SELECT string_agg(format('%s:%s', org_id, resident_id), ',' ORDER BY org_id, resident_id) FROM party_org_committee) AS committees;
SELECT w, pg_temp.as_role('r330106_comm', q) AS comm
FROM (VALUES
  ('enrol member 8', $$INSERT INTO commgrid.party_member (resident_id, org_id, status, category) VALUES (330106000008, 330106000001, 'full', 'retired')$$),
  ('enrol resident 9', $$INSERT INTO commgrid.party_member (resident_id, org_id, status, category) VALUES (330106000009, 330106000001, 'full', 'retired')$$),
  ('member 4 becomes 8', $$UPDATE commgrid.party_member SET resident_id = 330106000008 WHERE resident_id = 330106000004$$),
  ('member 4 becomes 9', $$UPDATE commgrid.party_member SET resident_id = 330106000009 WHERE resident_id = 330106000004$$),
  ('secretary 8', $$UPDATE commgrid.party_org SET secretary_id = 330106000008 WHERE org_id = 330106000001$$),
  ('secretary 9', $$UPDATE commgrid.party_org SET secretary_id = 330106000009 WHERE org_id = 330106000001$$),
  ('committee 8', $$INSERT INTO commgrid.party_org_committee (org_id, resident_id, post) VALUES (330106000001, 330106000008, 'member')$$),
  ('committee 9', $$INSERT INTO commgrid.party_org_committee (org_id, resident_id, post) VALUES (330106000001, 330106000009, 'member')$$)
) x(w, q) ORDER BY 1;
SET ROLE r330106_comm;
UPDATE party_member SET org_id = 330106000003 WHERE resident_id = 330106000001;
INSERT INTO party_org (name, kind, parent_id, community_code, term_start)
VALUES ('甲一第二支部', 'branch', 330106000003, '330106001001', date '2024-01-01');
RESET ROLE;
SELECT (SELECT string_agg(format('%s:%s:%s', resident_id, org_id, grid_code), ',' ORDER BY resident_id) FROM party_member) = members AS members_kept,
       (SELECT string_agg(format('%s:%s', org_id, secretary_id), ',' ORDER BY org_id) FROM party_org) = orgs AS orgs_kept,
       (SELECT string_agg(format('%s:%s', org_id, resident_id), ',' ORDER BY org_id, resident_id) FROM party_org_committee) = committees AS committees_kept
FROM party_before;
-- inside its jurisdiction the same writes go through: resident 2 (a member of 甲一) on the
-- committee and as secretary, resident 3 (甲一, no member) enrolled
SELECT pg_temp.as_role('r330106_comm', $$INSERT INTO commgrid.party_org_committee (org_id, resident_id, post) VALUES (330106000001, 330106000002, 'member')$$) AS committee_2,
       pg_temp.as_role('r330106_comm', $$UPDATE commgrid.party_org SET secretary_id = 330106000002 WHERE org_id = 330106000001$$) AS secretary_2,
       pg_temp.as_role('r330106_comm', $$INSERT INTO commgrid.party_member (resident_id, org_id, status, category) VALUES (330106000003, 330106000001, 'probationary', 'other')$$) AS enrol_3;

-- a bulk INSERT ... SELECT of households, read ahead in batches (docs/design/assign-lookahead.md),
-- as each role: 20 households in the role's own grids are taken, with the codes locate() gives;
-- 20 with one outside the jurisdiction (the 17th, in the second batch) are refused whole; a role
-- without the right to add households is refused before any row is read
SET ROLE r330106_grid;
EXPLAIN (COSTS OFF) INSERT INTO household (address, location)
  SELECT '批量' || n, pg_temp.grid_point(1 + n % 2) FROM generate_series(1, 20) n;
RESET ROLE;
SELECT r AS role,
       pg_temp.as_role(r, format($$INSERT INTO commgrid.household (address, location)
         SELECT '批量 %s ' || n, pg_temp.grid_point(%s) FROM generate_series(1, 20) n$$, r, inside)) AS own_jurisdiction,
       pg_temp.as_role(r, format($$INSERT INTO commgrid.household (address, location)
         SELECT '批量外 %s ' || n, CASE WHEN n = 17 THEN %s ELSE pg_temp.grid_point(%s) END
         FROM generate_series(1, 20) n$$, r, outside, inside)) AS one_outside
FROM (VALUES ('r330106_admin', '1 + n % 4', 'ST_SetSRID(ST_MakePoint(100, 20), 4490)'),
             ('r330106_town', '1 + n % 3', 'pg_temp.grid_point(4)'),
             ('r330106_comm', '1 + n % 2', 'pg_temp.grid_point(3)'),
             ('r330106_grid', '1 + n % 2', 'pg_temp.grid_point(3)'),
             ('r330106_grid2', '4', 'pg_temp.grid_point(1)'),
             ('r330106_liaison', '1', 'pg_temp.grid_point(4)'),
             ('r330106_bi', '1', 'pg_temp.grid_point(4)'),
             ('r330106_nobody', '1', 'pg_temp.grid_point(4)')) x(r, inside, outside)
ORDER BY 1;
SELECT split_part(address, ' ', 2) AS role, grid_code, count(*) AS households,
       bool_and(grid_code IS NOT DISTINCT FROM locate(location)) AS as_locate
FROM household WHERE address LIKE '批量%' GROUP BY 1, 2 ORDER BY 1, 2;

-- the plan: a grid worker's count of residents is an index range on grid_code, bounded by
-- the jurisdiction envelope as a parameter, with the exact grids as a filter
SET enable_seqscan = off;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET ROLE r330106_grid;
EXPLAIN (COSTS OFF) SELECT count(*) FROM resident;
EXPLAIN (COSTS OFF) SELECT count(*) FROM party_member;
RESET ROLE;
RESET enable_indexonlyscan;
RESET enable_indexscan;
RESET enable_seqscan;
\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r330106\_%';
