-- The people model's rules: households and residents, the Party organisation tree, members,
-- floating members, dues, grid staff, and the practices functions.  On hand-made areas of
-- 320508 (姑苏区), all rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/people.sql

-- a statement's outcome as 'ok' or 'SQLSTATE: message', so one line shows each refusal
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- residents take their household's grid and community, whatever they are given
SELECT resident_id, household_id, grid_code, community_code, mask(idcard), sex(idcard)
FROM resident
ORDER BY resident_id LIMIT 4;
UPDATE resident SET grid_code = '320508019045001' WHERE resident_id = 320508000001;
SELECT grid_code FROM resident WHERE resident_id = 320508000001;
-- a wrong grid given on insert is put right at the end of the statement
INSERT INTO resident (resident_id, name, household_id, grid_code) VALUES
  (320508000020, '甲', 320508000003, '320508019044001'), (320508000021, '乙', 320508000003, NULL),
  (320508000022, '丙', 320508000003, '320508019045001');
SELECT resident_id, grid_code, community_code FROM resident
WHERE resident_id BETWEEN 320508000020 AND 320508000022 ORDER BY resident_id;
DELETE FROM resident WHERE resident_id BETWEEN 320508000020 AND 320508000022;
-- the engine assigned the households; a grid_code written by hand is put right
SELECT household_id, grid_code, community_code FROM household ORDER BY household_id;
UPDATE household SET grid_code = '320508019045001' WHERE household_id = 320508000001;
SELECT grid_code FROM household WHERE household_id = 320508000001;
-- the household moves to another grid: its residents follow in the same statement
UPDATE household SET location = ST_SetSRID(ST_MakePoint(120.59, 31.31), 4490)
WHERE household_id = 320508000001;
SELECT resident_id, grid_code, community_code FROM resident
WHERE household_id = 320508000001 ORDER BY resident_id;
UPDATE household SET location = ST_SetSRID(ST_MakePoint(120.57, 31.30), 4490)
WHERE household_id = 320508000001;
SELECT count(*) AS back_in_grid_001 FROM resident
WHERE household_id = 320508000001 AND grid_code = '320508019044001';

-- the codes' level, the household's existence, kinds and phones are checked
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO household (address, location) VALUES (' ', ST_SetSRID(ST_MakePoint(120.57, 31.30), 4490))$$),
  ($$INSERT INTO household (address, location) VALUES ('x', ST_SetSRID(ST_MakePoint(120.57, 31.30), 3857))$$),
  ($$INSERT INTO resident (name, household_id) VALUES ('无户', 1)$$),
  ($$INSERT INTO resident (name, household_id, vulnerable_kinds) VALUES ('某', 320508000001, '{poor}')$$),
  ($$INSERT INTO resident (name, household_id, phone) VALUES ('某', 320508000001, 'call me')$$),
  ($$INSERT INTO resident (name, household_id, idcard) VALUES ('重号', 320508000001, make_idcard('320508', date '1950-01-01' + 400, 1))$$),
  ($$UPDATE household SET community_code = '320508019045' WHERE household_id = 320508000001$$)
) t(stmt);
-- a household outside every grid stays unassigned (the district report counts its residents)
INSERT INTO household (household_id, address, location)
VALUES (320508000009, '南浜村9号', ST_SetSRID(ST_MakePoint(120.64, 31.30), 4490))
RETURNING household_id, grid_code, community_code;
-- a household still in use cannot go
SELECT pg_temp.try($$DELETE FROM household WHERE household_id = 320508000003$$);

-- the Party organisation tree: kinds under kinds, one root per community, one group per grid
SELECT org_id, kind, parent_id, community_code, grid_code,
       term_end = (term_start + interval '5 years')::date AS five_year_term
