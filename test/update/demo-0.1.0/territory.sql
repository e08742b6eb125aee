-- The demo district: a reproducible synthetic 渝北区 (500112) with the report's figures.
-- Not installed with the extension: load it with \i test/district/territory.sql into a database
-- where pg_commgrid is installed.  It (re)creates the schema demo.
--
--   SELECT * FROM demo.build_territory();            -- full scale: 28 townships, 131 communities, 3,311 grids
--   SELECT * FROM demo.build_territory(0.1, 7);      -- a smaller one, another seed
--   SELECT count(*) FROM demo.population_points(2000000);
--   SELECT demo.drop_territory('500112');
--
-- How the territory is made.  Everything is computed in a local kilometre frame around the
-- district centre and turned into longitude/latitude (EPSG:4490) by one affine map at the end.
--  1. An irregular outline (a star-shaped curve of random harmonics, elongated SW-NE like the
--     real Yubei), scaled until its geodesic area is 1,452 km².
--  2. Many fine points, as dense as the population (an urban core in the SW, town centres),
--     some 40 per grid.  Each fine point is labelled top-down: township (the core belongs to
--     the 12 subdistricts, the rest to the 16 towns), then community inside its township, then
--     grid inside its community, each level by nearest seed after a smooth warp of the plane
--     (so borders wander like roads and rivers), with the seeds placed by a few Lloyd
--     (k-means) steps so that areas of one level hold similar numbers of fine points.
--  3. The Voronoi cells of the fine points, clipped to the outline and snapped to 1e-7 degree,
--     are the building blocks: a grid is the union of its cells, a community the union of its
--     grids, and so on up.  Neighbours therefore share their border vertex for vertex.
-- Counts: townships 28; communities max(28, round(131·scale)) with at least one per township,
-- shared out by population; grids max(communities, round(3311·scale)) with at least one per
-- community.  All randomness comes from setseed(seed) in serial plans, so (scale, seed)
-- gives the same territory every time.

DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;
COMMENT ON SCHEMA demo IS 'Generator of the demo district (test/district/territory.sql); not part of the extension';

-- The parameters of each built territory, which the population generator reuses.
CREATE TABLE demo.territory (
  district      commgrid.gridcode PRIMARY KEY,
  scale         float8 NOT NULL,
  seed          int NOT NULL,
  lon0          float8 NOT NULL,     -- the local frame: x km east and y km north of (lon0, lat0)
  lat0          float8 NOT NULL,
  km_per_lon    float8 NOT NULL,
  km_per_lat    float8 NOT NULL,
  core_x        float8 NOT NULL,     -- centre and mean radius of the urban core, km
  core_y        float8 NOT NULL,
  core_r        float8 NOT NULL,
  outline       geometry NOT NULL,   -- the outline in the local frame (km, SRID 0)
  fine_points   int NOT NULL,
  build_seconds float8 NOT NULL,
  stage_seconds jsonb NOT NULL DEFAULT '{}'   -- when each stage of the build ended
);
COMMENT ON TABLE demo.territory IS 'One row per territory built by demo.build_territory: its frame, core and outline';

-- Population centres of a territory: the core, subdistrict and town centres, and hot spots.
CREATE TABLE demo.territory_centre (
  district commgrid.gridcode NOT NULL REFERENCES demo.territory ON DELETE CASCADE,
  kind     text NOT NULL CHECK (kind IN ('core', 'subdistrict', 'town', 'hotspot')),
  x        float8 NOT NULL,
  y        float8 NOT NULL,
  sigma    float8 NOT NULL          -- km, the spread of the Gaussian around it
);
COMMENT ON TABLE demo.territory_centre IS 'Population centres of a demo territory (local km frame), used by demo.population_points';

-- A count scaled down for a smaller demo: round(n·scale), at least 1.
CREATE FUNCTION demo.scaled(n int, scale float8) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN greatest(1, round(n * scale))::int;
COMMENT ON FUNCTION demo.scaled(int, float8) IS 'round(n * scale), at least 1: how a demo figure shrinks with SCALE';

-- The counts build_territory makes at a scale.
CREATE FUNCTION demo.territory_counts(scale float8,
  OUT townships int, OUT communities int, OUT grids int)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT 28, greatest(28, demo.scaled(131, scale)),
         greatest(greatest(28, demo.scaled(131, scale)), demo.scaled(3311, scale))
$$;
COMMENT ON FUNCTION demo.territory_counts(float8) IS
  'Townships, communities and grids of a demo territory at a scale: 28, max(28, 131·scale), max(communities, 3311·scale)';

