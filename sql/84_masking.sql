-- Masking for BI: the BI reader reads only the bi_* views, which show aggregates or masked
-- values in plain PostgreSQL types (text, integer, numeric), never an exact home location.
-- The views run with their owner's rights, so the BI reader needs no base table at all.

-- Keep the first 3 and last 4 characters of a phone number: 13812341234 → 138****1234.
-- Shorter values are starred whole: too little is left to hide anything otherwise.
CREATE FUNCTION mask_phone(phone text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT CASE WHEN char_length(phone) >= 8
              THEN left(phone, 3) || repeat('*', char_length(phone) - 7) || right(phone, 4)
              ELSE repeat('*', char_length(phone)) END
$$;
COMMENT ON FUNCTION mask_phone(text) IS
  'Masked phone number for BI: first 3 and last 4 characters kept (138****1234); fewer than 8 characters are starred whole';

-- The area tree for BI tools: codes as text, sizes, no geometry.
CREATE VIEW bi_area AS
SELECT a.code::text AS code, a.name, a.kind, a.parent::text AS parent_code,
       commgrid.depth(a.code) AS depth,
       round((ST_Area(a.boundary::geography) / 1e6)::numeric, 3) AS area_km2
FROM commgrid.area a;
COMMENT ON VIEW bi_area IS 'BI: administrative areas (district to grid) with their size, no boundary';
COMMENT ON COLUMN bi_area.code IS 'Area gridcode as text';
COMMENT ON COLUMN bi_area.name IS 'Area name';
COMMENT ON COLUMN bi_area.kind IS 'district, subdistrict, town, community, village or grid';
COMMENT ON COLUMN bi_area.parent_code IS 'Parent area gridcode as text';
COMMENT ON COLUMN bi_area.depth IS 'Depth: 3 district, 4 township, 5 community, 6 grid';
COMMENT ON COLUMN bi_area.area_km2 IS 'Area in km², from the boundary';
