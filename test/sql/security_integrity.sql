-- Integrity triggers that check another table run with the owner's rights: a writer who cannot
-- see the other side (row-level security hides it) is still held to the rule, and nothing is
-- planted outside their jurisdiction.  Uses the security fixture (district 330106).
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse

-- run a statement as a role: the row count, or the SQLSTATE and message of its refusal
CREATE FUNCTION pg_temp.as_role(r name, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE stmt;
  GET DIAGNOSTICS n = ROW_COUNT;
  RESET ROLE;
  RETURN n::text;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- leaders (made as the superuser): a district leader, a leader of each township
INSERT INTO leader (person_id, level, area_code, title, starts)
OVERRIDING SYSTEM VALUE
SELECT * FROM (VALUES (330106000003::bigint, 'district', '330106'::gridcode, '区委书记', date '2024-01-01'),
                      (330106000005, 'subdistrict', '330106001', '甲街道书记', date '2024-01-01'),
                      (330106000009, 'subdistrict', '330106002', '乙镇镇长', date '2024-01-01')) v;
SELECT leader_id AS district_leader FROM leader WHERE title = '区委书记' \gset
SELECT leader_id AS jia_leader FROM leader WHERE title = '甲街道书记' \gset
SELECT leader_id AS yi_leader FROM leader WHERE title = '乙镇镇长' \gset
INSERT INTO cobuilding_need (community_code, title, category) VALUES ('330106001001', '甲一需要场地', 'venue');
SELECT need_id AS jia_need FROM cobuilding_need WHERE title = '甲一需要场地' \gset
SELECT resource_id AS yi_resource FROM cobuilding_resource WHERE community_code = '330106002001' \gset
SELECT unit_id AS jia_unit FROM unit WHERE name = '测试一中' \gset
SELECT unit_id AS yi_unit FROM unit WHERE name = '测试医院' \gset

-- what each writer cannot see: the other township's household, org, members, leaders, resource
SELECT pg_temp.as_role('r330106_grid2', 'SELECT FROM commgrid.household WHERE household_id = 330106000001') AS grid2_sees_household_1,
       pg_temp.as_role('r330106_comm', 'SELECT FROM commgrid.party_org WHERE org_id = 330106000003') AS comm_sees_org_3,
       pg_temp.as_role('r330106_comm', 'SELECT FROM commgrid.party_member WHERE resident_id = 330106000008') AS comm_sees_member_8,
       pg_temp.as_role('r330106_town', format('SELECT FROM commgrid.leader WHERE leader_id = %s', :yi_leader)) AS town_sees_yi_leader,
       pg_temp.as_role('r330106_comm', format('SELECT FROM commgrid.leader WHERE leader_id = %s', :yi_leader)) AS comm_sees_yi_leader,
       pg_temp.as_role('r330106_comm', format('SELECT FROM commgrid.cobuilding_resource WHERE resource_id = %s', :yi_resource)) AS comm_sees_yi_resource;

-- resident -> household: the grid worker of 乙一 plants a resident in 甲一's household 1, giving
-- their own grid; the household's grid is taken and the writer's policy refuses it
SELECT pg_temp.as_role('r330106_grid2', $$INSERT INTO commgrid.resident (name, household_id, grid_code)
  VALUES ('冒名居民', 330106000001, '330106002001001')$$) AS plant_given_grid,
       pg_temp.as_role('r330106_grid2', $$INSERT INTO commgrid.resident (name, household_id)
  VALUES ('冒名居民', 330106000001)$$) AS plant_no_grid,
       pg_temp.as_role('r330106_grid2', $$UPDATE commgrid.resident SET household_id = 330106000001
  WHERE resident_id = 330106000008$$) AS move_into_household_1;
-- inside the jurisdiction a wrong grid is put right: the grid worker of 甲一 (grids 1 and 2)
-- gives grid 2 for household 1, which lies in grid 1
SELECT pg_temp.as_role('r330106_grid', $$INSERT INTO commgrid.resident (resident_id, name, household_id, grid_code)
  VALUES (330106000101, '新居民', 330106000001, '330106001001002')$$) AS given_wrong_grid;
SELECT resident_id, household_id, grid_code FROM resident WHERE resident_id = 330106000101;

-- Party organisations and members: 甲一's community staff cannot see 乙一's branch or members
SELECT pg_temp.as_role('r330106_comm', $$INSERT INTO commgrid.party_org_committee (org_id, resident_id, post)
  VALUES (330106000003, 330106000008, 'member')$$) AS plant_committee_seat,
       pg_temp.as_role('r330106_comm', $$INSERT INTO commgrid.party_member (resident_id, org_id, status, category)
  VALUES (330106000009, 330106000003, 'full', 'retired')$$) AS plant_member,
       pg_temp.as_role('r330106_comm', $$INSERT INTO commgrid.party_dues (resident_id, month, amount, paid_on)
  VALUES (330106000008, date '2026-02-01', 10, date '2026-02-03')$$) AS plant_dues,
       pg_temp.as_role('r330106_comm', $$INSERT INTO commgrid.floating_member (resident_id, direction, since, destination)
  VALUES (330106000008, 'outflow', date '2026-01-01', '上海')$$) AS plant_floating;

-- leaders: 甲's township staff cannot see 乙's leader, 甲一's community staff no leader at all;
-- the rules refuse 乙's leader as outside the writer's jurisdiction before their messages
-- describe them (title, person, level, area); the district's leader, above the community,
-- is named by the rule
SELECT regexp_replace(pg_temp.as_role('r330106_town', format($$INSERT INTO commgrid.contact_point (leader_id, community_code, starts)
  VALUES (%s, '330106001001', date '2026-01-01')$$, :yi_leader)), 'leader [0-9]+', 'leader N') AS contact_point_of_township_leader,
       regexp_replace(pg_temp.as_role('r330106_town', format($$INSERT INTO commgrid.area_responsibility (leader_id, area_code, starts)
  VALUES (%s, '330106001001', date '2026-01-01')$$, :yi_leader)), 'leader [0-9]+', 'leader N') AS responsibility_outside_leaders_area,
       pg_temp.as_role('r330106_town', format($$INSERT INTO commgrid.area_responsibility (leader_id, area_code, starts)
  VALUES (%s, '330106001001', date '2026-01-01')$$, :jia_leader)) AS responsibility_of_own_leader,
       regexp_replace(pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.joint_meeting (community_code, convener_leader_id, established)
  VALUES ('330106001001', %s, date '2026-01-01')$$, :yi_leader)), 'leader [0-9]+', 'leader N') AS convener_of_other_township;