FROM party_org ORDER BY org_id;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO party_org (name, kind, community_code, term_start) VALUES ('第二个', 'branch', '320508019044', '2024-01-01')$$),
  ($$INSERT INTO party_org (name, kind, community_code, grid_code) VALUES ('无上级小组', 'party_group', '320508019044', '320508019044001')$$),
  ($$INSERT INTO party_org (name, kind, parent_id, community_code, grid_code) VALUES ('重复小组', 'party_group', 320508000001, '320508019044', '320508019044001')$$),
  ($$INSERT INTO party_org (name, kind, parent_id, community_code, grid_code) VALUES ('跨社区小组', 'party_group', 320508000001, '320508019044', '320508019045001')$$),
  ($$INSERT INTO party_org (name, kind, parent_id, community_code, term_start) VALUES ('支部下支部', 'branch', 320508000001, '320508019044', '2024-01-01')$$),
  ($$INSERT INTO party_org (name, kind, parent_id, community_code, grid_code) VALUES ('小组下小组', 'party_group', 320508000002, '320508019044', '320508019044002')$$),
  ($$INSERT INTO party_org (name, kind, community_code) VALUES ('无任期', 'branch', '320508019044')$$),
  ($$INSERT INTO party_org (name, kind, community_code, term_start) VALUES ('街道级', 'committee', '320508019', '2024-01-01')$$),
  ($$UPDATE party_org SET kind = 'general_branch' WHERE org_id = 320508000001$$),
  ($$UPDATE party_org SET secretary_id = 320508000009 WHERE org_id = 320508000001$$)
) t(stmt);
-- a committee holds branches; a branch under it holds the groups
SELECT pg_temp.try($$INSERT INTO party_org (org_id, name, kind, community_code, term_start) VALUES (320508000010, '中共某社区委员会', 'committee', '320508019045', '2025-01-01')$$);
SELECT pg_temp.try($$INSERT INTO party_org (org_id, name, kind, community_code, term_start) VALUES (320508000010, '中共苏锦社区委员会', 'committee', '320508100201', '2025-01-01')$$);
SELECT pg_temp.try($$INSERT INTO party_org (org_id, name, kind, parent_id, community_code, term_start) VALUES (320508000011, '第一支部', 'branch', 320508000010, '320508100201', '2025-01-01')$$);
SELECT org_id, kind, parent_id, community_code, term_end FROM party_org
WHERE org_id IN (320508000010, 320508000011) ORDER BY org_id;
-- a child stays in its parent's community
SELECT pg_temp.try($$INSERT INTO party_org (name, kind, parent_id, community_code, term_start) VALUES ('他社区支部', 'branch', 320508000010, '320508019044', '2025-01-01')$$);

-- members belong to branches and are placed in grids of their community
SELECT resident_id, org_id, community_code, status, category, grid_code, claimed_post
FROM party_member ORDER BY resident_id;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO party_member (resident_id, org_id, status, category) VALUES (320508000009, 320508000002, 'full', 'retired')$$),
  ($$INSERT INTO party_member (resident_id, org_id, status, category) VALUES (320508000009, 320508000010, 'full', 'retired')$$),
  ($$INSERT INTO party_member (resident_id, org_id, status, category) VALUES (320508000009, 999, 'full', 'retired')$$),
  ($$INSERT INTO party_member (resident_id, org_id, status, category, grid_code) VALUES (320508000009, 320508000001, 'full', 'retired', '320508019045001')$$),
  ($$INSERT INTO party_member (resident_id, org_id, status, category, claimed_post) VALUES (320508000009, 320508000001, 'full', 'retired', '岗位')$$),
  ($$INSERT INTO party_member (resident_id, org_id, status, category) VALUES (320508000009, 320508000001, 'candidate', 'retired')$$),
  ($$INSERT INTO party_member (resident_id, org_id, status, category) VALUES (320508000009, 320508000001, 'full', 'student')$$),
  ($$DELETE FROM party_org WHERE org_id = 320508000004$$)
) t(stmt);

-- the community is always the branch's
UPDATE party_member SET community_code = '320508019045' WHERE resident_id = 320508000001;
SELECT community_code FROM party_member WHERE resident_id = 320508000001;

