-- A row a writer names must answer alike whether it lies elsewhere or does not exist: a plain
-- foreign key accepts a row the writer may not see where a missing one gets 23503, so stepping
-- ids told which exist elsewhere, and let a community file rows about another district's
-- people.  First the catalog: every foreign key that a staff group can write, to a table with
-- rows per area, and how it is guarded.  Then, as each writing role, a row elsewhere and a
-- missing one, side by side, on the tables whose keys the attack of 2026-12-03 (F5) found open.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set VERBOSITY terse

-- How each foreign key is guarded, found from the catalog:
--   reach trigger  a referenced_row_in_reach trigger on the key's column
--   filed with it  the key includes the row's filing column (another area's row matches no
--                  key: 23503 for both)
--   guarded        listed below with how (the row takes its area from the referenced one, so
--                  the policy refuses both alike; a trigger's own check; only the system
--                  writes the column)
--   open           listed below with why it is left open (a person who may live outside the
--                  writer's reach, a unit that co-builds across communities: a design call)
CREATE TEMP TABLE reference_expectation (fk text PRIMARY KEY, state text NOT NULL CHECK (state IN ('guarded', 'open')),
                                         why text NOT NULL);
\set QUIET on
INSERT INTO reference_expectation VALUES
  ('activity_attendance(activity_id) -> activity', 'guarded', 'activity_attendance_admit takes community_code from the activity: the policy refuses elsewhere and missing alike'),
  ('annual_appraisal(resident_id) -> resident', 'guarded', 'annual_appraisal_of_post_holder: the community reached first, then the person must hold a post of it (23503 alike for anyone else and a missing id)'),
  ('area(parent) -> area', 'guarded', 'areas are readable by every staff group (policy staff_read): reference geography'),
  ('area_responsibility(leader_id) -> leader', 'guarded', 'leader_named: check_writer_reach on a leader the writer may not read, missing alike'),
  ('assessment_grade(campaign_id) -> assessment_campaign', 'guarded', 'assessment_part_guard: 42501 for a campaign outside the writer''s district, missing alike; campaigns are readable by all (all_read)'),
  ('assessment_indicator(campaign_id) -> assessment_campaign', 'guarded', 'assessment_part_guard: 42501 for a campaign outside the writer''s district, missing alike; campaigns are readable by all (all_read)'),
  ('assessment_rating(campaign_id) -> assessment_campaign', 'guarded', 'assessment_rating_check takes it from the indicator: the writer''s value is never kept'),
  ('assessment_rating(entered_by) -> resident', 'open', 'the person who entered the rating: liaisons, who write most ratings, reach no resident'),
  ('assessment_rating(ratee_unit_id) -> unit', 'guarded', 'assessment_rating_check: check_writer_reaches_cobuilding (the community reached, or the liaison''s own unit) before the co-building rule, then 23514 alike'),
  ('assessment_rating(rater_unit_id) -> unit', 'guarded', 'assessment_rating_check: check_writer_reaches_cobuilding (the community reached, or the liaison''s own unit) before the co-building rule, then 23514 alike'),
  ('assessment_rating(unit_id) -> unit', 'guarded', 'assessment_rating_check sets it from ratee_unit_id or rater_unit_id: the writer''s value is never kept'),
  ('care_binding(device_id) -> care_device', 'guarded', 'care_binding_state: check_writer_reach on the device (holder''s area or wearer''s grid), missing alike'),
  ('care_binding(resident_id) -> resident', 'guarded', 'care_binding_state takes grid_code from the resident: the policy refuses elsewhere and missing alike'),
  ('care_call(alarm_id) -> care_alarm', 'guarded', 'care_alarm_child_check: check_writer_reach on the alarm''s grid, missing alike'),
  ('care_case(resident_id) -> resident', 'guarded', 'care_case_grid (care_fence_grid) takes grid_code from the resident: the policy refuses both'),
  ('care_contact(resident_id) -> resident', 'guarded', 'care_contact_grid (care_fence_grid) takes grid_code from the resident: the policy refuses both'),
  ('care_escalation(alarm_id) -> care_alarm', 'guarded', 'care_alarm_child_check: check_writer_reach on the alarm''s grid, missing alike'),
  ('care_escalation(contact_id) -> care_contact', 'guarded', 'care_alarm_child_check: a consenting contact of the (reached) alarm''s person, 23514 alike for elsewhere and missing'),
  ('care_fence(resident_id) -> resident', 'guarded', 'care_fence_grid takes grid_code from the resident: the policy refuses both'),
  ('cobuilding_attendance(person_id) -> resident', 'open', 'a unit''s or member''s person at a co-building activity, who may live anywhere'),
  ('cobuilding_project(need_id) -> cobuilding_need', 'guarded', 'cobuilding_project_check: check_writer_reach on the need first, missing alike'),
  ('cobuilding_project(resource_id) -> cobuilding_resource', 'guarded', 'cobuilding_project_check: check_writer_reach on the resource first, missing alike'),
  ('cobuilding_resource(unit_id) -> unit', 'guarded', 'cobuilding_tie_check (refuse_unless_cobuilds): the community reached or the liaison''s unit, then 23514 alike for a unit that does not co-build and a missing one'),
  ('contact_point(leader_id) -> leader', 'guarded', 'leader_named: check_writer_reach on a leader the writer may not read, missing alike'),
  ('cross_appointment(person_id) -> resident', 'open', 'a unit''s cadre on the community''s committee (交叉任职), who may live anywhere'),
  ('cross_appointment(unit_id) -> unit', 'guarded', 'cross_appointment_check (refuse_unless_cobuilds): the community reached or the liaison''s unit, then 23514 alike'),
  ('grid_staff(resident_id) -> resident', 'open', 'a staff member''s own resident record, optional: staff may live outside their grid'),
  ('joint_meeting(convener_leader_id) -> leader', 'guarded', 'leader_named: check_writer_reach on a leader the writer may not read, missing alike'),
  ('joint_meeting_member(person_id) -> resident', 'open', 'a unit''s representative at the joint meeting, who may live anywhere'),
  ('joint_meeting_member(unit_id) -> unit', 'guarded', 'joint_meeting_member_check (refuse_unless_cobuilds): the community reached or the liaison''s unit, then 23514 alike'),
  ('leader(person_id) -> resident', 'open', 'a district or township leader, who may live anywhere'),
  ('member_report(person_id) -> resident', 'open', 'an in-service member reporting to the community: liaisons write these and reach no resident'),
  ('member_report(unit_id) -> unit', 'open', 'a residence report names the member''s workplace, any unit (a workplace report is checked by cobuilding_tie_check)'),
  ('must_visit_task(closed_by_visit) -> visit', 'guarded', 'kept by the system: a staff write of it is refused (must_visit_task_guard, 428C9) whatever the id'),
  ('must_visit_task(household_id) -> household', 'guarded', 'must_visit_task_prepare: check_writer_reaches_home, then grid from the household'),
  ('must_visit_task(raised_by_visit) -> visit', 'guarded', 'must_visit_task_prepare: visit_for_writer (reach and kind), missing alike; a change refused (must_visit_task_guard)'),
  ('must_visit_task(resident_id) -> resident', 'guarded', 'must_visit_task_prepare: check_writer_reaches_home, then grid from the resident''s household'),
  ('party_dues(paid_by_id) -> resident', 'open', 'who paid a member''s dues for them (the report''s problem of dues paid by others): anyone'),
  ('party_work_post(concurrent_with) -> party_work_post', 'guarded', 'party_work_post_check: check_writer_reach on the main post''s community first, missing alike'),
  ('person_login(resident_id) -> resident', 'guarded', 'person_login_check: check_staff_reach on the resident''s grid, 42501 alike (district_admin only)'),
  ('redemption_item(donor_account_id) -> love_account', 'guarded', 'redemption_item_donor_in_reach: check_writer_reach on the account''s area, missing alike'),
  ('rental(household_id) -> household', 'guarded', 'rental_take_grid (take_household_grid): the policy refuses both'),
  ('request_event(merged_into) -> service_request', 'guarded', 'only a merge names one (CHECK request_event_merged_into_by_merge), and request_event_apply checks its target: 42501 alike'),
  ('request_event(request_id) -> service_request', 'guarded', 'request_event_apply: 42501 "request N is not in the jurisdiction" for a request not reached, missing alike'),
  ('residence_event(resident_id) -> resident', 'guarded', 'residence_event_prepare takes grid_code from the resident''s household: the policy refuses both'),
  ('resident(household_id) -> household', 'guarded', 'resident_take_household_grid / resident_keep_household_grid: the policy refuses both'),
  ('review_decision(meeting_id) -> review_meeting', 'guarded', 'review_decision_check: check_writer_reach on the meeting''s area first, missing alike'),
  ('review_meeting(leader_id) -> leader', 'guarded', 'review_meeting_take_area takes area_code from the leader: the policy refuses elsewhere and missing alike'),
  ('service_record(person_id) -> resident', 'guarded', 'service_record_check: the community reached first, then the member''s report to it in force (23514 alike)'),
  ('service_record(project_id) -> cobuilding_project', 'open', 'liaisons record service on a community''s project; a key with the community is the likely fix'),
  ('service_record(unit_id) -> unit', 'guarded', 'service_record_check: check_writer_reaches_cobuilding first, then the unit''s report in force (23514 alike)'),
  ('service_request(merged_into) -> service_request', 'guarded', 'set only through request_event: intake clears it, service_request_guard refuses an update (55000) alike'),
  ('service_request(referred_unit_id) -> unit', 'guarded', 'set only through request_event: intake clears it, service_request_guard refuses an update (55000) alike'),
  ('stipend(post_id) -> party_work_post', 'open', 'written by district administrators only, whose reach is the district: matters only with several districts in one database'),
  ('stipend(resident_id) -> resident', 'open', 'written by district administrators only, whose reach is the district: matters only with several districts in one database'),
  ('sw_case_session(case_id) -> sw_case', 'guarded', 'sw_child_subdistrict takes subdistrict_code from the case: the policy refuses both'),
  ('sw_group_member(group_id) -> sw_group', 'guarded', 'sw_group_child_subdistrict takes subdistrict_code from the group: the policy refuses both'),
  ('sw_group_session(group_id) -> sw_group', 'guarded', 'sw_group_child_subdistrict takes subdistrict_code from the group: the policy refuses both'),
  ('tenancy(rental_id) -> rental', 'guarded', 'tenancy_prepare takes grid_code from the rental: the policy refuses both'),
  ('tracking_contact(contacted_by) -> resident', 'open', 'the cadre who contacted a member, who may live anywhere'),
  ('unit(party_secretary_id) -> resident', 'open', 'the unit''s Party secretary, who may live anywhere'),
  ('unit_report(liaison_id) -> resident', 'open', 'the unit''s liaison person, who may live anywhere; liaisons write it and reach no resident'),
  ('unit_report(unit_id) -> unit', 'guarded', 'cobuilding_tie_check (refuse_unless_cobuilds): the community reached or the liaison''s unit, then 23514 alike'),
  ('visit(household_id) -> household', 'guarded', 'visit_prepare: check_writer_reaches_home, then grid from the household'),
  ('visit(resident_id) -> resident', 'guarded', 'visit_prepare: check_writer_reaches_home, then grid from the resident''s household'),
  ('visit(task_id) -> must_visit_task', 'guarded', 'visit_prepare: check_writer_reach on the task''s grid (and may_see_kind), missing alike'),
  ('visit_finding(event_id) -> residence_event', 'guarded', 'only with kind new_arrival (CHECK visit_finding_cites_own_effect), where visit_finding_apply overwrites it; update refused'),
  ('visit_finding(resident_id) -> resident', 'guarded', 'visit_finding_prepare: the resident must live in the (reached) visit''s household, 23514 alike'),
  ('visit_finding(task_id) -> must_visit_task', 'guarded', 'only with kind must_visit (CHECK visit_finding_cites_own_effect), where visit_finding_apply overwrites it; update refused'),
  ('visit_finding(visit_id) -> visit', 'guarded', 'visit_finding_prepare: check_writer_reach on the visit''s grid (and may_see_kind), missing alike');
\set QUIET off
CREATE TEMP VIEW writable_reference AS
SELECT format('%s(%s) -> %s', c.conrelid::regclass, string_agg(a.attname, ',' ORDER BY k.ord),
              c.confrelid::regclass) AS fk,
       c.oid AS con, c.conrelid, c.confrelid,
       array_agg(a.attname ORDER BY k.ord) AS cols
FROM pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
WHERE c.contype = 'f' AND c.connamespace = 'commgrid'::regnamespace
  -- the referenced table has rows per area
  AND c.confrelid IN (SELECT table_name FROM secured_table WHERE scope_columns IS NOT NULL)
  -- and some staff group may write the key's columns
  AND EXISTS (SELECT 1 FROM security_role r
              WHERE has_table_privilege('commgrid_' || r.short_name, c.conrelid, 'INSERT')
                 OR has_any_column_privilege('commgrid_' || r.short_name, c.conrelid, 'UPDATE'))
GROUP BY c.oid, c.conrelid, c.confrelid;
CREATE TEMP VIEW reference_guard AS
SELECT w.fk,
       CASE WHEN EXISTS (SELECT 1 FROM pg_trigger t
                         WHERE t.tgrelid = w.conrelid AND t.tgfoid = 'referenced_row_in_reach'::regproc
                           AND t.tgnargs = 4 AND array_length(w.cols, 1) = 1
                           AND split_part(encode(t.tgargs, 'escape'), '\000', 1) = w.cols[1])
              THEN 'reach trigger'
            WHEN w.cols && (SELECT s.scope_columns FROM secured_table s WHERE s.table_name = w.conrelid)
              THEN 'filed with it'
            ELSE COALESCE((SELECT e.state FROM reference_expectation e WHERE e.fk = w.fk), 'UNGUARDED') END AS guard
FROM writable_reference w;
SELECT guard, count(*) FROM reference_guard GROUP BY 1 ORDER BY 1;
-- the keys nobody has looked at: none
SELECT fk FROM reference_guard WHERE guard = 'UNGUARDED' ORDER BY 1;
-- every expectation names a key that is still there and not guarded by the rules above
SELECT e.fk AS stale_expectation FROM reference_expectation e
LEFT JOIN reference_guard g ON g.fk = e.fk AND g.guard = e.state
WHERE g.fk IS NULL ORDER BY 1;
-- the keys left open, and why
SELECT fk, why FROM reference_expectation WHERE state = 'open' ORDER BY 1;


-- As the writers, a row elsewhere and a missing one answer alike (42501, naming only the id
-- the writer gave), and a row of the writer's own reach is taken.  Residents 8 and 9 live in
-- 乙镇, outside every writer below; 330106000099 does not exist.
\set ON_ERROR_ROLLBACK on
\set QUIET on
INSERT INTO organiser (organiser_id, name, kind, community_code) VALUES
  (330106000001, '甲一社区志愿服务站', 'service_station', '330106001001'),
  (330106000002, '乙一社区志愿服务站', 'service_station', '330106002001');
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at) VALUES
  (330106000001, 330106000001, 'free_repair', '家电义务维修', pg_temp.grid_point(1),
   '2026-05-08 09:00+08', '2026-05-08 11:00+08');
