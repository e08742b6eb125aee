-- Leaders' contact points (联系点, city and district leaders) and area responsibility (包片责任制,
-- subdistrict leaders over communities or grids), as the report's first recommendation asks.

CREATE TABLE leader (
  leader_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id  bigint NOT NULL REFERENCES resident (resident_id),
  level      text NOT NULL CHECK (level IN ('city', 'district', 'subdistrict')),
  area_code  gridcode NOT NULL,
  title      text NOT NULL CHECK (btrim(title) <> ''),
  starts     date NOT NULL,
  ends       date,
  -- the leader's level is an area kind; kind_depth is NULL for another word, which the
  -- level CHECK refuses
  CONSTRAINT leader_area_fits_level CHECK (commgrid.depth(area_code) = commgrid.kind_depth(level)),
  CONSTRAINT leader_period CHECK (ends IS NULL OR ends >= starts)
);
CREATE INDEX leader_area_code_idx ON leader (area_code);
CREATE INDEX leader_person_idx ON leader (person_id);
COMMENT ON TABLE leader IS
  'Leading cadres of the city, the district and the subdistricts, with their term: the holders of contact points and area responsibility, and the conveners of joint meetings';
COMMENT ON COLUMN leader.leader_id IS 'Generated number of the leader post (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN leader.person_id IS 'the person (resident_id)';
COMMENT ON COLUMN leader.level IS 'city, district or subdistrict';
COMMENT ON COLUMN leader.area_code IS 'the city (4 digits), district (6) or subdistrict/town (9) the leader belongs to';
COMMENT ON COLUMN leader.title IS 'post, e.g. 区委副书记, 街道党工委副书记';
COMMENT ON COLUMN leader.starts IS 'first day in post';
COMMENT ON COLUMN leader.ends IS 'last day in post; NULL while in post';
SELECT commgrid.secure_table('commgrid.leader', '{area_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff}');
SELECT commgrid.register_dump('commgrid.leader');
-- Staff also read the leaders above their jurisdiction: the subdistrict's leaders convene its
-- communities' joint meetings and answer for their communities and grids (包片), the city's
-- and the district's keep contact points in them.  A leader's area is a city, district or
-- subdistrict, which no community lies above, so community staff saw none of them: not the
-- convener of their own joint meeting (joint_meeting_members left it out), nor the leaders to
-- choose one from.  The rules already name a leader above the row's area to the staff below
-- (leader_named); what they write is still the jurisdiction policy's.
CREATE POLICY over_jurisdiction ON leader FOR SELECT
  USING (area_code OPERATOR(commgrid.@>) ANY ((SELECT commgrid.jurisdiction_scopes())::commgrid.gridcode[]));
COMMENT ON POLICY over_jurisdiction ON leader IS
  'Staff read the leaders whose area holds their jurisdiction (the conveners, contact-point and area-responsibility leaders over them)';

-- Is a leader, or any row with a starts/ends period, in force on a day?
CREATE FUNCTION period_in_force(starts date, ends date, on_date date) RETURNS bool
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN starts <= on_date AND (ends IS NULL OR ends >= on_date);
COMMENT ON FUNCTION period_in_force(date, date, date) IS
  'Is a period [starts, ends] (ends NULL = open) in force on a day?';

CREATE TABLE contact_point (
  contact_point_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  leader_id        bigint NOT NULL REFERENCES leader,
  community_code   community_code NOT NULL REFERENCES area (code),
  starts           date NOT NULL,
  ends             date,
  CONSTRAINT contact_point_period CHECK (ends IS NULL OR ends >= starts),
  UNIQUE (leader_id, community_code, starts)
);
CREATE INDEX contact_point_community_code_idx ON contact_point (community_code);
COMMENT ON TABLE contact_point IS
  'Contact points (联系点): communities a city or district leader keeps in touch with for Party-building';
COMMENT ON COLUMN contact_point.contact_point_id IS 'Generated number of the contact point (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN contact_point.leader_id IS 'a city or district leader';
COMMENT ON COLUMN contact_point.community_code IS 'the contact community, inside the leader''s city or district';
COMMENT ON COLUMN contact_point.starts IS 'First day in force (a date; compared with the district''s today)';
COMMENT ON COLUMN contact_point.ends IS 'last day; NULL while in force';
SELECT commgrid.secure_table('commgrid.contact_point', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff}');
SELECT commgrid.register_dump('commgrid.contact_point');