SELECT pg_temp.as_role('r330106_town', format($$INSERT INTO commgrid.area_responsibility (leader_id, area_code, starts)
  VALUES (%s, '330106001001', date '2026-01-01')$$, :district_leader)) AS responsibility_of_district_leader;

-- a leader the writer may not see and a missing one get the very same refusal (SQLSTATE,
-- message, hint, context; the ids masked): a missing one was left to the foreign key, which
-- told which leader ids exist.  乙's leader is hidden also over a row in 乙 (the rule told 甲's
-- township staff its title and person, as the row's policy refuses only after the rule)
CREATE FUNCTION pg_temp.refusal(r name, stmt text, OUT code text, OUT message text, OUT detail text,
                                OUT hint text, OUT context text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE stmt;
  RESET ROLE;
  code := 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                          hint = PG_EXCEPTION_HINT, context = PG_EXCEPTION_CONTEXT;
  message := regexp_replace(message, '(leader|need|resource|social_worker|sw_contract|resident) [0-9]+', '\1 N');
  -- the statement itself (its ids) and this function are the caller's, not the refusal's
  context := regexp_replace(context, E'\nSQL statement "(INSERT INTO|UPDATE) commgrid\\.[^\n]*\nPL/pgSQL function pg_temp_[0-9]+\\.refusal[^\n]*$', '');
END $$;
SELECT v.stmt, h.code || ': ' || h.message AS hidden_leader, m.code || ': ' || m.message AS missing_leader,
       (h.detail, h.hint, h.context) IS NOT DISTINCT FROM (m.detail, m.hint, m.context) AS same_detail_hint_context
FROM (VALUES
  (1, 'contact point in 甲一', $$INSERT INTO commgrid.contact_point (leader_id, community_code, starts) VALUES (%s, '330106001001', date '2026-01-01')$$),
  (2, 'contact point in 乙一', $$INSERT INTO commgrid.contact_point (leader_id, community_code, starts) VALUES (%s, '330106002001', date '2026-01-01')$$),
  (3, 'responsibility in 甲一', $$INSERT INTO commgrid.area_responsibility (leader_id, area_code, starts) VALUES (%s, '330106001001', date '2026-01-01')$$),
  (4, 'responsibility in 乙一', $$INSERT INTO commgrid.area_responsibility (leader_id, area_code, starts) VALUES (%s, '330106002001', date '2026-01-01')$$),
  (5, 'convener of 甲一', $$INSERT INTO commgrid.joint_meeting (community_code, convener_leader_id, established) VALUES ('330106001001', %s, date '2026-01-01')$$)
) v(ord, stmt, sql)
CROSS JOIN LATERAL pg_temp.refusal('r330106_town', format(v.sql, :yi_leader)) h
CROSS JOIN LATERAL pg_temp.refusal('r330106_town', format(v.sql, 330106999999)) m
ORDER BY v.ord;
-- the hint and context they share
SELECT hint, context FROM pg_temp.refusal('r330106_town', format(
  $$INSERT INTO commgrid.contact_point (leader_id, community_code, starts) VALUES (%s, '330106001001', date '2026-01-01')$$, 330106999999));

-- co-building lists: a project may not match 甲一's need with 乙一's resource, and the refusal
-- does not tell 乙一's resource's title and community (the policy hides it)
SELECT regexp_replace(pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.cobuilding_project (need_id, resource_id, community_code, unit_id, title)
  VALUES (%s, %s, '330106001001', %s, '错配项目')$$, :jia_need, :yi_resource, :jia_unit)), 'resource [0-9]+', 'resource N') AS project_with_other_resource;
