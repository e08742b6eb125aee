-- Stipends by formula (issue 16 §1): posts and concurrent posts, the two schemes, the dated
-- scale, compute_stipends (idempotent, corrections, paid rows never change), the reports, and
-- who sees what.  District 520102, rolled back.
SET search_path = commgrid, public;
\set ON_ERROR_ROLLBACK on
BEGIN;
\set ECHO none
\set QUIET on
\i test/fixtures/staffing.sql
\set QUIET off
\set ECHO all
-- posts: resident 1 is a full-time community worker and secretary on the side (兼任)
INSERT INTO party_work_post (post_id, resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with) VALUES
  (520102000001, 520102000001, '520102001001', NULL, 'community_worker', 'head', 9, '2015-03-01', '2015-03-01', NULL),
  (520102000002, 520102000001, '520102001001', 520102000001, 'secretary', 'head', 2, '2018-01-01', '2018-01-01', 520102000001),
  (520102000003, 520102000002, '520102001001', 520102000002, 'party_group_leader', 'other', 1, '2024-06-01', '2024-06-01', NULL),
  (520102000004, 520102000005, '520102001002', 520102000003, 'secretary', 'head', 1, '2010-01-01', '2010-01-01', NULL),
  (520102000005, 520102000009, '520102002001', 520102000004, 'secretary', 'head', 3, '2023-01-01', '2023-01-01', NULL);
SELECT post_id, post, scheme, concurrent_with FROM party_work_post WHERE post_id >= 520102000001 ORDER BY post_id;
INSERT INTO annual_appraisal (resident_id, year, community_code, grade) VALUES
  (520102000001, 2025, '520102001001', 'excellent'),
  (520102000005, 2019, '520102001002', 'unsatisfactory'),
  (520102000005, 2020, '520102001002', 'unsatisfactory'),
  (520102000005, 2025, '520102001002', 'unsatisfactory'),
  (520102000009, 2025, '520102002001', 'competent');

-- the first computation: one row per person and post
SELECT * FROM compute_stipends('2026-03-01');
SELECT post_id, revision, scheme, basic, seniority_years, seniority, appraisal_grade, performance, total, reason
FROM stipend WHERE month = '2026-03-01' ORDER BY post_id, revision;
-- again: nothing changes
SELECT * FROM compute_stipends('2026-03-01');
SELECT count(*) AS rows_after_second_run FROM stipend WHERE month = '2026-03-01';
-- the secretary's allowance is paid; then resident 1's appraisal is corrected: both posts
-- get a correction, the paid row stays as it was
UPDATE stipend SET paid_on = '2026-03-31' WHERE post_id = 520102000002 AND month = '2026-03-01';
UPDATE annual_appraisal SET grade = 'competent' WHERE resident_id = 520102000001 AND year = 2025;
SELECT * FROM compute_stipends('2026-03-01');
SELECT post_id, revision, performance, total, previous_total, reason, paid_on IS NOT NULL AS paid
FROM stipend WHERE month = '2026-03-01' AND resident_id = 520102000001 ORDER BY post_id, revision;
SELECT post_id, revision, total, due, paid_on FROM payroll_export
WHERE month = '2026-03-01' AND resident_id = 520102000001 ORDER BY post_id;
-- a post that ends before the month gets a zero revision
UPDATE party_work_post SET ends = '2026-02-28' WHERE post_id = 520102000003;
SELECT * FROM compute_stipends('2026-03-01');
SELECT post_id, revision, total, previous_total, reason FROM stipend
WHERE post_id = 520102000003 ORDER BY revision;
SELECT * FROM compute_stipends('2026-03-01');

-- paid rows and history never change
\set VERBOSITY default
UPDATE stipend SET paid_on = '2026-04-01' WHERE post_id = 520102000002 AND revision = 1;
DELETE FROM stipend WHERE post_id = 520102000004;
UPDATE stipend SET basic = 1 WHERE post_id = 520102000004;
UPDATE stipend SET paid_on = '2026-03-31' WHERE post_id = 520102000001 AND revision = 1;
-- a scale once used cannot change
UPDATE stipend_scale_basic SET amount = 1 WHERE scale_id = 1 AND post_level = 'head' AND grade = 1;
-- bad months, a grade the scale lacks, a side post of another person
SELECT * FROM compute_stipends('2026-03-15');
SELECT * FROM compute_stipends(NULL);
\set VERBOSITY terse
SELECT * FROM compute_stipends('2100-01-01');
\set VERBOSITY default
INSERT INTO party_work_post (post_id, resident_id, community_code, org_id, post, post_level, grade, service_start, starts)
VALUES (520102000009, 520102000006, '520102001002', 520102000003, 'committee_member', 'other', 5, '2025-01-01', '2025-01-01');
SELECT * FROM compute_stipends('2026-03-01');
DELETE FROM party_work_post WHERE post_id = 520102000009;
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
VALUES (520102000006, '520102001002', 520102000003, 'committee_member', 'other', 1, '2025-01-01', '2025-01-01', 520102000004);
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts)
VALUES (520102000006, '520102001001', 520102000002, 'secretary', 'other', 1, '2025-01-01', '2025-01-01');
-- an organisation of another community answers as a missing one does (the foreign key), not
-- with its kind: the kind was that of a row the writer may not see
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts)
VALUES (520102000006, '520102001002', 520102000002, 'secretary', 'other', 1, '2025-01-01', '2025-01-01');
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts)
VALUES (520102000006, '520102001002', 520102999999, 'secretary', 'other', 1, '2025-01-01', '2025-01-01');
SELECT * FROM stipend_preview(999);
\set VERBOSITY terse

