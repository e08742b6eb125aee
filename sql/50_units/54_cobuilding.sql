-- Co-building (共驻共建): the joint meeting or grand Party committee of each community, its
-- meetings, cross-appointments between the community and its units, and the compliance checks.

CREATE TABLE joint_meeting (
  community_code     community_code PRIMARY KEY REFERENCES area (code),
  form               text NOT NULL DEFAULT 'joint_meeting'
                       CHECK (form IN ('joint_meeting', 'grand_party_committee')),
  convener_leader_id bigint REFERENCES leader,
  established        date NOT NULL
);
COMMENT ON TABLE joint_meeting IS
  'The community''s Party-building joint meeting (联席会议) or grand Party committee (大党委), one per community';
COMMENT ON COLUMN joint_meeting.community_code IS 'the community';
COMMENT ON COLUMN joint_meeting.form IS 'joint_meeting (联席会议) or grand_party_committee (大党委)';
COMMENT ON COLUMN joint_meeting.convener_leader_id IS
  'convener (召集人 / 大党委书记): the subdistrict leader stationed in the community; NULL when vacant';
COMMENT ON COLUMN joint_meeting.established IS 'day it was set up';
SELECT commgrid.secure_table('commgrid.joint_meeting', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.register_dump('commgrid.joint_meeting');

CREATE TABLE joint_meeting_member (
  member_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES joint_meeting ON DELETE CASCADE,
  person_id      bigint NOT NULL REFERENCES resident (resident_id),
  unit_id        bigint REFERENCES unit,
  role           text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'deputy_convener', 'secretary')),
  starts         date NOT NULL,
  ends           date,
  CONSTRAINT joint_meeting_member_period CHECK (ends IS NULL OR ends >= starts),
  UNIQUE (community_code, person_id, starts)
);
CREATE INDEX joint_meeting_member_community_code_idx ON joint_meeting_member (community_code);
CREATE INDEX joint_meeting_member_unit_idx ON joint_meeting_member (unit_id);
CREATE INDEX joint_meeting_member_person_idx ON joint_meeting_member (person_id);
COMMENT ON TABLE joint_meeting_member IS
  'Members of a joint meeting: the Party heads of the resident units (unit_id set) and the community''s own Party people (unit_id NULL); the convener is a member without a row here';