-- Three plane waves: the displacement of one coordinate in a smooth warp of the plane.
CREATE FUNCTION demo._wave(x float8, y float8, p float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN p[1] * (sin(p[2] * x + p[3] * y + p[4]) + sin(p[5] * x + p[6] * y + p[7])
               + sin(p[8] * x + p[9] * y + p[10])) / 3;

-- Random parameters of demo._wave: amplitude a (km) and wavelengths around lambda (km).
-- With a·2π/λ < 1 the warp is one-to-one, so warped Voronoi regions stay connected.
CREATE FUNCTION demo._wave_params(a float8, lambda float8) RETURNS float8[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  p float8[] := ARRAY[a];
  k float8;
  phi float8;
BEGIN
  FOR j IN 1..3 LOOP
    k := 2 * pi() / (lambda * (0.8 + 0.4 * random()));
    phi := 2 * pi() * random();
    p := p || ARRAY[k * cos(phi), k * sin(phi), 2 * pi() * random()];
  END LOOP;
  RETURN p;
END $$;

-- Lloyd (k-means) steps on pg_temp.lloyd_pts(id, grp, x, y, r, lbl) with seeds
-- pg_temp.lloyd_seeds(sid, grp, x, y): points are matched to the nearest seed of their own
-- group.  The steps use only the points with r < sample (r is uniform in [0, 1)), which moves
-- the seeds nearly as well at a fraction of the cost.  Before the final match of all points
-- each seed is moved onto its nearest member point, so that every seed keeps at least that
-- point (no empty area).  0 iterations: match only.
CREATE FUNCTION demo._lloyd(iterations int, sample float8 DEFAULT 1) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  e record;
BEGIN
  CREATE INDEX ON pg_temp.lloyd_seeds (sid);
  ANALYZE pg_temp.lloyd_seeds;
  ANALYZE pg_temp.lloyd_pts;
  FOR i IN 1..iterations LOOP
    UPDATE pg_temp.lloyd_pts p SET lbl = n.sid
      FROM (SELECT DISTINCT ON (q.id) q.id, s.sid
              FROM pg_temp.lloyd_pts q JOIN pg_temp.lloyd_seeds s ON s.grp = q.grp
             WHERE q.r < sample
             ORDER BY q.id, (q.x - s.x) ^ 2 + (q.y - s.y) ^ 2, s.sid) n
     WHERE n.id = p.id;
    IF i < iterations THEN
      UPDATE pg_temp.lloyd_seeds s SET x = c.x, y = c.y
        FROM (SELECT lbl, avg(x) AS x, avg(y) AS y FROM pg_temp.lloyd_pts WHERE r < sample GROUP BY lbl) c
       WHERE c.lbl = s.sid;
    ELSE
      -- seeds onto their nearest member point
      UPDATE pg_temp.lloyd_seeds s SET x = m.x, y = m.y
        FROM (SELECT DISTINCT ON (p.lbl) p.lbl, p.x, p.y
                FROM pg_temp.lloyd_pts p JOIN pg_temp.lloyd_seeds s ON s.sid = p.lbl
               WHERE p.r < sample
               ORDER BY p.lbl, (p.x - s.x) ^ 2 + (p.y - s.y) ^ 2, p.id) m
       WHERE m.lbl = s.sid;
      -- a seed left with no point takes the farthest point of the biggest area of its group
      FOR e IN SELECT s.sid, s.grp FROM pg_temp.lloyd_seeds s
                WHERE NOT EXISTS (SELECT FROM pg_temp.lloyd_pts p WHERE p.lbl = s.sid AND p.r < sample)
                ORDER BY s.sid LOOP
        UPDATE pg_temp.lloyd_seeds s SET x = f.x, y = f.y
          FROM (SELECT p.x, p.y FROM pg_temp.lloyd_pts p JOIN pg_temp.lloyd_seeds b ON b.sid = p.lbl
                 WHERE p.r < sample
                   AND p.lbl = (SELECT lbl FROM pg_temp.lloyd_pts WHERE grp = e.grp AND r < sample
                                 GROUP BY lbl ORDER BY count(*) DESC, lbl LIMIT 1)
                 ORDER BY (p.x - b.x) ^ 2 + (p.y - b.y) ^ 2 DESC, p.id LIMIT 1) f
         WHERE s.sid = e.sid;
        UPDATE pg_temp.lloyd_pts p SET lbl = e.sid
          FROM pg_temp.lloyd_seeds s WHERE s.sid = e.sid AND p.x = s.x AND p.y = s.y;
      END LOOP;
    END IF;
  END LOOP;
  -- the final match, of all points
  UPDATE pg_temp.lloyd_pts p SET lbl = n.sid
    FROM (SELECT DISTINCT ON (q.id) q.id, s.sid
            FROM pg_temp.lloyd_pts q JOIN pg_temp.lloyd_seeds s ON s.grp = q.grp
           ORDER BY q.id, (q.x - s.x) ^ 2 + (q.y - s.y) ^ 2, s.sid) n
   WHERE n.id = p.id;
END $$;

-- Label the fine points of each parent area (column parent_col of pg_temp.fine) with one of
-- the n_child children: one per parent plus the rest shared by population (largest
-- remainder), seeded at the innermost points and settled by Lloyd iterations on points warped
-- by (wx, wy), so each level's borders wander their own way.  Sets column child_col.
CREATE FUNCTION demo._label_children(parent_col text, child_col text, n_parent int, n_child int,
                                     wx float8[], wy float8[], iterations int, sample float8)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  EXECUTE format($q$
    CREATE TEMP TABLE lloyd_pts ON COMMIT DROP AS
    SELECT id, %1$I AS grp, x + demo._wave(x, y, %2$L::float8[]) AS x,
           y + demo._wave(x, y, %3$L::float8[]) AS y, NULL::int AS lbl, r
      FROM pg_temp.fine $q$, parent_col, wx, wy);
  EXECUTE format($q$
    CREATE TEMP TABLE lloyd_seeds ON COMMIT DROP AS
    WITH mass AS (SELECT grp, count(*) AS m FROM lloyd_pts GROUP BY grp),
    quota AS (SELECT grp, %1$s::float8 * m / sum(m) OVER () AS q FROM mass),
    alloc AS (SELECT grp, 1 + floor(q)::int
                     + CASE WHEN row_number() OVER (ORDER BY q - floor(q) DESC, grp)
                                 <= %1$s - sum(floor(q)) OVER () THEN 1 ELSE 0 END AS k
                FROM quota)
    SELECT row_number() OVER (ORDER BY p.grp, p.r, p.id)::int AS sid, p.grp, p.x, p.y
      FROM (SELECT l.*, row_number() OVER (PARTITION BY l.grp ORDER BY l.r, l.id) AS rk FROM lloyd_pts l) p
      JOIN alloc a ON a.grp = p.grp
     WHERE p.rk <= a.k $q$, n_child - n_parent);
  PERFORM demo._lloyd(iterations, sample);
  EXECUTE format('UPDATE pg_temp.fine f SET %I = l.lbl FROM pg_temp.lloyd_pts l WHERE l.id = f.id',
                 child_col);
  DROP TABLE pg_temp.lloyd_pts, pg_temp.lloyd_seeds;
END $$;

-- Make every area of a temporary table one polygon where it can: each smaller piece of an
-- area in several pieces goes, with the children (rows of the children table) inside it, to
-- the neighbouring area it shares most border with, preferring one with the same value of
-- the prefer column (the same parent).  Tables: areas(<key>, <prefer>, geom), children(<key>,
-- geom); the areas' geometries are rebuilt from their children.
CREATE FUNCTION demo._mend_pieces(areas text, key text, prefer text, children text) RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  moved int := 0;
  n int;
BEGIN
  FOR pass IN 1..4 LOOP
    DROP TABLE IF EXISTS pg_temp.stray;
    EXECUTE format($q$
      CREATE TEMP TABLE stray ON COMMIT DROP AS
      SELECT q.k, q.geom,
             (SELECT n.%1$I FROM pg_temp.%2$I n
               WHERE n.%1$I <> q.k AND n.geom OPERATOR(public.&&) q.geom AND ST_Intersects(n.geom, q.geom)
               ORDER BY n.%3$I = q.pref DESC, ST_Length(ST_Intersection(n.geom, q.geom)) DESC, n.%1$I
               LIMIT 1) AS new_k
        FROM (SELECT d.k, d.pref, d.geom,
                     row_number() OVER (PARTITION BY d.k ORDER BY ST_Area(d.geom) DESC, d.path) AS rk
                FROM (SELECT a.%1$I AS k, a.%3$I AS pref, (ST_Dump(a.geom)).* FROM pg_temp.%2$I a
                       WHERE ST_NumGeometries(a.geom) > 1) d) q
       WHERE q.rk > 1 $q$, key, areas, prefer);
    DELETE FROM pg_temp.stray WHERE new_k IS NULL;
    EXIT WHEN NOT EXISTS (SELECT FROM pg_temp.stray);
    EXECUTE format('UPDATE pg_temp.%1$I c SET %2$I = s.new_k FROM pg_temp.stray s
                     WHERE c.%2$I = s.k AND ST_Intersects(s.geom, ST_PointOnSurface(c.geom))', children, key);
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved + n;
    EXECUTE format('UPDATE pg_temp.%1$I a SET geom = u.geom
                      FROM (SELECT c.%2$I AS k, ST_Union(c.geom) AS geom FROM pg_temp.%3$I c
                             WHERE c.%2$I IN (SELECT s.k FROM pg_temp.stray s UNION SELECT s.new_k FROM pg_temp.stray s)
                             GROUP BY 1) u
                     WHERE u.k = a.%2$I', areas, key, children);
  END LOOP;
  DROP TABLE IF EXISTS pg_temp.stray;
  RETURN moved;
END $$;

-- Order areas as DB11 numbers grids: west to east along rows, rows from north to south.
-- Rows are bands as high as a typical area of the set.
CREATE FUNCTION demo._row_major(geometry[]) RETURNS int[]
LANGUAGE sql IMMUTABLE STRICT AS $$
  WITH a AS (
    SELECT i, ST_PointOnSurface(g) AS p FROM unnest($1) WITH ORDINALITY AS u(g, i)
  ), band AS (
    SELECT max(ST_Y(p)) AS top,
           greatest(sqrt((max(ST_Y(p)) - min(ST_Y(p)) + 1e-9) * (max(ST_X(p)) - min(ST_X(p)) + 1e-9)
                         / count(*)), 1e-9) AS h
      FROM a
  )
  SELECT array_agg(i::int ORDER BY floor((band.top - ST_Y(p)) / band.h), ST_X(p), i) FROM a, band
$$;

CREATE FUNCTION demo.build_territory(scale float8 DEFAULT 1, seed int DEFAULT 2016,
                                     district commgrid.gridcode DEFAULT '500112')
RETURNS TABLE (kind text, areas bigint, km2 numeric, vertices_avg numeric, vertices_max int)
LANGUAGE plpgsql VOLATILE
SET max_parallel_workers_per_gather = 0
SET jit = off
SET client_min_messages = warning
SET work_mem = '256MB'
SET search_path = pg_catalog, commgrid, public
AS $fn$
DECLARE
  t0 timestamptz := clock_timestamp();
  n_town int;
  n_comm int;
  n_grid int;
  n_fine int;
  lon0 constant float8 := 106.66;
  lat0 constant float8 := 29.79;
  kx constant float8 := 111.320 * cos(radians(29.79));
  ky constant float8 := 110.852;
  target_km2 constant float8 := 1452;
  semi_major constant float8 := 29;    -- km before area calibration
  semi_minor constant float8 := 16;
  axis constant float8 := radians(55); -- direction of the long axis, from east (SW-NE)
  core_r float8 := 9.5;
  core_x float8;
  core_y float8;
  amp float8[];
  ph float8[];
  core_amp float8[];
  core_ph float8[];
  ring geometry[];
  outline geometry;
  fscale float8 := 1;
  rad float8;
  th float8;
  got int;
  nrows int;
  w1x float8[]; w1y float8[]; w2x float8[]; w2y float8[]; w3x float8[]; w3y float8[];
  subdistrict_names constant text[] := ARRAY['双龙湖街道', '回兴街道', '龙溪街道', '龙山街道',
    '龙塔街道', '大竹林街道', '悦来街道', '两路街道', '双凤桥街道', '宝圣湖街道', '仙桃街道', '人和街道'];
  town_names constant text[] := ARRAY['龙兴镇', '石船镇', '古路镇', '大盛镇', '洛碛镇', '统景镇',
    '大湾镇', '茨竹镇', '兴隆镇', '木耳镇', '玉峰山镇', '王家镇', '礼嘉镇', '鸳鸯镇', '张关镇', '麻柳镇'];
  syllable1 constant text[] := ARRAY['金', '龙', '双', '新', '宝', '翠', '桂', '兰', '松', '竹',
    '华', '锦', '碧', '同', '嘉', '云', '天', '玉', '长', '春'];
  syllable2 constant text[] := ARRAY['湖', '山', '桥', '园', '苑', '城', '港', '溪', '林', '峰', '源', '湾'];
  district_name text;
  pass int;
  stages jsonb := '{}';
BEGIN
  IF scale IS NULL OR seed IS NULL OR district IS NULL THEN
    RAISE EXCEPTION 'demo.build_territory: scale, seed and district must not be NULL'
      USING ERRCODE = '22023';
  END IF;
  IF NOT (scale > 0 AND scale <= 4) THEN
    RAISE EXCEPTION 'demo.build_territory: scale % is out of range', scale
      USING ERRCODE = '22023', DETAIL = 'The scale must be above 0 and at most 4.';
  END IF;
  IF commgrid.depth(district) <> 3 THEN
    RAISE EXCEPTION 'demo.build_territory: % is not a district code', district
      USING ERRCODE = '22023', DETAIL = 'A district (county) code has 6 digits.';
  END IF;
  IF EXISTS (SELECT FROM commgrid.area a WHERE a.code OPERATOR(commgrid.<@) district) THEN
    RAISE EXCEPTION 'demo.build_territory: district % already has areas', district
      USING ERRCODE = '23505', HINT = 'Remove them first with demo.drop_territory(district).';
  END IF;
  district_name := CASE WHEN district::text = '500112' THEN '渝北区' ELSE '示范区' || district::text END;

  SELECT c.communities, c.grids INTO n_comm, n_grid FROM demo.territory_counts(scale) c;
  n_town := 28;
  n_fine := 40 * n_grid;
  PERFORM setseed(seed::float8 / 2147483648.0);

  ---------------------------------------------------------------- 1. outline (local km)
  SELECT array_agg((0.11 / h.k ^ 1.1) * (0.4 + random()) ORDER BY h.k), array_agg(2 * pi() * random() ORDER BY h.k)
    INTO amp, ph FROM generate_series(2, 40) h(k);
  ring := ARRAY[]::geometry[];
  FOR i IN 0..719 LOOP
    th := 2 * pi() * i / 720;
    rad := 1;
    FOR k IN 2..40 LOOP
      rad := rad + amp[k - 1] * cos(k * th + ph[k - 1]);
    END LOOP;
    ring := ring || ST_MakePoint(
      rad * (semi_major * cos(th) * cos(axis) - semi_minor * sin(th) * sin(axis)),
      rad * (semi_major * cos(th) * sin(axis) + semi_minor * sin(th) * cos(axis)));
  END LOOP;
  outline := ST_MakePolygon(ST_MakeLine(ring || ring[1]));
  -- calibrate the geodesic area (twice: the map from km to degrees is nearly, not exactly, linear)
  FOR i IN 1..3 LOOP
    fscale := fscale * sqrt(target_km2 * 1e6 / ST_Area(ST_SetSRID(ST_Affine(ST_Scale(outline, fscale, fscale),
                                1 / kx, 0, 0, 1 / ky, lon0, lat0), 4490)::geography));
  END LOOP;
  outline := ST_Scale(outline, fscale, fscale);
  core_r := core_r * fscale;
  core_x := -0.52 * semi_major * fscale * cos(axis);
  core_y := -0.52 * semi_major * fscale * sin(axis);
  SELECT array_agg(0.16 / h.k * random() ORDER BY h.k), array_agg(2 * pi() * random() ORDER BY h.k)
    INTO core_amp, core_ph FROM generate_series(2, 6) h(k);
  w1x := demo._wave_params(1.1, 9);   w1y := demo._wave_params(1.1, 9);
  w2x := demo._wave_params(0.45, 3.5); w2y := demo._wave_params(0.45, 3.5);
  w3x := demo._wave_params(0.10, 0.9); w3y := demo._wave_params(0.10, 0.9);

  DELETE FROM demo.territory t WHERE t.district = build_territory.district;
  INSERT INTO demo.territory VALUES (district, scale, seed, lon0, lat0, kx, ky, core_x, core_y, core_r,
                                     outline, n_fine, 0);

  stages := stages || jsonb_build_object('outline', round(extract(epoch FROM clock_timestamp() - t0), 2));
  ---------------------------------------------------------------- 2. township seeds
  DROP TABLE IF EXISTS pg_temp.lloyd_pts, pg_temp.lloyd_seeds, pg_temp.fine, pg_temp.cell,
                       pg_temp.grid, pg_temp.comm, pg_temp.town;
  CREATE TEMP TABLE lloyd_pts (id int, grp int, x float8, y float8, r float8, lbl int) ON COMMIT DROP;
  CREATE TEMP TABLE lloyd_seeds (sid int, grp int, x float8, y float8) ON COMMIT DROP;
  -- uniform samples of the outline: group 1 in the core, group 2 outside it
  INSERT INTO lloyd_pts (id, grp, x, y, r)
  SELECT row_number() OVER (ORDER BY s.i), CASE WHEN demo._in_core(s.x, s.y, core_x, core_y, core_r, core_amp, core_ph)
                                               THEN 1 ELSE 2 END, s.x, s.y, 0
    FROM (SELECT i, ST_XMin(outline) + random() * (ST_XMax(outline) - ST_XMin(outline)) AS x,
                    ST_YMin(outline) + random() * (ST_YMax(outline) - ST_YMin(outline)) AS y
            FROM generate_series(1, 5000) i) s
   WHERE ST_Intersects(outline, ST_MakePoint(s.x, s.y));
  INSERT INTO lloyd_seeds
  SELECT row_number() OVER (ORDER BY grp, id), grp, x, y
    FROM (SELECT p.*, row_number() OVER (PARTITION BY grp ORDER BY id) AS rk FROM lloyd_pts p) q
   WHERE rk <= CASE grp WHEN 1 THEN 12 ELSE 16 END;
  PERFORM demo._lloyd(8);
  CREATE TEMP TABLE town ON COMMIT DROP AS
  SELECT sid AS town, grp = 1 AS is_subdistrict, x, y FROM lloyd_seeds;
  INSERT INTO demo.territory_centre
  SELECT district, 'core', core_x, core_y, core_r * 0.45
  UNION ALL
  SELECT district, CASE WHEN is_subdistrict THEN 'subdistrict' ELSE 'town' END, x, y,
         CASE WHEN is_subdistrict THEN 1.3 ELSE 1.0 END FROM town;
  INSERT INTO demo.territory_centre
  SELECT district, 'hotspot', core_x + rr * cos(a), core_y + rr * sin(a), 0.25 + 0.3 * random()
    FROM (SELECT i, core_r * 1.1 * sqrt(random()) AS rr, 2 * pi() * random() AS a
            FROM generate_series(1, 24) i) h;
  DROP TABLE lloyd_pts, lloyd_seeds;

  stages := stages || jsonb_build_object('seeds', round(extract(epoch FROM clock_timestamp() - t0), 2));
  ---------------------------------------------------------------- 3. fine points
  CREATE TEMP TABLE fine (id int PRIMARY KEY, x float8, y float8, r float8,
                          town int, comm int, grid int) ON COMMIT DROP;
  got := 0;
  WHILE got < n_fine LOOP
    INSERT INTO fine (id, x, y, r)
    SELECT got + row_number() OVER (ORDER BY c.i), c.x, c.y, c.r
      FROM demo._population_candidates(district, 2 * (n_fine - got), ARRAY[0.66, 0.06, 0.10, 0, 0.18]) c
     WHERE ST_Intersects(outline, ST_MakePoint(c.x, c.y))
     ORDER BY c.i
     LIMIT n_fine - got;
    GET DIAGNOSTICS nrows = ROW_COUNT;
    got := got + nrows;
  END LOOP;

  stages := stages || jsonb_build_object('fine_points', round(extract(epoch FROM clock_timestamp() - t0), 2));
  ---------------------------------------------------------------- 4. labels, top-down
  -- townships: the core to the subdistricts, the rest to the towns, nearest seed after a warp
  CREATE TEMP TABLE lloyd_pts ON COMMIT DROP AS
  SELECT id, CASE WHEN demo._in_core(x, y, core_x, core_y, core_r, core_amp, core_ph) THEN 1 ELSE 2 END AS grp,
         x + demo._wave(x, y, w1x) AS x, y + demo._wave(x, y, w1y) AS y, r, NULL::int AS lbl
    FROM fine;
  CREATE TEMP TABLE lloyd_seeds ON COMMIT DROP AS
  SELECT town AS sid, CASE WHEN is_subdistrict THEN 1 ELSE 2 END AS grp,
         x + demo._wave(x, y, w1x) AS x, y + demo._wave(x, y, w1y) AS y
    FROM town;
  PERFORM demo._lloyd(0);
  UPDATE fine f SET town = l.lbl FROM lloyd_pts l WHERE l.id = f.id;
  DROP TABLE lloyd_pts, lloyd_seeds;
  stages := stages || jsonb_build_object('townships', round(extract(epoch FROM clock_timestamp() - t0), 2));
  -- communities: one per township plus the rest shared by population (largest remainder)
  PERFORM demo._label_children('town', 'comm', n_town, n_comm, w2x, w2y, 5, 0.4);
  stages := stages || jsonb_build_object('communities', round(extract(epoch FROM clock_timestamp() - t0), 2));
  -- grids: one per community plus the rest shared by population
  PERFORM demo._label_children('comm', 'grid', n_comm, n_grid, w3x, w3y, 3, 0.35);

  stages := stages || jsonb_build_object('grids', round(extract(epoch FROM clock_timestamp() - t0), 2));
  ---------------------------------------------------------------- 5. cells
  CREATE INDEX fine_knn ON fine USING gist (ST_MakePoint(x, y));
  ANALYZE fine;
  -- the Voronoi cells of the fine points, each with the grid of the point inside it
  CREATE TEMP TABLE cell ON COMMIT DROP AS
  WITH v AS MATERIALIZED (
    SELECT d.path[1] AS id, d.geom
      FROM ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(ST_MakePoint(f.x, f.y) ORDER BY f.id) FROM fine f),
                                      0, ST_Expand(outline, 1))) d
  )
  SELECT DISTINCT ON (v.id) v.id, v.geom, f.grid
    FROM v JOIN fine f ON ST_MakePoint(f.x, f.y) OPERATOR(public.&&) v.geom
                      AND ST_Intersects(v.geom, ST_MakePoint(f.x, f.y))
   ORDER BY v.id, f.id;
  stages := stages || jsonb_build_object('voronoi', round(extract(epoch FROM clock_timestamp() - t0), 2));
  -- clip the cells that cross the outline
  CREATE INDEX ON cell USING gist (geom);
  ANALYZE cell;
  UPDATE cell c SET geom = ST_CollectionExtract(ST_Intersection(c.geom, outline), 3)
   WHERE c.id IN (SELECT c2.id FROM cell c2 JOIN ST_Subdivide(ST_Boundary(outline), 16) e(geom)
                                     ON ST_Intersects(e.geom, c2.geom));
  stages := stages || jsonb_build_object('cell_clip', round(extract(epoch FROM clock_timestamp() - t0), 2));
  -- to longitude/latitude, snapped to 1e-7 degree: neighbours keep identical shared vertices
  UPDATE cell SET geom = ST_SetSRID(ST_SnapToGrid(ST_Affine(geom, 1 / kx, 0, 0, 1 / ky, lon0, lat0), 1e-7), 4490);
  UPDATE cell SET geom = ST_CollectionExtract(ST_MakeValid(geom), 3) WHERE NOT ST_IsValid(geom);
  DELETE FROM cell WHERE ST_IsEmpty(geom);
  CREATE INDEX ON cell (grid);

  stages := stages || jsonb_build_object('cell_snap', round(extract(epoch FROM clock_timestamp() - t0), 2));
  ---------------------------------------------------------------- 6. areas, bottom-up
  CREATE TEMP TABLE grid ON COMMIT DROP AS
  SELECT c.grid, min(f.comm) AS comm, ST_Union(c.geom) AS geom
    FROM cell c JOIN (SELECT DISTINCT grid, comm FROM fine) f ON f.grid = c.grid
   GROUP BY c.grid;
  -- a grid in several pieces gives its smaller pieces to neighbours
  PERFORM demo._mend_pieces('grid', 'grid', 'comm', 'cell');
  stages := stages || jsonb_build_object('grid_union', round(extract(epoch FROM clock_timestamp() - t0), 2));
  CREATE TEMP TABLE comm ON COMMIT DROP AS
  SELECT g.comm, min(f.town) AS town, ST_Union(g.geom) AS geom
    FROM grid g JOIN (SELECT DISTINCT comm, town FROM fine) f ON f.comm = g.comm
   GROUP BY g.comm;
  PERFORM demo._mend_pieces('comm', 'comm', 'town', 'grid');
  ALTER TABLE town ADD COLUMN geom geometry;
  UPDATE town t SET geom = u.geom FROM (SELECT c.town, ST_Union(c.geom) AS geom FROM comm c GROUP BY c.town) u
   WHERE u.town = t.town;
  PERFORM demo._mend_pieces('town', 'town', 'is_subdistrict', 'comm');

  stages := stages || jsonb_build_object('upper_unions', round(extract(epoch FROM clock_timestamp() - t0), 2));
  ---------------------------------------------------------------- 7. codes, names, rows
  ALTER TABLE town ADD COLUMN code text, ADD COLUMN name text;
  WITH o AS (
    SELECT t.town, row_number() OVER (PARTITION BY t.is_subdistrict
                                      ORDER BY array_position(r.ord, t.rk::int)) AS seq, t.is_subdistrict
      FROM (SELECT town, is_subdistrict, geom,
                   row_number() OVER (PARTITION BY is_subdistrict ORDER BY town) AS rk FROM town) t
      JOIN (SELECT is_subdistrict, demo._row_major(array_agg(geom ORDER BY town)) AS ord
              FROM town GROUP BY is_subdistrict) r USING (is_subdistrict)
  )
  UPDATE town t SET code = district::text || lpad((CASE WHEN o.is_subdistrict THEN o.seq ELSE 99 + o.seq END)::text, 3, '0'),
                    name = CASE WHEN o.is_subdistrict THEN subdistrict_names[o.seq] ELSE town_names[o.seq] END
    FROM o WHERE o.town = t.town;

  ALTER TABLE comm ADD COLUMN code text, ADD COLUMN name text;
  WITH r AS (
    SELECT c.town, demo._row_major(array_agg(c.geom ORDER BY c.comm)) AS ord, array_agg(c.comm ORDER BY c.comm) AS comms
      FROM comm c GROUP BY c.town
  ), o AS (
    SELECT r.comms[u.i] AS comm, t.code || lpad(u.seq::text, 3, '0') AS code
      FROM r JOIN town t USING (town), unnest(r.ord) WITH ORDINALITY AS u(i, seq)
  ), names AS (
    SELECT s1 || s2 AS stem, row_number() OVER (ORDER BY md5(seed::text || s1 || s2)) AS k
      FROM unnest(syllable1) s1, unnest(syllable2) s2
  ), numbered AS (
    SELECT o.comm, o.code, row_number() OVER (ORDER BY o.code) AS k FROM o
  )
  UPDATE comm c SET code = n.code,
         name = nm.stem || CASE WHEN n.k > 240 THEN ((n.k - 1) / 240 + 1)::text ELSE '' END || '社区'
    FROM numbered n JOIN names nm ON nm.k = (n.k - 1) % 240 + 1
   WHERE n.comm = c.comm;

  ALTER TABLE grid ADD COLUMN code text, ADD COLUMN name text;
  WITH r AS (
    SELECT g.comm, demo._row_major(array_agg(g.geom ORDER BY g.grid)) AS ord, array_agg(g.grid ORDER BY g.grid) AS grids
      FROM grid g GROUP BY g.comm
  ), o AS (
    SELECT r.grids[u.i] AS grid, c.code || lpad(u.seq::text, 3, '0') AS code, c.name || '第' || u.seq || '网格' AS name
      FROM r JOIN comm c USING (comm), unnest(r.ord) WITH ORDINALITY AS u(i, seq)
  )
  UPDATE grid g SET code = o.code, name = o.name FROM o WHERE o.grid = g.grid;

  stages := stages || jsonb_build_object('names', round(extract(epoch FROM clock_timestamp() - t0), 2));
  INSERT INTO commgrid.area (code, name, kind, boundary)
  SELECT district, district_name, 'district', ST_Multi(ST_Union(t.geom)) FROM town t;
  INSERT INTO commgrid.area (code, name, kind, boundary)
  SELECT t.code::commgrid.gridcode, t.name, CASE WHEN t.is_subdistrict THEN 'subdistrict' ELSE 'town' END,
         ST_Multi(t.geom)
    FROM town t ORDER BY t.code;
  INSERT INTO commgrid.area (code, name, kind, boundary)
  SELECT c.code::commgrid.gridcode, c.name, 'community', ST_Multi(c.geom) FROM comm c ORDER BY c.code;
  INSERT INTO commgrid.area (code, name, kind, boundary)
  SELECT g.code::commgrid.gridcode, g.name, 'grid', ST_Multi(g.geom) FROM grid g ORDER BY g.code;

  stages := stages || jsonb_build_object('insert', round(extract(epoch FROM clock_timestamp() - t0), 2));
  UPDATE demo.territory t SET build_seconds = extract(epoch FROM clock_timestamp() - t0), stage_seconds = stages
   WHERE t.district = build_territory.district;

  RETURN QUERY
  SELECT a.kind, count(*), round((sum(ST_Area(a.boundary::geography)) / 1e6)::numeric, 1),
         round(avg(ST_NPoints(a.boundary)), 1), max(ST_NPoints(a.boundary))::int
    FROM commgrid.area a
   WHERE a.code OPERATOR(commgrid.<@) district
   GROUP BY a.kind
   ORDER BY min(commgrid.depth(a.code)), a.kind;
END $fn$;
COMMENT ON FUNCTION demo.build_territory(float8, int, commgrid.gridcode) IS
  'Build the demo district into commgrid.area: outline of 1,452 km², 28 townships, 131 communities, 3,311 grids at scale 1, shared edges, reproducible from the seed';

-- Is the point (km) inside the urban core, a wavy disc around the core centre?
CREATE FUNCTION demo._in_core(x float8, y float8, cx float8, cy float8, cr float8,
                              amp float8[], ph float8[]) RETURNS bool
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (x - cx) ^ 2 + (y - cy) ^ 2 < (cr * (1
          + amp[1] * cos(2 * atan2(y - cy, x - cx) + ph[1]) + amp[2] * cos(3 * atan2(y - cy, x - cx) + ph[2])
          + amp[3] * cos(4 * atan2(y - cy, x - cx) + ph[3]) + amp[4] * cos(5 * atan2(y - cy, x - cx) + ph[4])
          + amp[5] * cos(6 * atan2(y - cy, x - cx) + ph[5]))) ^ 2;

-- n candidate locations (local km) drawn from a territory's population model: a mixture of a
-- Gaussian around the core, Gaussians around subdistrict and town centres and hot spots, and a
-- uniform background over the outline's box, weighted by w = {core, subdistrict, town, hotspot,
-- uniform}.  Candidates may fall outside the outline: callers keep those inside.  r is a
-- uniform key for sampling.  Reads random(): call it in a serial plan after setseed.
CREATE FUNCTION demo._population_candidates(district commgrid.gridcode, n bigint, w float8[])
RETURNS TABLE (i bigint, x float8, y float8, r float8)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  cx float8[];
  cy float8[];
  cs float8[];
  cum float8[];
  total float8 := 0;
  nk int;
  box geometry;
  wk float8;
  c record;
