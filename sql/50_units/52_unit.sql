-- Resident units (驻社区单位): the organs, institutions, enterprises, social organisations and
-- armed police units based in a community, and the communities each co-builds with.
--
-- Persons are residents (resident.resident_id), the one person registry of the extension.
--
-- Every table of the co-building and assessment model carries the gridcode of the community
-- that scopes the row (community_code, B-tree indexed) so that row-level security can filter
-- with `community_code <@ :my_area`; rows about one unit also carry its unit_id so a unit's
-- liaison can be restricted to them.

-- The vocabularies of kind, affiliation and rank, with the report's labels (for BI joins).
CREATE TABLE unit_vocabulary (
  field      text NOT NULL CHECK (field IN ('kind', 'affiliation', 'rank')),
  code       text NOT NULL,
  label      text NOT NULL,
  sort_order int NOT NULL,
  PRIMARY KEY (field, code)
);
COMMENT ON TABLE unit_vocabulary IS
  'Codes of unit.kind, unit.affiliation and unit.rank with their Chinese labels and display order';
COMMENT ON COLUMN unit_vocabulary.field IS 'kind, affiliation or rank';
COMMENT ON COLUMN unit_vocabulary.code IS 'the code stored in unit';
COMMENT ON COLUMN unit_vocabulary.label IS 'the report''s word for it';
COMMENT ON COLUMN unit_vocabulary.sort_order IS 'display order: higher affiliation and rank first';
-- reference data: read by every role, changed by the district administrator
SELECT commgrid.secure_table('commgrid.unit_vocabulary', NULL,
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}',
  '{district_admin}');
-- The installed vocabulary; pg_dump keeps the rows a user added or changed, and on restore a
-- dumped row replaces the installed one of the same field and code (as for compliance_setting).
CREATE FUNCTION unit_vocabulary_defaults() RETURNS SETOF unit_vocabulary
LANGUAGE sql IMMUTABLE PARALLEL SAFE BEGIN ATOMIC VALUES
  ('kind', 'organ', '党政机关', 1),
  ('kind', 'public_institution', '事业单位', 2),
  ('kind', 'state_owned_enterprise', '国有企业', 3),
  ('kind', 'non_public_enterprise', '非公企业', 4),
  ('kind', 'social_organisation', '社会组织', 5),
  ('kind', 'armed_police', '武警部队', 6),
  ('affiliation', 'central', '中央', 1),
  ('affiliation', 'provincial', '省属', 2),
  ('affiliation', 'city', '市属', 3),
  ('affiliation', 'district', '区属', 4),
  ('affiliation', 'subdistrict', '街道', 5),
  ('rank', 'bureau', '厅局级', 1),
  ('rank', 'division', '处级', 2),
  ('rank', 'section', '科级', 3),
  ('rank', 'none', '无级别', 4);
END;
COMMENT ON FUNCTION unit_vocabulary_defaults() IS
  'The rows the install script puts into unit_vocabulary (pg_dump leaves out rows still equal to one of them)';
INSERT INTO unit_vocabulary SELECT * FROM unit_vocabulary_defaults();
SELECT commgrid.register_dump('commgrid.unit_vocabulary',
  $$WHERE (field, code, label, sort_order) NOT IN (SELECT d.field, d.code, d.label, d.sort_order FROM commgrid.unit_vocabulary_defaults() d)$$);

CREATE FUNCTION unit_vocabulary_replace_default() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  DELETE FROM commgrid.unit_vocabulary v
   WHERE v.field = NEW.field AND v.code = NEW.code
     AND (v.field, v.code, v.label, v.sort_order) IN (SELECT d.field, d.code, d.label, d.sort_order
                                                        FROM commgrid.unit_vocabulary_defaults() d);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION unit_vocabulary_replace_default() FROM PUBLIC;
COMMENT ON FUNCTION unit_vocabulary_replace_default() IS
  'Trigger: a row inserted with the field and code of an entry still at its installed value replaces it (how pg_restore brings back a changed label)';
CREATE TRIGGER unit_vocabulary_replace_default BEFORE INSERT ON unit_vocabulary
  FOR EACH ROW EXECUTE FUNCTION unit_vocabulary_replace_default();
