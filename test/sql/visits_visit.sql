-- Visits, their findings, must-visit tasks (with the special categories of PIPL art. 28),
-- coverage and return visits, the area report's lines and the worklist.  On hand-made areas
-- of 430102 (芙蓉区), all rolled back.
SET search_path = commgrid, public;
\i test/fixtures/district_day_under_way.sql
BEGIN;
\i test/fixtures/visits.sql

-- the catalogue: 19 kinds, 4 of them special categories that grid workers never see
SELECT count(*) AS kinds, count(*) FILTER (WHERE special_category) AS special,
       string_agg(kind, ', ' ORDER BY ordinal) FILTER (WHERE special_category) AS special_kinds
FROM must_visit_kind;

-- visits of this year (a minute ago: any hour is accepted): household 1 met, household 2
-- never found at home in two attempts, household 3 refused, household 4 found vacant,
-- resident 3 called by phone (a return visit)
INSERT INTO visit (visit_id, household_id, resident_id, staff_id, visited_at, kind, mode, outcome, seen, smelled, asked, recorded) VALUES
  (430102000001, 430102000001, NULL, 430102000001, now() - interval '1 minute', 'routine', 'in_person', 'visited',
   '厨房燃气软管老化', '无异味', '问老人身体和用药', '建议更换软管'),
  (430102000002, 430102000002, NULL, 430102000001, now() - interval '2 minutes', 'routine', 'in_person', 'nobody_home', NULL, NULL, NULL, NULL),
  (430102000003, 430102000002, NULL, 430102000001, now() - interval '1 minute', 'routine', 'in_person', 'nobody_home', NULL, NULL, NULL, NULL),
  (430102000004, 430102000003, NULL, 430102000001, now() - interval '1 minute', 'routine', 'in_person', 'refused', NULL, NULL, NULL, NULL),
  (430102000005, 430102000004, NULL, 430102000001, now() - interval '1 minute', 'routine', 'in_person', 'vacant', '门窗紧闭，信箱积压', NULL, NULL, NULL),
  (430102000006, NULL, 430102000003, 430102000001, now() - interval '1 minute', 'return', 'phone', 'visited', NULL, NULL, '低保金按时到账', NULL);
SELECT visit_id, household_id, grid_code, situation FROM visit ORDER BY visit_id;

-- refused visits: the future, a vacant flat seen by phone, a resident of another household,
-- a must-visit without its task, a task without the must-visit kind, a blank observation
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO visit (household_id, staff_id, visited_at, kind, outcome) VALUES (430102000001, 430102000001, now() + interval '1 hour', 'routine', 'visited')$$),
  ($$INSERT INTO visit (household_id, staff_id, visited_at, kind, mode, outcome) VALUES (430102000001, 430102000001, now(), 'routine', 'phone', 'vacant')$$),
  ($$INSERT INTO visit (household_id, resident_id, staff_id, visited_at, kind, outcome) VALUES (430102000001, 430102000003, 430102000001, now(), 'routine', 'visited')$$),
  ($$INSERT INTO visit (household_id, staff_id, visited_at, kind, outcome) VALUES (430102000001, 430102000001, now(), 'must_visit', 'visited')$$),
  ($$INSERT INTO visit (household_id, staff_id, visited_at, kind, outcome, seen) VALUES (430102000001, 430102000001, now(), 'routine', 'visited', ' ')$$),
  ($$INSERT INTO visit (household_id, staff_id, visited_at, kind, mode, outcome) VALUES (430102000001, 430102000001, now(), 'routine', 'fax', 'visited')$$)
) t(stmt);