INSERT INTO care_device (device_id, imei, provider, owner_code) VALUES
  (330106000001, '490154203237518', '甲公司', '330106001'),
  (330106000002, '356938035643809', '乙公司', '330106002');
INSERT INTO care_alarm (alarm_id, kind, device_id, resident_id, grid_code) VALUES
  (330106000001, 'sos', 330106000001, 330106000001, '330106001001001'),
  (330106000002, 'fall', 330106000001, 330106000002, '330106001001001'),
  (330106000003, 'sos', 330106000002, 330106000008, '330106002001001');
\set QUIET off

-- a request's requester (any staff who files requests; here the grid worker and community staff)
SET LOCAL ROLE r330106_grid;
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1), requester_kind => 'resident', resident_id => 330106000008);
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1), requester_kind => 'resident', resident_id => 330106000099);
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1), requester_kind => 'resident', resident_id => 330106000001) > 0 AS filed;
UPDATE service_request SET resident_id = 330106000008 WHERE resident_id = 330106000001;
UPDATE service_request SET resident_id = 330106000099 WHERE resident_id = 330106000001;
-- a change that leaves the requester alone is not checked again
UPDATE service_request SET description = '夜间噪声' WHERE resident_id = 330106000001;
RESET ROLE;
SET LOCAL ROLE r330106_comm;
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(2), requester_kind => 'resident', resident_id => 330106000006);
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(2), requester_kind => 'resident', resident_id => 330106000099);
RESET ROLE;
SELECT count(*) AS requests_filed FROM service_request WHERE resident_id BETWEEN 330106000001 AND 330106000099;

