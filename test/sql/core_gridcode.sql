-- gridcode: input forms, errors, ordering, operators, functions, binary I/O, index use
SET search_path = commgrid, public;

-- every level, with separators and statistical padding
SELECT c AS input, c::gridcode AS code, depth(c::gridcode), level(c::gridcode)
FROM (VALUES ('50'), ('5001'), ('500112'), ('500112001'), ('500112001002'),
             ('500112001002003'), ('50-01-12-001-002-003'), ('500112 001 002'),
             ('500112001000'), ('500112000000'), ('500100000000000'), ('320508019044')) v(c);

-- malformed input: each rejection names the bad part
SELECT ''::gridcode;
SELECT '5'::gridcode;
SELECT '50011'::gridcode;
SELECT '5001120010'::gridcode;
SELECT '5001120010020031'::gridcode;
SELECT '00'::gridcode;
SELECT '000112'::gridcode;
SELECT '500012'::gridcode;
SELECT '500112000001'::gridcode;
SELECT '500112001000003'::gridcode;
SELECT '5001x2'::gridcode;
SELECT '5001１2'::gridcode;
SELECT '+500112'::gridcode;
SELECT '5001-12'::gridcode AS city_boundary_is_fine;
SELECT '50011-2'::gridcode;
SELECT '500112--001'::gridcode;
SELECT '-500112'::gridcode;
SELECT '500112-'::gridcode;
SELECT ' 500112'::gridcode;

-- prefecture-level cities without counties (不设区的地级市) number their townships under the city
-- with the county segment 00.  The statistical code tables list 东莞 4419, 中山 4420 and 儋州 4604
-- so (嘉峪关 6202 numbers its towns under 620201 市辖区); the rule holds for any city.
SELECT c AS input, c::gridcode AS code, depth(c::gridcode), level(c::gridcode), parent(c::gridcode),
       ancestor(c::gridcode, 3) AS at_depth_3, depth(ancestor(c::gridcode, 3)) AS its_depth,
       padded(c::gridcode, 15)
FROM (VALUES ('441900003000'), ('441900101'), ('4419-00-003-001'), ('441900003001002'),
             ('442000001000'), ('442000100'), ('460400100000'), ('460400400'), ('460400499001'),
             ('620201101000'), ('620200100')) v(c);
SELECT ancestor('441900003001002', d), depth(ancestor('441900003001002', d)) FROM generate_series(1, 6) d;
-- the city is the township's parent and contains it; a county of the city would not
SELECT '4419'::gridcode @> '441900003001' AS city_contains, '441900'::gridcode = '4419' AS same_code,
       '441900003'::gridcode <@ '441901' AS in_other_county, subtree_last('4419'), subtree_last('441900003');
SELECT c FROM unnest('{441901,441900101,4419,441900003001,441900003,44}'::gridcode[]) c ORDER BY c;
-- any other zero segment before a non-zero one is still refused
SELECT '441900000001'::gridcode;
SELECT '440000003'::gridcode;
SELECT '441900003000001'::gridcode;

-- functions
SELECT parent('50'::gridcode) IS NULL AS province_has_no_parent,
       parent('5001'), parent('500112'), parent('500112001'), parent('500112001002'),
       parent('500112001002003');
SELECT ancestor('500112001002003', d) FROM generate_series(1, 6) d;
SELECT ancestor('500112001', 5);
SELECT ancestor('500112001', 0);
SELECT padded('500112001'), padded('500112001', 9), padded('500112', 15), padded('50', 2);
SELECT padded('500112001', 6);
SELECT padded('500112001', 10);
SELECT subtree_last('500112001'), subtree_last('500112001002003');

-- hierarchy operators
SELECT a, b, a @> b AS contains, a <@ b AS contained
FROM (VALUES ('500112'::gridcode, '500112001002003'::gridcode),
             ('500112001', '500112001'),
             ('500112001', '500112002001'),
             ('500112001002003', '500112001'),
             ('500112001', '500112001999'),
             ('50', '51')) v(a, b);

-- comparison operators and depth-first ordering: a parent sorts just before its descendants
SELECT c FROM unnest('{500112002,500112001002,5001,500112001,500112,500112001001003,500112001001,50}'::gridcode[]) c
ORDER BY c;
SELECT '500112'::gridcode = '500112000000', '500112'::gridcode <> '500112001',
       '500112'::gridcode < '500112001', '500112'::gridcode <= '500112',
       '500112002'::gridcode > '500112001999', '500112'::gridcode >= '500113';