-- findings of visit 1: resident 2 is now disabled and on minimum living allowance (audited
-- on the resident), a birth in the household (a must-visit task), a newcomer (a floating
-- arrival), and a request for the mass-work system
INSERT INTO resident (resident_id, name, household_id, registered_on) VALUES (430102000009, '新来者', 430102000001, district_today());
INSERT INTO visit_finding (finding_id, visit_id, kind, resident_id, situation, add_vulnerable, disability, arrival_status, origin, detail) VALUES
  (430102000001, 430102000001, 'flag_change', 430102000002, NULL, '{minimum_living_allowance}', true, NULL, NULL, NULL),
  (430102000002, 430102000001, 'must_visit', 430102000002, 'birth', NULL, NULL, NULL, NULL, '儿媳生育'),
  (430102000003, 430102000001, 'new_arrival', 430102000009, NULL, NULL, NULL, 'floating', '湖北省孝感市', NULL),
  (430102000004, 430102000001, 'service_request', NULL, NULL, NULL, NULL, NULL, NULL, '楼道灯坏了');
SELECT resident_id, vulnerable_kinds, disability FROM resident WHERE resident_id = 430102000002;
SELECT action, old_values ->> 'disability' AS was, new_values ->> 'disability' AS now, via IS NULL AS direct
FROM audit_log WHERE table_name = 'commgrid.resident' AND row_key ->> 'resident_id' = '430102000002';
SELECT situation, resident_id, household_id, grid_code, due_on - raised_on AS due_days, raised_by_visit, closed_on
FROM must_visit_task WHERE household_id = 430102000001;
SELECT resident_id, status, origin FROM actual_population WHERE resident_id = 430102000009;
SELECT finding_id, task_id IS NOT NULL AS made_task, event_id IS NOT NULL AS made_event FROM visit_finding ORDER BY 1;
-- bad findings: a flag change without a flag, a resident of another household, an unknown
-- situation, a note without words; a finding is a record, not edited
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO visit_finding (visit_id, kind, resident_id) VALUES (430102000001, 'flag_change', 430102000002)$$),
  ($$INSERT INTO visit_finding (visit_id, kind, resident_id, disability) VALUES (430102000001, 'flag_change', 430102000003, true)$$),
  ($$INSERT INTO visit_finding (visit_id, kind, situation) VALUES (430102000001, 'must_visit', 'lottery_win')$$),
  ($$INSERT INTO visit_finding (visit_id, kind) VALUES (430102000001, 'note')$$),
  ($$INSERT INTO visit_finding (visit_id, kind, resident_id, add_vulnerable) VALUES (430102000001, 'flag_change', 430102000002, '{rich}')$$),
  ($$UPDATE visit_finding SET detail = '改了' WHERE finding_id = 430102000004$$)
) t(stmt);

-- a must-visit visit of the right task closes it; a visit that found nobody does not
INSERT INTO visit (visit_id, household_id, staff_id, visited_at, kind, outcome, task_id)
SELECT 430102000007, 430102000001, 430102000001, now() - interval '30 seconds', 'must_visit', 'nobody_home', task_id
FROM must_visit_task WHERE situation = 'birth';
SELECT situation, closed_on IS NULL AS still_open FROM must_visit_task WHERE situation = 'birth';
INSERT INTO visit (visit_id, household_id, staff_id, visited_at, kind, outcome, task_id, heard)
SELECT 430102000008, 430102000001, 430102000001, now() - interval '20 seconds', 'must_visit', 'visited', task_id, '母子平安'
FROM must_visit_task WHERE situation = 'birth';
SELECT situation, closed_by_visit, closed_on = district_today() AS closed_today FROM must_visit_task WHERE situation = 'birth';
SELECT visit_id, situation FROM visit WHERE kind = 'must_visit' ORDER BY visit_id;
-- a task of household 1 visited at household 5 is refused
SELECT regexp_replace(pg_temp.try($$INSERT INTO visit (household_id, staff_id, visited_at, kind, outcome, task_id)
  SELECT 430102000005, 430102000001, now(), 'must_visit', 'visited', task_id FROM must_visit_task WHERE situation = 'birth'$$),
  'task [0-9]+', 'task N') AS outcome;

-- an overdue task (a family dispute registered 10 days ago, due in 3) is a compliance
-- problem; a special category (a released prisoner) registered by community staff
INSERT INTO must_visit_task (situation, resident_id, raised_on, note) VALUES
  ('family_dispute', 430102000004, district_today() - 10, '邻里噪音纠纷');
