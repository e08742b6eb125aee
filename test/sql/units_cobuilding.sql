-- Resident units, leaders, joint meetings, cross-appointments, the three lists and dual
-- reporting: placement, every rule with its error, and the compliance views with planted breaches.
-- District 440305 (test prefix of this suite); persons are plain ids here.
SET search_path = commgrid, public;
\set SHOW_CONTEXT never
BEGIN;
\set ON_ERROR_ROLLBACK on
-- subdistrict 001 (west half) has communities 001 (south) and 002 (north); subdistrict 002 (east
-- half) has community 001
INSERT INTO area (code, name, kind, boundary) VALUES
 ('440305', '测试区', 'district', ST_MakeEnvelope(113.90, 22.50, 114.00, 22.60, 4490)),
 ('440305001', '甲街道', 'subdistrict', ST_MakeEnvelope(113.90, 22.50, 113.95, 22.60, 4490)),
 ('440305002', '乙街道', 'subdistrict', ST_MakeEnvelope(113.95, 22.50, 114.00, 22.60, 4490)),
 ('440305001001', '甲一社区', 'community', ST_MakeEnvelope(113.90, 22.50, 113.95, 22.55, 4490)),
 ('440305001002', '甲二社区', 'community', ST_MakeEnvelope(113.90, 22.55, 113.95, 22.60, 4490)),
 ('440305002001', '乙一社区', 'community', ST_MakeEnvelope(113.95, 22.50, 114.00, 22.60, 4490)),
 ('440305001001001', '甲一社区第1网格', 'grid', ST_MakeEnvelope(113.90, 22.50, 113.95, 22.55, 4490));
-- the persons of this test: residents of one household
INSERT INTO household (household_id, address, location)
VALUES (4403050001, '测试区测试路1号', ST_SetSRID(ST_MakePoint(113.91, 22.51), 4490));
INSERT INTO resident (resident_id, name, household_id)
SELECT p, '测试人员' || p, 4403050001
FROM unnest(ARRAY[3001, 3002, 4001, 4002, 4003, 4004, 4101, 4201, 4999, 5001, 5002, 5004, 5005, 5101,
                  6001, 6002, 6003, 9999]) p;

-- units: three by a point, one campus over both communities of subdistrict 001, one in 002;
-- persons 5001.. are the units' Party heads
INSERT INTO unit (name, uscc, kind, category, affiliation, rank, party_org_name, party_secretary_id, location, footprint)
VALUES
 ('市第一中学', '91350100M000100Y43', 'public_institution', 'school', 'city', 'division', '市第一中学党委', 5001,
  ST_SetSRID(ST_MakePoint(113.92, 22.52), 4490), NULL),
 ('区人民医院', '91310110666007217T', 'public_institution', 'hospital', 'district', 'section', '区人民医院党委', 5002,
  ST_SetSRID(ST_MakePoint(113.93, 22.53), 4490), NULL),
 ('某科技公司', '91310115591693856A', 'non_public_enterprise', NULL, 'district', 'none', NULL, NULL,
  ST_SetSRID(ST_MakePoint(113.92, 22.57), 4490), NULL),
 ('市供电公司', '91510100350611266D', 'state_owned_enterprise', NULL, 'city', 'division', '市供电公司党委', 5004,
  NULL, ST_Multi(ST_MakeEnvelope(113.91, 22.545, 113.93, 22.57, 4490))),
 ('武警某中队', NULL, 'armed_police', NULL, 'provincial', 'section', '中队党支部', 5005,
  ST_SetSRID(ST_MakePoint(113.97, 22.55), 4326), NULL);
-- placement: home community, and every community the campus overlaps (shares to 3 places)
SELECT u.name, u.community_code, uc.community_code AS cobuilds_with, round(uc.share::numeric, 3) AS share, uc.is_home,
       ST_SRID(coalesce(u.location, u.footprint)) AS srid
