-- Fill the demo district with people for the benchmarks: :households households at the demo
-- population's points, each put into its grid by commgrid.locate, and :residents residents
-- spread over them (2 or 3 a household), each with a valid citizen ID.  Run as the owner.
\set QUIET on
SET search_path = commgrid, public;
-- a bulk load by the superuser: one BULK entry per statement in the audit log
SET commgrid.audit = off;
\timing on
INSERT INTO household (household_id, address, location, grid_code)
SELECT p.id, '演示路' || p.id || '号', p.location, locate(p.location)
FROM demo.population_points(:households, :seed) p;
INSERT INTO resident (resident_id, idcard, name, phone, household_id, empty_nest_elderly)
SELECT i, make_idcard('500112', date '1935-01-01' + (i / 999)::int, (i % 999)::int + 1),
       '居民' || i, '138' || lpad((i % 100000000)::text, 8, '0'),
       1 + (i - 1) % :households, i % 17 = 0
FROM generate_series(1, :residents) i;
\timing off
RESET commgrid.audit;
-- as a table in service is: vacuumed (visibility map set) and analysed
VACUUM (ANALYZE) household;
VACUUM (ANALYZE) resident;
SELECT count(*) AS households, count(grid_code) AS located FROM household;
SELECT count(*) AS residents, count(grid_code) AS in_a_grid FROM resident;