SET ROLE v430102_comm;
INSERT INTO must_visit_task (situation, resident_id, raised_on) VALUES ('released_prisoner', 430102000006, district_today() - 1);
SELECT situation, grid_code FROM must_visit_task ORDER BY situation;
SELECT grid_code, situation_ordinal, days_overdue FROM must_visit_overdue ORDER BY task_id;
-- the grid worker of grid 001: the ordinary tasks only, and no special category written
SET ROLE v430102_grid;
SELECT situation FROM must_visit_task ORDER BY situation;
SELECT count(*) AS special_tasks_seen FROM must_visit_task WHERE situation = 'released_prisoner';
-- nor through the overdue report, whose situation number the catalogue turns back into its
-- name: an overdue community-correction task of grid 001 is the community staff's row only
RESET ROLE;
SAVEPOINT special_overdue;
INSERT INTO must_visit_task (situation, resident_id, raised_on) VALUES ('community_correction', 430102000006, district_today() - 30);
SET ROLE v430102_grid;
SELECT o.grid_code, o.situation_ordinal, k.kind FROM must_visit_overdue o JOIN must_visit_kind k ON k.ordinal = o.situation_ordinal ORDER BY o.task_id;
SET ROLE v430102_comm;
SELECT o.grid_code, o.situation_ordinal, k.kind FROM must_visit_overdue o JOIN must_visit_kind k ON k.ordinal = o.situation_ordinal ORDER BY o.task_id;
RESET ROLE;
-- nor through the counts of grid 001 (its grid file and area report): the open and overdue
-- tasks of the kinds the caller may see; the community staff and the owner count all three,
-- and the district's figures (BI's) count every kind
CREATE FUNCTION pg_temp.must_visit_counts() RETURNS TABLE (source text, item text, value numeric) LANGUAGE sql AS $$
  SELECT 'grid_file', f.item, f.value FROM commgrid.grid_file('430102001001001') f WHERE f.item ~ 'must-visit'
  UNION ALL
  SELECT 'area_report', r.indicator, r.value FROM commgrid.area_report('430102001001001') r WHERE r.indicator ~ 'must-visit'