FROM unit u JOIN unit_community uc USING (unit_id) ORDER BY u.unit_id, uc.community_code;
-- a unit outside every community, a unit without USCC that is not armed police, a bad kind
INSERT INTO unit (name, uscc, kind, affiliation, location)
VALUES ('海上单位', '91350500676532779B', 'organ', 'city', ST_SetSRID(ST_MakePoint(120.0, 30.0), 4490));
\set VERBOSITY terse
INSERT INTO unit (name, kind, affiliation, location)
VALUES ('无码单位', 'organ', 'city', ST_SetSRID(ST_MakePoint(113.92, 22.52), 4490));
\set VERBOSITY default
\set VERBOSITY terse
INSERT INTO unit (name, uscc, kind, affiliation, location)
VALUES ('某单位', '91350500676532779B', 'school', 'city', ST_SetSRID(ST_MakePoint(113.92, 22.52), 4490));
\set VERBOSITY default
-- moving a unit moves its ties
SAVEPOINT move;
UPDATE unit SET location = ST_SetSRID(ST_MakePoint(113.97, 22.58), 4490) WHERE name = '区人民医院';
SELECT u.community_code, uc.community_code AS cobuilds_with FROM unit u JOIN unit_community uc USING (unit_id)
WHERE u.name = '区人民医院';
ROLLBACK TO move;

-- units follow the boundaries: moving the 甲一/甲二 border north to 22.58 brings 某科技公司 and
-- the whole campus of 市供电公司 into 甲一
SAVEPOINT redraw;
UPDATE area SET boundary = CASE code
    WHEN '440305001001' THEN ST_MakeEnvelope(113.90, 22.50, 113.95, 22.58, 4490)
    ELSE ST_MakeEnvelope(113.90, 22.58, 113.95, 22.60, 4490) END
WHERE code IN ('440305001001', '440305001002');
SELECT u.name, u.community_code, uc.community_code AS cobuilds_with, round(uc.share::numeric, 3) AS share
FROM unit u JOIN unit_community uc USING (unit_id)
WHERE u.name IN ('某科技公司', '市供电公司') ORDER BY u.name, uc.community_code;
ROLLBACK TO redraw;
SELECT u.name, u.community_code FROM unit u WHERE u.name IN ('某科技公司', '市供电公司') ORDER BY u.name;

-- leaders: a city leader, a district leader, two subdistrict leaders of 001, one of 002, one out of post
INSERT INTO leader (person_id, level, area_code, title, starts, ends) VALUES
 (4101, 'city', '4403', '市委常委', '2021-01-01', NULL),
 (4201, 'district', '440305', '区委副书记', '2021-01-01', NULL),
 (4001, 'subdistrict', '440305001', '甲街道党工委副书记', '2021-01-01', NULL),
 (4002, 'subdistrict', '440305001', '甲街道办事处副主任', '2021-01-01', NULL),
 (4003, 'subdistrict', '440305002', '乙街道党工委副书记', '2021-01-01', NULL),
 (4004, 'subdistrict', '440305002', '乙街道原副主任', '2019-01-01', '2020-12-31');
\set VERBOSITY terse
INSERT INTO leader (person_id, level, area_code, title, starts) VALUES (4999, 'subdistrict', '440305', '错层级', '2021-01-01');
\set VERBOSITY default
-- contact points for city/district leaders, area responsibility for subdistrict leaders, inside their area
INSERT INTO contact_point (leader_id, community_code, starts)
SELECT leader_id, '440305001001', '2021-03-01' FROM leader WHERE person_id = 4201;
INSERT INTO contact_point (leader_id, community_code, starts)
SELECT leader_id, '440305001002', '2021-03-01' FROM leader WHERE person_id = 4001;
INSERT INTO area_responsibility (leader_id, area_code, starts)
SELECT leader_id, '440305001002', '2021-03-01' FROM leader WHERE person_id = 4003;
INSERT INTO area_responsibility (leader_id, area_code, starts)
SELECT leader_id, '440305001002', '2021-03-01' FROM leader WHERE person_id = 4101;
-- responsibility over a grid counts for its community; a leader out of post does not count
INSERT INTO area_responsibility (leader_id, area_code, starts)
SELECT leader_id, '440305001001001', '2021-03-01' FROM leader WHERE person_id = 4002;
INSERT INTO area_responsibility (leader_id, area_code, starts, ends)
SELECT leader_id, '440305002001', '2019-03-01', '2020-12-31' FROM leader WHERE person_id = 4004;
SELECT area_code, community_code FROM area_responsibility ORDER BY responsibility_id;
SELECT * FROM community_without_leader WHERE community_code LIKE '440305%' ORDER BY community_code;
INSERT INTO area_responsibility (leader_id, area_code, starts)
SELECT leader_id, '440305001002', '2021-03-01' FROM leader WHERE person_id = 4001;
SELECT * FROM community_without_leader WHERE community_code LIKE '440305%' ORDER BY community_code;