CREATE TABLE area_responsibility (
  responsibility_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  leader_id         bigint NOT NULL REFERENCES leader,
  area_code         gridcode NOT NULL REFERENCES area (code),
  community_code    gridcode GENERATED ALWAYS AS (commgrid.ancestor(area_code, commgrid.level_depth('community'))) STORED,
  starts            date NOT NULL,
  ends              date,
  CONSTRAINT area_responsibility_period CHECK (ends IS NULL OR ends >= starts),
  CONSTRAINT area_responsibility_level CHECK (commgrid.level(area_code) IN ('community', 'grid')),
  UNIQUE (leader_id, area_code, starts)
);
CREATE INDEX area_responsibility_community_code_idx ON area_responsibility (community_code);
COMMENT ON TABLE area_responsibility IS
  'Area responsibility (包片): communities or grids a subdistrict leader answers for';
COMMENT ON COLUMN area_responsibility.responsibility_id IS 'Generated number of the area responsibility (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN area_responsibility.leader_id IS 'a subdistrict leader';
COMMENT ON COLUMN area_responsibility.area_code IS 'a community or a grid of the leader''s subdistrict';
COMMENT ON COLUMN area_responsibility.community_code IS 'the community of area_code (itself, or the grid''s community)';
COMMENT ON COLUMN area_responsibility.starts IS 'First day in force (a date; compared with the district''s today)';
COMMENT ON COLUMN area_responsibility.ends IS 'last day; NULL while in force';
SELECT commgrid.secure_table('commgrid.area_responsibility', '{area_code, community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff}');
SELECT commgrid.register_dump('commgrid.area_responsibility');

