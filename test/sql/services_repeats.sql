-- Repeat requests judged at intake (issue 12): the stored flag of every request equals the
-- definition computed from scratch (the latest earlier request of its category within the
-- metres and days of the rule it was judged under, merged and not accepted ones left out on
-- both sides), on a generated set taken in out of order, in bulk and one by one, under two
-- rules, then merged, refused, moved and recategorised.  The points lie in no grid.
\set VERBOSITY default
BEGIN;
SET TimeZone = 'UTC';
SELECT count(*) > 0 AS roles FROM commgrid.create_roles();
SELECT setseed(0.12);
-- the reference: brute force, no index trick, each request under its stored rule
CREATE TEMP VIEW reference_repeat AS
SELECT s.request_id,
       (SELECT e.request_id FROM commgrid.service_request e
        WHERE e.category_code = s.category_code AND e.status NOT IN ('merged', 'not_accepted')
          AND e.requested_at >= s.requested_at - u.days * interval '1 day'
          AND (e.requested_at, e.request_id) < (s.requested_at, s.request_id)
          AND ST_DWithin(e.location::geography, s.location::geography, u.radius_m::float8)
        ORDER BY e.requested_at DESC, e.request_id DESC LIMIT 1) AS earlier_request_id
FROM commgrid.service_request s
JOIN commgrid.service_repeat r USING (request_id)
JOIN commgrid.service_repeat_rule u USING (rule_id)
WHERE s.status NOT IN ('merged', 'not_accepted') AND s.description LIKE 'repeat probe %';
CREATE TEMP VIEW repeat_check AS
SELECT count(*) AS requests,
       count(*) FILTER (WHERE r.request_id IS NULL) AS unjudged,
       count(*) FILTER (WHERE f.earlier_request_id IS NOT NULL) AS repeats,
       count(*) FILTER (WHERE s.status NOT IN ('merged', 'not_accepted')
                          AND r.earlier_request_id IS DISTINCT FROM f.earlier_request_id) AS differing,
       count(*) FILTER (WHERE s.status IN ('merged', 'not_accepted') AND r.earlier_request_id IS NOT NULL) AS merged_flagged
FROM commgrid.service_request s
LEFT JOIN commgrid.service_repeat r USING (request_id)
LEFT JOIN reference_repeat f USING (request_id)
WHERE s.description LIKE 'repeat probe %';
-- 600 requests of three categories in a square of about 600 m over 60 days
CREATE TEMP TABLE probe AS
SELECT g AS n, (ARRAY['010101', '010102', '010103'])[1 + floor(random() * 3)::int] AS category_code,
       ST_SetSRID(ST_MakePoint(102.5 + random() * 0.007, 41.5 + random() * 0.005), 4490) AS location,
       timestamptz '2026-01-01 00:00+08' + random() * interval '60 days' AS requested_at
FROM generate_series(1, 600) g;
-- the first 300 in one statement, out of order of intake
INSERT INTO commgrid.service_request (category_code, nature, description, location, requester_kind, channel,
                                      requested_at, response_due, resolution_due, handling_level)
SELECT category_code, 'help', 'repeat probe ' || n, location, 'anonymous', 'app', requested_at, 'infinity', 'infinity', NULL
FROM probe WHERE n <= 300 ORDER BY n;
SELECT * FROM repeat_check;
-- the next 200 one by one, also out of order (earlier ones are judged again)
SELECT count(commgrid.submit_request(category_code, 'help', 'repeat probe ' || n, location, requested_at => requested_at))
FROM probe WHERE n > 300 AND n <= 500;
SELECT * FROM repeat_check;
-- a wider rule for what comes in next: the last 100 are judged under 150 m and 20 days
UPDATE commgrid.service_setting SET value = 150 WHERE name = 'repeat_radius_m';
UPDATE commgrid.service_setting SET value = 20 WHERE name = 'repeat_days';
SELECT count(commgrid.submit_request(category_code, 'help', 'repeat probe ' || n, location, requested_at => requested_at))
FROM probe WHERE n > 500;
SELECT u.radius_m, u.days, count(*) AS requests
FROM commgrid.service_repeat r JOIN commgrid.service_repeat_rule u USING (rule_id)
JOIN commgrid.service_request s USING (request_id) WHERE s.description LIKE 'repeat probe %'
GROUP BY 1, 2 ORDER BY 1;
SELECT * FROM repeat_check;
-- merged into an earlier request (20), not accepted (10): those that repeated them are judged again
INSERT INTO commgrid.request_event (request_id, action, merged_into)
SELECT s.request_id, 'merge', m.request_id
FROM commgrid.service_request s
CROSS JOIN LATERAL (SELECT e.request_id FROM commgrid.service_request e
                    WHERE e.description LIKE 'repeat probe %' AND e.category_code = s.category_code
                      AND e.requested_at < s.requested_at AND e.status NOT IN ('merged', 'not_accepted')
                    ORDER BY e.requested_at DESC LIMIT 1) m
WHERE s.request_id IN (SELECT x.earlier_request_id FROM commgrid.service_repeat x
                       JOIN commgrid.service_request y USING (request_id)
                       WHERE y.description LIKE 'repeat probe %' ORDER BY x.earlier_request_id LIMIT 20);
INSERT INTO commgrid.request_event (request_id, action, rule)
SELECT request_id, 'not_accept', '不属于受理范围' FROM commgrid.service_request
WHERE description LIKE 'repeat probe %' AND status = 'submitted' ORDER BY requested_at DESC LIMIT 10;
SELECT * FROM repeat_check;
-- moved 300 m, and recategorised (not workflow columns: a plain UPDATE)
UPDATE commgrid.service_request SET location = ST_Translate(location, 0.0035, 0)
WHERE description IN (SELECT 'repeat probe ' || n FROM generate_series(1, 600, 37) n);
UPDATE commgrid.service_request SET category_code = '010103'
WHERE description IN (SELECT 'repeat probe ' || n FROM generate_series(5, 600, 41) n) AND category_code <> '010103';
SELECT * FROM repeat_check;
-- the wider rule applied to January: those requests now judged under it, and still right
SELECT commgrid.recompute_repeats('2026-01-01 00:00+08', '2026-02-01 00:00+08') > 0 AS rejudged;
SELECT u.radius_m, u.days, count(*) AS requests
FROM commgrid.service_repeat r JOIN commgrid.service_repeat_rule u USING (rule_id)
JOIN commgrid.service_request s USING (request_id) WHERE s.description LIKE 'repeat probe %'
GROUP BY 1, 2 ORDER BY 1;
SELECT * FROM repeat_check;
-- the figures count the stored flag
SELECT count(*) FILTER (WHERE m.repeat) = (SELECT repeats FROM repeat_check) AS figures_count_the_flags
FROM commgrid.service_request_measure m JOIN commgrid.service_request s USING (request_id)
WHERE s.description LIKE 'repeat probe %';
-- nobody else writes or reads the flags
CREATE ROLE r_repeat_probe IN ROLE commgrid_district_admin;
SELECT count(*) AS privileges_granted FROM (SELECT commgrid.grant_privileges()) g;
SET ROLE r_repeat_probe;
SAVEPOINT s;
SELECT count(*) FROM commgrid.service_repeat;
ROLLBACK TO s;
SAVEPOINT s;
UPDATE commgrid.service_repeat SET earlier_request_id = NULL;
ROLLBACK TO s;
SAVEPOINT s;
SELECT commgrid.recompute_repeats('2026-01-01', '2026-02-01');
ROLLBACK TO s;
RESET ROLE;
ROLLBACK;
