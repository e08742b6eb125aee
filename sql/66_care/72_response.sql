-- Response times of wearable care, per grid and per community and district month: how fast
-- the alarms a person must answer (not low_battery, not fence_return) were acknowledged,
-- reached and resolved (minutes from raised_at), and how fast lost persons were found
-- (minutes from the report, care_case).  Medians do not add up, so the community has its
-- own rows (level 'community', its code the grids' ancestor at depth 5) beside its grids'.
-- A report view: rows of the caller's jurisdiction by area_code (a grid worker sees its
-- grid's rows, not its community's).  Counts and minutes only, plain types.
CREATE VIEW care_response_times WITH (security_barrier) AS
WITH alarm AS (
  SELECT a.grid_code,
         date_trunc('month', a.raised_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
         extract(epoch FROM a.acknowledged_at - a.raised_at) / 60 AS ack,
         extract(epoch FROM a.arrived_at - a.raised_at) / 60 AS arrive,
         extract(epoch FROM a.resolved_at - a.raised_at) / 60 AS resolve,
         a.false_alarm
  FROM commgrid.care_alarm a
  WHERE a.kind NOT IN ('low_battery', 'fence_return') AND a.grid_code IS NOT NULL),
lost AS (
  SELECT c.grid_code,
         date_trunc('month', c.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
         extract(epoch FROM c.found_at - c.reported_at) / 60 AS find
  FROM commgrid.care_case c WHERE c.grid_code IS NOT NULL),
event AS (
  SELECT l.level, l.area_code, x.month, x.ack, x.arrive, x.resolve, x.false_alarm, NULL::float8 AS find, true AS is_alarm
  FROM alarm x CROSS JOIN LATERAL (VALUES ('grid', x.grid_code), ('community', commgrid.ancestor(x.grid_code, 5))) l(level, area_code)
  UNION ALL
  SELECT l.level, l.area_code, y.month, NULL, NULL, NULL, NULL, y.find, false
  FROM lost y CROSS JOIN LATERAL (VALUES ('grid', y.grid_code), ('community', commgrid.ancestor(y.grid_code, 5))) l(level, area_code))
SELECT e.area_code, e.level, e.month,
       count(*) FILTER (WHERE e.is_alarm) AS alarms,
       count(e.ack) AS acknowledged,
       count(e.arrive) AS arrived,
       count(e.resolve) AS resolved,
       count(*) FILTER (WHERE e.false_alarm) AS false_alarms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e.ack))::numeric, 1) AS median_minutes_to_acknowledge,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e.arrive))::numeric, 1) AS median_minutes_to_arrive,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e.resolve))::numeric, 1) AS median_minutes_to_resolve,
       round(max(e.ack)::numeric, 1) AS max_minutes_to_acknowledge,
       count(*) FILTER (WHERE NOT e.is_alarm) AS lost_cases,
       count(e.find) AS lost_found,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e.find))::numeric, 1) AS median_minutes_to_find,
       round(max(e.find)::numeric, 1) AS max_minutes_to_find
FROM event e
WHERE commgrid.reaches(e.area_code, (SELECT commgrid.reach_scopes()))
GROUP BY 1, 2, 3;
COMMENT ON VIEW care_response_times IS
  'Wearable care response times per grid and per community and district month: alarms acknowledged, reached and resolved (minutes from raised), lost persons found (minutes from the report); rows of the caller''s jurisdiction';
COMMENT ON COLUMN care_response_times.area_code IS 'The grid, or the community of the grids (level): filter with area_code <@ code';
COMMENT ON COLUMN care_response_times.level IS 'grid or community (its own medians over all its grids)';
COMMENT ON COLUMN care_response_times.month IS 'First day of the district month of the alarm (raised) or the case (reported), Asia/Shanghai';
COMMENT ON COLUMN care_response_times.alarms IS 'Alarms a person must answer (not low_battery, not fence_return)';
COMMENT ON COLUMN care_response_times.acknowledged IS 'Of those, acknowledged by an operator';
COMMENT ON COLUMN care_response_times.arrived IS 'Of those, someone reached the person';
COMMENT ON COLUMN care_response_times.resolved IS 'Of those, closed';
COMMENT ON COLUMN care_response_times.false_alarms IS 'Of those, closed as false alarms';
COMMENT ON COLUMN care_response_times.median_minutes_to_acknowledge IS 'Median minutes from raised to acknowledged';
COMMENT ON COLUMN care_response_times.median_minutes_to_arrive IS 'Median minutes from raised to someone reaching the person';
COMMENT ON COLUMN care_response_times.median_minutes_to_resolve IS 'Median minutes from raised to closed';
COMMENT ON COLUMN care_response_times.max_minutes_to_acknowledge IS 'Longest minutes from raised to acknowledged';
COMMENT ON COLUMN care_response_times.lost_cases IS 'Lost-person cases reported (person-times, 人次)';
COMMENT ON COLUMN care_response_times.lost_found IS 'Of those, persons found (person-times)';
COMMENT ON COLUMN care_response_times.median_minutes_to_find IS 'Median minutes from report to found (found cases)';
COMMENT ON COLUMN care_response_times.max_minutes_to_find IS 'Longest minutes from report to found';