ALTER TABLE unit_vocabulary ENABLE ALWAYS TRIGGER unit_vocabulary_replace_default;

CREATE TABLE unit (
  unit_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL CHECK (btrim(name) <> ''),
  uscc               uscc UNIQUE,
  kind               text NOT NULL CHECK (kind IN ('organ', 'public_institution', 'state_owned_enterprise',
                                                   'non_public_enterprise', 'social_organisation', 'armed_police')),
  category           text,
  affiliation        text NOT NULL CHECK (affiliation IN ('central', 'provincial', 'city', 'district', 'subdistrict')),
  rank               text NOT NULL DEFAULT 'none' CHECK (rank IN ('bureau', 'division', 'section', 'none')),
  party_org_name     text,
  party_secretary_id bigint REFERENCES resident (resident_id),
  location           geometry,
  footprint          geometry,
  community_code     community_code,
  CONSTRAINT unit_has_place CHECK (location IS NOT NULL OR footprint IS NOT NULL OR community_code IS NOT NULL),
  CONSTRAINT unit_uscc_unless_armed_police CHECK (uscc IS NOT NULL OR kind = 'armed_police'),
  -- the forms geometry_columns recognises, as for area.boundary
  CONSTRAINT enforce_srid_location CHECK (st_srid(location) = 4490),
  CONSTRAINT enforce_geotype_location CHECK (geometrytype(location) = 'POINT'),
  CONSTRAINT enforce_srid_footprint CHECK (st_srid(footprint) = 4490),
  CONSTRAINT enforce_geotype_footprint CHECK (geometrytype(footprint) = 'MULTIPOLYGON')
);
CREATE INDEX unit_community_code_idx ON unit (community_code);
CREATE INDEX unit_location_idx ON unit USING gist (location);
CREATE INDEX unit_footprint_idx ON unit USING gist (footprint);
CREATE INDEX unit_party_secretary_idx ON unit (party_secretary_id);

COMMENT ON TABLE unit IS
  'Resident units (驻社区单位): each belongs to one community (the largest share of its campus) and co-builds with every community its campus overlaps (unit_community)';
COMMENT ON COLUMN unit.unit_id IS 'Generated number of the resident unit (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN unit.name IS 'full registered name';
COMMENT ON COLUMN unit.uscc IS 'unified social credit code (统一社会信用代码); may be NULL only for an armed police unit';
COMMENT ON COLUMN unit.kind IS
  'organ (党政机关), public_institution (事业单位: school, hospital …), state_owned_enterprise, non_public_enterprise, social_organisation, armed_police';
COMMENT ON COLUMN unit.category IS 'finer kind for reports, e.g. school, hospital, bank';
COMMENT ON COLUMN unit.affiliation IS 'who the unit answers to: central, provincial, city (市属), district (区属), subdistrict';
COMMENT ON COLUMN unit.rank IS 'administrative rank: bureau (厅局级), division (处级), section (科级), none';
COMMENT ON COLUMN unit.party_org_name IS 'name of the unit''s Party organisation';
COMMENT ON COLUMN unit.party_secretary_id IS
  'the person (resident_id) who heads the unit''s Party organisation, its Party head: by rule a member of the community''s joint meeting';
COMMENT ON COLUMN unit.location IS 'a point for a unit without a campus (EPSG:4490; 4326 input is transformed, other SRIDs refused: stored_location)';
COMMENT ON COLUMN unit.footprint IS 'the campus footprint, MultiPolygon (EPSG:4490; 4326 input is transformed)';
COMMENT ON COLUMN unit.community_code IS
  'the unit''s community, assigned from the footprint (largest share) or the location; set by hand only for a unit without either';
-- community level (grid workers do not see units); a unit liaison reads its own units
SELECT commgrid.secure_table('commgrid.unit', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.register_dump('commgrid.unit');

-- The liaison map of the units: which resident units each unit liaison speaks for.  The
-- liaison reaches only these units' co-building data and assessments.
CREATE TABLE liaison_unit (
  role_name  regrole NOT NULL,
  unit_id    bigint NOT NULL REFERENCES unit ON DELETE CASCADE,
  granted_by name NOT NULL DEFAULT session_user,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_name, unit_id)
);
COMMENT ON TABLE liaison_unit IS
  'The resident units each unit liaison (login role) acts for; change it with grant_liaison / revoke_liaison';