-- A contact point needs a city or district leader over the community; a responsibility a
-- subdistrict leader of the community's own subdistrict.  Both: inside the leader's own area.
CREATE FUNCTION refuse_outside_leader_area(l leader, target gridcode) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF NOT target <@ l.area_code THEN
    RAISE EXCEPTION 'area % is outside the area % of % (person %)', target, l.area_code, l.title, l.person_id
      USING ERRCODE = '23514',
            DETAIL = format('%s (person %s) is a %s leader of %s; %s is not inside it.', l.title, l.person_id, l.level, l.area_code, target);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION refuse_outside_leader_area(leader, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION refuse_outside_leader_area(leader, gridcode) IS
  'Raises 23514 unless the area is inside the leader''s own area (contact points and area responsibility)';

-- The leader a row names, read as the owner for the rules below, once the writer may see it
-- (check_writer_reach, before a rule's message describes the leader: 甲's township staff read
-- the title, person and area of 乙's leader, whom its policy hides).  The writer sees a leader
-- of its jurisdiction, and a leader above the row's area when the row's area is its own (a
-- city or district leader over the community, whom over_jurisdiction shows to the staff
-- below); a leader above a row's area elsewhere is as hidden as the row.  A missing leader is
-- refused with the same 42501 (the foreign key's answer told which ids exist); for the owner
-- and superusers, who pass, NULL and the foreign key reports it.
CREATE FUNCTION leader_named(leader bigint, target gridcode) RETURNS leader
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  l commgrid.leader;
BEGIN
  SELECT * INTO l FROM commgrid.leader x WHERE x.leader_id = leader_named.leader;
  PERFORM commgrid.check_writer_reach(
    CASE WHEN COALESCE(target <@ l.area_code, false) THEN target ELSE l.area_code END,
    format('leader %s', leader_named.leader));
  RETURN l;
END $$;
REVOKE EXECUTE ON FUNCTION leader_named(bigint, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION leader_named(bigint, gridcode) IS
  'The leader a row names (NULL when none, for the owner), 42501 unless the writer sees it: the leader''s area in the writer''s jurisdiction, or the row''s area, when the leader''s area holds it; a missing leader alike; internal to the leader rules, called as the owner';

CREATE FUNCTION contact_point_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  l commgrid.leader;
BEGIN
  l := commgrid.leader_named(NEW.leader_id, NEW.community_code);
  IF l.leader_id IS NULL THEN
    RETURN NEW;   -- the owner: the foreign key reports it
  END IF;
  IF l.level NOT IN ('city', 'district') THEN
    RAISE EXCEPTION '% (person %) is a % leader; contact points are for city and district leaders', l.title, l.person_id, l.level
      USING ERRCODE = '23514',
            DETAIL = format('%s (person %s) cannot take community %s as a contact point.', l.title, l.person_id, NEW.community_code),
            HINT = 'Subdistrict leaders take area responsibility (area_responsibility) instead.';
  END IF;
  PERFORM commgrid.refuse_outside_leader_area(l, NEW.community_code);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION contact_point_check() FROM PUBLIC;
COMMENT ON FUNCTION contact_point_check() IS
  'Trigger: contact points belong to city or district leaders, inside their own area';

CREATE FUNCTION area_responsibility_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  l commgrid.leader;
BEGIN
  l := commgrid.leader_named(NEW.leader_id, NEW.area_code);
  IF l.leader_id IS NULL THEN
    RETURN NEW;   -- the owner: the foreign key reports it
  END IF;
  IF l.level <> 'subdistrict' THEN
    RAISE EXCEPTION '% (person %) is a % leader; area responsibility is for subdistrict leaders', l.title, l.person_id, l.level
      USING ERRCODE = '23514',
            DETAIL = format('%s (person %s) cannot answer for area %s.', l.title, l.person_id, NEW.area_code),
            HINT = 'City and district leaders take contact points (contact_point) instead.';
  END IF;
  PERFORM commgrid.refuse_outside_leader_area(l, NEW.area_code);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION area_responsibility_check() FROM PUBLIC;
COMMENT ON FUNCTION area_responsibility_check() IS
  'Trigger: area responsibility belongs to subdistrict leaders, inside their own area';

CREATE TRIGGER contact_point_check BEFORE INSERT OR UPDATE ON contact_point
  FOR EACH ROW EXECUTE FUNCTION contact_point_check();
CREATE TRIGGER area_responsibility_check BEFORE INSERT OR UPDATE ON area_responsibility
  FOR EACH ROW EXECUTE FUNCTION area_responsibility_check();

CREATE VIEW community_without_leader WITH (security_barrier) AS
SELECT c.code::text AS community_code, c.name AS community_name,
       c.parent::text AS subdistrict_code, s.name AS subdistrict_name
  FROM commgrid.area c
  LEFT JOIN commgrid.area s ON s.code = c.parent
 WHERE c.kind IN ('community', 'village') AND commgrid.reaches(c.code, (SELECT commgrid.reach_scopes()))
   AND NOT EXISTS (SELECT 1 FROM commgrid.contact_point p
                    WHERE p.community_code = c.code AND commgrid.period_in_force(p.starts, p.ends, commgrid.district_today())
                      AND EXISTS (SELECT 1 FROM commgrid.leader l WHERE l.leader_id = p.leader_id
                                     AND commgrid.period_in_force(l.starts, l.ends, commgrid.district_today())))
   AND NOT EXISTS (SELECT 1 FROM commgrid.area_responsibility r
                    WHERE r.community_code = c.code AND commgrid.period_in_force(r.starts, r.ends, commgrid.district_today())
                      AND EXISTS (SELECT 1 FROM commgrid.leader l WHERE l.leader_id = r.leader_id
                                     AND commgrid.period_in_force(l.starts, l.ends, commgrid.district_today())));
COMMENT ON VIEW community_without_leader IS
  'Communities that today have neither a contact leader (联系点) nor a responsible subdistrict leader (包片) over the community or one of its grids; a leader out of post does not count';
COMMENT ON COLUMN community_without_leader.community_code IS 'The community, as text';
COMMENT ON COLUMN community_without_leader.community_name IS 'Name of the community';
COMMENT ON COLUMN community_without_leader.subdistrict_code IS 'Its subdistrict or town, as text';
COMMENT ON COLUMN community_without_leader.subdistrict_name IS 'Name of the subdistrict or town';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX area_responsibility_area_code_idx ON area_responsibility (area_code);
