-- Training in class hours, education by member type and the leaders' reviews (issue 16 §2-4).
-- District 520102, rolled back.
SET search_path = commgrid, public;
\set ON_ERROR_ROLLBACK on
BEGIN;
\set ECHO none
\set QUIET on
\i test/fixtures/staffing.sql
\set QUIET off
\set ECHO all
-- cadres: resident 1 secretary of 甲一 since 2018, resident 5 a new secretary of 甲二 (2025-09),
-- resident 9 a committee member of 乙一
INSERT INTO party_work_post (post_id, resident_id, community_code, org_id, post, post_level, grade, service_start, starts) VALUES
  (520102000011, 520102000001, '520102001001', 520102000001, 'secretary', 'head', 2, '2018-01-01', '2018-01-01'),
  (520102000012, 520102000005, '520102001002', 520102000003, 'secretary', 'head', 1, '2025-09-01', '2025-09-01'),
  (520102000013, 520102000009, '520102002001', 520102000004, 'committee_member', 'other', 1, '2024-01-01', '2024-01-01');
INSERT INTO training_course (course_id, title, kind, organiser) VALUES
  (520102000001, '2025年书记轮训班', 'rotation', '区委组织部'),
  (520102000002, '新任书记任职培训', 'induction', '区委组织部'),
  (520102000003, '党员专题学习', 'topic', '甲街道党工委');
INSERT INTO training_session (session_id, course_id, held_on, class_hours, centralised) VALUES
  (520102000001, 520102000001, '2025-05-10', 24, true),
  (520102000002, 520102000001, '2025-05-11', 24, true),
  (520102000003, 520102000003, '2025-06-01', 16, false),
  (520102000004, 520102000003, '2025-10-01', 16, false),
  (520102000005, 520102000002, '2026-04-01', 8, true);
-- resident 1: rotation 48 h + topic 16 h = 64 (complete); resident 5: topic 16 h, induction
-- only after the six months; resident 9: 24 h of rotation; members 2-4: 32, 16, none
INSERT INTO training_attendance (session_id, resident_id) VALUES
  (520102000001, 520102000001), (520102000002, 520102000001), (520102000003, 520102000001),
  (520102000003, 520102000005), (520102000005, 520102000005),
  (520102000001, 520102000009),
  (520102000003, 520102000002), (520102000004, 520102000002), (520102000003, 520102000003);
