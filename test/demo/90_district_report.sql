-- The district's report (调研报告 一、基本情况) computed from the demo data, beside the report's
-- own figures.  At scale 1 the two columns agree on every line the report states.
SET search_path = commgrid, public;
\set QUIET on
\set district '500112'
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE demo_report AS
SELECT * FROM district_report(:'district') WITH ORDINALITY AS r(indicator, value, unit, line);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS report_seconds \gset
\set QUIET off
SELECT r.indicator, r.value, r.unit,
       CASE WHEN :scale = 1 THEN f.report END AS in_the_report
FROM demo_report r
LEFT JOIN (VALUES
  ('area', 1452), ('townships', 28), ('townships: subdistrict', 12), ('townships: town', 16),
  ('resident population', 2000000),
  ('urban communities', 131), ('communities with a Party committee', 58),
  ('communities with a Party general branch', 50), ('communities with a Party branch', 23),
  ('Party members', 11182), ('grids', 3311), ('grids with a Party group', 3311),
  ('staff per grid', 10), ('residents unassigned', 0)
) f(indicator, report) USING (indicator)
ORDER BY r.line;
SELECT :report_seconds AS district_report_seconds;

-- the communities and grids as a BI tool reads them (plain types)
SELECT org_kind, count(*) AS communities, sum(members) AS members, min(members) AS fewest,
       max(members) AS most, sum(grids) AS grids, sum(staff) AS staff, sum(residents) AS residents
FROM community_summary WHERE district_code = :'district'
GROUP BY org_kind ORDER BY min(members) DESC;
SELECT count(*) AS grids, round(avg(residents)) AS residents_per_grid,
       round(avg(staff), 1) AS staff_per_grid, count(*) FILTER (WHERE party_group_has_leader) AS groups_with_leader,
       sum(members_placed) AS members_placed, sum(empty_nest_elderly) AS empty_nest_elderly
FROM grid_summary WHERE grid_code LIKE :'district' || '%';