-- ... and a missing need or resource gets the very same refusal as another community's (it was
-- left to the foreign key); 甲一's own need and resource still make a project
SAVEPOINT lists;
INSERT INTO cobuilding_resource (unit_id, community_code, title, category) VALUES (:jia_unit, '330106001001', '甲一开放操场', 'venue');
SELECT resource_id AS jia_resource FROM cobuilding_resource WHERE title = '甲一开放操场' \gset
INSERT INTO cobuilding_need (community_code, title, category) VALUES ('330106002001', '乙一需要志愿者', 'volunteers');
SELECT need_id AS yi_need FROM cobuilding_need WHERE title = '乙一需要志愿者' \gset
SELECT v.named, h.code || ': ' || h.message AS other_communitys, m.code || ': ' || m.message AS missing,
       (h.detail, h.hint, h.context) IS NOT DISTINCT FROM (m.detail, m.hint, m.context) AS same_detail_hint_context
FROM (VALUES ('need', :yi_need, :jia_resource, 330106999999, :jia_resource),
             ('resource', :jia_need, :yi_resource, :jia_need, 330106999999)) v(named, h_need, h_resource, m_need, m_resource)
CROSS JOIN LATERAL pg_temp.refusal('r330106_comm', format(
  $$INSERT INTO commgrid.cobuilding_project (need_id, resource_id, title) VALUES (%s, %s, '项目')$$, v.h_need, v.h_resource)) h
CROSS JOIN LATERAL pg_temp.refusal('r330106_comm', format(
  $$INSERT INTO commgrid.cobuilding_project (need_id, resource_id, title) VALUES (%s, %s, '项目')$$, v.m_need, v.m_resource)) m
ORDER BY v.named;
SELECT code AS own_need_and_resource FROM pg_temp.refusal('r330106_comm', format(
  $$INSERT INTO commgrid.cobuilding_project (need_id, resource_id, title) VALUES (%s, %s, '项目')$$, :jia_need, :jia_resource));
ROLLBACK TO lists;

-- social work: a case and a group name a contract and a worker of the writer's subdistrict,
-- and a client or member who lives there.  乙镇's (the stage rule told which contract its
-- worker serves; a group given to her let her read it and its members; its resident was taken
-- as a client, whose card the case's worker reads) and a missing one get the very same
-- refusal, also when a case is handed over; 甲街道's own are taken, and the rule still answers
-- about them
SAVEPOINT social_work;
INSERT INTO sw_contract (contract_id, provider, subdistrict_code, starts_on, ends_on, target_cases, target_groups, target_activities) VALUES
  (330106000001, '甲社工中心', '330106001', '2026-01-01', '2026-12-31', 10, 2, 2),
  (330106000002, '乙社工中心', '330106002', '2026-01-01', '2026-12-31', 10, 2, 2),
  (330106000003, '甲另一中心', '330106001', '2026-01-01', '2026-12-31', 10, 2, 2);