$$;
SET ROLE v430102_grid;
SELECT * FROM pg_temp.must_visit_counts();
SET ROLE v430102_comm;
SELECT * FROM pg_temp.must_visit_counts();
RESET ROLE;
SELECT * FROM pg_temp.must_visit_counts();
SET ROLE v430102_bi;
SELECT indicator, value FROM area_report('430102') WHERE indicator ~ 'must-visit';
RESET ROLE;
ROLLBACK TO SAVEPOINT special_overdue;
SELECT task_id AS hidden_task FROM must_visit_task WHERE situation = 'released_prisoner' \gset
SELECT event_id AS arrival_event FROM visit_finding WHERE finding_id = 430102000003 \gset
SELECT household_id AS hidden_home FROM must_visit_task WHERE situation = 'released_prisoner' \gset
CREATE FUNCTION pg_temp.told(stmt text, OUT state text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  state := 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                          hint = PG_EXCEPTION_HINT;
END $$;
SET ROLE v430102_grid;
-- the grid worker registers no special category, directly or by a finding, and is told which
-- roles may (the policy's own refusal named neither)
\x on
SELECT * FROM pg_temp.told($$INSERT INTO commgrid.must_visit_task (situation, resident_id) VALUES ('drug_rehabilitation', 430102000005)$$);
SELECT * FROM pg_temp.told($$INSERT INTO commgrid.visit_finding (visit_id, kind, situation, detail) VALUES (430102000001, 'must_visit', 'severe_mental_illness', '疑似')$$);
\x off
-- a visit citing the released prisoner's task of its grid (a special category it may not see)
-- is refused as one citing a task that does not exist, with the task's household or another:
-- the household rule named the hidden task's household, and the policy's refusal of the
-- visit's situation told that the task was there
SELECT regexp_replace(pg_temp.try(format(stmt, :hidden_task, :hidden_home)), 'task [0-9]+', 'task N') AS refused
FROM (VALUES
  ($$INSERT INTO commgrid.visit (household_id, staff_id, visited_at, kind, outcome, task_id) VALUES (%2$s, 430102000001, now(), 'must_visit', 'visited', %1$s)$$),
  ($$INSERT INTO commgrid.visit (household_id, staff_id, visited_at, kind, outcome, task_id) VALUES (430102000001, 430102000001, now(), 'must_visit', 'visited', %1$s)$$),
  ($$INSERT INTO commgrid.visit (household_id, staff_id, visited_at, kind, outcome, task_id) VALUES (430102000001, 430102000001, now(), 'must_visit', 'visited', %1$s + 1000)$$)) v(stmt);
-- the grid worker's findings that do not fit their kind (a new arrival without the newcomer,
-- or without a status; a must-visit without its situation) are told so by the finding's own
-- rule, before any effect: the arrival once reached the register with no one named, and the
-- worker was told that residence_event's row-level security refused it
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, arrival_status, origin) VALUES (430102000001, 'new_arrival', 'floating', '湖北省孝感市')$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, resident_id) VALUES (430102000001, 'new_arrival', 430102000002)$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, detail) VALUES (430102000001, 'must_visit', '需要走访')$$)) v(stmt);
-- a finding cites only the task or the arrival it made itself: the grid worker's note citing
-- the released prisoner's task of its grid (a special category it may not see) was taken,
-- one citing a task that does not exist was refused by the reference (so the answer told the
-- hidden task was there), and a flag change citing the arrival event of another finding was
-- taken; each is refused alike by the finding's rule
SELECT pg_temp.try(format(stmt, :hidden_task, :arrival_event)) FROM (VALUES
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, detail, task_id) VALUES (430102000001, 'note', '见过', %s)$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, detail, task_id) VALUES (430102000001, 'note', '见过', %s + 1000)$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, resident_id, disability, event_id) VALUES (430102000001, 'flag_change', 430102000002, false, %2$s)$$)) v(stmt);
-- a finding on community staff's visit of the released prisoner's task (a special category
-- the worker may not see) is refused as one on a visit that does not exist: the household rule
-- named the visit's household, a note on it was taken (so the visit was there), and an arrival
-- took the hidden visit's day
RESET ROLE;
SAVEPOINT hidden_visit;
SET ROLE v430102_comm;
INSERT INTO visit (visit_id, household_id, resident_id, staff_id, visited_at, kind, outcome, task_id)
VALUES (430102000050, :hidden_home, 430102000006, 430102000001, now() - interval '1 minute', 'must_visit', 'visited', :hidden_task);
INSERT INTO visit_finding (visit_id, kind, detail) VALUES (430102000050, 'note', '刑满释放后情绪稳定');
SELECT count(*) AS notes_on_the_visit_for_community_staff FROM visit_finding WHERE visit_id = 430102000050;
SET ROLE v430102_grid;
-- community staff's note on that visit is hidden with it (a note has no situation of its own,
-- and the worker read what community staff had seen)
SELECT count(*) AS notes_on_the_visit_for_the_worker FROM visit_finding WHERE visit_id = 430102000050;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, resident_id, detail) VALUES (430102000050, 'note', 430102000001, '见过')$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, detail) VALUES (430102000050, 'note', '见过')$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, resident_id, arrival_status) VALUES (430102000050, 'new_arrival', 430102000006, 'registered_resident')$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, detail) VALUES (430102000051, 'note', '见过')$$)) v(stmt);
-- nor does deleting the released prisoner tell: the hidden visit's resident_id set NULL was
-- refused naming the hidden task, and the task's cascade was refused by the visit citing it;
-- the task stays with the household (resident_id NULL), its visit too
SELECT pg_temp.try($$DELETE FROM commgrid.resident WHERE resident_id = 430102000006$$);
RESET ROLE;
SELECT task_id = :hidden_task AS hidden_task, situation, resident_id, household_id = :hidden_home AS hidden_home
FROM must_visit_task WHERE situation = 'released_prisoner';
SELECT visit_id, resident_id, situation, task_id = :hidden_task AS hidden_task FROM visit WHERE visit_id = 430102000050;
ROLLBACK TO SAVEPOINT hidden_visit;
-- nor do the figures and the worklist, which read visits with the owner's rights: they count a
-- special category's visit only where the caller may see it (may_count_kind), so a grid
-- worker's list and counts are the same before and after community staff met the released
-- prisoner's household (the list left the household out from that day on, and the counts rose
-- by one); community staff's and the district's figures (BI's) count it
SAVEPOINT hidden_figures;
UPDATE resident SET disability = true WHERE resident_id = 430102000006;
CREATE TEMP TABLE figure (moment text, who text, what text, value numeric);
GRANT SELECT, INSERT ON figure TO PUBLIC;
CREATE FUNCTION pg_temp.figures(moment text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'v430102_bi' THEN
    INSERT INTO pg_temp.figure SELECT moment, current_user, 'district: ' || r.indicator, r.value
    FROM commgrid.area_report('430102') r WHERE r.indicator ~ 'visited in person|revisited within';
    RETURN;
  END IF;
  INSERT INTO pg_temp.figure
  SELECT moment, current_user, 'worklist: the household listed', count(*)
  FROM commgrid.visit_worklist('430102001001001') w WHERE w.household_id = (SELECT household_id FROM commgrid.resident WHERE resident_id = 430102000006)
  UNION ALL
  SELECT moment, current_user, 'coverage: households visited', c.households_visited
  FROM commgrid.visit_coverage c WHERE c.grid_code = '430102001001001' AND c.year = extract(year FROM commgrid.district_today())
  UNION ALL
  SELECT moment, current_user, 'coverage: revisited in interval', c.revisited_in_interval
  FROM commgrid.visit_coverage c WHERE c.grid_code = '430102001001001' AND c.year = extract(year FROM commgrid.district_today())
  UNION ALL
  SELECT moment, current_user, 'grid file: ' || f.item, f.value
  FROM commgrid.grid_file('430102001001001') f WHERE f.item ~ 'visited in person|revisited'
  UNION ALL
  SELECT moment, current_user, 'area report: ' || r.indicator, r.value
  FROM commgrid.area_report('430102001001001') r WHERE r.indicator ~ 'visited in person|revisited within';
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.figures(text) TO PUBLIC;
-- each role's figures at a moment, as that role
CREATE FUNCTION pg_temp.figures_of_each(moment text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY '{v430102_grid, v430102_comm, v430102_bi}'::text[] LOOP
    EXECUTE format('SET LOCAL ROLE %I', r);
    PERFORM pg_temp.figures(moment);
    RESET ROLE;
  END LOOP;
END $$;
SELECT pg_temp.figures_of_each('before');
SET ROLE v430102_comm;
INSERT INTO visit (household_id, resident_id, staff_id, visited_at, kind, outcome, task_id)
VALUES (:hidden_home, 430102000006, 430102000001, now() - interval '1 minute', 'must_visit', 'visited', :hidden_task);
RESET ROLE;
SELECT pg_temp.figures_of_each('after');
SELECT b.who, b.what, b.value AS before, a.value - b.value AS change
FROM figure b JOIN figure a USING (who, what) WHERE b.moment = 'before' AND a.moment = 'after'
ORDER BY b.who DESC, b.what;
ROLLBACK TO SAVEPOINT hidden_figures;
-- a task's visits carry its situation: when community staff find that the birth task of
-- household 1 is a released prisoner's, its two visits (what was seen and heard) and their
-- findings leave the grid worker's sight with it, and come back when it is changed back (they
-- stayed visible)
SAVEPOINT situation_change;
CREATE FUNCTION pg_temp.birth_task_seen() RETURNS TABLE (tasks bigint, visits bigint, findings bigint) LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM commgrid.must_visit_task WHERE household_id = 430102000001),
         (SELECT count(*) FROM commgrid.visit WHERE household_id = 430102000001 AND kind = 'must_visit'),
         (SELECT count(*) FROM commgrid.visit_finding f WHERE f.visit_id IN (430102000007, 430102000008)) $$;
GRANT EXECUTE ON FUNCTION pg_temp.birth_task_seen() TO PUBLIC;
SET ROLE v430102_grid;
INSERT INTO visit_finding (visit_id, kind, detail) VALUES (430102000008, 'note', '产妇恢复良好');
SELECT 'before' AS moment, * FROM pg_temp.birth_task_seen();
SET ROLE v430102_comm;
UPDATE must_visit_task SET situation = 'released_prisoner' WHERE household_id = 430102000001 AND situation = 'birth';
SET ROLE v430102_grid;
SELECT 'special' AS moment, * FROM pg_temp.birth_task_seen();
SET ROLE v430102_comm;
UPDATE must_visit_task SET situation = 'birth' WHERE household_id = 430102000001 AND situation = 'released_prisoner';
SET ROLE v430102_grid;
SELECT 'back' AS moment, * FROM pg_temp.birth_task_seen();
RESET ROLE;
SELECT DISTINCT v.situation FROM visit v JOIN must_visit_task t USING (task_id) WHERE t.household_id = 430102000001;
ROLLBACK TO SAVEPOINT situation_change;
SET ROLE v430102_grid;
-- the worker's own finding acts with the worker's rights: a flag in another grid is refused
SELECT pg_temp.try($$INSERT INTO commgrid.visit (household_id, staff_id, visited_at, kind, outcome) VALUES (430102000007, 430102000003, now(), 'routine', 'visited')$$);
-- the grid worker of 燕山街 sees no visit of 识字岭
SET ROLE v430102_grid2;
SELECT count(*) AS visits, (SELECT count(*) FROM visit_finding) AS findings FROM visit;
-- nor learns who lives where in 识字岭: a visit or task naming 识字岭's resident and household
-- is refused alike whether the resident lives there or not (the household rule answered
-- "does not live in" for one and the policy refused the other); a finding on 识字岭's visit alike
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.visit (household_id, resident_id, staff_id, visited_at, kind, outcome) VALUES (430102000001, 430102000001, 430102000003, now(), 'routine', 'visited')$$),
  ($$INSERT INTO commgrid.visit (household_id, resident_id, staff_id, visited_at, kind, outcome) VALUES (430102000001, 430102000003, 430102000003, now(), 'routine', 'visited')$$),
  ($$INSERT INTO commgrid.must_visit_task (situation, resident_id, household_id) VALUES ('birth', 430102000003, 430102000001)$$),
  ($$INSERT INTO commgrid.visit_finding (visit_id, kind, resident_id, detail) VALUES (430102000001, 'note', 430102000008, 'x')$$)) v(stmt);
