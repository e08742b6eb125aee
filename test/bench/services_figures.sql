-- The monthly figures and the hotspots over :n requests (ten times the demo: 300,000), loaded
-- bare (grid from the point's cell, deadlines from the clock, a realistic share resolved, closed
-- and asked; their repeats then judged once by recompute_repeats, as intake would have), then
-- each query timed once against two competitors over the same table: a plain GROUP BY count,
-- and the naive figures query that searches each request's repeats when it is read.
\set ON_ERROR_STOP 1
SET session_replication_role = replica;
INSERT INTO commgrid.service_request (category_code, nature, description, location, grid_code, requester_kind,
  channel, requested_at, response_due, resolution_due, handling_level, status, responded_at, signed_at, first_signed_at,
  returned, resolved_at, resolved_level, satisfaction, closed_at)
SELECT b.code, 'help', '基准', ST_SetSRID(ST_MakePoint(114.20 + x, 30.50 + y), 4490),
       '420102001001' || lpad((floor(y / 0.02) * 10 + floor(x / 0.02) + 1)::int::text, 3, '0'),
       'anonymous', 'walk_in', t, commgrid.service_deadline(t), t + interval '7 days', b.default_level,
       CASE WHEN r < 0.95 THEN 'closed' WHEN r < 0.98 THEN 'in_progress' ELSE 'parked' END,
       t + interval '2 hours', t + interval '1 hour', t + interval '1 hour', floor(r * 1000)::int % 30 = 0,
       CASE WHEN r < 0.95 THEN t + r * interval '5 days' END,
       CASE WHEN r < 0.95 THEN (ARRAY['grid', 'grid', 'grid', 'community', 'township'])[1 + floor(r * 5)::int] END,
       CASE WHEN r < 0.94 THEN 'satisfied' WHEN r < 0.95 THEN 'dissatisfied' END,
       CASE WHEN r < 0.95 THEN t + interval '6 days' END
FROM (SELECT g, random() * 0.1999 AS x, (random() ^ 2) * 0.1999 AS y, random() AS r,
             timestamptz '2013-04-01 00:00+08' + random() * interval '1000 days' AS t,
             1 + floor(random() * (SELECT count(*) FROM bench_category))::int AS c
      FROM generate_series(1, :n) g) s
JOIN bench_category b ON b.n = s.c;
RESET session_replication_role;
ANALYZE commgrid.service_request;
SELECT count(*) AS requests FROM commgrid.service_request;

CREATE TEMP TABLE bench_time (what text, ms numeric);
CREATE FUNCTION pg_temp.timed(what text, q text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); ms numeric;
BEGIN
  -- the whole row, so no column of the view is left out of the work
  EXECUTE 'SELECT count(*) FROM (' || q || ') x WHERE x::text IS NOT NULL';
  ms := round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000, 1);
  INSERT INTO bench_time VALUES (what, ms);
  RETURN ms;
END $$;
-- the bare rows were not judged at intake: judge them all once (the owner's maintenance)
SELECT pg_temp.timed('recompute_repeats (every request, once)',
  $q$SELECT commgrid.recompute_repeats('-infinity', 'infinity')$q$) AS ms;
VACUUM ANALYZE commgrid.service_repeat;
SELECT count(*) AS judged, count(earlier_request_id) AS repeats FROM commgrid.service_repeat;
SELECT pg_temp.timed('plain count per grid and month',
  $q$SELECT grid_code, date_trunc('month', requested_at AT TIME ZONE 'Asia/Shanghai'), count(*)
     FROM commgrid.service_request GROUP BY 1, 2$q$) AS ms;
SELECT pg_temp.timed('naive: requests and repeats per grid and month, searched per request',
  $q$SELECT s.grid_code, date_trunc('month', s.requested_at AT TIME ZONE 'Asia/Shanghai'), count(*),
            count(*) FILTER (WHERE EXISTS (
              SELECT 1 FROM (SELECT e.request_id, e.requested_at, e.location, e.category_code, e.status
                             FROM commgrid.service_request e
                             WHERE e.location && ST_Expand(s.location, 100 / (111000 * cos(radians(ST_Y(s.location)))))
                             OFFSET 0) e
              WHERE e.category_code = s.category_code AND e.status NOT IN ('merged', 'not_accepted')
                AND e.requested_at >= s.requested_at - interval '30 days'
                AND (e.requested_at, e.request_id) < (s.requested_at, s.request_id)
                AND ST_DWithin(e.location::geography, s.location::geography, 100)))
     FROM commgrid.service_request s WHERE s.status NOT IN ('merged', 'not_accepted') GROUP BY 1, 2$q$) AS ms;
SELECT pg_temp.timed('service_figures (all areas and months)', 'SELECT * FROM commgrid.service_figures') AS ms;
SELECT pg_temp.timed('service_figures (townships: the district''s months)', $q$SELECT * FROM commgrid.service_figures WHERE area_level = 'township'$q$) AS ms;
SELECT pg_temp.timed('service_figures (one grid)', $q$SELECT * FROM commgrid.service_figures WHERE area_code = '420102001001001'$q$) AS ms;
SELECT pg_temp.timed('service_category_trend', 'SELECT * FROM commgrid.service_category_trend') AS ms;
SELECT pg_temp.timed('service_repeat_request', 'SELECT * FROM commgrid.service_repeat_request') AS ms;
SELECT pg_temp.timed('request_hotspots (district, one month, 100 m, 5)',
  $q$SELECT * FROM commgrid.request_hotspots('420102', '2014-06-01', '2014-07-01', NULL, 100, 5)$q$) AS ms;
SELECT pg_temp.timed('request_hotspots (district, one year, 50 m, 10)',
  $q$SELECT * FROM commgrid.request_hotspots('420102', '2014-01-01', '2015-01-01', NULL, 50, 10)$q$) AS ms;
SELECT what, ms, round(ms / (SELECT ms FROM bench_time WHERE what LIKE 'plain%'), 2) AS ratio_to_plain_count,
       round(ms / (SELECT ms FROM bench_time WHERE what LIKE 'naive%'), 3) AS ratio_to_naive
FROM bench_time ORDER BY ms;