INSERT INTO social_worker (worker_id, contract_id, subdistrict_code, name, qualification) VALUES
  (330106000001, 330106000001, '330106001', '社工甲', 'intermediate'),
  (330106000002, 330106000002, '330106002', '社工乙', 'assistant');
INSERT INTO sw_case (case_id, contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (330106000001, 330106000001, '330106001', 330106000002, 330106000001, '助老', date '2026-01-15');
INSERT INTO sw_group (group_id, contract_id, subdistrict_code, worker_id, name, started_on)
VALUES (330106000001, 330106000001, '330106001', 330106000001, '长者互助小组', date '2026-01-15');
-- a group is filed under its contract's subdistrict: 甲's contract under 乙 is refused (it was taken)
SAVEPOINT group_elsewhere;
INSERT INTO sw_group (contract_id, subdistrict_code, worker_id, name, started_on)
VALUES (330106000001, '330106002', 330106000001, '错报小组', date '2026-01-15');
ROLLBACK TO SAVEPOINT group_elsewhere;
SELECT v.named, h.code || ': ' || h.message AS other_townships, m.code || ': ' || m.message AS missing,
       (h.detail, h.hint, h.context) IS NOT DISTINCT FROM (m.detail, m.hint, m.context) AS same_detail_hint_context
FROM (VALUES
  (1, 'a case''s worker', $$INSERT INTO commgrid.sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on) VALUES (330106000001, '330106001', 330106000001, %s, '助老', date '2026-02-01')$$),
  (2, 'a case''s contract', $$INSERT INTO commgrid.sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on) VALUES (%s, '330106001', 330106000001, 330106000001, '助老', date '2026-02-01')$$),
  (3, 'a case handed over', $$UPDATE commgrid.sw_case SET worker_id = %s WHERE case_id = 330106000001$$),
  (4, 'a group''s worker', $$INSERT INTO commgrid.sw_group (contract_id, subdistrict_code, worker_id, name, started_on) VALUES (330106000001, '330106001', %s, '长者小组', date '2026-02-01')$$),
  (5, 'a group''s contract', $$INSERT INTO commgrid.sw_group (contract_id, subdistrict_code, worker_id, name, started_on) VALUES (%s, '330106001', 330106000001, '长者小组', date '2026-02-01')$$),
  (6, 'a case''s client', $$INSERT INTO commgrid.sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on) VALUES (330106000001, '330106001', %s, 330106000001, '助老', date '2026-02-01')$$),
  (7, 'a group''s member', $$INSERT INTO commgrid.sw_group_member (group_id, resident_id, subdistrict_code, joined_on) VALUES (330106000001, %s, '330106001', date '2026-02-01')$$)
) v(ord, named, sql)
CROSS JOIN LATERAL pg_temp.refusal('r330106_town', format(v.sql, CASE WHEN v.ord >= 6 THEN 330106000008 ELSE 330106000002 END)) h
CROSS JOIN LATERAL pg_temp.refusal('r330106_town', format(v.sql, 330106999999)) m
ORDER BY v.ord;
SELECT v.named, x.code, x.message, x.detail
FROM (VALUES
  (1, 'a case of its own', $$INSERT INTO commgrid.sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on) VALUES (330106000001, '330106001', 330106000001, 330106000001, '助老', date '2026-02-01')$$),
  (2, 'a group of its own', $$INSERT INTO commgrid.sw_group (contract_id, subdistrict_code, worker_id, name, started_on) VALUES (330106000001, '330106001', 330106000001, '长者小组', date '2026-02-01')$$),
  (3, 'its worker, its other contract', $$INSERT INTO commgrid.sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on) VALUES (330106000003, '330106001', 330106000001, 330106000001, '助老', date '2026-02-01')$$),
  (4, 'a member of its own', $$INSERT INTO commgrid.sw_group_member (group_id, resident_id, subdistrict_code, joined_on) VALUES (330106000001, 330106000006, '330106001', date '2026-02-01')$$)
) v(ord, named, sql)
CROSS JOIN LATERAL pg_temp.refusal('r330106_town', v.sql) x
ORDER BY v.ord;
ROLLBACK TO social_work;

