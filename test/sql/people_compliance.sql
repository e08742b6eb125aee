-- org_compliance on a hand-made community (320508, 姑苏区): the fixture breaks no rule; then
-- each kind of breach is planted once and found once.  All rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/people.sql

-- in good order: nothing to report
SELECT count(*) AS breaches FROM org_compliance WHERE area_code <@ '320508';

-- community_without_party_org: a new community with neither organisation nor grids
INSERT INTO area (code, name, kind, boundary)
VALUES ('320508019046', '新建社区', 'community', ST_MakeEnvelope(120.56, 31.34, 120.62, 31.35, 4490));
-- community_org_kind_mismatch, branch_over_50_members, branch_without_committee:
-- 47 more full members in 养育巷's branch make 51 members of record, all full (one of the
-- five before is transferred out below)
INSERT INTO resident (resident_id, name, household_id)
SELECT 320508000100 + n, '新党员' || n, 320508000001 FROM generate_series(1, 47) n;
INSERT INTO party_member (resident_id, org_id, status, category, joined_on, grid_code)
SELECT 320508000100 + n, 320508000001, 'full', 'retired', '1990-07-01', '320508019044001'
FROM generate_series(1, 47) n;
-- branch_too_few_full_members: one of 西街's 3 full members is still probationary
UPDATE party_member SET status = 'probationary' WHERE resident_id = 320508000008;
-- org_term_expired: 西街's branch was elected six years ago
UPDATE party_org SET term_start = current_date - interval '6 years' WHERE org_id = 320508000004;
-- grid_without_party_group: a second grid in 西街 with its staff but no group
INSERT INTO area (code, name, kind, boundary)
VALUES ('320508019045002', '西街第2网格', 'grid', ST_MakeEnvelope(120.60, 31.27, 120.62, 31.28, 4490));
INSERT INTO grid_staff (name, role, location)
SELECT '西街2网格员' || s, 'building_leader', ST_SetSRID(ST_MakePoint(120.61, 31.275), 4490)
FROM generate_series(1, 10) s;
-- party_group_without_leader: 养育巷 grid 2's leader steps down
UPDATE party_org SET secretary_id = NULL WHERE org_id = 320508000003;
-- grid_staff_out_of_range: 西街 grid 1 loses a worker (7 < 8)
DELETE FROM grid_staff WHERE staff_id = 320508000038;
-- member_not_in_grid: a 西街 member is taken out of the grid
UPDATE party_member SET grid_code = NULL WHERE resident_id = 320508000007;
-- floating_member_without_certificate: away two months with no certificate
INSERT INTO floating_member (resident_id, direction, since, destination)
VALUES (320508000006, 'outflow', current_date - interval '2 months', '广东省深圳市');
-- floating_member_not_transferred: away seven months
INSERT INTO floating_member (resident_id, direction, since, destination, certificate_no)
VALUES (320508000002, 'outflow', current_date - interval '7 months', '上海市浦东新区', 'LD2026-0001');
-- not breaches: away under a month; away long but transferred; an inflow member
INSERT INTO floating_member (resident_id, direction, since, destination)
VALUES (320508000004, 'outflow', current_date - 10, '南京市');
INSERT INTO floating_member (resident_id, direction, since, destination, transferred_on)
VALUES (320508000005, 'outflow', current_date - interval '2 years', '杭州市', current_date - interval '1 year');
SELECT resident_id FROM declare_floating_member(320508000009, '320508019044002', '文明劝导岗',
  '中共某县某村支部', 'LD2026-0002', current_date - 30);

-- every kind once (and with the settings, the staff range moves)
SELECT kind, area_code, subject, regexp_replace(detail, '\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4}', '<date>', 'g') AS detail
FROM org_compliance WHERE area_code <@ '320508'
ORDER BY kind, area_code, subject;
SELECT k.kind, count(c.kind) AS found
FROM compliance_kind k LEFT JOIN org_compliance c ON c.kind = k.kind AND c.area_code <@ '320508'
GROUP BY k.kind, k.ordinal ORDER BY k.ordinal;

-- the staff range is a setting: 7 to 12 accepts 西街 grid 1 again
UPDATE compliance_setting SET value = 7 WHERE name = 'staff_per_grid_min';
SELECT count(*) AS staff_breaches FROM org_compliance
WHERE kind = 'grid_staff_out_of_range' AND area_code <@ '320508';

-- a committee (3 members) clears branch_without_committee
INSERT INTO party_org_committee (org_id, resident_id, post) VALUES
  (320508000001, 320508000001, 'secretary'), (320508000001, 320508000101, 'deputy_secretary'),
  (320508000001, 320508000102, 'member');
SELECT count(*) AS committee_breaches FROM org_compliance
WHERE kind = 'branch_without_committee' AND area_code <@ '320508';

-- the breaches of one grid or community alone, as a jurisdiction sees them
SELECT kind, area_code FROM org_compliance WHERE area_code <@ '320508019045' ORDER BY kind, area_code;
SELECT kind FROM org_compliance WHERE area_code = '320508019044002' ORDER BY kind;

-- the BI views on the same data: plain types only
SELECT community_code, community_name, township_code, township_kind, district_code, org_kind,
       members, full_members, probationary_members, inflow_members, outflow_members, grids,
       party_groups, staff, households, residents, compliance_problems
FROM community_summary WHERE community_code LIKE '320508%' ORDER BY community_code;
SELECT grid_code, community_code, party_group_name, party_group_has_leader, households, residents,
       vulnerable_residents, empty_nest_elderly, members_placed, staff, full_time_staff,
       compliance_problems
FROM grid_summary WHERE grid_code LIKE '320508%' ORDER BY grid_code;
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relname IN ('community_summary', 'grid_summary')
  AND a.attnum > 0 AND a.atttypid NOT IN ('text'::regtype, 'bigint'::regtype, 'date'::regtype, 'boolean'::regtype)
ORDER BY 1, 2;
ROLLBACK;
