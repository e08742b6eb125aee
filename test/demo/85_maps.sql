-- The maps (issue 17): the district's grids coloured by staff and by residents, and its
-- communities coloured by compliance problems, written as SVG files under demo-out/maps/
-- (open them in a browser), with the report's figures beside the maps' own.
SET search_path = commgrid, public;
\set district '500112'
\set QUIET on
\! mkdir -p demo-out/maps
\pset tuples_only on
\pset format unaligned
\o demo-out/maps/grids_by_staff.svg
SELECT choropleth_svg(:'district', 'grid', 'staff');
\o demo-out/maps/grids_by_residents.svg
SELECT choropleth_svg(:'district', 'grid', 'residents');
\o demo-out/maps/communities_by_compliance_problems.svg
SELECT choropleth_svg(:'district', 'community', 'compliance_problems');
\o
\pset tuples_only off
\pset format aligned
\set QUIET off
\echo 'The maps:'
\! realpath demo-out/maps/grids_by_staff.svg demo-out/maps/grids_by_residents.svg demo-out/maps/communities_by_compliance_problems.svg
-- the maps' figures (summed over their areas) beside the report's
SELECT m.indicator, m.map_total, r.value AS report_value, r.unit
FROM (SELECT 'grid staff' AS indicator, sum(value) AS map_total FROM choropleth_classes(:'district', 'grid', 'staff')
      UNION ALL
      SELECT 'resident population', sum(value) FROM choropleth_classes(:'district', 'grid', 'residents')) m
JOIN area_report(:'district') r ON r.indicator = m.indicator
UNION ALL
SELECT 'compliance problems', (SELECT sum(value) FROM choropleth_classes(:'district', 'community', 'compliance_problems')),
       (SELECT sum(value) FROM area_report(:'district') WHERE indicator LIKE 'compliance: %'), 'problems';
-- the classes of the three maps
SELECT 'grids by staff' AS map, class, colour, lower_limit, upper_limit, count(*) AS areas
FROM choropleth_classes(:'district', 'grid', 'staff') GROUP BY class, colour, lower_limit, upper_limit
UNION ALL
SELECT 'grids by residents', class, colour, lower_limit, upper_limit, count(*)
FROM choropleth_classes(:'district', 'grid', 'residents') GROUP BY class, colour, lower_limit, upper_limit
UNION ALL
SELECT 'communities by compliance problems', class, colour, lower_limit, upper_limit, count(*)
FROM choropleth_classes(:'district', 'community', 'compliance_problems') GROUP BY class, colour, lower_limit, upper_limit
ORDER BY 1 DESC, 2;