-- a volunteer's attendance (hours credited to the person's love-bank account), as community
-- staff and township staff: resident 6 lives in 甲二, outside the community, inside the township
SET LOCAL ROLE r330106_comm;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000006);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000099);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000002);
UPDATE activity_attendance SET resident_id = 330106000008 WHERE activity_id = 330106000001;
RESET ROLE;
SET LOCAL ROLE r330106_town;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000008);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000099);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000006);
RESET ROLE;
SELECT resident_id - 330106000000 AS volunteer, community_code FROM activity_attendance
WHERE activity_id = 330106000001 ORDER BY 1;

-- an activity's organiser, as community staff: 乙一's station and a missing one alike
SET LOCAL ROLE r330106_comm;
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
VALUES (330106000002, 'free_repair', '义剪', pg_temp.grid_point(1), '2026-06-01 09:00+08', '2026-06-01 11:00+08');
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
VALUES (330106000099, 'free_repair', '义剪', pg_temp.grid_point(1), '2026-06-01 09:00+08', '2026-06-01 11:00+08');
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
VALUES (330106000001, 'free_repair', '义剪', pg_temp.grid_point(1), '2026-06-01 09:00+08', '2026-06-01 11:00+08');
UPDATE activity SET organiser_id = 330106000002 WHERE activity_id = 330106000001;
RESET ROLE;
SELECT organiser_id - 330106000000 AS organiser, count(*) FROM activity
WHERE organiser_id BETWEEN 330106000001 AND 330106000099 GROUP BY 1 ORDER BY 1;

