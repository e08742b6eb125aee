-- Coordinate conversions WGS-84 / CGCS2000 <-> GCJ-02 <-> BD-09.
SET search_path = commgrid, public;

-- Known values.  The expected numbers were computed by two independent published
-- implementations that agree to the last digit (npm coordtransform 2.1.2 and gcoord 1.0.7);
-- the Beijing pair is the one printed in coordtransform's README.
SELECT city, conversion,
       abs(ST_X(got) - want_lon) < 1e-9 AND abs(ST_Y(got) - want_lat) < 1e-9 AS matches,
       round(ST_X(got)::numeric, 9) AS lon, round(ST_Y(got)::numeric, 9) AS lat, ST_SRID(got) AS srid
  FROM (VALUES
    ('Beijing', 'wgs84_to_gcj02', wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(116.404, 39.915), 4326)),
     116.41024449916938, 39.91640428150164),
    ('Beijing', 'gcj02_to_bd09', gcj02_to_bd09(ST_MakePoint(116.404, 39.915)),
     116.41036949371029, 39.92133699351022),
    ('Chongqing', 'wgs84_to_gcj02', wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(106.5516, 29.5630), 4490)),
     106.55531764979986, 29.560151273667472),
    ('Chongqing', 'gcj02_to_bd09', gcj02_to_bd09(ST_MakePoint(106.5516, 29.5630)),
     106.55803472852665, 29.56929338768523),
    ('Urumqi', 'wgs84_to_gcj02', wgs84_to_gcj02(ST_MakePoint(87.6168, 43.8256)),
     87.61964994946926, 43.82680539311119)
  ) v(city, conversion, got, want_lon, want_lat)
 ORDER BY city, conversion;

-- The inverses are exact inverses: they give back the point the known values came from.
SELECT city, conversion,
       abs(ST_X(got) - want_lon) < 1e-11 AND abs(ST_Y(got) - want_lat) < 1e-11 AS exact,
       ST_SRID(got) AS srid
  FROM (VALUES
    ('Beijing', 'gcj02_to_wgs84', gcj02_to_wgs84(ST_MakePoint(116.41024449916938, 39.91640428150164)), 116.404, 39.915),
    ('Beijing', 'bd09_to_gcj02', bd09_to_gcj02(ST_MakePoint(116.41036949371029, 39.92133699351022)), 116.404, 39.915),
    ('Chongqing', 'gcj02_to_wgs84', gcj02_to_wgs84(ST_MakePoint(106.55531764979986, 29.560151273667472)), 106.5516, 29.5630),
    ('Chongqing', 'bd09_to_gcj02', bd09_to_gcj02(ST_MakePoint(106.55803472852665, 29.56929338768523)), 106.5516, 29.5630),
    ('Chongqing', 'bd09_to_wgs84', bd09_to_wgs84(wgs84_to_bd09(ST_MakePoint(106.5516, 29.5630))), 106.5516, 29.5630)
  ) v(city, conversion, got, want_lon, want_lat)
 ORDER BY city, conversion;

-- The one-step inverses that the same libraries publish are only approximate: a few cm off.
SELECT conversion, round(ST_Distance(got::geography, approx::geography)::numeric, 2) AS approx_off_m
  FROM (VALUES
    ('gcj02_to_wgs84', gcj02_to_wgs84(ST_MakePoint(116.404, 39.915)),
     ST_SetSRID(ST_MakePoint(116.39775550083061, 39.91359571849836), 4326)),
    ('bd09_to_gcj02', ST_SetSRID(bd09_to_gcj02(ST_MakePoint(116.404, 39.915)), 4326),
     ST_SetSRID(ST_MakePoint(116.39762729119315, 39.90865673957631), 4326))
  ) v(conversion, got, approx)
 ORDER BY conversion;