-- a unit named in a refused row is named by its name only to a writer who may see it: 甲一's
-- community staff names 乙一's unit 测试医院 (id only) in a dual report to its own community,
-- which 测试医院 does not co-build with; a community outside the writer's reach (甲二 for
-- community staff; any for the liaison of 测试一中, naming 测试医院) is refused before the
-- rule, so the answer never tells who co-builds there
SELECT regexp_replace(pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.unit_report (unit_id, community_code, reported_on)
  VALUES (%s, '330106001001', date '2026-01-01')$$, :yi_unit)), 'unit [0-9]+', 'unit N') AS report_of_other_unit,
       pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.unit_report (unit_id, community_code, reported_on)
  VALUES (%s, '330106001002', date '2026-01-01')$$, :jia_unit)) AS report_of_own_unit,
       regexp_replace(pg_temp.as_role('r330106_liaison', format($$INSERT INTO commgrid.cobuilding_resource (unit_id, community_code, title, category)
  VALUES (%s, '330106001001', '冒名', 'venue')$$, :yi_unit)), 'unit [0-9]+', 'unit N') AS liaison_names_other_unit;

-- a campus ties its unit to every community it overlaps: 甲's township staff may not give a
-- unit a campus reaching into 乙一 (a new unit at home in 甲二, or 测试一中 of 甲一), and may
-- give one across its own communities 甲一 and 甲二
SELECT pg_temp.as_role('r330106_town', $$INSERT INTO commgrid.unit (name, uscc, kind, affiliation, footprint)
  VALUES ('跨界单位', commgrid.make_uscc('9', '1', '330106', '00000011'), 'non_public_enterprise', 'district',
          ST_MakeEnvelope(120.05, 30.1, 120.25, 30.3, 4490))$$) AS new_campus_into_yi,
       pg_temp.as_role('r330106_town', format($$UPDATE commgrid.unit SET footprint = ST_Multi(ST_MakeEnvelope(120.01, 30.1, 120.3, 30.3, 4490))
  WHERE unit_id = %s$$, :jia_unit)) AS campus_of_own_unit_into_yi,
       pg_temp.as_role('r330106_town', $$INSERT INTO commgrid.unit (name, uscc, kind, affiliation, footprint)
  VALUES ('甲街道单位', commgrid.make_uscc('9', '1', '330106', '00000012'), 'non_public_enterprise', 'district',
          ST_MakeEnvelope(120.05, 30.1, 120.15, 30.3, 4490))$$) AS campus_across_own_communities;
SELECT u.name, array_agg(uc.community_code::text ORDER BY uc.community_code) AS ties
FROM unit u JOIN unit_community uc USING (unit_id)
WHERE u.name IN ('跨界单位', '甲街道单位', '测试一中') GROUP BY u.name ORDER BY u.name;

-- assessment: the liaison of 测试一中 enters the unit's opinion of 甲一 in the name of resident 1,
-- who is 测试一中's Party head and sits on 甲一's committee, which the liaison cannot read: the
-- recusal rule still sees both posts
INSERT INTO assessment_campaign (district_code, year, name) VALUES ('330106', 2026, '2026年双向考核');
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, 2, 'unit', 'U1', '服务满意度', 1, 100 FROM assessment_campaign WHERE district_code = '330106';
SELECT indicator_id AS opinion_indicator FROM assessment_indicator WHERE code = 'U1' \gset
UPDATE unit SET party_secretary_id = 330106000001 WHERE unit_id = :jia_unit;
SELECT pg_temp.as_role('r330106_liaison', 'SELECT FROM commgrid.party_org_committee') AS liaison_reads_committees,
       pg_temp.as_role('r330106_liaison', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_unit_id, ratee_code, score, entered_by)
  VALUES (%s, %s, '330106001001', 95, 330106000001)$$, :opinion_indicator, :jia_unit)) AS opinion_by_person_on_both_sides,
       pg_temp.as_role('r330106_liaison', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_unit_id, ratee_code, score, entered_by)
  VALUES (%s, %s, '330106001001', 85, 330106000002)$$, :opinion_indicator, :jia_unit)) AS opinion_by_another_person;