-- place_member: the practice 党员划入网格
SELECT resident_id, grid_code, claimed_post
FROM place_member(320508000003, '320508019044002', '卫生监督岗');
SELECT resident_id, grid_code, claimed_post
FROM place_member(320508000003, '320508019044001');
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$SELECT place_member(320508000009, '320508019044001')$$),
  ($$SELECT place_member(1, '320508019044001')$$),
  ($$SELECT place_member(320508000003, '320508019044')$$),
  ($$SELECT place_member(320508000003, '320508019044009')$$),
  ($$SELECT place_member(320508000003, '320508019045001')$$),
  ($$SELECT place_member(320508000003, NULL)$$),
  ($$SELECT place_member(320508000003, '320508019044001', ' ')$$)
) t(stmt);

-- declare_floating_member: 亮明身份, claim a post, received by the branch of the grid's group
SELECT resident_id, org_id, community_code, status, category, joined_on, grid_code, claimed_post
FROM declare_floating_member(320508000009, '320508019045001', '治安巡逻岗', '中共某县某村支部',
                             'LD2016-0001', '2016-03-01', declared_on => '2016-03-15');
SELECT resident_id, community_code, direction, since, home_org, certificate_no, declared_on
FROM floating_member;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$SELECT declare_floating_member(320508000009, '320508019045001', '岗', '某支部', 'LD1', '2016-03-01')$$),
  ($$SELECT declare_floating_member(320508000010, '320508019045001', '岗', '某支部', NULL, '2016-03-01')$$),
  ($$SELECT declare_floating_member(320508000010, '320508019045001', '', '某支部', 'LD1', '2016-03-01')$$),
  ($$SELECT declare_floating_member(320508000010, '320508019045001', '岗', '某支部', 'LD1', '2016-03-01', declared_on => '2016-02-01')$$),
  ($$SELECT declare_floating_member(1, '320508019045001', '岗', '某支部', 'LD1', '2016-03-01')$$),
  ($$SELECT declare_floating_member(320508000010, '320508019045', '岗', '某支部', 'LD1', '2016-03-01')$$)
) t(stmt);
-- a grid without a Party group cannot receive a floating member
SAVEPOINT no_group;
DELETE FROM party_org WHERE org_id = 320508000005;
SELECT declare_floating_member(320508000010, '320508019045001', '岗', '某支部', 'LD1', '2016-03-01');
ROLLBACK TO SAVEPOINT no_group;

-- floating members' own rules
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO floating_member (resident_id, direction, since) VALUES (320508000006, 'inflow', '2016-01-01')$$),
  ($$INSERT INTO floating_member (resident_id, direction, since, home_org) VALUES (320508000006, 'outflow', '2016-01-01', 'x')$$),
  ($$INSERT INTO floating_member (resident_id, direction, since, transferred_on) VALUES (320508000006, 'outflow', '2016-01-01', '2015-01-01')$$),
  ($$INSERT INTO floating_member (resident_id, direction, since) VALUES (320508000010, 'outflow', '2016-01-01')$$),
  ($$INSERT INTO party_dues (resident_id, month, amount, paid_on) VALUES (320508000010, '2016-01-01', 20, '2016-01-05')$$)
) t(stmt);
INSERT INTO floating_member (resident_id, direction, since, destination, certificate_no)
VALUES (320508000006, 'outflow', '2016-01-01', '广东省深圳市', 'LD2016-0002');

-- dues: paid by the member unless someone else paid
INSERT INTO party_dues (resident_id, month, amount, paid_on) VALUES (320508000006, '2016-01-01', 20, '2016-01-05');
INSERT INTO party_dues (resident_id, month, amount, paid_on, paid_by_id) VALUES (320508000006, '2016-02-01', 20, '2016-02-05', 320508000010);
SELECT resident_id, community_code, month, amount, paid_by_id FROM party_dues ORDER BY month;
SELECT pg_temp.try($$INSERT INTO party_dues (resident_id, month, amount, paid_on) VALUES (320508000006, '2016-03-15', 20, '2016-03-15')$$);