-- joint meetings: 甲一 convened by 4001; 甲二 set up with the post vacant; 乙一 has none; a convener
-- from another subdistrict is refused
INSERT INTO joint_meeting (community_code, form, convener_leader_id, established)
SELECT '440305001001', 'grand_party_committee', leader_id, '2021-05-01' FROM leader WHERE person_id = 4001;
INSERT INTO joint_meeting (community_code, convener_leader_id, established)
SELECT '440305001002', leader_id, '2021-05-01' FROM leader WHERE person_id = 4003;
INSERT INTO joint_meeting (community_code, established) VALUES ('440305001002', '2021-05-01');
SELECT * FROM cobuilding_community_without_convener WHERE community_code LIKE '440305%' ORDER BY community_code;

-- members of 甲一: the Party heads of 市第一中学 and 市供电公司, one community member (3001);
-- 区人民医院's head is missing (a planted breach); a unit that does not co-build is refused
INSERT INTO joint_meeting_member (community_code, person_id, unit_id, role, starts)
SELECT '440305001001', u.party_secretary_id, u.unit_id, 'member', '2021-05-01'
FROM unit u WHERE u.name IN ('市第一中学', '市供电公司');
INSERT INTO joint_meeting_member (community_code, person_id, role, starts) VALUES ('440305001001', 3001, 'secretary', '2021-05-01');
INSERT INTO joint_meeting_member (community_code, person_id, unit_id, starts)
SELECT '440305001001', 5005, unit_id, '2021-05-01' FROM unit WHERE name = '武警某中队';
SELECT m.person_id, u.name AS unit, m.is_convener FROM joint_meeting_members('440305001001', '2025-06-01') m
LEFT JOIN unit u USING (unit_id) ORDER BY m.person_id;
-- as staff: 甲一's community staff see their joint meeting's convener (a leader of 甲, whose
-- area no community lies above) and the leaders over their community (those who keep contact
-- points or answer for it, and those to choose a convener from), not 乙's; 甲's township staff
-- the district's and the city's too; neither changes a leader above it; grid workers read no
-- leader
SELECT count(*) > 0 AS group_roles FROM create_roles();
CREATE ROLE u440305_comm IN ROLE commgrid_community_staff;
CREATE ROLE u440305_town IN ROLE commgrid_township_staff;
CREATE ROLE u440305_grid IN ROLE commgrid_grid_worker;
SELECT count(*) AS granted FROM (
  SELECT grant_jurisdiction('u440305_comm', '440305001001'), grant_jurisdiction('u440305_town', '440305001'),
         grant_jurisdiction('u440305_grid', '440305001001001')) g;
SET LOCAL ROLE u440305_comm;
SELECT m.person_id, m.unit_id IS NOT NULL AS for_unit, m.is_convener
FROM joint_meeting_members('440305001001', '2025-06-01') m ORDER BY m.person_id;
SELECT j.community_code, l.person_id, l.title FROM joint_meeting j JOIN leader l ON l.leader_id = j.convener_leader_id;
SELECT person_id, level, area_code, title FROM leader ORDER BY person_id;
SELECT count(*) AS contact_points_with_leader FROM contact_point p JOIN leader l USING (leader_id);
\set VERBOSITY terse
UPDATE leader SET title = title;
RESET ROLE;
SET LOCAL ROLE u440305_town;
SELECT person_id, level, area_code FROM leader ORDER BY person_id;
UPDATE leader SET title = title WHERE level <> 'subdistrict';
UPDATE leader SET title = title;
RESET ROLE;
SET LOCAL ROLE u440305_grid;
SELECT count(*) FROM leader;
RESET ROLE;
\set VERBOSITY default
-- units whose head is not at their own community's table: 区人民医院 (not a member), 某科技公司 (no
-- head), 市供电公司 (home 甲二, whose joint meeting lacks it), 武警某中队 (乙一 has no joint meeting)
SELECT unit_name, community_code, party_secretary_id, reason FROM cobuilding_head_not_member
WHERE community_code LIKE '440305%' ORDER BY unit_id;

