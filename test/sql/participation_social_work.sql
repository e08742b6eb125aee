-- Professional social work (issue 14 §3) on district 450102: the contract, workers, cases
-- through the stages in order, referral, sessions, case notes only for the case's worker
-- (audited), groups, the monthly counts and the cadence rule, as roles.  All rolled back.
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
CREATE ROLE s450102_w1 IN ROLE commgrid_township_staff;
CREATE ROLE s450102_w2 IN ROLE commgrid_township_staff;
CREATE ROLE s450102_town IN ROLE commgrid_township_staff;
CREATE ROLE s450102_grid IN ROLE commgrid_grid_worker;
SELECT count(*) AS jurisdictions FROM (
  SELECT grant_jurisdiction('s450102_w1', '450102001'), grant_jurisdiction('s450102_w2', '450102001'),
         grant_jurisdiction('s450102_town', '450102001'), grant_jurisdiction('s450102_grid', '450102001001001')) g;

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
INSERT INTO social_worker (worker_id, contract_id, subdistrict_code, name, qualification, role_name) VALUES
 (4501020001, 4501020001, '450102001', '社工甲', 'intermediate', 's450102_w1'),
 (4501020002, 4501020001, '450102001', '社工乙', 'assistant', 's450102_w2');

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

-- case notes: only the case's worker writes and reads them, every read audited
\set VERBOSITY terse
SET LOCAL ROLE s450102_w1;
SELECT sw_add_case_note(4501020001, '首次面谈:独居,行动不便') > 0 AS added;
SELECT written_at IS NOT NULL AS dated, worker_id, note FROM sw_case_notes(4501020001);
SELECT * FROM sw_case_notes(4501020002);
SELECT * FROM sw_case_note;
SELECT count(*) AS cases_seen FROM sw_case WHERE subdistrict_code <@ '450102';
RESET ROLE;
SET LOCAL ROLE s450102_w2;
SELECT * FROM sw_case_notes(4501020001);
SELECT sw_add_case_note(4501020001, '冒充');
SELECT * FROM sw_case_notes(NULL);
SELECT * FROM sw_case_notes(-1);
RESET ROLE;
SET LOCAL ROLE s450102_town;
SELECT * FROM sw_case_notes(4501020001);
SELECT count(*) AS cases_seen FROM sw_case WHERE subdistrict_code <@ '450102';
SELECT count(*) AS months FROM social_work_monthly WHERE subdistrict_code <@ '450102';
RESET ROLE;
SET LOCAL ROLE s450102_grid;
SELECT count(*) FROM sw_case;
SELECT count(*) AS contracts_seen FROM sw_contract WHERE subdistrict_code <@ '450102';
RESET ROLE;
\set VERBOSITY default
SELECT action, table_name, row_key, via, scope_code FROM audit_log
WHERE table_name = 'commgrid.sw_case_note' AND via IS NOT NULL ORDER BY id;
SELECT count(*) AS note_changes FROM audit_log WHERE table_name = 'commgrid.sw_case_note' AND action = 'INSERT';

SELECT count(setval(seq, COALESCE(last_value, start_value), last_value IS NOT NULL)) > 0 AS sequences_restored
FROM sw_sequence_state;
ROLLBACK;