RESET ROLE;

-- coverage this year: grid 001 has 5 households, 2 met in person (1 visited, 4 vacant), 1
-- (household 2) never found at home in person, 1 refused; vulnerable residents 1 and 2 met
-- by the household visit, 3 by the phone call (a minimum living allowance allows it)
SELECT grid_code, households, households_visited, households_never_home, in_person_attempts, visit_rate,
       vulnerable_residents, revisited_in_interval
FROM visit_coverage WHERE grid_code LIKE '430102%' AND year = extract(year FROM district_today()) ORDER BY grid_code;
SELECT resident_id, interval_days, last_visit = district_today() AS met_today, overdue
FROM return_visit_due() WHERE grid_code <@ '430102' ORDER BY resident_id;
-- resident 2 registered long ago and not met within 90 days is overdue on a later day
SELECT resident_id, overdue FROM return_visit_due(district_today() + 200, '430102') ORDER BY resident_id;
-- once the allowance asks for presence, the phone call no longer counts
UPDATE return_interval SET remote_counts = false WHERE category = 'minimum_living_allowance';
SELECT resident_id, last_visit IS NULL AS no_counting_visit FROM return_visit_due() WHERE resident_id = 430102000003;
SELECT category, shipped FROM return_interval WHERE category = 'minimum_living_allowance';

