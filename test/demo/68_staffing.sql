-- The demo district's Party work staffing (issue 16): posts (most secretaries hold theirs on
-- the side of a community worker's post, 兼任), five years of appraisals, a year of stipends
-- under the shipped scales (paid except this month), training with a few realistic gaps, and
-- this year's education tasks by member type with their completion.  psql variables :scale and
-- :seed; runs after 20_people.sql (it reads the Party organisations and members).
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
SET commgrid.audit = off;
\set QUIET on
\set district '500112'
BEGIN;
SELECT setseed(((:seed % 1000003) / 1000003.0) * 0.7 + 0.2) AS seeded \gset
SELECT date_trunc('month', district_today())::date AS this_month,
       extract(year FROM district_today())::int AS this_year \gset

-- 1. posts.  Community secretaries: 70% are full-time community workers holding the Party
-- post on the side; committee members and Party group leaders are part-time; each community
-- has 4-8 further full-time community workers from its residents.
CREATE TEMP TABLE demo_secretary AS
SELECT o.org_id, o.community_code, o.secretary_id AS resident_id, o.kind,
       random() < 0.7 AS worker, (random() * 15)::int AS years_served, 1 + floor(random() * 3)::int AS grade
FROM party_org o
WHERE o.secretary_id IS NOT NULL AND o.community_code <@ :'district'::gridcode
ORDER BY o.org_id;
INSERT INTO party_work_post (resident_id, community_code, post, post_level, grade, service_start, starts)
SELECT s.resident_id, s.community_code, 'community_worker',
       CASE WHEN s.kind = 'party_group' THEN 'other' ELSE 'head' END,
       CASE WHEN s.kind = 'party_group' THEN 1 + s.years_served / 2 ELSE 7 + s.years_served / 2 END,
       (:'this_month'::date - make_interval(years => s.years_served))::date,
       (:'this_month'::date - make_interval(years => s.years_served))::date
FROM (SELECT DISTINCT ON (resident_id) * FROM demo_secretary
      WHERE worker AND kind <> 'party_group' ORDER BY resident_id, org_id) s;
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts, concurrent_with)
SELECT s.resident_id, s.community_code, s.org_id,
       CASE WHEN s.kind = 'party_group' THEN 'party_group_leader' ELSE 'secretary' END,
       CASE WHEN s.kind = 'party_group' THEN 'other' ELSE 'head' END, s.grade,
       least(d.starts, (:'this_month'::date - make_interval(years => s.years_served))::date), d.starts,
       (SELECT min(w.post_id) FROM party_work_post w WHERE w.resident_id = s.resident_id AND w.post = 'community_worker')
FROM demo_secretary s
-- a tenth of the community secretaries are new this year: induction is due
CROSS JOIN LATERAL (SELECT CASE WHEN s.kind <> 'party_group' AND hashint8(s.org_id + :seed) % 10 = 0
                                THEN :'this_month'::date - 60
                                ELSE (:'this_month'::date - make_interval(years => s.years_served))::date END AS starts) d;
INSERT INTO party_work_post (resident_id, community_code, org_id, post, post_level, grade, service_start, starts)
SELECT c.resident_id, c.community_code, c.org_id,
       CASE c.post WHEN 'deputy_secretary' THEN 'deputy_secretary' ELSE 'committee_member' END,
       CASE c.post WHEN 'deputy_secretary' THEN 'deputy' ELSE 'other' END, 1 + floor(random() * 3)::int,
       d.since, d.since
FROM party_org_committee c
CROSS JOIN LATERAL (SELECT (:'this_month'::date - make_interval(years => (random() * 8)::int))::date AS since
                    WHERE c.resident_id IS NOT NULL) d
WHERE c.post <> 'secretary' AND c.community_code <@ :'district'::gridcode
  AND c.resident_id NOT IN (SELECT resident_id FROM demo_secretary);
