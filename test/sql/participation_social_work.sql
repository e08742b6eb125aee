-- Professional social work (issue 14 §3) on district 450102: the contract, workers, cases
-- through the stages in order, referral, sessions, groups, the monthly counts and the cadence
-- rule; then the social workers' group role: each login reaches only its own worker rows'
-- contracts, cases, sessions, notes (audited), clients (audited) and groups, as an honest user
-- and as an attacker, beside township staff and a grid worker.  All rolled back.
SET search_path = commgrid, public;
\set SHOW_CONTEXT never
BEGIN;
\set ON_ERROR_ROLLBACK on
\i test/fixtures/participation.sql
CREATE TEMP TABLE sw_sequence_state AS
SELECT format('%I.%I', schemaname, sequencename) AS seq, last_value, start_value
FROM pg_sequences WHERE schemaname = 'commgrid';
SELECT setval('commgrid.sw_case_note_note_id_seq', 4501020000) AS note_ids;
SELECT count(*) > 0 AS group_roles FROM create_roles();
-- two social workers, a login of the group linked to no worker, township staff, a grid
-- worker, and a district administrator of the district
CREATE ROLE s450102_w1 IN ROLE commgrid_social_worker;
CREATE ROLE s450102_w2 IN ROLE commgrid_social_worker;
CREATE ROLE s450102_w3 IN ROLE commgrid_social_worker;
CREATE ROLE s450102_town IN ROLE commgrid_township_staff;
CREATE ROLE s450102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE s450102_admin IN ROLE commgrid_district_admin;
CREATE ROLE s450102_bi IN ROLE commgrid_bi_reader;
SELECT count(*) AS jurisdictions FROM (
  SELECT grant_jurisdiction('s450102_town', '450102001'), grant_jurisdiction('s450102_grid', '450102001001001'),
         grant_jurisdiction('s450102_admin', '450102')) g;

INSERT INTO sw_contract (contract_id, provider, subdistrict_code, starts_on, ends_on,
                         target_cases, target_groups, target_activities)
VALUES (4501020001, '青秀区社会工作服务中心', '450102001', '2016-05-01', '2016-06-30', 121, 69, 164);
-- the evaluation: all three or none; the subdistrict must be one
\set VERBOSITY terse
UPDATE sw_contract SET evaluator = '广西社会工作评估中心' WHERE contract_id = 4501020001;
INSERT INTO sw_contract (provider, subdistrict_code, starts_on, ends_on, target_cases, target_groups, target_activities)
VALUES ('x', '450102001001', '2016-05-01', '2016-06-30', 1, 1, 1);
\set VERBOSITY default
UPDATE sw_contract SET evaluator = '广西社会工作评估中心', evaluated_on = '2016-07-15', evaluation_score = 91.5
WHERE contract_id = 4501020001;
INSERT INTO social_worker (worker_id, contract_id, subdistrict_code, name, qualification) VALUES
 (4501020001, 4501020001, '450102001', '社工甲', 'intermediate'),
 (4501020002, 4501020001, '450102001', '社工乙', 'assistant');