COMMENT ON COLUMN liaison_unit.role_name IS
  'Login role of the liaison, stored by OID (shown as its name): a later role with the same name does not match';
COMMENT ON COLUMN liaison_unit.unit_id IS 'The resident unit';
COMMENT ON COLUMN liaison_unit.granted_by IS 'Session role that granted it';
COMMENT ON COLUMN liaison_unit.granted_at IS 'Time the unit was granted (start of the granting transaction, with zone)';
ALTER TABLE liaison_unit ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON liaison_unit FOR SELECT
  USING (role_name = (SELECT commgrid.role_oid(current_user)));
-- user data, and who was given which unit is audited
SELECT commgrid.register_dump('commgrid.liaison_unit');
SELECT commgrid.audit_table('commgrid.liaison_unit');
-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX liaison_unit_unit_id_idx ON liaison_unit (unit_id);

-- Every community a unit co-builds with, with the share of its campus there.
CREATE TABLE unit_community (
  unit_id        bigint NOT NULL REFERENCES unit ON DELETE CASCADE,
  community_code gridcode NOT NULL REFERENCES area (code),
  share          float8 NOT NULL CHECK (share > 0 AND share <= 1),
  area_m2        float8,
  is_home        bool NOT NULL,
  PRIMARY KEY (unit_id, community_code)
);
CREATE INDEX unit_community_community_idx ON unit_community (community_code);
CREATE UNIQUE INDEX unit_community_one_home ON unit_community (unit_id) WHERE is_home;
COMMENT ON TABLE unit_community IS
  'Co-building ties from geography: every community a unit''s campus overlaps (share 1 for a point), maintained by the spatial assignment';
