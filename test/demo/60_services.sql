-- The mass-work system's demo: residents' requests from April 2013 to the end of 2016 at the
-- district's scale, taken through the real workflow (signing for, returns and reassignment,
-- extensions, parking, merging, refusal, verification by another, satisfaction asked by the
-- centre, review), then the report's figures beside ours.  psql variables :scale and :seed.
-- At scale 1: 120,000 requests, about 26 % of them hard cases (棘手问题), so more than 30,000.
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
SET commgrid.audit = off;
\set QUIET on
BEGIN;
SELECT setseed(((:seed + 12) % 1000003) / 1000003.0) AS seeded \gset
SELECT round(120000 * :scale)::int AS n_requests \gset
-- the two people the separation of handling and supervision needs (办理与监督分离)
CREATE ROLE demo_handler SUPERUSER NOLOGIN;
CREATE ROLE demo_centre SUPERUSER NOLOGIN;
-- the public minor categories weigh more than the private ones; hours follow the day, with some
-- at night and on holidays (the rule runs every day)
-- public minor categories twice in the draw, private ones once
CREATE TEMP TABLE demo_category AS
SELECT array_agg(code ORDER BY code) AS codes
FROM service_category c, generate_series(1, CASE WHEN c.public THEN 2 ELSE 1 END)
WHERE level = 'minor';
SELECT max(household_id) AS max_household FROM household \gset
CREATE TEMP TABLE demo_request AS
SELECT g AS n,
       c.codes[1 + floor(random() * cardinality(c.codes))::int] AS category_code,
       (ARRAY['consultation', 'help', 'help', 'complaint', 'complaint', 'report', 'suggestion', 'praise'])[1 + floor(random() * 8)::int] AS nature,
       1 + floor(random() * :max_household)::bigint AS household_id,
       (timestamp '2013-04-01' + floor(random() * 1371) * interval '1 day'
        + (CASE WHEN random() < 0.08 THEN 22 + random() * 9 ELSE 7 + random() * 15 END) * interval '1 hour')
         AT TIME ZONE 'Asia/Shanghai' AS requested_at,
       random() < 0.26 AS hard_case,
       (ARRAY['visit', 'phone', 'walk_in', 'app', 'grid_patrol', 'grid_patrol', 'hotline_12345'])[1 + floor(random() * 7)::int] AS channel,
       random() AS fate
FROM generate_series(1, :n_requests) g, demo_category c;
-- one statement of 120,000 requests, with every trigger on: repeats judged at intake by its
-- statement trigger, as a bulk intake is
INSERT INTO service_request (category_code, nature, description, location, address, requester_kind,
                             contact_name, channel, external_ticket, source_system, requested_at, hard_case,
                             response_due, resolution_due, handling_level)
SELECT d.category_code, d.nature, '群众诉求 ' || d.n, h.location, '演示地址', 'contact', '居民' || d.n,
       d.channel, CASE WHEN d.channel = 'hotline_12345' THEN 'R' || d.n END,
       CASE WHEN d.channel = 'hotline_12345' THEN '12345' END, d.requested_at, d.hard_case,
       'infinity', 'infinity', NULL
FROM demo_request d JOIN household h ON h.household_id = d.household_id
ORDER BY d.requested_at;
CREATE TEMP TABLE demo_flow AS
SELECT r.request_id, r.requested_at, r.handling_level, d.fate,
       r.requested_at + (0.1 + random() * (CASE WHEN random() < 0.9 THEN 1.2 ELSE 14 END)) * interval '1 hour' AS signed,
       r.hard_case,
       random() AS u
FROM service_request r JOIN demo_request d ON d.n::text = substr(r.description, 6)
WHERE r.description LIKE '群众诉求 %';
-- merged (1 %) into an earlier request of the same category, refused (0.5 %)
SET ROLE demo_handler;
INSERT INTO request_event (request_id, action, at, merged_into)
SELECT f.request_id, 'merge', f.signed, m.request_id
FROM demo_flow f JOIN service_request r USING (request_id)
CROSS JOIN LATERAL (SELECT e.request_id FROM service_request e WHERE e.category_code = r.category_code
                    AND e.requested_at < r.requested_at
                    AND e.request_id NOT IN (SELECT x.request_id FROM demo_flow x WHERE x.fate < 0.015)
                    ORDER BY e.requested_at DESC LIMIT 1) m