-- meetings of 甲一 (members that day: 4001 convener, 5001, 5004, 3001 = 4, quorum 3)
INSERT INTO cobuilding_meeting (community_code, held_on, topic) VALUES
 ('440305001001', '2025-03-10', '年度共建计划'),
 ('440305001001', '2025-09-10', '老旧小区改造'),
 ('440305001001', '2020-09-10', '筹备会');
INSERT INTO cobuilding_attendance (meeting_id, community_code, person_id)
SELECT m.meeting_id, m.community_code, p
FROM cobuilding_meeting m, unnest(CASE m.topic WHEN '年度共建计划' THEN ARRAY[4001, 5001, 5004]
                                                WHEN '老旧小区改造' THEN ARRAY[4001, 5001, 9999]
                                                ELSE ARRAY[4001] END) p;
-- the second meeting had 2 members present (9999 is a guest); the 2020 one predates every
-- member's and the convener's term, so it had no members at all
SELECT community_code, held_on, topic, members, present_members, quorum FROM cobuilding_meeting_below_quorum
WHERE community_code LIKE '440305%' ORDER BY held_on;
-- attendance must name the meeting's own community
\set VERBOSITY terse
INSERT INTO cobuilding_attendance (meeting_id, community_code, person_id)
SELECT meeting_id, '440305001002', 5002 FROM cobuilding_meeting WHERE topic = '筹备会';
\set VERBOSITY default
INSERT INTO cobuilding_resolution (meeting_id, community_code, resolution, responsible_unit_id, due_on, status, done_on)
SELECT m.meeting_id, m.community_code, '开放学校操场', u.unit_id, '2025-06-30', 'done', '2025-05-20'
FROM cobuilding_meeting m, unit u WHERE m.topic = '年度共建计划' AND u.name = '市第一中学';
\set VERBOSITY terse
INSERT INTO cobuilding_resolution (meeting_id, community_code, resolution, status)
SELECT meeting_id, community_code, '加装电梯', 'done' FROM cobuilding_meeting WHERE topic = '老旧小区改造';
\set VERBOSITY default

-- cross-appointments: 3001 (community) sits in 市第一中学 and 市供电公司 Party committees; 5001
-- (school head) sits in the community committee; 3002's post has ended; a unit that does not
-- co-build with the community is refused
INSERT INTO cross_appointment (person_id, direction, community_code, unit_id, post, starts, ends)
SELECT x.person_id, x.direction, '440305001001', u.unit_id, x.post, x.starts::date, x.ends::date
FROM (VALUES (3001, 'community_to_unit', '市第一中学', '党委兼职委员', '2021-06-01', NULL),
             (3001, 'community_to_unit', '市供电公司', '党委兼职委员', '2022-01-01', NULL),
             (5001, 'unit_to_community', '市第一中学', '社区大党委兼职委员', '2021-06-01', NULL),
             (3002, 'community_to_unit', '区人民医院', '党总支兼职委员', '2021-06-01', '2022-12-31')) x(person_id, direction, unit, post, starts, ends)
JOIN unit u ON u.name = x.unit;
INSERT INTO cross_appointment (person_id, direction, community_code, unit_id, post, starts)
SELECT 3001, 'community_to_unit', '440305001001', unit_id, '兼职委员', '2021-06-01' FROM unit WHERE name = '某科技公司';
-- persons come from the resident registry
\set VERBOSITY terse
INSERT INTO cross_appointment (person_id, direction, community_code, unit_id, post, starts)
SELECT 8888, 'unit_to_community', '440305001001', unit_id, '兼职委员', '2021-06-01' FROM unit WHERE name = '市第一中学';
\set VERBOSITY default
SELECT community_code, direction, person_id, unit_name, post FROM community_two_way_ties
WHERE community_code LIKE '440305%' ORDER BY community_code, direction, person_id, unit_name;
SELECT * FROM community_two_way_tie_summary WHERE community_code LIKE '440305%' ORDER BY community_code;

-- posts held, as recusal sees them
SELECT p, holds_post_in_community(p, '440305001001', '2025-06-01') AS in_community,
       holds_post_in_unit(p, (SELECT unit_id FROM unit WHERE name = '市第一中学'), '2025-06-01') AS in_school,
       holds_post_in_subdistrict(p, '440305001', '2025-06-01') AS in_subdistrict
