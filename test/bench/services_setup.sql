-- The services benchmarks' district (throwaway database): district 420102, one subdistrict,
-- one community of 10 x 10 grids of 0.02 degrees (about 2 km) each.
INSERT INTO commgrid.area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, y0, x0 + w, y0 + w, 4490)
FROM (VALUES ('420102', '基准区', 'district', 114.20, 30.50, 0.20),
             ('420102001', '基准街道', 'subdistrict', 114.20, 30.50, 0.20),
             ('420102001001', '基准社区', 'community', 114.20, 30.50, 0.20)) a(code, name, kind, x0, y0, w)
UNION ALL
SELECT '420102001001' || lpad((i * 10 + j + 1)::text, 3, '0'), '网格' || (i * 10 + j + 1), 'grid',
       ST_MakeEnvelope(114.20 + 0.02 * j, 30.50 + 0.02 * i, 114.22 + 0.02 * j, 30.52 + 0.02 * i, 4490)
FROM generate_series(0, 9) i, generate_series(0, 9) j
ORDER BY 1;
-- the minor public categories, numbered for random picks
CREATE TABLE bench_category AS
  SELECT row_number() OVER (ORDER BY code) AS n, code, response_class, resolution_days, default_level
  FROM commgrid.service_category WHERE level = 'minor';
