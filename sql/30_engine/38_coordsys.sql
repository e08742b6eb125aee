-- Coordinate systems of Chinese web maps: WGS-84 / CGCS2000, GCJ-02 (Amap, Tencent) and
-- BD-09 (Baidu).  Points only; method in docs/guide/spatial-tools.md, measured accuracy in docs/benchmarks.md.

CREATE FUNCTION convert_coordinates(location geometry, from_system text, to_system text)
RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_convert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION convert_coordinates(geometry, text, text) IS
  'Converts a longitude/latitude point between wgs84, cgcs2000, gcj02 and bd09 (any case, - or _ allowed); the result has SRID 4326 for wgs84, 4490 for cgcs2000 and 0 for gcj02 and bd09, which have no EPSG code; an empty point gives NULL';

CREATE FUNCTION wgs84_to_gcj02(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_wgs84_to_gcj02' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION wgs84_to_gcj02(geometry) IS
  'WGS-84 or CGCS2000 point (SRID 4326, 4490 or 0) to GCJ-02 (SRID 0), by the published formula; the identity outside China''s box';

CREATE FUNCTION gcj02_to_wgs84(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_gcj02_to_wgs84' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gcj02_to_wgs84(geometry) IS
  'GCJ-02 point (Amap, Tencent) to WGS-84 (SRID 4326), inverting the published formula by iteration: round trips agree to far better than a millimetre inside China';

CREATE FUNCTION gcj02_to_bd09(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_gcj02_to_bd09' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gcj02_to_bd09(geometry) IS
  'GCJ-02 point to BD-09 (Baidu, SRID 0), by Baidu''s published formula';

CREATE FUNCTION bd09_to_gcj02(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_bd09_to_gcj02' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bd09_to_gcj02(geometry) IS
  'BD-09 point (Baidu) to GCJ-02 (SRID 0), inverting the published formula by iteration';

CREATE FUNCTION wgs84_to_bd09(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_wgs84_to_bd09' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION wgs84_to_bd09(geometry) IS
  'WGS-84 or CGCS2000 point to BD-09 (SRID 0), through GCJ-02';

CREATE FUNCTION bd09_to_wgs84(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_bd09_to_wgs84' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bd09_to_wgs84(geometry) IS
  'BD-09 point (Baidu) to WGS-84 (SRID 4326), through GCJ-02, both steps inverted by iteration';