FROM unnest(ARRAY[3001, 3002, 4001, 4002, 5001, 5002]) p ORDER BY p;

-- the three lists
INSERT INTO cobuilding_need (community_code, title, category, published_on) VALUES
 ('440305001001', '青少年课后托管场地', 'venue', '2025-02-01'),
 ('440305001002', '独居老人探访', 'elderly care', '2025-02-01');
INSERT INTO cobuilding_resource (unit_id, community_code, title, category, published_on)
SELECT unit_id, '440305001001', '周末开放教室', 'venue', '2025-02-10' FROM unit WHERE name = '市第一中学';
INSERT INTO cobuilding_resource (unit_id, community_code, title, category, published_on)
SELECT unit_id, '440305002001', '周末开放教室', 'venue', '2025-02-10' FROM unit WHERE name = '市第一中学';
-- a project's community and unit come from its need and resource, whatever is given
INSERT INTO cobuilding_project (need_id, resource_id, community_code, unit_id, title, status, outcome, starts, ends)
SELECT n.need_id, r.resource_id, '440305002001', 0, '四点半课堂', 'completed', '每周服务 60 名学生', '2025-03-01', '2025-12-31'
FROM cobuilding_need n, cobuilding_resource r WHERE n.title = '青少年课后托管场地';
SELECT p.title, p.community_code, u.name AS unit, p.status FROM cobuilding_project p JOIN unit u USING (unit_id);
INSERT INTO cobuilding_project (need_id, resource_id, title)
SELECT n.need_id, r.resource_id, '错配项目' FROM cobuilding_need n, cobuilding_resource r WHERE n.title = '独居老人探访';
\set VERBOSITY terse
UPDATE cobuilding_project SET outcome = NULL;
\set VERBOSITY default

-- dual reporting and service
INSERT INTO unit_report (unit_id, community_code, reported_on, liaison_id)
SELECT unit_id, '440305001001', '2025-01-05', 5101 FROM unit WHERE name = '市第一中学';
INSERT INTO unit_report (unit_id, community_code, reported_on)
SELECT unit_id, '440305002001', '2025-01-05' FROM unit WHERE name = '市第一中学';
INSERT INTO member_report (person_id, unit_id, community_code, basis, reported_on)
SELECT 6001, unit_id, '440305001001', 'workplace', '2025-01-05' FROM unit WHERE name = '市第一中学';
INSERT INTO member_report (person_id, unit_id, community_code, basis, reported_on)
SELECT 6002, unit_id, '440305002001', 'residence', '2025-01-05' FROM unit WHERE name = '市第一中学';
INSERT INTO member_report (person_id, unit_id, community_code, basis, reported_on)
SELECT 6003, unit_id, '440305002001', 'workplace', '2025-01-05' FROM unit WHERE name = '市第一中学';
INSERT INTO service_record (community_code, unit_id, person_id, served_on, hours, activity, project_id)
SELECT '440305001001', u.unit_id, x.person_id, x.served_on::date, x.hours, x.activity, p.project_id
FROM (VALUES (NULL::bigint, '2025-04-01', 3.0, '操场开放日'), (6001, '2025-04-02', 2.5, '课后辅导')) x(person_id, served_on, hours, activity)
JOIN unit u ON u.name = '市第一中学'
LEFT JOIN cobuilding_project p ON p.title = '四点半课堂';
INSERT INTO service_record (community_code, unit_id, person_id, served_on, hours, activity)
SELECT '440305002001', unit_id, 6002, '2025-04-03', 2, '环境整治' FROM unit WHERE name = '市第一中学';
INSERT INTO service_record (community_code, unit_id, served_on, hours, activity)
SELECT '440305001001', unit_id, '2025-04-01', 3, '义诊' FROM unit WHERE name = '区人民医院';
INSERT INTO service_record (community_code, unit_id, person_id, served_on, hours, activity)
SELECT '440305001001', unit_id, 6001, '2024-12-01', 2, '早于报到' FROM unit WHERE name = '市第一中学';
SELECT community_code, person_id, hours, activity FROM service_record ORDER BY service_id;

-- who sits at whose table
SELECT community_code, affiliation_label, rank_label, kind_label, units, home_units, heads_at_table, unit_names
FROM who_sits_at_whose_table WHERE community_code LIKE '440305%'
ORDER BY community_code, affiliation, rank, kind;
ROLLBACK;