WHERE f.fate < 0.01 ORDER BY f.request_id;
INSERT INTO request_event (request_id, action, at, rule)
SELECT request_id, 'not_accept', signed, '不属于受理范围' FROM demo_flow WHERE fate >= 0.01 AND fate < 0.015 ORDER BY request_id;
-- returned and reassigned (3 %)
INSERT INTO request_event (request_id, action, at, note)
SELECT request_id, 'return', signed, '非本网格事项' FROM demo_flow WHERE fate >= 0.015 AND fate < 0.045 ORDER BY request_id;
RESET ROLE;
SET ROLE demo_centre;
INSERT INTO request_event (request_id, action, at, handling_level, note)
SELECT request_id, 'reassign', signed + interval '30 minutes', handling_level, '改派' FROM demo_flow WHERE fate >= 0.015 AND fate < 0.045 ORDER BY request_id;
-- escalated to the community by a person (8 % of grid-level requests)
INSERT INTO request_event (request_id, action, at, handling_level, note)
SELECT request_id, 'escalate', signed - interval '5 minutes', 'community', '需社区协调'
FROM demo_flow WHERE fate >= 0.045 AND handling_level = 'grid' AND u < 0.08 ORDER BY request_id;
RESET ROLE;
SET ROLE demo_handler;
INSERT INTO request_event (request_id, action, at)
SELECT request_id, 'sign_for', signed + CASE WHEN fate < 0.045 THEN interval '1 hour' ELSE interval '0' END
FROM demo_flow WHERE fate >= 0.015 ORDER BY request_id;
INSERT INTO request_event (request_id, action, at)
SELECT request_id, 'start', signed + CASE WHEN fate < 0.045 THEN interval '1 hour 10 minutes' ELSE interval '10 minutes' END FROM demo_flow WHERE fate >= 0.015 ORDER BY request_id;
-- extension asked (2 %), parked (1 %, never a hard case, left open)
INSERT INTO request_event (request_id, action, at, new_deadline, note)
SELECT f.request_id, 'request_extension', f.signed + interval '2 hours', r.resolution_due + interval '10 days', '需多部门协调'
FROM demo_flow f JOIN service_request r USING (request_id) WHERE f.fate >= 0.045 AND f.fate < 0.065 ORDER BY f.request_id;
INSERT INTO request_event (request_id, action, at, note, review_on)
SELECT request_id, 'park', signed + interval '2 hours', '条件暂不具备', district_date(signed) + 90 FROM demo_flow WHERE fate >= 0.065 AND fate < 0.075 AND NOT hard_case ORDER BY request_id;
RESET ROLE;
SET ROLE demo_centre;
INSERT INTO request_event (request_id, action, at)
SELECT request_id, 'approve_extension', signed + interval '3 hours' FROM demo_flow WHERE fate >= 0.045 AND fate < 0.065 ORDER BY request_id;
RESET ROLE;
SET ROLE demo_handler;
INSERT INTO request_event (request_id, action, at, note)
SELECT request_id, 'resolve', signed + (4 + random() * (CASE WHEN fate < 0.065 THEN 400 ELSE 90 END)) * interval '1 hour', '已办结'
FROM demo_flow WHERE fate >= 0.015 AND NOT (fate >= 0.065 AND fate < 0.075 AND NOT hard_case) ORDER BY request_id;
RESET ROLE;
SET ROLE demo_centre;
INSERT INTO request_event (request_id, action, at)
SELECT f.request_id, 'verify', r.resolved_at + interval '1 day' FROM demo_flow f JOIN service_request r USING (request_id)
WHERE r.status = 'resolved' ORDER BY f.request_id;
INSERT INTO request_event (request_id, action, at, satisfaction)
SELECT f.request_id, 'ask_satisfaction', r.resolved_at + interval '1 day 2 hours',
       CASE WHEN f.u < 0.003 THEN 'dissatisfied' WHEN f.u < 0.010 THEN 'unreachable' WHEN f.u < 0.05 THEN 'basically_satisfied' ELSE 'satisfied' END
FROM demo_flow f JOIN service_request r USING (request_id) WHERE r.status = 'verified' ORDER BY f.request_id;
INSERT INTO request_event (request_id, action, at, decision, note)
SELECT f.request_id, 'review', r.resolved_at + interval '1 day 4 hours', 'explain', '已解释说明'
FROM demo_flow f JOIN service_request r USING (request_id) WHERE r.satisfaction = 'dissatisfied' ORDER BY f.request_id;
INSERT INTO request_event (request_id, action, at)
SELECT f.request_id, 'close', r.resolved_at + interval '1 day 6 hours' FROM demo_flow f JOIN service_request r USING (request_id)
WHERE r.status = 'verified' ORDER BY f.request_id;
RESET ROLE;
COMMIT;
DROP ROLE demo_handler;
DROP ROLE demo_centre;
\set QUIET off
-- the report's figures beside ours (the report's: DOMAIN.md; at other scales the counts scale)
SELECT s.indicator, s.value AS ours, s.unit,
       CASE s.ordinal WHEN 2 THEN '> 30,000 × scale' WHEN 4 THEN '100 % (hard cases)' WHEN 6 THEN '> 99 %' END AS report
FROM service_report_lines('500112') s ORDER BY s.ordinal;
SELECT count(*) FILTER (WHERE hard_case) AS hard_cases,
       round(100.0 * count(*) FILTER (WHERE hard_case AND resolved) / nullif(count(*) FILTER (WHERE hard_case), 0), 2) AS hard_case_completion_pct,
       count(*) FILTER (WHERE repeat) AS repeats_judged_at_intake
FROM service_request_measure;
