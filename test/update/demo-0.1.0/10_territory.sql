-- The report's district (DOMAIN.md §1): 渝北区 500112, 12 subdistricts and 16 towns,
-- 131 communities and 3,311 grids at scale 1, tiling each other with shared edges.
\set QUIET on
SET client_min_messages = warning;
\ir territory.sql
RESET client_min_messages;
\set QUIET off
\timing on
SELECT * FROM demo.build_territory(:scale, :seed);
\timing off
SELECT a.kind, count(*) AS areas,
       round(sum(ST_Area(a.boundary::geography)) / 1e6) AS km2
FROM commgrid.area a GROUP BY a.kind
ORDER BY min(commgrid.depth(a.code)), a.kind;