-- a case starts at intake and takes its contract's subdistrict
INSERT INTO sw_case (case_id, contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (4501020001, 4501020001, '450102', 4501020001, 4501020001, '独居老人照护', '2016-05-03');
SELECT case_id, subdistrict_code, stage, stage_since FROM sw_case WHERE case_id = 4501020001;
INSERT INTO sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on, stage)
VALUES (4501020001, '450102001', 4501020002, 4501020001, '就业', '2016-05-03', 'plan');
-- the stages one at a time: skipping and going back refused, naming both stages
UPDATE sw_case SET stage = 'plan' WHERE case_id = 4501020001;
UPDATE sw_case SET stage = 'assessment' WHERE case_id = 4501020001;
UPDATE sw_case SET stage = 'plan' WHERE case_id = 4501020001;
UPDATE sw_case SET stage = 'intake' WHERE case_id = 4501020001;
UPDATE sw_case SET stage = 'intervention' WHERE case_id = 4501020001;
UPDATE sw_case SET stage = 'evaluation' WHERE case_id = 4501020001;
UPDATE sw_case SET stage = 'closing' WHERE case_id = 4501020001;
SELECT stage FROM sw_case WHERE case_id = 4501020001;
-- a closed case does not move
UPDATE sw_case SET stage = 'evaluation' WHERE case_id = 4501020001;
-- referral (转介): both parts, and then the case may close from any stage
INSERT INTO sw_case (case_id, contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (4501020002, 4501020001, '450102001', 4501020003, 4501020002, '心理疏导', '2016-06-07');
\set VERBOSITY terse
UPDATE sw_case SET referred_to = '青秀区精神卫生中心' WHERE case_id = 4501020002;
\set VERBOSITY default
UPDATE sw_case SET stage = 'closing' WHERE case_id = 4501020002;
UPDATE sw_case SET stage = 'closing', referred_to = '青秀区精神卫生中心', referred_on = '2016-06-10'
WHERE case_id = 4501020002;
SELECT case_id, stage, referred_to FROM sw_case WHERE case_id >= 4501020001 ORDER BY 1;
-- a worker of another contract is refused
INSERT INTO sw_contract (contract_id, provider, subdistrict_code, starts_on, ends_on, target_cases, target_groups, target_activities)
VALUES (4501020002, '另一机构', '450102001', '2016-05-01', '2016-06-30', 1, 0, 0);
INSERT INTO sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (4501020002, '450102001', 4501020004, 4501020001, '助学', '2016-05-03');
-- and so is a group's (it was taken)
INSERT INTO sw_group (contract_id, subdistrict_code, worker_id, name, started_on)
VALUES (4501020002, '450102001', 4501020001, '助学小组', '2016-05-03');
DELETE FROM sw_contract WHERE contract_id = 4501020002;
-- sessions take the case's subdistrict
INSERT INTO sw_case_session (case_id, subdistrict_code, held_on, minutes)
VALUES (4501020001, '450102', '2016-05-04', 60), (4501020001, '450102', '2016-05-11', 45);
SELECT case_id, subdistrict_code, held_on, minutes FROM sw_case_session WHERE case_id = 4501020001 ORDER BY held_on;

-- groups with members and sessions
INSERT INTO sw_group (group_id, contract_id, subdistrict_code, worker_id, name, started_on)
VALUES (4501020001, 4501020001, '450102001', 4501020002, '长者互助小组', '2016-05-10');
INSERT INTO sw_group_member (group_id, resident_id, subdistrict_code, joined_on)
SELECT 4501020001, 4501020000 + p, '450102', '2016-05-10' FROM generate_series(4, 6) p;
INSERT INTO sw_group_session (group_id, subdistrict_code, held_on, attendees)
VALUES (4501020001, '450102', '2016-05-17', 3);
SELECT g.name, count(m.*) AS members, (SELECT sum(attendees) FROM sw_group_session s WHERE s.group_id = g.group_id) AS attended,
       min(m.subdistrict_code) AS subdistrict_code
FROM sw_group g JOIN sw_group_member m USING (group_id) WHERE g.group_id = 4501020001 GROUP BY g.group_id;

-- community activities: activities of a social-work team
INSERT INTO organiser (organiser_id, name, kind, community_code)
VALUES (4501020002, '新竹社工站', 'social_work_team', '450102001001');
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at) VALUES
 (4501020011, 4501020002, 'elderly_care', '重阳敬老', ST_SetSRID(ST_MakePoint(108.32, 22.82), 4490),
  '2016-05-04 09:00+08', '2016-05-04 11:00+08'),
 (4501020012, 4501020002, 'other', '社区议事', ST_SetSRID(ST_MakePoint(108.36, 22.82), 4490),
  '2016-06-01 23:30+08', '2016-06-01 23:50+08');

-- the counts per subdistrict and month, and the cadence rule (weeks from Monday 2016-04-25)
SELECT * FROM social_work_monthly WHERE subdistrict_code <@ '450102' ORDER BY month;
SELECT breach, count(*) AS periods, min(period_start), max(period_start)
FROM social_work_cadence WHERE contract_id = 4501020001 GROUP BY breach ORDER BY breach;

