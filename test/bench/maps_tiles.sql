-- The vector tiles over the demo district's zoom pyramid: every tile that meets the district
-- at zooms :minzoom to :maxzoom, each made by commgrid.area_tile (the level of its zoom, with
-- every indicator of the level as properties) and by the plain query a user would write
-- (every boundary taken to Web Mercator and compared with the tile, code and name only).
-- Each tile is made once by each, alternately, after one warm-up pass over the first tiles.
-- Prints p50, p95 and the worst time per zoom, and the ratios area_tile / plain.
\set QUIET on
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE bench_tile AS
SELECT z, x, y
FROM (SELECT ST_Transform(boundary, 3857) AS b FROM area WHERE code = :'district') d,
     generate_series(:minzoom, :maxzoom) z,
     LATERAL (SELECT 20037508.342789244 AS h, 2 * 20037508.342789244 / 2 ^ z AS w) c,
     generate_series(floor((ST_XMin(d.b) + c.h) / c.w)::int, floor((ST_XMax(d.b) + c.h) / c.w)::int) x,
     generate_series(floor((c.h - ST_YMax(d.b)) / c.w)::int, floor((c.h - ST_YMin(d.b)) / c.w)::int) y
WHERE ST_Intersects(d.b, ST_TileEnvelope(z, x, y));
CREATE FUNCTION pg_temp.plain_tile(z int, x int, y int) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT ST_AsMVT(t, commgrid.map_level_at_zoom(z))
  FROM (SELECT a.code::text AS code, a.name,
               ST_AsMVTGeom(ST_Transform(a.boundary, 3857), ST_TileEnvelope(z, x, y)) AS geom
        FROM commgrid.area a
        WHERE commgrid.depth(a.code) = commgrid.level_depth(commgrid.map_level_at_zoom(z))
          AND ST_Transform(a.boundary, 3857) && ST_TileEnvelope(z, x, y)) t
$$;
CREATE TEMP TABLE bench_time (z int, x int, y int, who text, ms float8, bytes int);
DO $$
DECLARE
  t record;
  t0 timestamptz;
  b bytea;
  pass int;
BEGIN
  FOR pass IN 0..1 LOOP
    FOR t IN SELECT * FROM bench_tile ORDER BY z, x, y LOOP
      EXIT WHEN pass = 0 AND t.z > (SELECT min(z) + 1 FROM bench_tile);
      t0 := clock_timestamp();
      b := commgrid.area_tile(t.z, t.x, t.y);
      IF pass = 1 THEN
        INSERT INTO bench_time VALUES (t.z, t.x, t.y, 'area_tile', 1000 * extract(epoch FROM clock_timestamp() - t0), length(b));
      END IF;
      t0 := clock_timestamp();
      b := pg_temp.plain_tile(t.z, t.x, t.y);
      IF pass = 1 THEN
        INSERT INTO bench_time VALUES (t.z, t.x, t.y, 'plain', 1000 * extract(epoch FROM clock_timestamp() - t0), length(b));
      END IF;
    END LOOP;
  END LOOP;
END $$;
\set QUIET off
SELECT z, map_level_at_zoom(z) AS level, count(*) / 2 AS tiles,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'area_tile')::numeric, 1) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'area_tile')::numeric, 1) AS p95_ms,
       round(max(ms) FILTER (WHERE who = 'area_tile')::numeric, 1) AS worst_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'plain')::numeric, 1) AS plain_p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'plain')::numeric, 1) AS plain_p95_ms,
       round(max(ms) FILTER (WHERE who = 'plain')::numeric, 1) AS plain_worst_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'area_tile')
              / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'plain'))::numeric, 2) AS p50_ratio,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'area_tile')
              / percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'plain'))::numeric, 2) AS p95_ratio,
       round((max(ms) FILTER (WHERE who = 'area_tile') / max(ms) FILTER (WHERE who = 'plain'))::numeric, 2) AS worst_ratio,
       round(avg(bytes) FILTER (WHERE who = 'area_tile')) AS avg_bytes, round(avg(bytes) FILTER (WHERE who = 'plain')) AS plain_avg_bytes
FROM bench_time GROUP BY z ORDER BY z;