INSERT INTO training_attendance (session_id, resident_id, class_hours) VALUES (520102000004, 520102000004, 8);
SELECT resident_id, rule, required, done, deadline, overdue
FROM training_gaps(2025) WHERE community_code LIKE '520102%' ORDER BY resident_id, rule;
-- bad input: more hours than the session, a non-member, a bad year
\set VERBOSITY default
INSERT INTO training_attendance (session_id, resident_id, class_hours) VALUES (520102000004, 520102000006, 20);
INSERT INTO training_attendance (session_id, resident_id) VALUES (520102000004, 320508000001);
SELECT * FROM training_gaps(NULL);
\set VERBOSITY terse
-- the rule is data: a member needs 16 hours only
UPDATE staffing_setting SET value = 16 WHERE name = 'training_member_hours';
SELECT resident_id, done FROM training_gaps(2025) WHERE rule = 'member_hours' AND community_code LIKE '520102001%' ORDER BY 1;
UPDATE staffing_setting SET value = 32 WHERE name = 'training_member_hours';
-- sessions and courses are shared: 甲街道's township staff may not change or delete one that a
-- member of 乙镇 attended (the cascade would take resident 9's hours), only one whose attendees
-- are all its own (session 3)
SELECT count(*) > 0 AS roles FROM create_roles();
CREATE ROLE t520102_town IN ROLE commgrid_township_staff;
SELECT count(*) AS granted FROM (SELECT grant_jurisdiction('t520102_town', '520102001')) g;
SAVEPOINT shared_training;
SET ROLE t520102_town;
DELETE FROM training_session WHERE session_id = 520102000001;
UPDATE training_session SET class_hours = 1 WHERE session_id = 520102000001;
DELETE FROM training_course WHERE course_id = 520102000001;
UPDATE training_session SET centralised = true WHERE session_id = 520102000003;
RESET ROLE;
SELECT session_id, count(*) AS attendances FROM training_attendance
WHERE session_id IN (520102000001, 520102000002) GROUP BY 1 ORDER BY 1;
ROLLBACK TO SAVEPOINT shared_training;
-- nor learns who in 乙镇 is a Party member: resident 9 (a member of 乙一) and resident 13 (not a
-- member, living in 乙一) are refused alike, resident 13 as "not a Party member" to 乙镇's own staff
INSERT INTO resident (resident_id, name, household_id) VALUES (520102000013, '人员13', 520102000003);
CREATE ROLE t520102_yi IN ROLE commgrid_township_staff;
SELECT count(*) AS granted FROM (SELECT grant_jurisdiction('t520102_yi', '520102002')) g;
SET ROLE t520102_town;
INSERT INTO training_attendance (session_id, resident_id) VALUES (520102000003, 520102000009);
INSERT INTO training_attendance (session_id, resident_id) VALUES (520102000003, 520102000013);
SET ROLE t520102_yi;
INSERT INTO training_attendance (session_id, resident_id) VALUES (520102000003, 520102000013);
RESET ROLE;

-- education: resident 4 is away (outflow) since 95 days ago, resident 11 came in (inflow)
INSERT INTO floating_member (resident_id, direction, since, destination)
VALUES (520102000004, 'outflow', district_today() - 95, '深圳');
INSERT INTO floating_member (resident_id, direction, since, home_org, certificate_no, declared_on)
VALUES (520102000011, 'inflow', '2024-01-01', '遵义市某支部', 'LD-1', '2024-01-02');
SELECT generate_education_tasks('2025-01-01') AS tasks_added;
SELECT generate_education_tasks('2025-01-01') AS tasks_added_again;
SELECT resident_id, member_type, task_kind, due_on FROM education_task WHERE community_code <@ '520102' ORDER BY 1, 3;
\set VERBOSITY default
SELECT generate_education_tasks('2025-02-01');
\set VERBOSITY terse
-- a contact with the member away, a referral linked to a unit's need; the member found work
INSERT INTO tracking_contact (resident_id, contacted_on, method, contacted_by) VALUES
  (520102000004, '2025-02-10', 'phone', 520102000001),
  (520102000004, district_today() - 40, 'video', 520102000001);
INSERT INTO cobuilding_need (need_id, community_code, title, category) OVERRIDING SYSTEM VALUE
VALUES (520102000001, '520102001001', '招聘社区护理员', 'employment');
INSERT INTO job_referral (resident_id, referred_on, job_information, need_id, found_work_on)
VALUES (520102000003, '2025-02-01', '社区护理员1名', 520102000001, '2025-03-01');
UPDATE education_task SET done_on = '2025-03-01', note = '读书班' WHERE resident_id = 520102000002 AND task_kind = 'guided_study';
SELECT resident_id, task_kind, done_on FROM education_task_status WHERE community_code LIKE '520102%' ORDER BY 1, 2;
SELECT community_code, org_name, tasks, done, overdue FROM education_completion WHERE community_code LIKE '520102%' ORDER BY 1;
-- the next period: the member who found work gets no referral task
SELECT generate_education_tasks('2025-04-01') AS tasks_added;
SELECT count(*) AS referral_tasks_for_3 FROM education_task WHERE resident_id = 520102000003 AND period_start = '2025-04-01';
-- missed tracking intervals (30 days): 95 days away, a contact 40 days ago
SELECT resident_id, district_today() - interval_start AS days_ago_start, district_today() - interval_end AS days_ago_end
FROM outflow_missed_contact WHERE community_code LIKE '520102%' ORDER BY interval_start;

-- reviews: funding, venues, staffing norms, a leader's meeting
INSERT INTO party_building_funding VALUES ('520102001001', extract(year FROM district_today())::int, '区财政', 50000);
INSERT INTO activity_venue (community_code, name, floor_area_m2) VALUES ('520102001001', '党群服务中心', 320.5);
INSERT INTO activity_venue (community_code, name, floor_area_m2) VALUES ('520102001001', '坏数据', 0);
INSERT INTO party_work_post (resident_id, community_code, post, post_level, grade, service_start, starts)
SELECT 520102000000 + n, '520102001001', 'community_worker', 'other', 1, '2020-01-01', '2020-01-01' FROM generate_series(1, 9) n;
SELECT community_code, workers, households, workers_required, venue_floor_area_m2, funding_this_year
FROM community_staffing WHERE community_code LIKE '520102%' ORDER BY 1;
INSERT INTO leader (person_id, level, area_code, title, starts) VALUES (520102000012, 'subdistrict', '520102001', '甲街道党工委副书记', '2024-01-01');
INSERT INTO area_responsibility (leader_id, area_code, starts)
SELECT leader_id, c, '2024-01-01' FROM leader, unnest(ARRAY['520102001001', '520102001002']::gridcode[]) c WHERE person_id = 520102000012;
INSERT INTO review_meeting (meeting_id, leader_id, held_on, minutes)
SELECT 520102000001, leader_id, district_today() - 10, '审议经费、场所、队伍' FROM leader WHERE person_id = 520102000012;
INSERT INTO review_decision (meeting_id, community_code, topic, decision)
SELECT meeting_id, '520102001001', 'staffing', '补足专职社区工作者' FROM review_meeting WHERE area_code = '520102001';
INSERT INTO review_decision (meeting_id, community_code, topic, decision)
SELECT meeting_id, '520102002001', 'funding', '越界' FROM review_meeting WHERE area_code = '520102001';
SELECT leader_title, community_code, last_reviewed_on FROM community_not_reviewed WHERE community_code LIKE '520102%';
-- a decision names a meeting its writer reaches: 乙镇's staff naming 甲街道's meeting (the rule
-- told its area) and a missing meeting get one 42501 before the rule answers; 甲街道's staff
-- record a decision of their own meeting, and the rule still answers them
\set VERBOSITY default
SAVEPOINT decisions;
SET ROLE t520102_yi;
INSERT INTO review_decision (meeting_id, community_code, topic, decision) VALUES (520102000001, '520102002001', 'venue', '越权');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO review_decision (meeting_id, community_code, topic, decision) VALUES (520102999999, '520102002001', 'venue', '越权');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE t520102_town;
INSERT INTO review_decision (meeting_id, community_code, topic, decision) VALUES (520102000001, '520102001002', 'venue', '扩建活动室')
RETURNING meeting_id, community_code, topic;
INSERT INTO review_decision (meeting_id, community_code, topic, decision) VALUES (520102000001, '520102002001', 'venue', '越界');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
ROLLBACK TO decisions;
\set VERBOSITY terse

-- the compliance problems and the report's lines (training lines depend on the calendar year)
SELECT kind, area_code, resident_id FROM staffing_compliance
WHERE area_code LIKE '520102%' AND kind NOT LIKE 'training%' ORDER BY 1, 2, 3;
SELECT indicator, value FROM area_report('520102')
WHERE (indicator LIKE 'education%' OR indicator LIKE 'compliance: %') AND indicator NOT LIKE 'compliance: training%'
  AND indicator IN (SELECT 'compliance: ' || k FROM unnest(ARRAY['education_task_overdue', 'outflow_contact_missed', 'staffing_below_norm', 'community_not_reviewed']) k
                    UNION ALL SELECT 'education tasks due' UNION ALL SELECT 'education tasks due and done');
ROLLBACK;