INSERT INTO party_work_post (resident_id, community_code, post, post_level, grade, service_start, starts)
SELECT r.resident_id, r.community_code, 'community_worker', 'other', 1 + floor(random() * 12)::int, d.since, d.since
FROM (SELECT r.resident_id, r.community_code,
             row_number() OVER (PARTITION BY r.community_code ORDER BY hashint8(r.resident_id + :seed)) AS k
      FROM resident r
      WHERE r.community_code <@ :'district'::gridcode
        AND r.resident_id NOT IN (SELECT resident_id FROM party_work_post)) r
CROSS JOIN LATERAL (SELECT (:'this_month'::date - make_interval(years => (random() * 12)::int))::date AS since
                    WHERE r.resident_id IS NOT NULL) d
WHERE r.k <= 4 + hashint8(r.community_code::text::bigint + :seed) % 5;

-- 2. appraisals of the last five years: 20% excellent, 65% competent, 10% basically
-- competent, 5% unsatisfactory
INSERT INTO annual_appraisal (resident_id, year, community_code, grade)
SELECT t.resident_id, t.y, t.community_code,
       CASE WHEN t.r < 0.20 THEN 'excellent' WHEN t.r < 0.85 THEN 'competent'
            WHEN t.r < 0.95 THEN 'basically_competent' ELSE 'unsatisfactory' END
FROM (SELECT p.resident_id, y, p.community_code, random() AS r
      FROM (SELECT DISTINCT ON (resident_id) resident_id, community_code FROM party_work_post
            WHERE community_code <@ :'district'::gridcode ORDER BY resident_id, post_id) p
      CROSS JOIN generate_series(:this_year - 5, :this_year - 1) y
      ORDER BY p.resident_id, y) t;

-- 3. a year of stipends under the shipped scales, paid on the 5th of the next month
SELECT sum(c.computed) AS stipend_rows
FROM generate_series(:'this_month'::date - interval '11 months', :'this_month'::date, interval '1 month') m,
     LATERAL compute_stipends(m::date) c \gset
UPDATE stipend SET paid_on = (month + interval '1 month 4 days')::date
WHERE month < :'this_month'::date AND community_code <@ :'district'::gridcode;

-- 4. training last year and this year: a rotation course for secretaries (most attend), an
-- induction course (half the new secretaries attend), monthly topic sessions for members
INSERT INTO training_course (title, kind, organiser)
SELECT y || t.title, t.kind, '区委组织部'
FROM generate_series(:this_year - 1, :this_year) y,
     (VALUES ('年社区党组织书记轮训班', 'rotation'), ('年新任书记任职培训班', 'induction'), ('年党员专题教育', 'topic')) t(title, kind);
INSERT INTO training_session (course_id, held_on, class_hours, centralised)
SELECT c.course_id, s.held_on, s.hours, s.centralised
FROM training_course c
CROSS JOIN LATERAL (SELECT left(c.title, 4)::int AS y) y
CROSS JOIN LATERAL (
  SELECT make_date(y.y, 4, 1) + k AS held_on, 8 AS hours, true AS centralised
  FROM generate_series(0, 6) k WHERE c.kind = 'rotation'
  UNION ALL SELECT make_date(y.y, 5, 20), 16, true WHERE c.kind = 'induction'
  UNION ALL SELECT make_date(y.y, m, 10), 4, false FROM generate_series(1, 11) m WHERE c.kind = 'topic'
) s
WHERE c.organiser = '区委组织部' AND s.held_on <= district_today();
INSERT INTO training_attendance (session_id, resident_id, community_code)
SELECT s.session_id, m.resident_id, m.community_code
FROM training_session s JOIN training_course c USING (course_id)
JOIN party_member m ON m.community_code <@ :'district'::gridcode
WHERE c.organiser = '区委组织部'
  AND CASE c.kind
        WHEN 'topic' THEN random() < 0.8
        WHEN 'rotation' THEN m.resident_id IN (SELECT p.resident_id FROM party_work_post p
                                               WHERE p.post IN ('secretary', 'deputy_secretary', 'committee_member'))
                             AND hashint8(m.resident_id + s.course_id + :seed) % 10 <> 0
        ELSE m.resident_id IN (SELECT p.resident_id FROM party_work_post p
                               WHERE p.post = 'secretary' AND p.starts > district_today() - 365)
             AND hashint8(m.resident_id + :seed) % 2 = 0 END;