-- casts and binary round trip
SELECT '500112001'::text::gridcode::text, ('500112001'::varchar)::gridcode;
SELECT gridcode_send('500112001002003') = int8send(500112001002003) AS sends_padded_int8;
-- the hash is int8's of the padded value, for the new codes too (Citus places shards by it)
SELECT gridcode_hash('500112001') = hashint8(500112001000000) AS old_code_hash,
       gridcode_hash('441900003') = hashint8(441900003000000) AS new_code_hash;
CREATE TEMP TABLE binary_roundtrip AS SELECT '500112001002'::gridcode AS code;
COPY binary_roundtrip TO '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
TRUNCATE binary_roundtrip;
COPY binary_roundtrip FROM '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
SELECT code, depth(code) FROM binary_roundtrip;
-- a binary value that is no gridcode is refused on receive
COPY (SELECT 500012000000000::bigint) TO '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
COPY binary_roundtrip FROM '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
-- a township of a city without counties is received, a zero city segment before it is not
COPY (SELECT 441900003001000::bigint) TO '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
COPY binary_roundtrip FROM '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
COPY (SELECT 440000003000000::bigint) TO '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
COPY binary_roundtrip FROM '/tmp/commgrid_gridcode.bin' WITH (FORMAT binary);
SELECT code, depth(code) FROM binary_roundtrip ORDER BY code;
DROP TABLE binary_roundtrip;

-- hash opclass: hash join and hash aggregate agree with equality
SET enable_sort = off;
SELECT c, count(*) FROM unnest('{500112001,500112001000,500112002,500112001}'::gridcode[]) c
GROUP BY c ORDER BY c;
RESET enable_sort;

-- B-tree index: <@ and @> become range scans
CREATE TEMP TABLE coded (code gridcode PRIMARY KEY);
INSERT INTO coded
SELECT ('500112' || lpad(t::text, 3, '0') || lpad(c::text, 3, '0') || lpad(g::text, 3, '0'))::gridcode
FROM generate_series(1, 12) t, generate_series(1, 10) c, generate_series(1, 25) g;
ANALYZE coded;
EXPLAIN (COSTS OFF) SELECT count(*) FROM coded WHERE code <@ '500112001';
SELECT count(*) FROM coded WHERE code <@ '500112001';
EXPLAIN (COSTS OFF) SELECT count(*) FROM coded WHERE '500112003002' @> code;
SELECT count(*) FROM coded WHERE '500112003002' @> code;
SELECT count(*) FROM coded WHERE code <@ '500112012010025';
-- a parameter keeps the range, with the upper bound computed at run time
PREPARE in_area(gridcode) AS SELECT count(*) FROM coded WHERE code <@ $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE in_area('500112005');
EXECUTE in_area('500112005');
RESET plan_cache_mode;
DEALLOCATE in_area;
-- a city without counties: its range holds its townships
INSERT INTO coded VALUES ('4419'), ('441900003'), ('441900003001'), ('441900101001002'), ('442000001');
EXPLAIN (COSTS OFF) SELECT count(*) FROM coded WHERE code <@ '4419';
SELECT count(*) FROM coded WHERE code <@ '4419';
-- min and max: from the index when there is one
EXPLAIN (COSTS OFF) SELECT min(code) FROM coded;
SELECT min(code), max(code), min(code) FILTER (WHERE depth(code) = 4) AS first_township FROM coded;
DROP TABLE coded;

-- min and max in parallel: partial aggregates combined (a plain table; temporary ones stay in the leader)
CREATE TABLE public.gridcode_minmax AS
SELECT ('500112' || lpad((1 + i % 99)::text, 3, '0') || lpad((1 + i % 7)::text, 3, '0'))::gridcode AS code
FROM generate_series(1, 20000) i;
ANALYZE gridcode_minmax;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT min(code), max(code) FROM gridcode_minmax;
SELECT min(code), max(code), count(*) FROM gridcode_minmax;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT min(code) IS NULL AND max(code) IS NULL AS empty_gives_null FROM gridcode_minmax WHERE false;
SELECT p.proname, a.aggcombinefn, p.proparallel, o.oprname AS sortop
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_operator o ON o.oid = a.aggsortop
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.proname IN ('min', 'max') ORDER BY p.proname;
DROP TABLE public.gridcode_minmax;
