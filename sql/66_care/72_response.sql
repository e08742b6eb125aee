-- The median of response minutes, to one decimal: one rule for care_response_times and
-- area_report's care lines (NULLs, steps not yet taken, are left out).
CREATE FUNCTION care_median_minutes_final(minutes numeric[]) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY m))::numeric, 1) FROM unnest(minutes) m);
COMMENT ON FUNCTION care_median_minutes_final(numeric[]) IS
  'Final function of care_median_minutes: the median of the minutes, one decimal (NULL when none)';
CREATE AGGREGATE care_median_minutes(numeric) (
  SFUNC = array_append, STYPE = numeric[], FINALFUNC = care_median_minutes_final, INITCOND = '{}');
COMMENT ON AGGREGATE care_median_minutes(numeric) IS
  'Median of response minutes, one decimal, NULLs left out (care_response_times, area_report)';

-- The rows the response times are computed from, one per alarm a person must answer and one
-- per lost-person case of a grid: when it counts (an alarm by the fix that raised it, else
-- when it was raised, as care_operations counts alarms; a case when it was reported) and its
-- minutes (an alarm's from raised, a case's from the report).  The one source of these
-- definitions for care_response_times and area_report's care lines (care_report_lines).
-- Internal: granted to no role (the owner's views and functions read it).
CREATE VIEW care_response_event AS
SELECT a.grid_code, COALESCE(a.fixed_at, a.raised_at) AS counted_at, true AS is_alarm,
       extract(epoch FROM a.acknowledged_at - a.raised_at) / 60 AS ack,
       extract(epoch FROM a.arrived_at - a.raised_at) / 60 AS arrive,
       extract(epoch FROM a.resolved_at - a.raised_at) / 60 AS resolve,
       a.false_alarm, NULL::numeric AS find
FROM commgrid.care_alarm a
WHERE commgrid.care_alarm_needs_response(a.kind) AND a.grid_code IS NOT NULL
UNION ALL
SELECT c.grid_code, c.reported_at, false, NULL, NULL, NULL, NULL,
       extract(epoch FROM c.found_at - c.reported_at) / 60
FROM commgrid.care_case c WHERE c.grid_code IS NOT NULL;
REVOKE ALL ON care_response_event FROM PUBLIC;
COMMENT ON VIEW care_response_event IS
  'Internal: each alarm a person must answer and each lost-person case, with its grid, when it counts and its minutes to acknowledge, arrive, resolve or find (the source of care_response_times and area_report''s care lines)';
COMMENT ON COLUMN care_response_event.grid_code IS 'The grid of the alarm (who must respond) or of the case';
COMMENT ON COLUMN care_response_event.counted_at IS 'When it counts: an alarm''s fix, else when it was raised; a case''s report';
COMMENT ON COLUMN care_response_event.is_alarm IS 'An alarm (true) or a lost-person case (false)';
COMMENT ON COLUMN care_response_event.ack IS 'Minutes from raised to acknowledged (NULL: not yet, or a case)';
COMMENT ON COLUMN care_response_event.arrive IS 'Minutes from raised to someone reaching the person';
COMMENT ON COLUMN care_response_event.resolve IS 'Minutes from raised to closed';
COMMENT ON COLUMN care_response_event.false_alarm IS 'Closed as a false alarm';
COMMENT ON COLUMN care_response_event.find IS 'Minutes from a case''s report to the person found (NULL: not found, or an alarm)';

-- Response times of wearable care, per grid and per community and district month: how fast
-- the alarms a person must answer (care_alarm_needs_response) were acknowledged, reached and
-- resolved (minutes from raised_at), and how fast lost persons were found (minutes from the
-- report, care_case), all from care_response_event.  Medians do not add up, so the
-- community has its own rows (level 'community', its code the grids' ancestor at depth 5) beside its grids'.
-- A report view: rows of the caller's jurisdiction by area_code (a grid worker sees its
-- grid's rows, not its community's).  Counts and minutes only, plain types.
CREATE VIEW care_response_times WITH (security_barrier) AS
WITH event AS (
  SELECT l.level, l.area_code,
         date_trunc('month', x.counted_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
         x.ack, x.arrive, x.resolve, x.false_alarm, x.find, x.is_alarm
  FROM commgrid.care_response_event x
  CROSS JOIN LATERAL (VALUES ('grid', x.grid_code), ('community', commgrid.ancestor(x.grid_code, 5))) l(level, area_code))
SELECT e.area_code, e.level, e.month,
       count(*) FILTER (WHERE e.is_alarm) AS alarms,
       count(e.ack) AS acknowledged,
       count(e.arrive) AS arrived,
       count(e.resolve) AS resolved,
       count(*) FILTER (WHERE e.false_alarm) AS false_alarms,
       commgrid.care_median_minutes(e.ack) AS median_minutes_to_acknowledge,
       commgrid.care_median_minutes(e.arrive) AS median_minutes_to_arrive,
       commgrid.care_median_minutes(e.resolve) AS median_minutes_to_resolve,
       round(max(e.ack)::numeric, 1) AS max_minutes_to_acknowledge,
       count(*) FILTER (WHERE NOT e.is_alarm) AS lost_cases,
       count(e.find) AS lost_found,
       commgrid.care_median_minutes(e.find) AS median_minutes_to_find,
       round(max(e.find)::numeric, 1) AS max_minutes_to_find
FROM event e
WHERE commgrid.reaches(e.area_code, (SELECT commgrid.reach_scopes()))
GROUP BY 1, 2, 3;
COMMENT ON VIEW care_response_times IS
  'Wearable care response times per grid and per community and district month: alarms acknowledged, reached and resolved (minutes from raised), lost persons found (minutes from the report); rows of the caller''s jurisdiction';
COMMENT ON COLUMN care_response_times.area_code IS 'The grid, or the community of the grids (level): filter with area_code <@ code';
COMMENT ON COLUMN care_response_times.level IS 'grid or community (its own medians over all its grids)';
COMMENT ON COLUMN care_response_times.month IS 'First day of the district month of the alarm (its fix, else raised) or the case (reported), Asia/Shanghai';
COMMENT ON COLUMN care_response_times.alarms IS 'Alarms a person must answer (not low_battery, not fence_return: care_alarm_needs_response)';
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