-- 5. this year's education tasks, period by period; two thirds done; the members away
-- contacted now and then, the job seekers referred to units' jobs from the needs list
SELECT sum(generate_education_tasks(p::date)) AS education_tasks
FROM generate_series(make_date(:this_year, 1, 1), :'this_month'::date,
                     make_interval(months => staffing_value('education_period_months')::int)) p \gset
UPDATE education_task SET done_on = least(due_on, district_today()), note = '已完成'
WHERE task_kind IN ('guided_study', 'service_activity', 'local_organisational_life')
  AND community_code <@ :'district'::gridcode AND random() < 0.67;
INSERT INTO tracking_contact (resident_id, community_code, contacted_on, method, contacted_by)
SELECT f.resident_id, f.community_code, d.day, (ARRAY['phone', 'video', 'message'])[1 + floor(random() * 3)::int],
       coalesce(o.secretary_id, f.resident_id)
FROM floating_member f
JOIN party_member m USING (resident_id)
JOIN party_org o ON o.org_id = m.org_id
CROSS JOIN LATERAL (SELECT f.since + k * 45 + (random() * 20)::int AS day
                    FROM generate_series(0, (district_today() - f.since) / 45) k) d
WHERE f.direction = 'outflow' AND f.transferred_on IS NULL AND f.community_code <@ :'district'::gridcode
  AND d.day <= district_today();
INSERT INTO job_referral (resident_id, community_code, referred_on, job_information, need_id, found_work_on)
SELECT t.resident_id, t.community_code, least(t.period_start + 20, district_today()), '社区公益岗位信息',
       (SELECT n.need_id FROM cobuilding_need n WHERE n.community_code = t.community_code ORDER BY n.need_id LIMIT 1),
       CASE WHEN random() < 0.3 THEN least(t.period_start + 50, district_today()) END
FROM education_task t
WHERE t.task_kind = 'job_referral' AND t.community_code <@ :'district'::gridcode AND random() < 0.75;
COMMIT;
\set QUIET off

-- the distribution of the secretaries' allowance this month, beside the report's 50-200 yuan
SELECT p.post, count(*) AS posts, count(DISTINCT p.resident_id) AS persons, min(p.total) AS lowest,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY p.total) AS median, max(p.total) AS highest,
       count(*) FILTER (WHERE p.total BETWEEN 50 AND 200) AS within_50_200,
       '50-200 yuan a month' AS report_says
FROM payroll_export p
WHERE p.month = :'this_month'::date AND p.scheme = 'secretary_allowance' AND p.reason <> 'post_ended'
  AND p.community_code::gridcode <@ :'district'::gridcode
GROUP BY p.post ORDER BY p.post;
-- the year's payroll: rows, paid, and the two schemes apart
SELECT scheme, count(DISTINCT month) AS months, count(*) AS rows, count(paid_on) AS paid, sum(total) AS yuan
FROM payroll_export WHERE community_code::gridcode <@ :'district'::gridcode GROUP BY scheme ORDER BY scheme;
-- training gaps (last year and this year) and the education tasks, as area_report shows them
SELECT indicator, value, unit FROM area_report(:'district')
WHERE indicator LIKE 'education%' OR indicator LIKE 'compliance: training%'
   OR indicator IN ('compliance: education_task_overdue', 'compliance: outflow_contact_missed',
                    'compliance: staffing_below_norm', 'compliance: community_not_reviewed');