-- a campaign's indicators and grades have no area of their own: an administrator of 乙镇
-- alone may not set the district campaign's weights or grades, nor add an indicator; the
-- district's administrator may
CREATE ROLE r330106_admin_yi IN ROLE commgrid_district_admin;
SELECT count(*) AS granted FROM (SELECT commgrid.grant_jurisdiction('r330106_admin_yi', '330106002')) g;
SELECT regexp_replace(x, 'campaign [0-9]+', 'campaign N') AS refused FROM (VALUES
  (pg_temp.as_role('r330106_admin_yi', 'UPDATE commgrid.assessment_indicator SET weight = 50')),
  (pg_temp.as_role('r330106_admin_yi', 'UPDATE commgrid.assessment_grade SET min_score = 1')),
  (pg_temp.as_role('r330106_admin_yi', format($$INSERT INTO commgrid.assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
  SELECT campaign_id, 1, 'community', 'C9', '乙镇加的', 99, 100 FROM commgrid.assessment_indicator WHERE indicator_id = %s$$, :opinion_indicator)))) v(x);
SELECT pg_temp.as_role('r330106_admin', 'UPDATE commgrid.assessment_indicator SET weight = 2') AS district_weights;
SELECT code, weight FROM assessment_indicator WHERE indicator_id >= :opinion_indicator ORDER BY code;

-- nothing was planted
SELECT (SELECT count(*) FROM resident WHERE name = '冒名居民') AS planted_residents,
       (SELECT count(*) FROM resident WHERE household_id = 330106000001) AS household_1_residents,
       (SELECT count(*) FROM party_org_committee WHERE org_id = 330106000003) AS org_3_committee,
       (SELECT count(*) FROM party_member WHERE resident_id = 330106000009) AS member_9,
       (SELECT count(*) FROM party_dues WHERE resident_id = 330106000008) AS dues_8,
       (SELECT count(*) FROM floating_member WHERE resident_id = 330106000008) AS floating_8,
       (SELECT count(*) FROM contact_point) AS contact_points,
       (SELECT count(*) FROM area_responsibility) AS responsibilities,
       (SELECT count(*) FROM joint_meeting WHERE community_code <@ '330106') AS joint_meetings,
       (SELECT count(*) FROM cobuilding_project WHERE community_code <@ '330106') AS projects,
       (SELECT string_agg(entered_by::text, ',') FROM assessment_rating WHERE community_code <@ '330106') AS ratings_entered_by;

-- the rating's audit entry names the liaison who wrote it, not the owner the triggers run as
SELECT action, session_role, acting_role, changed_by FROM assessment_rating_changes WHERE community_code <@ '330106';

-- every trigger function that reads another table runs as the owner, with a pinned path, and
-- PUBLIC may not call it
SELECT p.proname, p.prosecdef, p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE') AS public_executes
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace
  AND p.proname IN ('keep_grid_of_location', 'resident_take_household_grid', 'household_pass_grid_to_residents',
                    'party_org_check_tree', 'take_org_community', 'party_member_check_org', 'take_member_community',
                    'unit_assign', 'unit_sync_communities', 'unit_follow_boundaries',
                    'contact_point_check', 'area_responsibility_check', 'joint_meeting_check',
                    'joint_meeting_member_check', 'cross_appointment_check', 'cobuilding_project_check',
                    'cobuilding_tie_check', 'service_record_check', 'assessment_campaign_guard',
                    'assessment_part_guard', 'assessment_rating_check')
ORDER BY p.proname;

-- a rating belongs to its campaign's district: 甲一's community staff may not rate 测试一中 with
-- an indicator of district 330108's campaign (which 330108's administrators could neither see
-- nor remove), and may with its own district's
INSERT INTO area (code, name, kind) VALUES ('330108', '测试二区', 'district');
INSERT INTO assessment_campaign (district_code, year, name) VALUES ('330108', 2026, '二区考核');
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, 1, 'community', 'C8', '二区指标', 1, 100 FROM assessment_campaign WHERE district_code = '330108';
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, 1, 'community', 'C1', '参与共建', 1, 100 FROM assessment_campaign WHERE district_code = '330106';
SELECT pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by)
  SELECT indicator_id, '330106001001', %s, 90, 330106000002 FROM commgrid.assessment_indicator WHERE code = 'C8'$$, :jia_unit)) AS rating_in_other_districts_campaign,
       pg_temp.as_role('r330106_comm', format($$INSERT INTO commgrid.assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by)
  SELECT indicator_id, '330106001001', %s, 90, 330106000002 FROM commgrid.assessment_indicator WHERE code = 'C1'$$, :jia_unit)) AS rating_in_own_campaign;

\i test/fixtures/security_cleanup.psql
ROLLBACK;