-- the area report's visit lines for the community
SELECT indicator, value, unit FROM area_report('430102001001') WHERE indicator ~ '入户|never|vulnerable|回访|population|人户分离|rented|must-visit|households visited';

-- the worklist of grid 001 as its grid worker: households 2, 3 and 5 not met this year,
-- resident 2 due a return visit, the dispute of household 3; a walk from the duty post
SET ROLE v430102_grid;
SELECT stop, household_id, reasons, resident_ids, metres_from_previous, metres_so_far FROM visit_worklist('430102001001001', district_today() + 100);
SELECT stop, household_id, reasons FROM visit_worklist('430102001001001');
-- outside the jurisdiction, a bad code, a missing grid
SELECT pg_temp.try($$SELECT * FROM commgrid.visit_worklist('430102001002001')$$);
SELECT pg_temp.try($$SELECT * FROM commgrid.visit_worklist('430102001001')$$);
SELECT pg_temp.try($$SELECT * FROM commgrid.visit_worklist('430102001001009')$$);
SELECT pg_temp.try($$SELECT * FROM commgrid.visit_worklist('430102001001001', NULL)$$);
SET ROLE v430102_comm;
SELECT count(*) AS stops_with_special FROM visit_worklist('430102001001001') WHERE 'must visit: released_prisoner' = ANY (reasons);
RESET ROLE;
-- the legs are measured between the households' locations (restricted): every call that
-- returned a worklist is audited, the refused ones not
SELECT acting_role, action, table_name, row_key ->> 'grid' AS grid, (row_key ->> 'day')::date - district_today() AS days_ahead, scope_code
FROM audit_log WHERE via = 'visit_worklist' ORDER BY id;
-- the route against the same stops by household id (= by address here) and in reverse
WITH w AS (SELECT w.stop, h.household_id, h.location FROM visit_worklist('430102001001001', district_today() + 100) w
           JOIN household h USING (household_id))