-- Outside China's box GCJ-02 is WGS-84; BD-09 still shifts.  The box's west edge is 72.004.
SELECT ST_AsText(p) AS wgs84,
       ST_Equals(wgs84_to_gcj02(p), ST_SetSRID(p, 0)) AS gcj02_is_wgs84,
       ST_Equals(gcj02_to_wgs84(wgs84_to_gcj02(p)), ST_SetSRID(p, 4326)) AS round_trip_same,
       ST_AsText(wgs84_to_bd09(p), 9) AS bd09
  FROM (VALUES (ST_MakePoint(10, 50)), (ST_MakePoint(-74.006, 40.7128)), (ST_MakePoint(151.2093, -33.8688)),
               (ST_MakePoint(72.003, 30)), (ST_MakePoint(72.005, 30)), (ST_MakePoint(100, 55.9))) v(p)
 ORDER BY ST_X(p), ST_Y(p);

-- Round trips inside China, every direction, on a 0.5° lattice over China's extent
-- (73.5–135°E, 4–53.5°N; test/bench/coordsys_accuracy.sql runs a 0.05° lattice):
-- the worst error in metres must be below 0.5 m, and is in fact below a micrometre.
WITH lattice AS (
  SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS p
    FROM generate_series(73.5, 135.0, 0.5) x, generate_series(4.0, 53.5, 0.5) y
), trips AS (
  SELECT p, unnest(ARRAY[
           gcj02_to_wgs84(wgs84_to_gcj02(p)),
           wgs84_to_gcj02(gcj02_to_wgs84(p)),
           bd09_to_gcj02(gcj02_to_bd09(p)),
           gcj02_to_bd09(bd09_to_gcj02(p)),
           bd09_to_wgs84(wgs84_to_bd09(p)),
           wgs84_to_bd09(bd09_to_wgs84(p)),
           convert_coordinates(convert_coordinates(p, 'cgcs2000', 'bd09'), 'bd09', 'cgcs2000')]) AS q
    FROM lattice
)
SELECT count(*) AS round_trips,
       max(greatest(abs(ST_X(q) - ST_X(p)) * cos(radians(ST_Y(p))), abs(ST_Y(q) - ST_Y(p)))) * 111320 < 0.5
         AS worst_below_half_metre,
       max(greatest(abs(ST_X(q) - ST_X(p)) * cos(radians(ST_Y(p))), abs(ST_Y(q) - ST_Y(p)))) * 111320 < 1e-6
         AS worst_below_micrometre
  FROM trips;

-- SRIDs, Z and M, names, empty and NULL
SELECT ST_AsEWKT(convert_coordinates(ST_SetSRID(ST_MakePoint(116.404, 39.915, 50), 4490), 'CGCS2000', 'GCJ-02'), 6) AS z_kept,
       ST_AsEWKT(convert_coordinates(ST_SetSRID(ST_MakePointM(116.404, 39.915, 7), 4326), 'wgs84', 'cgcs2000'), 6) AS relabelled,
       ST_AsEWKT(convert_coordinates(ST_MakePoint(116.404, 39.915), 'gcj02', 'wgs_84'), 6) AS to_wgs84,
       ST_AsEWKT(convert_coordinates(ST_MakePoint(116.404, 39.915), 'bd09', 'bd09'), 6) AS same_system,
       convert_coordinates('POINT EMPTY'::geometry, 'wgs84', 'gcj02') IS NULL AS empty_gives_null,
       wgs84_to_gcj02(NULL) IS NULL AS null_gives_null;

-- bad input
SELECT wgs84_to_gcj02('LINESTRING(116 39,117 40)'::geometry);
SELECT gcj02_to_bd09('MULTIPOINT((116 39))'::geometry);
SELECT wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(12957000, 4852000), 3857));
SELECT wgs84_to_gcj02(ST_MakePoint(12957000, 4852000));
SELECT bd09_to_wgs84(ST_MakePoint(116.4, 'NaN'));
SELECT gcj02_to_wgs84(ST_MakePoint('-Infinity', 39.9));
SELECT convert_coordinates(ST_MakePoint(116.4, 39.9), 'mars', 'wgs84');
SELECT convert_coordinates(ST_MakePoint(116.4, 39.9), 'wgs84', 'epsg:3857');
