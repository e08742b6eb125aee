-- The mass-work figures: per request measures (one source), the monthly figures per grid,
-- community and township, and the report's lines.  Rates are shares (0-1) of the requests
-- they are about; NULL when there is nothing to divide by.

-- One row per request with what the figures count (merged and not accepted requests left
-- out).  An owner's-rights view granted to nobody: service_figures and area_report read it
-- and filter by the caller's jurisdiction themselves.
CREATE VIEW service_request_measure WITH (security_barrier) AS
  SELECT s.request_id, s.grid_code, s.community_code,
         commgrid.ancestor(s.grid_code, commgrid.level_depth('township')) AS township_code,
         date_trunc('month', s.requested_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
         s.hard_case,
         s.status IN ('resolved', 'verified', 'closed') AS resolved,
         s.status = 'closed' AS closed,
         s.status NOT IN ('resolved', 'verified', 'closed', 'merged', 'not_accepted') AS open,
         s.status = 'parked' AS parked,
         -- acted on by the deadline; one not yet acted on counts once it is late
         CASE WHEN s.responded_at IS NOT NULL THEN s.responded_at <= s.response_due
              WHEN now() > s.response_due THEN false END AS responded_on_time,
         CASE WHEN s.resolved_at IS NOT NULL THEN s.resolved_at <= coalesce(s.extended_due, s.resolution_due)
              WHEN now() > coalesce(s.extended_due, s.resolution_due) THEN false END AS resolved_on_time,
         extract(epoch FROM s.first_signed_at - s.requested_at) / 3600 AS sign_for_hours,
         s.returned,
         s.extended_due IS NOT NULL AS extended,
         extract(epoch FROM s.resolved_at - s.requested_at) / 3600 AS resolve_hours,
         s.resolved_level, s.satisfaction,
         -- judged at intake (64_repeats.sql)
         rp.earlier_request_id IS NOT NULL AS repeat
  FROM commgrid.service_request s
  LEFT JOIN commgrid.service_repeat rp ON rp.request_id = s.request_id
  WHERE s.status NOT IN ('merged', 'not_accepted');
COMMENT ON VIEW service_request_measure IS
  'One row per request (merged and not accepted ones left out) with what the mass-work figures count; read by service_figures and area_report, granted to nobody';
REVOKE ALL ON service_request_measure FROM PUBLIC;
COMMENT ON COLUMN service_request_measure.request_id IS 'The request';
COMMENT ON COLUMN service_request_measure.grid_code IS 'Its grid';
COMMENT ON COLUMN service_request_measure.community_code IS 'Its community';
COMMENT ON COLUMN service_request_measure.township_code IS 'Its township (from the grid)';
COMMENT ON COLUMN service_request_measure.month IS 'First day of the month of intake (Asia/Shanghai)';
COMMENT ON COLUMN service_request_measure.hard_case IS 'A hard case (棘手问题)';
COMMENT ON COLUMN service_request_measure.resolved IS 'Resolved, verified or closed';
COMMENT ON COLUMN service_request_measure.closed IS 'Closed (结案)';
COMMENT ON COLUMN service_request_measure.open IS 'Still open (parked included)';
COMMENT ON COLUMN service_request_measure.parked IS 'Parked (挂账)';
COMMENT ON COLUMN service_request_measure.responded_on_time IS 'Acted on by the response deadline; false once late without action; NULL while not yet due';
COMMENT ON COLUMN service_request_measure.resolved_on_time IS 'Resolved by the (extended) resolution deadline; false once late; NULL while not yet due';
COMMENT ON COLUMN service_request_measure.sign_for_hours IS 'Hours from intake to the first signing for';
COMMENT ON COLUMN service_request_measure.returned IS 'Returned (退单) at least once';
COMMENT ON COLUMN service_request_measure.extended IS 'Has an approved extension';
COMMENT ON COLUMN service_request_measure.resolve_hours IS 'Hours from intake to resolution';
COMMENT ON COLUMN service_request_measure.resolved_level IS 'Level it was resolved at';
COMMENT ON COLUMN service_request_measure.satisfaction IS 'The satisfaction answer';
COMMENT ON COLUMN service_request_measure.repeat IS 'A repeat request (service_repeat: judged at intake under the rule then in force)';

CREATE VIEW service_figures WITH (security_barrier) AS
SELECT f.area_level, f.code::text AS area_code, f.month, f.raised, f.hard_cases, f.resolved, f.open, f.parked,
       f.completion_rate, f.response_on_time_rate, f.resolution_on_time_rate, f.median_sign_for_hours,
       f.return_rate, f.extension_rate,
       round(f.resolve_hours[1]::numeric, 2) AS median_resolve_hours, round(f.resolve_hours[2]::numeric, 2) AS p90_resolve_hours,
       f.resolved_in_grid_share, f.resolved_in_community_share,
       f.satisfaction_rate_asked, f.satisfaction_rate_closed, f.repeats
FROM (
  SELECT CASE WHEN GROUPING(m.grid_code) = 0 THEN 'grid'
              WHEN GROUPING(m.community_code) = 0 THEN 'community' ELSE 'township' END AS area_level,
         coalesce(m.grid_code, m.community_code, m.township_code) AS code,
         m.month,
         count(*) AS raised,
         count(*) FILTER (WHERE m.hard_case) AS hard_cases,
         count(*) FILTER (WHERE m.resolved) AS resolved,
         count(*) FILTER (WHERE m.open) AS open,
         count(*) FILTER (WHERE m.parked) AS parked,
         round(count(*) FILTER (WHERE m.resolved)::numeric / count(*), 4) AS completion_rate,
         round(avg(m.responded_on_time::int)::numeric, 4) AS response_on_time_rate,
         round(avg(m.resolved_on_time::int)::numeric, 4) AS resolution_on_time_rate,
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY m.sign_for_hours)::numeric, 2) AS median_sign_for_hours,
         round(avg(m.returned::int)::numeric, 4) AS return_rate,
         round(avg(m.extended::int)::numeric, 4) AS extension_rate,
         -- both percentiles from one sort per group
         percentile_cont('{0.5, 0.9}'::float8[]) WITHIN GROUP (ORDER BY m.resolve_hours) AS resolve_hours,
         round(avg((m.resolved_level = 'grid')::int)::numeric, 4) AS resolved_in_grid_share,
         round(avg((m.resolved_level IN ('grid', 'community'))::int)::numeric, 4) AS resolved_in_community_share,
         round((count(*) FILTER (WHERE m.satisfaction IN ('satisfied', 'basically_satisfied')))::numeric
               / nullif(count(*) FILTER (WHERE m.satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')), 0), 4)
           AS satisfaction_rate_asked,
         round((count(*) FILTER (WHERE m.closed AND m.satisfaction IN ('satisfied', 'basically_satisfied')))::numeric
               / nullif(count(*) FILTER (WHERE m.closed), 0), 4) AS satisfaction_rate_closed,
         count(*) FILTER (WHERE m.repeat) AS repeats
  FROM commgrid.service_request_measure m
  GROUP BY GROUPING SETS ((m.grid_code, m.month), (m.community_code, m.month), (m.township_code, m.month))
) f
WHERE f.code IS NOT NULL AND commgrid.reaches(f.code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW service_figures IS
  'Mass-work figures per grid, community and township and month (of intake, Asia/Shanghai) in the caller''s jurisdiction, plain types: raised, resolved, open, parked, completion, on-time response and resolution, signing-for latency, returns, extensions, time to resolve, level of resolution, satisfaction';
COMMENT ON COLUMN service_figures.area_level IS 'grid, community or township';
COMMENT ON COLUMN service_figures.area_code IS 'The area''s code, as text';
COMMENT ON COLUMN service_figures.month IS 'First day of the month of intake';
COMMENT ON COLUMN service_figures.raised IS 'Requests raised (merged and not accepted ones left out)';
COMMENT ON COLUMN service_figures.hard_cases IS 'Hard cases (棘手问题) among them';
COMMENT ON COLUMN service_figures.resolved IS 'Resolved, verified or closed';
COMMENT ON COLUMN service_figures.open IS 'Still open (parked included)';
COMMENT ON COLUMN service_figures.parked IS 'Parked (挂账)';
COMMENT ON COLUMN service_figures.completion_rate IS 'resolved / raised';
COMMENT ON COLUMN service_figures.response_on_time_rate IS 'Share acted on by the response deadline (上不过午,下不过夜), of those acted on or already late';
COMMENT ON COLUMN service_figures.resolution_on_time_rate IS 'Share resolved by the (extended) resolution deadline, of those resolved or already late';
COMMENT ON COLUMN service_figures.median_sign_for_hours IS 'Median hours from intake to the first signing for (签收)';
COMMENT ON COLUMN service_figures.return_rate IS 'Share returned (退单) at least once';
COMMENT ON COLUMN service_figures.extension_rate IS 'Share with an approved extension (延期)';
COMMENT ON COLUMN service_figures.median_resolve_hours IS 'Median hours from intake to resolution';
COMMENT ON COLUMN service_figures.p90_resolve_hours IS '90th percentile of hours from intake to resolution';
COMMENT ON COLUMN service_figures.resolved_in_grid_share IS 'Share of the requests resolved at grid level (小事不出网格)';
COMMENT ON COLUMN service_figures.resolved_in_community_share IS 'Share resolved at grid or community level (矛盾不出社区)';
COMMENT ON COLUMN service_figures.satisfaction_rate_asked IS 'Satisfied or basically satisfied, over the answers given';
COMMENT ON COLUMN service_figures.satisfaction_rate_closed IS 'Satisfied or basically satisfied, over all closed requests';
COMMENT ON COLUMN service_figures.repeats IS 'Repeat requests: the same category within the metres and days of the repeat rule in force at intake (service_setting) of an earlier one';

-- For staff: the repeat requests of the jurisdiction, with the request each repeats.  A
-- repeat across the border names that earlier request (its id, time and distance) only when
-- the caller reaches it too: it is another jurisdiction's request otherwise.
CREATE VIEW service_repeat_request WITH (security_barrier) AS
SELECT r.request_id, r.category_code, r.grid_code::text AS grid_code, r.community_code::text AS community_code,
       r.requested_at,
       CASE WHEN e.reached THEN r.earlier_request_id END AS earlier_request_id,
       CASE WHEN e.reached THEN r.earlier_requested_at END AS earlier_requested_at,
       CASE WHEN e.reached THEN r.distance_m END AS distance_m, r.radius_m, r.days
FROM commgrid.service_request_repeat r
CROSS JOIN LATERAL (SELECT commgrid.reaches(r.earlier_grid_code, (SELECT commgrid.reach_scopes())) AS reached) e
WHERE commgrid.reaches(r.grid_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW service_repeat_request IS
  'Repeat requests in the caller''s jurisdiction: the same category within the metres and days of the repeat rule in force at intake (service_setting) of an earlier request, with that request and the rule (no description, no requester)';
SELECT commgrid.copy_column_comments('commgrid.service_repeat_request', 'commgrid.service_request_repeat');
COMMENT ON COLUMN service_repeat_request.earlier_request_id IS
  'The latest earlier request it repeats; NULL when that request lies outside the caller''s jurisdiction';
COMMENT ON COLUMN service_repeat_request.earlier_requested_at IS
  'That request''s intake; NULL when it lies outside the caller''s jurisdiction';
COMMENT ON COLUMN service_repeat_request.distance_m IS
  'Metres between the two (on the spheroid); NULL when the earlier request lies outside the caller''s jurisdiction';

-- What people ask for where (大数据分析群众诉求): requests per category, grid and month.
CREATE VIEW service_category_trend WITH (security_barrier) AS
SELECT t.category_code, t.grid_code::text AS grid_code, t.community_code::text AS community_code, t.month,
       t.requests, t.hard_cases, t.resolved, t.repeats
FROM (
  SELECT s.category_code, m.grid_code, m.community_code, m.month, count(*) AS requests,
         count(*) FILTER (WHERE m.hard_case) AS hard_cases, count(*) FILTER (WHERE m.resolved) AS resolved,
         count(*) FILTER (WHERE m.repeat) AS repeats
  FROM commgrid.service_request_measure m
  JOIN commgrid.service_request s ON s.request_id = m.request_id
  WHERE m.grid_code IS NOT NULL
  GROUP BY s.category_code, m.grid_code, m.community_code, m.month
) t
WHERE commgrid.reaches(t.grid_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW service_category_trend IS
  'Requests per category, grid and month of intake (Asia/Shanghai) in the caller''s jurisdiction, plain types, counts only (merged and not accepted ones left out)';
COMMENT ON COLUMN service_category_trend.category_code IS 'The category (minor class)';
COMMENT ON COLUMN service_category_trend.grid_code IS 'The grid';
COMMENT ON COLUMN service_category_trend.community_code IS 'Its community';
COMMENT ON COLUMN service_category_trend.month IS 'First day of the month of intake';
COMMENT ON COLUMN service_category_trend.requests IS 'Requests raised';
COMMENT ON COLUMN service_category_trend.hard_cases IS 'Hard cases among them';
COMMENT ON COLUMN service_category_trend.resolved IS 'Resolved, verified or closed';
COMMENT ON COLUMN service_category_trend.repeats IS 'Repeat requests among them';


-- BI: the same counts for the whole district (the owner reaches every row; no request, no
-- person), except that a category whose requests are never public (family disputes, elder care,
-- reports about people) shows a grid-month only when it has at least k requests (masking_setting
-- bi_min_group_size, as bi_resident's groups): "one report about a person in this grid this
-- month" came close to naming someone.
CREATE FUNCTION bi_service_category_trend_rows() RETURNS SETOF service_category_trend
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT t.* FROM commgrid.service_category_trend t
  JOIN commgrid.service_category c ON c.code = t.category_code
  WHERE c.public OR t.requests >= (SELECT s.value FROM commgrid.masking_setting s WHERE s.name = 'bi_min_group_size')
$$;
REVOKE EXECUTE ON FUNCTION bi_service_category_trend_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_service_category_trend_rows() IS
  'The rows of bi_service_category_trend, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_service_category_trend AS
SELECT * FROM commgrid.bi_service_category_trend_rows();
COMMENT ON VIEW bi_service_category_trend IS
  'BI: requests per category, grid and month of the whole district (commgrid.service_category_trend), counts only; a non-public category''s grid-month only with at least k requests (masking_setting bi_min_group_size)';
SELECT commgrid.copy_column_comments('commgrid.bi_service_category_trend', 'commgrid.service_category_trend');

-- area_report's mass-work lines (ordinals 1-8, placed by area_report)
CREATE FUNCTION service_report_lines(target gridcode)
RETURNS TABLE (ordinal int, indicator text, value numeric, unit text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH m AS (SELECT * FROM commgrid.service_request_measure x WHERE x.grid_code OPERATOR(commgrid.<@) target),
  first AS (SELECT min(month) AS since FROM m)
  SELECT 1, 'requests since ' || coalesce(to_char((SELECT since FROM first), 'YYYY-MM'), '-'), count(*)::numeric, 'requests' FROM m
  UNION ALL SELECT 2, 'hard cases', count(*) FILTER (WHERE hard_case), 'requests' FROM m
  UNION ALL SELECT 3, 'hard cases resolved', count(*) FILTER (WHERE hard_case AND resolved), 'requests' FROM m
  UNION ALL SELECT 4, 'completion', round(100.0 * count(*) FILTER (WHERE resolved) / nullif(count(*), 0), 2), '%' FROM m
  UNION ALL SELECT 5, 'response on time (上不过午,下不过夜)', round(100.0 * avg(responded_on_time::int), 2), '%' FROM m
  UNION ALL SELECT 6, 'satisfaction (of answers)',
    round(100.0 * count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically_satisfied'))
          / nullif(count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')), 0), 2), '%' FROM m
  UNION ALL SELECT 7, 'resolved in the grid', round(100.0 * count(*) FILTER (WHERE resolved_level = 'grid') / nullif(count(*) FILTER (WHERE resolved), 0), 2), '%' FROM m
  UNION ALL SELECT 8, 'resolved within the community', round(100.0 * count(*) FILTER (WHERE resolved_level IN ('grid', 'community')) / nullif(count(*) FILTER (WHERE resolved), 0), 2), '%' FROM m
$$;
REVOKE EXECUTE ON FUNCTION service_report_lines(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION service_report_lines(gridcode) IS
  'The mass-work lines of area_report for an area: requests since the first month, hard cases and those resolved, completion, on-time response, satisfaction, resolved in the grid and within the community';

-- Where requests gather (大数据分析群众诉求): DBSCAN in metres on the requests the caller can
-- see (row-level security applies: the caller's rights), in the UTM zone of the area.
CREATE FUNCTION request_hotspots(area gridcode, from_time timestamptz, to_time timestamptz,
                                 category text DEFAULT NULL, eps_m float8 DEFAULT 200, min_points int DEFAULT 3)
RETURNS TABLE (cluster_id int, requests bigint, dominant_category text, first_requested timestamptz,
               last_requested timestamptz, hull geometry)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  zone int;
BEGIN
  IF area IS NULL OR from_time IS NULL OR to_time IS NULL OR from_time > to_time
     OR eps_m IS NULL OR NOT eps_m > 0 OR min_points IS NULL OR min_points < 1 THEN
    RAISE EXCEPTION 'request_hotspots needs an area, a time window and a positive radius and size'
      USING ERRCODE = '22023',
            DETAIL = format('area %s, from %s to %s, eps_m %s, min_points %s.', area, from_time, to_time, eps_m, min_points),
            HINT = 'e.g. request_hotspots(''420102'', ''2026-01-01'', ''2026-04-01'', NULL, 200, 3)';
  END IF;
  SELECT 32600 + floor((ST_X(ST_Centroid(a.boundary)) + 180) / 6)::int + 1 INTO zone
  FROM commgrid.area a WHERE a.code OPERATOR(commgrid.=) area;
  IF zone IS NULL THEN
    RAISE EXCEPTION 'area % does not exist', area USING ERRCODE = '22023', HINT = 'Areas are the rows of commgrid.area.';
  END IF;
  RETURN QUERY
  WITH r AS (
    SELECT s.category_code, s.requested_at, s.location,
           ST_ClusterDBSCAN(ST_Transform(s.location, zone), eps => eps_m, minpoints => min_points) OVER () AS cid
    FROM commgrid.service_request s
    WHERE s.grid_code OPERATOR(commgrid.<@) area
      AND s.requested_at >= from_time AND s.requested_at < to_time
      AND (category IS NULL OR s.category_code LIKE rtrim(category, '0') || '%')
  )
  SELECT r.cid + 1, count(*), mode() WITHIN GROUP (ORDER BY r.category_code),
         min(r.requested_at), max(r.requested_at), ST_ConvexHull(ST_Collect(r.location))
  FROM r WHERE r.cid IS NOT NULL GROUP BY r.cid ORDER BY count(*) DESC, r.cid;
END $$;
COMMENT ON FUNCTION request_hotspots(gridcode, timestamptz, timestamptz, text, float8, int) IS
  'Hotspots of the requests the caller can see in an area and time window (category: a code or its major/middle prefix): DBSCAN with eps in metres (UTM zone of the area), each cluster''s size, dominant category, time span and convex hull (EPSG:4490)';