-- a member moves to the other community's branch: floating and dues rows follow
UPDATE party_member SET org_id = 320508000001, grid_code = '320508019044001' WHERE resident_id = 320508000006;
SELECT 'member' AS row, community_code FROM party_member WHERE resident_id = 320508000006
UNION ALL SELECT 'floating', community_code FROM floating_member WHERE resident_id = 320508000006
UNION ALL SELECT 'dues', community_code FROM party_dues WHERE resident_id = 320508000006
ORDER BY 1, 2;

-- committees of organisations
INSERT INTO party_org_committee (org_id, resident_id, post) VALUES
  (320508000001, 320508000001, 'secretary'), (320508000001, 320508000002, 'member');
SELECT org_id, resident_id, community_code, post FROM party_org_committee ORDER BY resident_id;
SELECT pg_temp.try($$INSERT INTO party_org_committee (org_id, resident_id, post) VALUES (320508000001, 320508000010, 'member')$$);

-- grid staff: role and working time agree; the community comes from the grid
SELECT role, full_time, count(*), min(grid_code::text), min(community_code::text)
FROM grid_staff GROUP BY role, full_time ORDER BY role, full_time;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO grid_staff (name, role, full_time, location) VALUES ('某', 'part_time_worker', true, ST_SetSRID(ST_MakePoint(120.57, 31.30), 4490))$$),
  ($$INSERT INTO grid_staff (name, role, location) VALUES ('某', 'full_time_worker', ST_SetSRID(ST_MakePoint(120.57, 31.30), 4490))$$),
  ($$INSERT INTO grid_staff (name, role, location) VALUES ('某', 'janitor', ST_SetSRID(ST_MakePoint(120.57, 31.30), 4490))$$),
  ($$INSERT INTO grid_staff (name, role, location) VALUES ('某', 'grid_leader', ST_SetSRID(ST_MakePoint(120.64, 31.30), 4490))$$)
) t(stmt);

-- the community's own organisation kind that fits a member count
SELECT n, expected_org_kind(n) FROM unnest(ARRAY[0, 3, 50, 51, 99, 100, 500]) n ORDER BY n;
-- days are the district's (Asia/Shanghai), whatever the session's TimeZone
SET LOCAL TimeZone = 'America/Anchorage';
SELECT district_date('2026-03-01 17:30:00+00') AS shanghai_date_of_utc_evening,
       district_today() = (now() AT TIME ZONE 'Asia/Shanghai')::date AS today_is_shanghai_date;
-- a birth date after the registration day is refused (23514), naming both dates
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO resident (name, household_id, idcard, registered_on)
     VALUES ('丁', 320508000003, make_idcard('320508', date '2020-01-02', 1), date '2020-01-01')$$),
  ($$UPDATE resident SET idcard = make_idcard('320508', date '2030-05-01', 1), registered_on = date '2025-01-01' WHERE resident_id = 320508000001$$),
  ($$INSERT INTO resident (name, household_id, registered_on) VALUES ('戊', 320508000003, date '2999-01-01')$$)
) t(stmt);
-- born tomorrow in the district: refused on the default registration day (today)
SELECT regexp_replace(pg_temp.try($$INSERT INTO resident (name, household_id, idcard)
  VALUES ('己', 320508000003, make_idcard('320508', district_today() + 1, 1))$$),
  '[0-9]{2}-[0-9]{2}-[0-9]{4}', 'D', 'g') AS born_tomorrow;
-- born today in the district: stored, age 0 even where the session's calendar is a day behind
-- (the reporting path, bi_resident's age band, uses the same district day)
INSERT INTO resident (resident_id, name, household_id, idcard)
VALUES (320508000030, '庚', 320508000003, make_idcard('320508', district_today(), 1));
SET LOCAL TimeZone = 'Pacific/Pago_Pago';
SELECT registered_on = district_today() AS registered_today, age(idcard) AS age,
       age_band(idcard) AS bi_age_band,
       age(idcard, district_today() - 1) AS age_before_birth
FROM resident r WHERE resident_id = 320508000030;
SELECT count(*) = count(age_band(idcard)) AS every_age_band_known FROM resident WHERE grid_code <@ '320508';
RESET TimeZone;
ROLLBACK;