SELECT round((SELECT max(metres_so_far) FROM visit_worklist('430102001001001', district_today() + 100))::numeric) AS nearest_neighbour,
       round(walk_length(worklist_start('430102001001001'), (SELECT array_agg(location ORDER BY household_id) FROM w))::numeric) AS by_id,
       round(walk_length(worklist_start('430102001001001'), (SELECT array_agg(location ORDER BY stop DESC) FROM w))::numeric) AS reversed,
       walk_length(ST_SetSRID(ST_MakePoint(0, 0), 4490), '{}') AS empty_walk;
-- the nearest-neighbour order itself
SELECT nearest_neighbour_order(ST_SetSRID(ST_MakePoint(0, 0), 4490),
  ARRAY[ST_SetSRID(ST_MakePoint(0.003, 0), 4490), ST_SetSRID(ST_MakePoint(0.001, 0), 4490), ST_SetSRID(ST_MakePoint(0.002, 0), 4490)]) AS walk,
  nearest_neighbour_order(ST_SetSRID(ST_MakePoint(0, 0), 4490), '{}') AS none;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$SELECT commgrid.nearest_neighbour_order(NULL, '{}')$$),
  ($$SELECT commgrid.nearest_neighbour_walk('{1, 2}', '{1}')$$),
  ($$SELECT commgrid.nearest_neighbour_walk('{1, NULL}', '{1, 2}')$$),
  ($$SELECT commgrid.nearest_neighbour_walk('{1, Infinity}', '{1, 2}')$$)
) t(stmt);
SELECT nearest_neighbour_walk('{3, 1, 2, -1}', '{0, 0, 0, 0}') AS walk_along_a_line, nearest_neighbour_walk('{}', '{}') AS none;