-- a lost-person case opened from an alarm, as the grid worker: 乙's alarm and a missing one
-- alike; its own grid's alarm is taken for the wearer, refused for another person
SET LOCAL ROLE r330106_grid;
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000003, now());
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000099, now());
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000002, now());
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000001, now());
UPDATE care_case SET alarm_id = 330106000003 WHERE alarm_id = 330106000001;
UPDATE care_case SET resident_id = 330106000002 WHERE alarm_id = 330106000001;
RESET ROLE;
SELECT resident_id - 330106000000 AS lost, alarm_id - 330106000000 AS alarm, grid_code FROM care_case
WHERE alarm_id IS NOT NULL ORDER BY 1;

-- The keys the audit of the catalog found open and this round closed, as their writers: the
-- answer for a row elsewhere and for a missing id (ids shown as N), whether they are alike,
-- and the writer's own row taken.  Each statement is undone.
\set QUIET on
INSERT INTO rental (rental_id, household_id, landlord_name) VALUES (330106000001, 330106000002, '房东甲');
INSERT INTO party_work_post (resident_id, community_code, post, post_level, grade, service_start, starts)
VALUES (330106000001, '330106001001', 'community_worker', 'other', 1, '2020-01-01', '2020-01-01');
SELECT unit_id AS yi_unit FROM unit WHERE name = '测试医院' \gset
SELECT unit_id AS jia_unit FROM unit WHERE name = '测试一中' \gset
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1)) AS grid_request \gset
\set QUIET off
CREATE FUNCTION pg_temp.answer(role name, stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE format('SET LOCAL ROLE %I', role);
    EXECUTE stmt;
    RAISE EXCEPTION USING ERRCODE = 'P0099';
  EXCEPTION WHEN OTHERS THEN
    RESET ROLE;
    RETURN CASE WHEN SQLSTATE = 'P0099' THEN 'ok'
                ELSE SQLSTATE || ': ' || regexp_replace(SQLERRM, '[0-9]+', 'N', 'g') END;
  END;
END $$;
SELECT what, hidden, hidden = missing AS alike, own
FROM (VALUES
  ('tenancy tenant', 'r330106_grid', $$INSERT INTO commgrid.tenancy (rental_id, resident_id, starts_on) VALUES (330106000001, %s, '2026-01-01')$$,
   '330106000008', '330106000099', '330106000004'),
  ('rental landlord', 'r330106_grid', $$INSERT INTO commgrid.rental (household_id, landlord_id) VALUES (330106000001, %s)$$,
   '330106000008', '330106000099', '330106000002'),
  ('visit staff', 'r330106_grid', $$INSERT INTO commgrid.visit (household_id, staff_id, visited_at, kind, outcome) VALUES (330106000001, %s, now() - interval '1 minute', 'routine', 'visited')$$,
   '330106000004', '330106000099', '330106000001'),
  ('organiser organisation', 'r330106_comm', $$INSERT INTO commgrid.organiser (name, kind, community_code, org_id) VALUES ('支部', 'party_org', '330106001001', %s)$$,
   '330106000003', '330106000099', '330106000001'),
  ('organiser unit', 'r330106_comm', $$INSERT INTO commgrid.organiser (name, kind, community_code, unit_id) VALUES ('单位', 'resident_unit', '330106001001', %s)$$,
   :'yi_unit', '999999999', :'jia_unit'),
  ('unit tied to community', 'r330106_comm', $$INSERT INTO commgrid.unit_community (unit_id, community_code, share, is_home) VALUES (%s, '330106001001', 0.5, false)$$,
   :'yi_unit', '999999999', NULL),
  ('referral unit', 'r330106_grid', format($$INSERT INTO commgrid.request_event (request_id, action, unit_id) VALUES (%s, 'refer', %%s)$$, :'grid_request'),
   :'yi_unit', '999999999', NULL),
  ('merge target on another action', 'r330106_grid', format($$INSERT INTO commgrid.request_event (request_id, action, merged_into) VALUES (%s, 'sign_for', %%s)$$, :'grid_request'),
   '330106000004', '330106000099', NULL),
  ('post holder', 'r330106_comm', $$INSERT INTO commgrid.party_work_post (resident_id, community_code, post, post_level, grade, service_start, starts) VALUES (%s, '330106001001', 'community_worker', 'other', 1, '2020-01-01', '2020-01-01')$$,
   '330106000008', '330106000099', '330106000002'),
  ('appraisal of a post holder', 'r330106_comm', $$INSERT INTO commgrid.annual_appraisal (resident_id, year, community_code, grade) VALUES (%s, 2025, '330106001001', 'excellent')$$,
   '330106000008', '330106000099', '330106000001')
) t(what, role, stmt, hidden_id, missing_id, own_id)
CROSS JOIN LATERAL (SELECT pg_temp.answer(role, format(stmt, hidden_id)) AS hidden,
                           pg_temp.answer(role, format(stmt, missing_id)) AS missing,
                           CASE WHEN own_id IS NOT NULL THEN pg_temp.answer(role, format(stmt, own_id)) END AS own) a;
\set ON_ERROR_ROLLBACK off

\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r33010_\_%';