-- the distribution beside the report's 50-200 yuan, and a proposed scale's effect
SELECT month, scheme, post, township_code, headcount, lowest, median, highest, cost, below_50, within_50_200, above_200
FROM stipend_distribution WHERE township_code LIKE '520102%' ORDER BY 1, 2, 3, 4;
INSERT INTO stipend_scale (scale_id, name, scheme, valid_from, adopted, seniority_step_years, seniority_step_amount, seniority_max_steps)
VALUES (520102, '提标方案', 'secretary_allowance', '2026-03-01', false, 3, 20, 5);
INSERT INTO stipend_scale_basic SELECT 520102, post_level, grade, amount * 2 FROM stipend_scale_basic WHERE scale_id = 1;
INSERT INTO stipend_scale_performance SELECT 520102, appraisal_grade, amount * 2 FROM stipend_scale_performance WHERE scale_id = 1;
SELECT * FROM stipend_preview(520102, '2026-03-01') WHERE township_code LIKE '520102%';

-- who sees what: staff their jurisdiction, the secretary of 甲二 (resident 5) their own, BI
-- distributions only
\set QUIET on
SELECT count(*) FROM create_roles() \gset
CREATE ROLE s520102_admin IN ROLE commgrid_district_admin;
CREATE ROLE s520102_town IN ROLE commgrid_township_staff;
CREATE ROLE s520102_sec IN ROLE commgrid_community_staff;
CREATE ROLE s520102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE s520102_bi IN ROLE commgrid_bi_reader;
SELECT grant_jurisdiction('s520102_admin', '520102'), grant_jurisdiction('s520102_town', '520102002'),
       grant_jurisdiction('s520102_sec', '520102001002'), grant_jurisdiction('s520102_grid', '520102001001001') \gset
INSERT INTO person_login VALUES ('s520102_sec'::regrole, 520102000005);
\set QUIET off
-- a side post names a main post its writer reaches: 甲二's staff naming 甲一's post 1 (the
-- rule told its holder, so stepping ids mapped every post to its holder) and a missing post
-- get one 42501, before any rule answers; their own community's post 4 takes a side post of
-- its holder (resident 5), and the rule still answers about it; the district administrator,
-- who reaches both communities, records resident 1's side post in 甲二 on the post in 甲一
\set VERBOSITY default
SAVEPOINT side_posts;
SET ROLE s520102_sec;
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
VALUES (520102000006, '520102001002', 520102000003, 'committee_member', 'other', 1, '2025-01-01', '2025-01-01', 520102000001);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
VALUES (520102000006, '520102001002', 520102000003, 'committee_member', 'other', 1, '2025-01-01', '2025-01-01', 520102999999);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
VALUES (520102000005, '520102001002', NULL, 'community_worker', 'other', 1, '2025-01-01', '2025-01-01', 520102000004)
RETURNING resident_id, community_code, post, concurrent_with;
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
VALUES (520102000006, '520102001002', NULL, 'community_worker', 'other', 1, '2025-01-01', '2025-01-01', 520102000004);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE s520102_admin;
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
VALUES (520102000001, '520102001002', 520102000003, 'committee_member', 'other', 1, '2025-01-01', '2025-01-01', 520102000001)
RETURNING resident_id, community_code, post, concurrent_with;
RESET ROLE;
ROLLBACK TO side_posts;
\set VERBOSITY terse
SET ROLE s520102_town;
SELECT post_id, total FROM stipend ORDER BY post_id, revision;
SELECT township_code, post, headcount FROM stipend_distribution ORDER BY 1, 2;
SELECT * FROM compute_stipends('2026-03-01');
RESET ROLE;
-- the township computes its month again in this transaction beside temporary tables of its
-- session named as compute_stipends' work tables once were: no clash, nothing changes
SET ROLE s520102_town;
CREATE TEMP TABLE stipend_line_now (note text);
CREATE TEMP TABLE stipend_last (note text);
SELECT * FROM compute_stipends('2026-03-01');
SELECT * FROM compute_stipends('2026-03-01');
DROP TABLE pg_temp.stipend_line_now, pg_temp.stipend_last;
RESET ROLE;
-- a stipend row is compute_stipends' alone: the district administrator inserting a richer
-- correction of a month (the payroll pays the last revision) or a month not yet computed is
-- refused (428C9); it still pays the month's last revision and computes the next month
SAVEPOINT stipend_rows;
SET ROLE s520102_admin;
\set VERBOSITY default
INSERT INTO stipend (month, post_id, revision, resident_id, community_code, post, scheme, scale_id, post_level,
                     grade, basic, seniority_years, seniority, appraisal_grade, performance, previous_total, reason)