BEGIN
  SELECT t.outline INTO box FROM demo.territory t WHERE t.district = _population_candidates.district;
  IF box IS NULL THEN
    RAISE EXCEPTION 'demo: no territory was built for district %', district
      USING ERRCODE = '22023', HINT = 'Run demo.build_territory() first.';
  END IF;
  cx := '{}'; cy := '{}'; cs := '{}'; cum := '{}';
  FOR c IN
    SELECT tc.kind, tc.x, tc.y, tc.sigma, count(*) OVER (PARTITION BY tc.kind) AS n_kind
      FROM demo.territory_centre tc WHERE tc.district = _population_candidates.district
     ORDER BY array_position(ARRAY['core', 'subdistrict', 'town', 'hotspot'], tc.kind), tc.x, tc.y
  LOOP
    wk := w[array_position(ARRAY['core', 'subdistrict', 'town', 'hotspot'], c.kind)] / c.n_kind;
    CONTINUE WHEN wk <= 0;
    total := total + wk;
    cx := cx || c.x; cy := cy || c.y; cs := cs || c.sigma; cum := cum || total;
  END LOOP;
  nk := coalesce(array_length(cx, 1), 0);
  IF w[5] > 0 THEN
    total := total + w[5];
    cum := cum || total;   -- the last bucket: uniform
  END IF;
  FOR k IN 1..array_length(cum, 1) - 1 LOOP
    cum[k] := cum[k] / total;
  END LOOP;
  cum[array_length(cum, 1)] := 2;   -- catches rounding at u = 1
  -- bucket k of width_bucket(u, {0, cum[1..]}) is the component
  cum := 0::float8 || cum;
  RETURN QUERY
  SELECT s.i,
         CASE WHEN s.k <= nk THEN cx[s.k] + cs[s.k] * sqrt(-2 * ln(1 - s.a)) * cos(2 * pi() * s.b)
              ELSE ST_XMin(box) + s.a * (ST_XMax(box) - ST_XMin(box)) END,
         CASE WHEN s.k <= nk THEN cy[s.k] + cs[s.k] * sqrt(-2 * ln(1 - s.a)) * sin(2 * pi() * s.b)
              ELSE ST_YMin(box) + s.b * (ST_YMax(box) - ST_YMin(box)) END,
         s.r
    FROM (SELECT g.i, width_bucket(g.u, cum) AS k, g.a, g.b, g.r
            FROM (SELECT gs.i, random() AS u, random() AS a, random() AS b, random() AS r
                    FROM generate_series(1::bigint, n) gs(i)) g) s;