-- The columns the system keeps on a task: staff do not close a task without a visit, move its
-- due day, or change the visit that raised it (428C9: a grid worker closed its overdue tasks
-- and its coverage followed); the task raised by a visit names a visit the worker may see, of
-- the task's household.  A visit of 甲二 (another grid) stands for one the worker may not see.
SAVEPOINT system_columns;
INSERT INTO visit (visit_id, household_id, staff_id, visited_at, kind, outcome)
VALUES (430102000060, 430102000007, 430102000001, now() - interval '1 minute', 'routine', 'visited');
SET ROLE v430102_grid;
INSERT INTO must_visit_task (task_id, situation, resident_id, raised_on)
VALUES (430102000090, 'family_dispute', 430102000003, district_today() - 10);
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$UPDATE commgrid.must_visit_task SET closed_on = commgrid.district_today() WHERE task_id = 430102000090$$),
  ($$UPDATE commgrid.must_visit_task SET due_on = due_on + 30 WHERE task_id = 430102000090$$),
  ($$UPDATE commgrid.must_visit_task SET raised_by_visit = 430102000002 WHERE task_id = 430102000090$$),
  ($$INSERT INTO commgrid.must_visit_task (situation, resident_id, closed_by_visit, closed_on) VALUES ('birth', 430102000003, 430102000002, commgrid.district_today())$$),
  ($$INSERT INTO commgrid.must_visit_task (situation, resident_id, raised_by_visit) VALUES ('birth', 430102000003, 430102000060)$$),
  ($$INSERT INTO commgrid.must_visit_task (situation, resident_id, raised_by_visit) VALUES ('birth', 430102000003, 430102000999)$$),
  ($$INSERT INTO commgrid.must_visit_task (situation, resident_id, raised_by_visit) VALUES ('birth', 430102000003, 430102000001)$$),
  ($$INSERT INTO commgrid.must_visit_task (situation, resident_id, raised_by_visit) VALUES ('birth', 430102000003, 430102000002)$$)
) t(stmt);
-- the task stays overdue and open; a new situation re-dates it (family dispute 3 days, serious
-- illness 7)
SELECT situation, due_on - raised_on AS due_days, closed_on FROM must_visit_task WHERE task_id = 430102000090;
UPDATE must_visit_task SET situation = 'serious_illness' WHERE task_id = 430102000090;
SELECT situation, due_on - raised_on AS due_days FROM must_visit_task WHERE task_id = 430102000090;
-- the visit that closed a task stays what closed it: a grid worker made it routine, found
-- nobody home in it, moved it to another task or a month back, and the task stayed closed by it
-- (428C9); what it saw may still be put right
INSERT INTO visit (visit_id, resident_id, staff_id, visited_at, kind, outcome, task_id)
VALUES (430102000061, 430102000003, 430102000001, now() - interval '1 minute', 'must_visit', 'visited', 430102000090);
SELECT closed_by_visit, closed_on = district_today() AS closed_today FROM must_visit_task WHERE task_id = 430102000090;
SAVEPOINT closing_visit;
\set VERBOSITY default
UPDATE visit SET outcome = 'nobody_home' WHERE visit_id = 430102000061;
\set VERBOSITY terse
ROLLBACK TO SAVEPOINT closing_visit;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$UPDATE commgrid.visit SET kind = 'routine', task_id = NULL WHERE visit_id = 430102000061$$),
  ($$UPDATE commgrid.visit SET visited_at = visited_at - interval '30 days' WHERE visit_id = 430102000061$$)
) t(stmt);
UPDATE visit SET seen = '门窗完好' WHERE visit_id = 430102000061 RETURNING visit_id, kind, outcome, seen;
SELECT closed_by_visit, closed_on = district_today() AS closed_today FROM must_visit_task WHERE task_id = 430102000090;
RESET ROLE;
-- a catalogue changed later does not re-date it when its resident leaves it (a deletion sets
-- resident_id NULL): only its situation and its day do
UPDATE must_visit_kind SET due_days = 30 WHERE kind = 'serious_illness';
UPDATE must_visit_task SET resident_id = NULL WHERE task_id = 430102000090;
SELECT situation, resident_id, due_on - raised_on AS due_days FROM must_visit_task WHERE task_id = 430102000090;
ROLLBACK TO SAVEPOINT system_columns;
ROLLBACK;
