-- The area table of the core (sql/10_core/20_area.sql), secured here: it is created before
-- this machinery, because the machinery's jurisdiction refers to it, so its policy follows
-- the machinery instead of its CREATE TABLE.  (Its pg_dump registration stays beside it.)
--
-- Every staff role reads the whole tree (the map is not personal and the assignment of
-- points to grids needs it); only district and township staff change it, and only inside
-- their jurisdiction.
SELECT commgrid.secure_table('commgrid.area', '{code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff}');
CREATE POLICY staff_read ON area FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area IS
  'Every role granted SELECT reads the whole area tree; writes stay inside the jurisdiction';

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