END $$;

-- n resident locations of a built territory, clustered as a city's population: dense in the
-- subdistricts' core with hot spots (estates, markets), thinner around town centres, sparse in
-- between; every one strictly inside the district's stored boundary.  Reproducible from seed.
CREATE FUNCTION demo.population_points(n bigint, seed int DEFAULT 2016,
                                       district commgrid.gridcode DEFAULT '500112')
RETURNS TABLE (id bigint, location geometry(Point, 4490))
LANGUAGE plpgsql VOLATILE
SET max_parallel_workers_per_gather = 0
SET jit = off
SET search_path = pg_catalog, commgrid, public
AS $$
DECLARE
  t demo.territory;
  boundary geometry;
  got bigint := 0;
  batch bigint;
BEGIN
  IF n IS NULL OR seed IS NULL OR district IS NULL OR n < 0 THEN
    RAISE EXCEPTION 'demo.population_points: n must be 0 or more, and no argument NULL'
      USING ERRCODE = '22023';
  END IF;
  SELECT * INTO t FROM demo.territory tr WHERE tr.district = population_points.district;
  SELECT a.boundary INTO boundary FROM commgrid.area a WHERE a.code = population_points.district;
  IF t.district IS NULL OR boundary IS NULL THEN
    RAISE EXCEPTION 'demo.population_points: district % has no demo territory', district
      USING ERRCODE = '22023', HINT = 'Run demo.build_territory() first.';
  END IF;
  PERFORM setseed(seed::float8 / 2147483648.0 / 3 + 0.5);
  CREATE TEMP TABLE IF NOT EXISTS population_points_batch (id bigint, location geometry) ON COMMIT DROP;
  TRUNCATE population_points_batch;
  WHILE got < n LOOP
    batch := (n - got) * 1.1 + 100;
    INSERT INTO population_points_batch
    SELECT got + row_number() OVER (ORDER BY q.i), q.p
      FROM (SELECT c.i, ST_SetSRID(ST_MakePoint(t.lon0 + c.x / t.km_per_lon, t.lat0 + c.y / t.km_per_lat), 4490) AS p
              FROM demo._population_candidates(district, batch, ARRAY[0.48, 0.14, 0.12, 0.16, 0.10]) c) q
     WHERE ST_Contains(boundary, q.p)
     ORDER BY q.i
     LIMIT n - got;
    got := (SELECT count(*) FROM population_points_batch);
  END LOOP;
  RETURN QUERY SELECT b.id, b.location::geometry(Point, 4490) FROM population_points_batch b ORDER BY b.id;
  DROP TABLE population_points_batch;