SELECT month, post_id, revision + 1, resident_id, community_code, post, scheme, scale_id, post_level,
       grade, basic + 1000, seniority_years, seniority, appraisal_grade, performance, total, 'correction'
FROM stipend WHERE post_id = 520102000004 AND month = '2026-03-01' ORDER BY revision DESC LIMIT 1;
INSERT INTO stipend (month, post_id, revision, resident_id, community_code, post, scheme, basic, seniority_years,
                     seniority, performance, reason)
VALUES ('2026-04-01', 520102000004, 1, 520102000005, '520102001002', 'secretary', 'secretary_allowance', 200, 0, 0, 0, 'computed');
\set VERBOSITY terse
UPDATE stipend SET paid_on = '2026-03-31' WHERE post_id = 520102000004 AND month = '2026-03-01'
RETURNING post_id, revision, total, paid_on;
SELECT * FROM compute_stipends('2026-04-01');
RESET ROLE;
SELECT post_id, month, revision, total, reason FROM stipend WHERE post_id = 520102000004 ORDER BY month, revision;
ROLLBACK TO stipend_rows;
-- the district administrator maps logins to persons of the district only
SET ROLE s520102_admin;
INSERT INTO person_login VALUES ('s520102_grid'::regrole, 320508000001);
RESET ROLE;
-- ... and reads, changes and deletes the mappings of its own jurisdiction's persons only: an
-- administrator of township 002 alone neither sees, deletes nor takes over the mapping of
-- resident 5 (township 001), and maps its own resident 9
CREATE ROLE s520102_admin2 IN ROLE commgrid_district_admin;
SELECT count(*) AS granted FROM (SELECT grant_jurisdiction('s520102_admin2', '520102002')) g;
SET ROLE s520102_admin2;
SELECT role_name, resident_id FROM person_login ORDER BY resident_id;
DELETE FROM person_login WHERE resident_id = 520102000005;
UPDATE person_login SET role_name = 's520102_admin2'::regrole WHERE resident_id = 520102000005;
INSERT INTO person_login VALUES ('s520102_admin2'::regrole, 520102000009);
SELECT role_name, resident_id FROM person_login ORDER BY resident_id;
RESET ROLE;
SELECT role_name, resident_id FROM person_login ORDER BY resident_id;
DELETE FROM person_login WHERE role_name = 's520102_admin2'::regrole;
SET ROLE s520102_sec;
SELECT post_id, post, total, community_assessment_grade FROM my_stipends();
SELECT count(*) AS community_rows FROM payroll_export;
SELECT * FROM compute_stipends('2026-03-01');
RESET ROLE;
SET ROLE s520102_grid;
SELECT count(*) AS own FROM my_stipends();
SELECT count(*) FROM stipend;
RESET ROLE;
-- BI: groups of fewer than k (5) persons show their headcount only, not even how many lie
-- within 50-200 yuan (乙镇's one secretary's would be theirs); with k = 1 everything shows
SET ROLE s520102_bi;
SELECT township_code, post, headcount, lowest, median, within_50_200 FROM bi_stipend_distribution
WHERE township_code LIKE '520102%' ORDER BY 1, 2;
SELECT count(*) FROM payroll_export;
RESET ROLE;
UPDATE masking_setting SET value = 1 WHERE name = 'bi_min_group_size';
SET ROLE s520102_bi;
SELECT township_code, post, headcount, lowest, median, within_50_200 FROM bi_stipend_distribution
WHERE township_code LIKE '520102%' ORDER BY 1, 2;
RESET ROLE;
UPDATE masking_setting SET value = 5 WHERE name = 'bi_min_group_size';
ROLLBACK;