COMMENT ON COLUMN unit_community.unit_id IS 'the unit';
COMMENT ON COLUMN unit_community.community_code IS 'a community the unit co-builds with';
COMMENT ON COLUMN unit_community.share IS 'share of the campus area in the community (1 for a unit located by a point)';
COMMENT ON COLUMN unit_community.area_m2 IS 'campus area in the community, m² (NULL for a point)';
COMMENT ON COLUMN unit_community.is_home IS 'true for the unit''s own community (unit.community_code)';
SELECT commgrid.secure_table('commgrid.unit_community', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.register_dump('commgrid.unit_community');
-- a unit is tied to a community by staff who reach the unit (missing alike): a community that
-- tied another township's unit to itself passed every co-building check of that unit after it
CREATE TRIGGER unit_community_unit_in_reach BEFORE INSERT OR UPDATE OF unit_id ON unit_community
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('unit_id', 'unit', 'unit_id', 'community_code');

-- The communities a footprint overlaps, with the share of its area in each (the spatial
-- tools' footprint_shares, measured on the CGCS2000 ellipsoid, largest share first).
CREATE FUNCTION unit_footprint_communities(footprint geometry)
RETURNS TABLE (community_code gridcode, share float8, area_m2 float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  -- a share is a ratio of sums of pieces and can exceed 1 by a rounding error
  SELECT s.code, least(s.share, 1.0), s.area_m2 FROM commgrid.footprint_shares(footprint, 'community') s
$$;
COMMENT ON FUNCTION unit_footprint_communities(geometry) IS
  'The communities a campus footprint overlaps, largest share first, with the share of its area in each and that area in m² (footprint_shares at community level)';

-- How messages name a unit: by its name, so errors read the same whatever its id, when the
-- acting role may see the unit; else by its id.  Its callers are the rules' security-definer
-- triggers, where the owner reads every unit: there the acting role's reach decides (its
-- jurisdiction holds the unit's community, or it is the unit's liaison), as row-level security
-- decides for a direct call; a community's staff read any district's unit names by naming
-- unit ids in rows the rules refused.
CREATE FUNCTION unit_label(unit bigint) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  u commgrid.unit;
  actor name := commgrid.acting_role();
  scopes commgrid.gridcode[];
BEGIN
  SELECT * INTO u FROM commgrid.unit x WHERE x.unit_id = unit;
  IF u.unit_id IS NOT NULL AND current_user <> actor THEN
    scopes := commgrid.acting_scopes();
    IF NOT (scopes IS NULL OR commgrid.reaches(u.community_code, scopes)
            OR (commgrid.is_member_of(actor, 'unit_liaison')
                AND EXISTS (SELECT 1 FROM commgrid.liaison_unit l
                            WHERE l.role_name = commgrid.role_oid(actor) AND l.unit_id = u.unit_id))) THEN
      u := NULL;
    END IF;
  END IF;
  IF u.unit_id IS NULL THEN
    RETURN format('unit %s', unit);
  END IF;
  RETURN format('unit "%s"', commgrid.echo_value(u.name));
END $$;
COMMENT ON FUNCTION unit_label(bigint) IS 'unit "name", as error messages name a unit, for an acting role that may see it; else unit <id>';

-- Place a unit: the community of its point, or every community its footprint overlaps.
CREATE FUNCTION unit_assign() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF NEW.location IS NOT NULL OR NEW.footprint IS NOT NULL THEN
    -- the boundaries read below stay current until this row commits
    PERFORM commgrid.boundary_share_lock();
  END IF;
  -- the location rule of every location column (households and grid staff too)
  NEW.location := commgrid.stored_location(NEW.location);
  IF NEW.footprint IS NOT NULL THEN
    IF ST_SRID(NEW.footprint) = 4326 THEN
      NEW.footprint := ST_Transform(NEW.footprint, 4490);
    END IF;
    IF GeometryType(NEW.footprint) = 'POLYGON' THEN
      NEW.footprint := ST_Multi(NEW.footprint);
    END IF;
    -- every community the campus overlaps gets a co-building tie (unit_sync_communities, as
    -- the owner), so a new or changed campus lies in the writer's jurisdiction: else a
    -- township's staff tied its unit to another district's communities, whose opinions its
    -- liaison could then give
    IF TG_OP = 'INSERT' OR NEW.footprint IS DISTINCT FROM OLD.footprint THEN
      PERFORM commgrid.check_writer_reach(s.community_code,
                format('community %s, under the campus of unit "%s",', s.community_code, commgrid.echo_value(NEW.name)))
        FROM commgrid.unit_footprint_communities(NEW.footprint) s;
    END IF;
    -- footprint_shares lists the largest share first (ties by code)
    SELECT s.community_code INTO NEW.community_code
      FROM commgrid.unit_footprint_communities(NEW.footprint) s
     LIMIT 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'campus of unit "%" lies in no community', commgrid.echo_value(NEW.name)
        USING ERRCODE = '23514',
              DETAIL = format('The footprint %s overlaps no area of kind community.', ST_AsText(ST_Envelope(NEW.footprint))),
              HINT = 'Check the coordinates (EPSG:4490 longitude/latitude) or load the community boundaries first.';
    END IF;
  ELSIF NEW.location IS NOT NULL THEN
    NEW.community_code := commgrid.locate(NEW.location, 'community');
    IF NEW.community_code IS NULL THEN
      RAISE EXCEPTION 'unit "%" lies in no community', commgrid.echo_value(NEW.name)
        USING ERRCODE = '23514',
              DETAIL = format('The point %s is in no area of kind community.', ST_AsText(NEW.location)),
              HINT = 'Check the coordinates (EPSG:4490 longitude/latitude) or load the community boundaries first.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION unit_assign() FROM PUBLIC;
COMMENT ON FUNCTION unit_assign() IS
  'Trigger: sets unit.community_code from the footprint (largest share) or the location';

CREATE TRIGGER unit_assign BEFORE INSERT OR UPDATE OF location, footprint, community_code ON unit
  FOR EACH ROW EXECUTE FUNCTION unit_assign();

-- Keep unit_community in step with the unit's place.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION unit_sync_communities() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  DELETE FROM commgrid.unit_community WHERE unit_id = NEW.unit_id;
  IF NEW.footprint IS NOT NULL THEN
    INSERT INTO commgrid.unit_community (unit_id, community_code, share, area_m2, is_home)
    SELECT NEW.unit_id, s.community_code, s.share, s.area_m2, s.community_code = NEW.community_code
      FROM commgrid.unit_footprint_communities(NEW.footprint) s;
  ELSIF NEW.community_code IS NOT NULL THEN
    INSERT INTO commgrid.unit_community (unit_id, community_code, share, area_m2, is_home)
    VALUES (NEW.unit_id, NEW.community_code, 1, NULL, true);
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION unit_sync_communities() FROM PUBLIC;
COMMENT ON FUNCTION unit_sync_communities() IS
  'Trigger: rewrites unit_community for a unit whose place changed (as the owner: the ties are derived data no role writes by hand)';

CREATE TRIGGER unit_sync_communities AFTER INSERT OR UPDATE OF location, footprint, community_code ON unit
  FOR EACH ROW EXECUTE FUNCTION unit_sync_communities();

-- After community boundaries change: place every unit again.
CREATE FUNCTION unit_reassign_all() RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH moved AS (
    UPDATE commgrid.unit SET footprint = footprint, location = location
     WHERE footprint IS NOT NULL OR location IS NOT NULL
    RETURNING 1)
  SELECT count(*) FROM moved
$$;
COMMENT ON FUNCTION unit_reassign_all() IS
  'Re-runs the spatial assignment of every unit with a point or footprint (after boundaries change); returns the number of units placed';

-- Units follow the community boundaries: when communities are added, redrawn or removed (by
-- commgrid.redraw or a plain UPDATE), the units whose place touches the old or new boundary are
-- placed again.  A change that would leave a unit in no community is refused.
CREATE FUNCTION unit_follow_boundaries() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  -- each statement names only the transition tables its operation has
  IF TG_OP = 'INSERT' THEN
    UPDATE commgrid.unit u SET footprint = u.footprint, location = u.location
     WHERE EXISTS (SELECT 1 FROM new_areas a
                    WHERE a.kind IN ('community', 'village')
                      AND ST_Intersects(a.boundary, coalesce(u.footprint, u.location)));
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE commgrid.unit u SET footprint = u.footprint, location = u.location
     WHERE EXISTS (SELECT 1 FROM old_areas a
                    WHERE a.kind IN ('community', 'village')
                      AND ST_Intersects(a.boundary, coalesce(u.footprint, u.location)));
  ELSE
    UPDATE commgrid.unit u SET footprint = u.footprint, location = u.location
     WHERE EXISTS (SELECT 1 FROM old_areas o JOIN new_areas n ON n.code = o.code
                    WHERE (o.kind IN ('community', 'village') OR n.kind IN ('community', 'village'))
                      AND o.boundary IS DISTINCT FROM n.boundary
                      AND (ST_Intersects(o.boundary, coalesce(u.footprint, u.location))
                           OR ST_Intersects(n.boundary, coalesce(u.footprint, u.location))));
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION unit_follow_boundaries() FROM PUBLIC;
COMMENT ON FUNCTION unit_follow_boundaries() IS
  'Statement trigger on area: re-places the units touched by added, redrawn or removed community boundaries (as the owner, so whoever may redraw areas need not have rights on units)';

CREATE TRIGGER unit_follow_boundaries_insert AFTER INSERT ON area
  REFERENCING NEW TABLE AS new_areas FOR EACH STATEMENT EXECUTE FUNCTION unit_follow_boundaries();
CREATE TRIGGER unit_follow_boundaries_update AFTER UPDATE ON area
  REFERENCING OLD TABLE AS old_areas NEW TABLE AS new_areas FOR EACH STATEMENT EXECUTE FUNCTION unit_follow_boundaries();
CREATE TRIGGER unit_follow_boundaries_delete AFTER DELETE ON area
  REFERENCING OLD TABLE AS old_areas FOR EACH STATEMENT EXECUTE FUNCTION unit_follow_boundaries();