END $$;
COMMENT ON FUNCTION demo.population_points(bigint, int, commgrid.gridcode) IS
  'n resident locations (Point 4490) clustered like a city''s population, all strictly inside the demo district; reproducible from the seed';

-- Remove a territory built by demo.build_territory: grids, communities, townships, district,
-- and the boundary generations commgrid.area_boundary_history kept of them.
CREATE FUNCTION demo.drop_territory(district commgrid.gridcode DEFAULT '500112') RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  total bigint := 0;
  k bigint;
BEGIN
  FOR d IN REVERSE 6..3 LOOP
    DELETE FROM commgrid.area a WHERE a.code OPERATOR(commgrid.<@) district AND commgrid.depth(a.code) = d;
    GET DIAGNOSTICS k = ROW_COUNT;
    total := total + k;
  END LOOP;
  IF to_regclass('commgrid.area_boundary_history') IS NOT NULL THEN
    EXECUTE 'DELETE FROM commgrid.area_boundary_history h WHERE h.code OPERATOR(commgrid.<@) $1' USING district;
  END IF;
  DELETE FROM demo.territory t WHERE t.district = drop_territory.district;
  RETURN total;
END $$;
COMMENT ON FUNCTION demo.drop_territory(commgrid.gridcode) IS
  'Delete a demo territory''s areas, children before parents, and their boundary history; returns the number of areas deleted';
