-- Masking for BI: the BI reader reads only the bi_* views, which show aggregates or masked
-- values in plain PostgreSQL types (text, integer, numeric), never an exact home location.
-- The views run with their owner's rights, so the BI reader needs no base table at all.

-- Keep the first 3 and last 4 characters of a phone number: 13812341234 → 138****1234.
-- Shorter values are starred whole: too little is left to hide anything otherwise.
CREATE FUNCTION mask_phone(phone text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
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

-- Keep the first character of a name (the family name, for most Chinese names): 张三丰 → 张**.
CREATE FUNCTION mask_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN char_length(name) <= 1 THEN repeat('*', char_length(name))
              ELSE left(name, 1) || repeat('*', char_length(name) - 1) END
$$;
COMMENT ON FUNCTION mask_name(text) IS
  'Masked name for BI: the first character kept, the rest starred (张三丰 → 张**)';

-- The community and grid summaries of the people model, for BI: aggregates in plain types.
-- They nest security_invoker views (member_of_record, org_compliance), and PostgreSQL checks
-- a view nested in a security_invoker view as the querying role even under an owner's-rights
-- view; so BI reads them through security-definer row functions, which run them as the owner
-- over the whole district.
CREATE FUNCTION bi_community_summary_rows() RETURNS SETOF community_summary
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.community_summary
$$;
REVOKE EXECUTE ON FUNCTION bi_community_summary_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_community_summary_rows() IS
  'The rows of bi_community_summary, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_community_summary AS
SELECT * FROM commgrid.bi_community_summary_rows();
COMMENT ON VIEW bi_community_summary IS
  'BI: one row per urban community (commgrid.community_summary): counts only, plain types';

CREATE FUNCTION bi_grid_summary_rows() RETURNS SETOF grid_summary
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.grid_summary
$$;
REVOKE EXECUTE ON FUNCTION bi_grid_summary_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_grid_summary_rows() IS
  'The rows of bi_grid_summary, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_grid_summary AS
SELECT s.grid_code, s.grid_name, s.community_code, s.community_name, s.party_group_name,
       s.party_group_has_leader, s.households, s.residents, s.vulnerable_residents, s.empty_nest_elderly,
       s.members_placed, s.staff, s.full_time_staff, s.compliance_problems
FROM commgrid.bi_grid_summary_rows() s;
COMMENT ON VIEW bi_grid_summary IS
  'BI: one row per grid (commgrid.grid_summary): counts only, plain types';

-- One row per resident with every identifier masked and no home location: the grid only.
CREATE VIEW bi_resident AS
SELECT r.resident_id,
       commgrid.mask_name(r.name) AS name,
       commgrid.mask(r.idcard) AS idcard,
       commgrid.mask_phone(r.phone) AS phone,
       commgrid.sex(r.idcard) AS sex,
       commgrid.age(r.idcard) AS age,
       r.grid_code::text AS grid_code,
       r.community_code::text AS community_code,
       r.empty_nest_elderly
FROM commgrid.resident r;
COMMENT ON VIEW bi_resident IS
  'BI: residents with masked name, ID number and phone, sex and age, and only the grid (no address or location)';
COMMENT ON COLUMN bi_resident.resident_id IS 'Stable person id (carries nothing personal itself)';
COMMENT ON COLUMN bi_resident.name IS 'Masked name: first character and stars';
COMMENT ON COLUMN bi_resident.idcard IS 'Masked ID number (commgrid.mask): first 6 and last 4 characters';
COMMENT ON COLUMN bi_resident.phone IS 'Masked phone (commgrid.mask_phone): 138****1234';
COMMENT ON COLUMN bi_resident.sex IS 'Sex, from the ID number';
COMMENT ON COLUMN bi_resident.age IS 'Age today, from the ID number';
COMMENT ON COLUMN bi_resident.grid_code IS 'Grid of the household, as text: the finest location BI sees';
COMMENT ON COLUMN bi_resident.community_code IS 'Community of the grid, as text';
COMMENT ON COLUMN bi_resident.empty_nest_elderly IS 'Empty-nest elderly (空巢老人)';