COMMENT ON COLUMN joint_meeting_member.member_id IS 'Generated number of the joint-meeting membership (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN joint_meeting_member.community_code IS 'the joint meeting''s community';
COMMENT ON COLUMN joint_meeting_member.person_id IS 'the member';
COMMENT ON COLUMN joint_meeting_member.unit_id IS 'the unit the member represents; NULL for the community''s own members';
COMMENT ON COLUMN joint_meeting_member.role IS 'member, deputy_convener or secretary';
COMMENT ON COLUMN joint_meeting_member.starts IS 'First day in force (a date; compared with the district''s today)';
COMMENT ON COLUMN joint_meeting_member.ends IS 'last day; NULL while a member';
SELECT commgrid.secure_table('commgrid.joint_meeting_member', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.register_dump('commgrid.joint_meeting_member');

CREATE TABLE cobuilding_meeting (
  meeting_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES joint_meeting,
  held_on        date NOT NULL,
  topic          text NOT NULL CHECK (btrim(topic) <> ''),
  minutes        text,
  UNIQUE (meeting_id, community_code)
);
CREATE INDEX cobuilding_meeting_community_code_idx ON cobuilding_meeting (community_code, held_on);
COMMENT ON TABLE cobuilding_meeting IS 'Meetings held by a joint meeting / grand Party committee';
COMMENT ON COLUMN cobuilding_meeting.meeting_id IS 'Generated number of the co-building meeting (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN cobuilding_meeting.community_code IS 'the joint meeting''s community';
COMMENT ON COLUMN cobuilding_meeting.held_on IS 'Date the meeting was held; the joint meeting''s members of that day make its quorum';
COMMENT ON COLUMN cobuilding_meeting.topic IS 'Agenda of the meeting';
COMMENT ON COLUMN cobuilding_meeting.minutes IS 'Minutes of the meeting (free text)';
SELECT commgrid.secure_table('commgrid.cobuilding_meeting', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.register_dump('commgrid.cobuilding_meeting');

CREATE TABLE cobuilding_attendance (
  meeting_id     bigint NOT NULL,
  community_code gridcode NOT NULL,
  person_id      bigint NOT NULL REFERENCES resident (resident_id),
  PRIMARY KEY (meeting_id, person_id),
  FOREIGN KEY (meeting_id, community_code) REFERENCES cobuilding_meeting (meeting_id, community_code)
    ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX cobuilding_attendance_community_code_idx ON cobuilding_attendance (community_code);
COMMENT ON TABLE cobuilding_attendance IS
  'Who attended a meeting; only members on the day count towards the quorum';
COMMENT ON COLUMN cobuilding_attendance.meeting_id IS 'the meeting';
COMMENT ON COLUMN cobuilding_attendance.community_code IS 'the meeting''s community (kept equal by the foreign key)';
COMMENT ON COLUMN cobuilding_attendance.person_id IS 'a person present';
SELECT commgrid.secure_table('commgrid.cobuilding_attendance', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.register_dump('commgrid.cobuilding_attendance');

CREATE TABLE cobuilding_resolution (
  resolution_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meeting_id          bigint NOT NULL,
  community_code      gridcode NOT NULL,
  resolution          text NOT NULL CHECK (btrim(resolution) <> ''),
  responsible_unit_id bigint REFERENCES unit,
  due_on              date,
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
  done_on             date,
  CONSTRAINT cobuilding_resolution_done CHECK ((status = 'done') = (done_on IS NOT NULL)),
  FOREIGN KEY (meeting_id, community_code) REFERENCES cobuilding_meeting (meeting_id, community_code)
    ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX cobuilding_resolution_community_code_idx ON cobuilding_resolution (community_code);
CREATE INDEX cobuilding_resolution_unit_idx ON cobuilding_resolution (responsible_unit_id);
COMMENT ON TABLE cobuilding_resolution IS 'Resolutions of a meeting, with who carries them out and their state';
COMMENT ON COLUMN cobuilding_resolution.resolution_id IS 'Generated number of the resolution (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN cobuilding_resolution.meeting_id IS 'the meeting that resolved it';
COMMENT ON COLUMN cobuilding_resolution.community_code IS 'the meeting''s community';
COMMENT ON COLUMN cobuilding_resolution.resolution IS 'what was resolved';
COMMENT ON COLUMN cobuilding_resolution.responsible_unit_id IS 'the unit that carries it out; NULL for the community';
COMMENT ON COLUMN cobuilding_resolution.due_on IS 'Date by which it should be carried out; NULL for no deadline';
COMMENT ON COLUMN cobuilding_resolution.status IS 'open, done or dropped';
COMMENT ON COLUMN cobuilding_resolution.done_on IS 'day carried out (set exactly when status is done)';
SELECT commgrid.secure_table('commgrid.cobuilding_resolution', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{responsible_unit_id}');
SELECT commgrid.register_dump('commgrid.cobuilding_resolution');
-- the unit responsible is one of the writer's jurisdiction (missing alike)
CREATE TRIGGER cobuilding_resolution_unit_in_reach BEFORE INSERT OR UPDATE OF responsible_unit_id ON cobuilding_resolution
  FOR EACH ROW EXECUTE FUNCTION referenced_row_in_reach('responsible_unit_id', 'unit', 'unit_id', 'community_code');

-- Cross-appointment (双向进入、交叉任职): community Party people in unit Party organisations, and
-- unit heads in the community committee.  One person may hold several posts.
CREATE TABLE cross_appointment (
  appointment_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id      bigint NOT NULL REFERENCES resident (resident_id),
  direction      text NOT NULL CHECK (direction IN ('community_to_unit', 'unit_to_community')),
  community_code gridcode NOT NULL REFERENCES area (code),
  unit_id        bigint NOT NULL REFERENCES unit,
  post           text NOT NULL CHECK (btrim(post) <> ''),
  starts         date NOT NULL,
  ends           date,
  CONSTRAINT cross_appointment_period CHECK (ends IS NULL OR ends >= starts),
  UNIQUE (person_id, direction, community_code, unit_id, post, starts)
);
CREATE INDEX cross_appointment_community_code_idx ON cross_appointment (community_code);
CREATE INDEX cross_appointment_unit_idx ON cross_appointment (unit_id);
CREATE INDEX cross_appointment_person_idx ON cross_appointment (person_id);
COMMENT ON TABLE cross_appointment IS
  'Cross-appointments (交叉任职) between a community and a unit it co-builds with: the person belongs to both while in force';
COMMENT ON COLUMN cross_appointment.appointment_id IS 'Generated number of the cross-appointment (GENERATED ALWAYS AS IDENTITY); other tables refer to it';
COMMENT ON COLUMN cross_appointment.person_id IS 'the person appointed';
COMMENT ON COLUMN cross_appointment.direction IS
  'community_to_unit: a community Party person holds the post in the unit''s Party organisation; unit_to_community: a unit head holds the post in the community committee';
COMMENT ON COLUMN cross_appointment.community_code IS 'the community';
COMMENT ON COLUMN cross_appointment.unit_id IS 'the unit, which must co-build with the community';
COMMENT ON COLUMN cross_appointment.post IS 'the part-time post, e.g. 兼职委员';
COMMENT ON COLUMN cross_appointment.starts IS 'First day in force (a date; compared with the district''s today)';
COMMENT ON COLUMN cross_appointment.ends IS 'last day; NULL while in force';
SELECT commgrid.secure_table('commgrid.cross_appointment', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.register_dump('commgrid.cross_appointment');

-- A row about a unit and a community, before any rule reads whether they co-build or the unit
-- reported there: the community is one the writer reaches, or the unit is the liaison's own
-- (one 42501 otherwise).  For a community elsewhere, a unit that co-builds or reported there met
-- the row's policy (42501) and a missing one the rule (23514), which told who co-builds with whom.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION check_writer_reaches_cobuilding(unit bigint, community gridcode) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM commgrid.liaison_unit l
                 WHERE l.unit_id = check_writer_reaches_cobuilding.unit
                   AND l.role_name = commgrid.role_oid(commgrid.acting_role())) THEN
    PERFORM commgrid.check_writer_reach(community, format('community %s', community));
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION check_writer_reaches_cobuilding(bigint, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION check_writer_reaches_cobuilding(bigint, gridcode) IS
  'Raise 42501 unless the acting role reaches the community or is the unit''s liaison; internal to the co-building triggers, before their rules';

-- A unit named beside a community must co-build with it (unit_community): the one check, and
-- its message, for joint-meeting seats, cross-appointments, resources and dual reports.
-- keyed lookups only: enable_seqscan off (docs/design/cached-plans.md)
CREATE FUNCTION refuse_unless_cobuilds(unit bigint, community gridcode, detail text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp
  SET enable_seqscan = off AS $$
BEGIN
  PERFORM commgrid.check_writer_reaches_cobuilding(unit, community);
  IF EXISTS (SELECT 1 FROM commgrid.unit_community uc
              WHERE uc.unit_id = unit AND uc.community_code = community) THEN
    RETURN;
  END IF;
  IF hint IS NULL THEN
    RAISE EXCEPTION '% does not co-build with community %', commgrid.unit_label(unit), community
      USING ERRCODE = '23514', DETAIL = detail;
  END IF;
  RAISE EXCEPTION '% does not co-build with community %', commgrid.unit_label(unit), community
    USING ERRCODE = '23514', DETAIL = detail, HINT = hint;
END $$;
REVOKE EXECUTE ON FUNCTION refuse_unless_cobuilds(bigint, gridcode, text, text) FROM PUBLIC;
COMMENT ON FUNCTION refuse_unless_cobuilds(bigint, gridcode, text, text) IS
  'Raises 23514 "unit … does not co-build with community …" (with the detail and hint given) unless unit_community ties them; called by the integrity triggers, as the owner';

-- The convener of a community's joint meeting is a leader of its subdistrict.
CREATE FUNCTION joint_meeting_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  l commgrid.leader;
BEGIN
  IF NEW.convener_leader_id IS NOT NULL THEN
    l := commgrid.leader_named(NEW.convener_leader_id, NEW.community_code);
    IF l.leader_id IS NOT NULL AND (l.level <> 'subdistrict' OR NOT NEW.community_code <@ l.area_code) THEN
      RAISE EXCEPTION 'the convener of community %''s joint meeting must be a leader of its subdistrict', NEW.community_code
        USING ERRCODE = '23514',
              DETAIL = format('%s (person %s) is a %s leader of %s; community %s is in subdistrict %s.',
                              l.title, l.person_id, l.level, l.area_code, NEW.community_code, commgrid.parent(NEW.community_code)),
              HINT = 'The convener is the subdistrict leader stationed in the community.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION joint_meeting_check() FROM PUBLIC;
COMMENT ON FUNCTION joint_meeting_check() IS
  'Trigger: the convener of a joint meeting is a leader of the community''s subdistrict';

-- A unit's representative in a joint meeting comes from a unit that co-builds with it.
CREATE FUNCTION joint_meeting_member_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF NEW.unit_id IS NOT NULL THEN
    PERFORM commgrid.refuse_unless_cobuilds(NEW.unit_id, NEW.community_code,
      format('Person %s cannot represent %s in the joint meeting of %s: the unit''s campus is not in that community.',
             NEW.person_id, commgrid.unit_label(NEW.unit_id), NEW.community_code));
  END IF;
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION joint_meeting_member_check() FROM PUBLIC;
COMMENT ON FUNCTION joint_meeting_member_check() IS
  'Trigger: a joint-meeting member representing a unit needs a unit that co-builds with the community';

-- A cross-appointment joins a community and a unit that co-builds with it.
CREATE FUNCTION cross_appointment_check() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  PERFORM commgrid.refuse_unless_cobuilds(NEW.unit_id, NEW.community_code,
    format('Cross-appointment of person %s (%s) needs a unit whose campus is in community %s.',
           NEW.person_id, NEW.post, NEW.community_code));
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION cross_appointment_check() FROM PUBLIC;
COMMENT ON FUNCTION cross_appointment_check() IS
  'Trigger: a cross-appointment needs a unit that co-builds with the community';

CREATE TRIGGER joint_meeting_check BEFORE INSERT OR UPDATE ON joint_meeting
  FOR EACH ROW EXECUTE FUNCTION joint_meeting_check();
CREATE TRIGGER joint_meeting_member_check BEFORE INSERT OR UPDATE ON joint_meeting_member
  FOR EACH ROW EXECUTE FUNCTION joint_meeting_member_check();
CREATE TRIGGER cross_appointment_check BEFORE INSERT OR UPDATE ON cross_appointment
  FOR EACH ROW EXECUTE FUNCTION cross_appointment_check();

-- The members of a joint meeting on a day: member rows in force, and the convener.
CREATE FUNCTION joint_meeting_members(community gridcode, on_date date)
RETURNS TABLE (person_id bigint, unit_id bigint, is_convener bool)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT x.person_id, min(x.unit_id), bool_or(x.is_convener)
    FROM (SELECT m.person_id, m.unit_id, false AS is_convener
            FROM commgrid.joint_meeting_member m
           WHERE m.community_code = community AND commgrid.period_in_force(m.starts, m.ends, on_date)
          UNION ALL
          SELECT l.person_id, NULL::bigint, true
            FROM commgrid.joint_meeting j JOIN commgrid.leader l ON l.leader_id = j.convener_leader_id
           WHERE j.community_code = community AND commgrid.period_in_force(l.starts, l.ends, on_date)) x
   GROUP BY x.person_id
$$;
COMMENT ON FUNCTION joint_meeting_members(gridcode, date) IS
  'Members of a community''s joint meeting on a day: member rows in force and the convener (if in post)';

-- Does a person hold a post in an organisation on a day?  Used for recusal (回避).
-- A community: a seat on the committee of one of its Party organisations or the secretary's
-- chair, a cross-appointment with it either way, its own joint-meeting seat (not as a unit's
-- representative), or convening its joint meeting.
CREATE FUNCTION holds_post_in_community(person bigint, community gridcode, on_date date) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM commgrid.party_org_committee c
                  WHERE c.resident_id = person AND c.community_code = community)
      OR EXISTS (SELECT 1 FROM commgrid.party_org o
                  WHERE o.secretary_id = person AND o.community_code = community AND o.kind <> 'party_group')
      OR EXISTS (SELECT 1 FROM commgrid.cross_appointment a
                  WHERE a.person_id = person AND a.community_code = community
                    AND commgrid.period_in_force(a.starts, a.ends, on_date))
      OR EXISTS (SELECT 1 FROM commgrid.joint_meeting_member m
                  WHERE m.person_id = person AND m.community_code = community AND m.unit_id IS NULL
                    AND commgrid.period_in_force(m.starts, m.ends, on_date))
      OR EXISTS (SELECT 1 FROM commgrid.joint_meeting j JOIN commgrid.leader l ON l.leader_id = j.convener_leader_id
                  WHERE j.community_code = community AND l.person_id = person
                    AND commgrid.period_in_force(l.starts, l.ends, on_date))
$$;
COMMENT ON FUNCTION holds_post_in_community(bigint, gridcode, date) IS
  'Does the person hold a post in the community''s organisation on the day (committee seat or secretary of one of its Party organisations today, cross-appointment either way, own joint-meeting seat, or convener)?';

-- A unit: its Party head, a cross-appointment with it either way, or its joint-meeting seat.
CREATE FUNCTION holds_post_in_unit(person bigint, unit bigint, on_date date) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM commgrid.unit u WHERE u.unit_id = unit AND u.party_secretary_id = person)
      OR EXISTS (SELECT 1 FROM commgrid.cross_appointment a
                  WHERE a.person_id = person AND a.unit_id = unit
                    AND commgrid.period_in_force(a.starts, a.ends, on_date))
      OR EXISTS (SELECT 1 FROM commgrid.joint_meeting_member m
                  WHERE m.person_id = person AND m.unit_id = unit
                    AND commgrid.period_in_force(m.starts, m.ends, on_date))
$$;
COMMENT ON FUNCTION holds_post_in_unit(bigint, bigint, date) IS
  'Does the person hold a post in the unit on the day (its Party head, a cross-appointment either way, or its joint-meeting seat)?';

-- A subdistrict: a leader of it in post.
CREATE FUNCTION holds_post_in_subdistrict(person bigint, subdistrict gridcode, on_date date) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM commgrid.leader l
                  WHERE l.person_id = person AND l.level = 'subdistrict' AND l.area_code = subdistrict
                    AND commgrid.period_in_force(l.starts, l.ends, on_date))
$$;
COMMENT ON FUNCTION holds_post_in_subdistrict(bigint, gridcode, date) IS
  'Is the person a leader of the subdistrict on the day?';

-- Compliance 1: units whose Party head is not a member of their community's joint meeting.
-- The compliance views compute with their owner's rights and show the caller's jurisdiction
-- (commgrid.reaches).  joint_meeting_members runs with the caller's rights, so it is called
-- only for rows already in the jurisdiction: the OFFSET 0 subquery filters first.
CREATE VIEW cobuilding_head_not_member WITH (security_barrier) AS
SELECT u.unit_id, u.name AS unit_name, u.community_code::text AS community_code,
       u.party_secretary_id,
       CASE WHEN u.party_secretary_id IS NULL THEN 'no Party head recorded'
            WHEN j.community_code IS NULL THEN 'community has no joint meeting'
            ELSE 'Party head is not a member' END AS reason
  FROM (SELECT * FROM commgrid.unit WHERE commgrid.reaches(community_code, (SELECT commgrid.reach_scopes())) OFFSET 0) u
  LEFT JOIN commgrid.joint_meeting j ON j.community_code = u.community_code
 WHERE u.community_code IS NOT NULL
   AND (u.party_secretary_id IS NULL OR j.community_code IS NULL
        OR NOT EXISTS (SELECT 1 FROM commgrid.joint_meeting_members(u.community_code, commgrid.district_today()) m
                        WHERE m.person_id = u.party_secretary_id));
COMMENT ON VIEW cobuilding_head_not_member IS
  'Compliance: resident units whose Party head is today not a member of their own community''s joint meeting, with the reason';
COMMENT ON COLUMN cobuilding_head_not_member.unit_id IS 'The resident unit';
COMMENT ON COLUMN cobuilding_head_not_member.unit_name IS 'Name of the unit';
COMMENT ON COLUMN cobuilding_head_not_member.community_code IS 'The unit''s home community, as text';
COMMENT ON COLUMN cobuilding_head_not_member.party_secretary_id IS 'The unit''s Party head (resident_id); NULL when none is recorded';
COMMENT ON COLUMN cobuilding_head_not_member.reason IS 'Party head is not a member, no Party head recorded, or community has no joint meeting';

-- Compliance 2: meetings below quorum (more than half of the members on the day must attend).
CREATE VIEW cobuilding_meeting_below_quorum WITH (security_barrier) AS
SELECT mt.meeting_id, mt.community_code::text AS community_code, mt.held_on, mt.topic,
       n.members::int AS members, n.present_members::int AS present_members,
       (n.members / 2 + 1)::int AS quorum
  FROM (SELECT * FROM commgrid.cobuilding_meeting WHERE commgrid.reaches(community_code, (SELECT commgrid.reach_scopes())) OFFSET 0) mt
 CROSS JOIN LATERAL (
   SELECT count(*) AS members,
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM commgrid.cobuilding_attendance a
                                          WHERE a.meeting_id = mt.meeting_id AND a.person_id = m.person_id)) AS present_members
     FROM commgrid.joint_meeting_members(mt.community_code, mt.held_on) m) n
 WHERE n.present_members * 2 <= n.members;
COMMENT ON VIEW cobuilding_meeting_below_quorum IS
  'Compliance: meetings attended by no more than half of the members of the day (quorum = members / 2 + 1, integer division); guests do not count';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.meeting_id IS 'The co-building meeting';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.community_code IS 'The joint meeting''s community, as text';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.held_on IS 'Day the meeting was held';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.topic IS 'Agenda of the meeting';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.members IS 'Members of the joint meeting on that day, convener included';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.present_members IS 'Of those, how many attended (guests do not count)';
COMMENT ON COLUMN cobuilding_meeting_below_quorum.quorum IS 'Members needed: members / 2 + 1 (integer division)';

-- Compliance 3: communities with no convener in post.
CREATE VIEW cobuilding_community_without_convener WITH (security_barrier) AS
SELECT c.code::text AS community_code, c.name AS community_name,
       CASE WHEN j.community_code IS NULL THEN 'no joint meeting'
            WHEN j.convener_leader_id IS NULL THEN 'convener vacant'
            ELSE 'convener out of post' END AS reason
  FROM commgrid.area c
  LEFT JOIN commgrid.joint_meeting j ON j.community_code = c.code
  LEFT JOIN commgrid.leader l ON l.leader_id = j.convener_leader_id
 WHERE c.kind IN ('community', 'village') AND commgrid.reaches(c.code, (SELECT commgrid.reach_scopes()))
   AND (j.community_code IS NULL OR l.leader_id IS NULL
        OR NOT commgrid.period_in_force(l.starts, l.ends, commgrid.district_today()));
COMMENT ON VIEW cobuilding_community_without_convener IS
  'Compliance: communities today without a convener: no joint meeting, the post vacant, or the convener out of post';
COMMENT ON COLUMN cobuilding_community_without_convener.community_code IS 'The community, as text';
COMMENT ON COLUMN cobuilding_community_without_convener.community_name IS 'Name of the community';
COMMENT ON COLUMN cobuilding_community_without_convener.reason IS 'no joint meeting, convener vacant, or convener out of post';

-- Each community's two-way ties: cross-appointments in force today, in both directions.
CREATE VIEW community_two_way_ties WITH (security_barrier) AS
SELECT a.community_code::text AS community_code, c.name AS community_name, a.direction,
       a.person_id, a.unit_id, u.name AS unit_name, a.post, a.starts, a.ends
  FROM commgrid.cross_appointment a
  JOIN commgrid.area c ON c.code = a.community_code
  JOIN commgrid.unit u ON u.unit_id = a.unit_id
 WHERE commgrid.period_in_force(a.starts, a.ends, commgrid.district_today()) AND commgrid.reaches(a.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW community_two_way_ties IS
  'Cross-appointments in force today: community Party people in unit Party organisations (community_to_unit) and unit heads in the community committee (unit_to_community)';
COMMENT ON COLUMN community_two_way_ties.community_code IS 'The community, as text';
COMMENT ON COLUMN community_two_way_ties.community_name IS 'Name of the community';
COMMENT ON COLUMN community_two_way_ties.direction IS 'community_to_unit (a community Party person in the unit''s Party organisation) or unit_to_community (a unit head in the community committee)';
COMMENT ON COLUMN community_two_way_ties.person_id IS 'The person appointed (resident_id)';
COMMENT ON COLUMN community_two_way_ties.unit_id IS 'The unit';
COMMENT ON COLUMN community_two_way_ties.unit_name IS 'Name of the unit';
COMMENT ON COLUMN community_two_way_ties.post IS 'The part-time post, e.g. 兼职委员';
COMMENT ON COLUMN community_two_way_ties.starts IS 'First day of the appointment';
COMMENT ON COLUMN community_two_way_ties.ends IS 'Last day of the appointment; NULL while open-ended';

CREATE VIEW community_two_way_tie_summary WITH (security_barrier) AS
SELECT c.code::text AS community_code, c.name AS community_name,
       count(*) FILTER (WHERE a.direction = 'community_to_unit')::int AS community_to_unit,
       count(*) FILTER (WHERE a.direction = 'unit_to_community')::int AS unit_to_community,
       count(DISTINCT a.unit_id)::int AS units_tied,
       count(DISTINCT a.person_id)::int AS persons,
       (count(*) FILTER (WHERE a.direction = 'community_to_unit') > 0
        AND count(*) FILTER (WHERE a.direction = 'unit_to_community') > 0) AS two_way
  FROM commgrid.area c
  LEFT JOIN commgrid.cross_appointment a
         ON a.community_code = c.code AND commgrid.period_in_force(a.starts, a.ends, commgrid.district_today())
 WHERE c.kind IN ('community', 'village') AND commgrid.reaches(c.code, (SELECT commgrid.reach_scopes()))
 GROUP BY c.code, c.name;
COMMENT ON VIEW community_two_way_tie_summary IS
  'Per community: cross-appointments in force today in each direction, units and persons tied, and whether entry runs both ways (双向进入)';
COMMENT ON COLUMN community_two_way_tie_summary.community_code IS 'The community, as text';
COMMENT ON COLUMN community_two_way_tie_summary.community_name IS 'Name of the community';
COMMENT ON COLUMN community_two_way_tie_summary.community_to_unit IS 'Cross-appointments in force today from the community into units';
COMMENT ON COLUMN community_two_way_tie_summary.unit_to_community IS 'Cross-appointments in force today from units into the community';
COMMENT ON COLUMN community_two_way_tie_summary.units_tied IS 'Distinct units with a cross-appointment in force today';
COMMENT ON COLUMN community_two_way_tie_summary.persons IS 'Distinct persons holding one';
COMMENT ON COLUMN community_two_way_tie_summary.two_way IS 'Whether entry runs both ways (双向进入): at least one appointment in each direction';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX joint_meeting_convener_leader_id_idx ON joint_meeting (convener_leader_id);
CREATE INDEX cobuilding_resolution_meeting_id_idx ON cobuilding_resolution (meeting_id);
CREATE INDEX cobuilding_attendance_person_id_idx ON cobuilding_attendance (person_id);