-- an open case of the first worker, for its own case work below
INSERT INTO sw_case (case_id, contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (4501020003, 4501020001, '450102001', 4501020005, 4501020001, '康复', '2016-06-01');

-- The social workers' group role (commgrid_social_worker).  A login reaches the worker rows
-- linked to it, linked only by grant_social_worker: a district administrator within its
-- jurisdiction; township staff, who write social_worker, may not, nor write the map
\set VERBOSITY terse
SET LOCAL ROLE s450102_town;
SELECT grant_social_worker('s450102_w1', 4501020001);
INSERT INTO social_worker_login (role_name, worker_id) VALUES ('s450102_w1', 4501020001);
RESET ROLE;
SET LOCAL ROLE s450102_admin;
SELECT grant_social_worker('s450102_w1', 4501020001), grant_social_worker('s450102_w2', 4501020002);
SELECT grant_social_worker('s450102_town', 4501020002);
SELECT grant_social_worker('s450102_w3', 4501020001);
SELECT grant_social_worker('s450102_w3', -1);
RESET ROLE;
SELECT role_name, worker_id, granted_by FROM social_worker_login ORDER BY worker_id;

-- an honest social worker: its own row, its contract, its cases and their sessions; it leads
-- no group; it writes and reads its case's notes and reads its client (name, phone, address)
SET LOCAL ROLE s450102_w1;
SELECT worker_id, name FROM social_worker;
SELECT contract_id, provider FROM sw_contract;
SELECT case_id, resident_id, stage FROM sw_case ORDER BY case_id;
SELECT case_id, held_on FROM sw_case_session ORDER BY held_on;
SELECT (SELECT count(*) FROM sw_group) AS groups, (SELECT count(*) FROM sw_group_member) AS group_members;
SELECT role_name, worker_id FROM social_worker_login;
SELECT sw_add_case_note(4501020001, '首次面谈:独居,行动不便') > 0 AS added;
SELECT written_at IS NOT NULL AS dated, worker_id, note FROM sw_case_notes(4501020001);
SELECT resident_id, name, address FROM sw_client_card(4501020001);
-- its own case work: the stage one step at a time (the same rule as for staff: skipping,
-- an unknown stage refused), a session, a referral (once, not before intake) and then
-- closing; a closed case neither moves nor takes a referral
SELECT case_id, stage, stage_since = district_today() AS since_today FROM sw_move_case(4501020003, 'assessment');
SELECT stage FROM sw_move_case(4501020003, 'intervention');
\set VERBOSITY default
SELECT stage FROM sw_move_case(4501020003, 'bogus');
\set VERBOSITY terse
SELECT stage FROM sw_move_case(4501020003, NULL);
SELECT sw_record_session(4501020003, '2016-06-02', 50) > 0 AS recorded;
SELECT sw_record_session(4501020003, NULL, 50);
SELECT sw_record_session(4501020003, '2016-06-02', 0);
SELECT case_id, subdistrict_code, held_on, minutes FROM sw_case_session WHERE case_id = 4501020003;
SELECT stage FROM sw_refer_case(4501020003, ' ');
SELECT stage FROM sw_refer_case(4501020003, '青秀区残联', '2016-05-31');
SELECT stage, referred_to, referred_on FROM sw_refer_case(4501020003, '青秀区残联', '2016-06-20');
SELECT stage FROM sw_refer_case(4501020003, '另一家', '2016-06-21');
SELECT stage FROM sw_move_case(4501020003, 'closing');
SELECT stage FROM sw_move_case(4501020003, 'evaluation');
SELECT stage FROM sw_refer_case(4501020001, '青秀区残联');
-- the same login as an attacker: the other worker's case, a missing one, the tables behind
-- the functions, other residents, staff functions and reports, a change of its cases
SELECT * FROM sw_case_notes(4501020002);
SELECT * FROM sw_client_card(4501020002);
SELECT sw_add_case_note(4501020002, '冒充');
SELECT * FROM sw_case_notes(NULL);
SELECT * FROM sw_case_notes(-1);
SELECT * FROM sw_case_note;
SELECT count(*) FROM resident;
SELECT count(*) AS others_case FROM sw_case WHERE case_id = 4501020002;
SELECT count(*) AS others_workers FROM social_worker WHERE worker_id <> 4501020001;
SELECT * FROM resident_card(4501020003);
SELECT count(*) FROM social_work_monthly;
SELECT * FROM area_report('450102001');
UPDATE sw_case SET worker_id = 4501020001 WHERE case_id = 4501020002;
INSERT INTO sw_case_session (case_id, subdistrict_code, held_on, minutes) VALUES (4501020002, '450102001', '2016-06-08', 30);
SELECT grant_social_worker('s450102_w1', 4501020002);
-- the other worker's case and group, a missing one, NULL: one refusal for all, nothing written
\set VERBOSITY default
SELECT stage FROM sw_move_case(4501020002, 'closing');
SELECT stage FROM sw_move_case(-1, 'plan');
\set VERBOSITY terse
SELECT stage FROM sw_move_case(NULL, 'plan');
SELECT sw_record_session(4501020002, '2016-06-08', 30);
SELECT stage FROM sw_refer_case(4501020002, '冒充');
SELECT sw_record_group_session(4501020001, '2016-05-24', 3);
SELECT sw_record_group_session(-1, '2016-05-24', 3);
RESET ROLE;
SELECT (SELECT count(*) FROM sw_case_session WHERE case_id = 4501020002) AS others_sessions,
       (SELECT count(*) FROM sw_group_session WHERE group_id = 4501020001) AS group_meetings;
-- the other worker leads the group: its members and meetings; not the first worker's notes
SET LOCAL ROLE s450102_w2;
SELECT g.name, (SELECT count(*) FROM sw_group_member) AS members, (SELECT count(*) FROM sw_group_session) AS meetings
FROM sw_group g;
SELECT case_id FROM sw_case ORDER BY 1;
SELECT count(*) AS sessions_of_others FROM sw_case_session;
SELECT * FROM sw_case_notes(4501020001);
-- its own group's meetings with the members present (at most the members on the day)
SELECT sw_record_group_session(4501020001, '2016-05-24', 2) > 0 AS recorded;
\set VERBOSITY default
SELECT sw_record_group_session(4501020001, '2016-05-31', 4);
\set VERBOSITY terse
SELECT sw_record_group_session(4501020001, '2016-05-09', 1);
SELECT sw_record_group_session(4501020001, NULL, 1);
SELECT held_on, attendees, subdistrict_code FROM sw_group_session ORDER BY held_on;
-- the first worker's case: no move, no session
SELECT stage FROM sw_move_case(4501020001, 'closing');
SELECT sw_record_session(4501020001, '2016-06-08', 30);
RESET ROLE;
-- a login of the group linked to no worker reaches nothing
SET LOCAL ROLE s450102_w3;
SELECT (SELECT count(*) FROM sw_case) AS cases, (SELECT count(*) FROM social_worker) AS workers,
       (SELECT count(*) FROM sw_contract) AS contracts, (SELECT count(*) FROM sw_group) AS groups;
SELECT * FROM sw_case_notes(4501020001);
SELECT stage FROM sw_move_case(4501020003, 'closing');
SELECT sw_record_group_session(4501020001, '2016-05-24', 1);
RESET ROLE;
-- the link counts only while the login is in the group
SELECT role_social_workers('s450102_w1') AS while_member;
REVOKE commgrid_social_worker FROM s450102_w1;
SELECT role_social_workers('s450102_w1') AS after_leaving;
GRANT commgrid_social_worker TO s450102_w1;
-- staff: township staff read the subdistrict's cases, never the notes; a grid worker no case
SET LOCAL ROLE s450102_town;
SELECT * FROM sw_case_notes(4501020001);
SELECT * FROM sw_client_card(4501020001);
SELECT count(*) AS cases_seen FROM sw_case WHERE subdistrict_code <@ '450102';
SELECT count(*) AS months FROM social_work_monthly WHERE subdistrict_code <@ '450102';
-- township staff keep writing the cases of their subdistrict directly, under the same stage
-- rule; the social workers' functions are not theirs
SELECT stage FROM sw_move_case(4501020003, 'closing');
SELECT sw_record_group_session(4501020001, '2016-05-24', 1);
INSERT INTO sw_case (case_id, contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (4501020004, 4501020001, '450102001', 4501020006, 4501020002, '助学', '2016-06-15');
UPDATE sw_case SET stage = 'plan' WHERE case_id = 4501020004;
UPDATE sw_case SET stage = 'assessment' WHERE case_id = 4501020004;
SELECT case_id, stage FROM sw_case WHERE case_id = 4501020004;
RESET ROLE;
SET LOCAL ROLE s450102_grid;
SELECT stage FROM sw_move_case(4501020003, 'closing');
SELECT sw_record_session(4501020003, '2016-06-08', 30);
SELECT sw_add_case_note(4501020003, '冒充');
SELECT count(*) FROM sw_case;
SELECT count(*) AS contracts_seen FROM sw_contract WHERE subdistrict_code <@ '450102';
RESET ROLE;
-- BI: none of the social workers' functions, no case
SET LOCAL ROLE s450102_bi;
SELECT stage FROM sw_move_case(4501020003, 'closing');
SELECT sw_record_session(4501020003, '2016-06-08', 30);
SELECT stage FROM sw_refer_case(4501020003, '冒充');
SELECT sw_record_group_session(4501020001, '2016-05-24', 1);
SELECT count(*) FROM sw_case;
RESET ROLE;
-- the district administrator: no notes; in the audit log of its district who linked whom,
-- who read which case's notes and client, and that a note was written, never its text
SET LOCAL ROLE s450102_admin;
SELECT * FROM sw_case_notes(4501020001);
SELECT action, table_name, row_key, via, acting_role, scope_code, new_values ? 'note' AS holds_text
FROM audit_log
WHERE (table_name IN ('commgrid.sw_case_note', 'commgrid.social_worker_login') OR via = 'sw_client_card')
  AND xact_id = txid_current()
ORDER BY id;
RESET ROLE;
\set VERBOSITY default
SELECT count(*) FILTER (WHERE new_values ? 'note') AS entries_with_note_text FROM audit_log
WHERE table_name = 'commgrid.sw_case_note';

SELECT count(setval(seq, COALESCE(last_value, start_value), last_value IS NOT NULL)) > 0 AS sequences_restored
FROM sw_sequence_state;
ROLLBACK;
