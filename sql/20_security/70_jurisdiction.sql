-- The jurisdiction map and the four functions that change the role maps (the liaison map
-- itself, liaison_unit, lives with the units it points to; the social workers' logins,
-- social_worker_login and its two functions, with social work in 71_social_work.sql).  All
-- make the one caller check, check_grantor.

-- Which areas each login role may reach: one or more gridcodes, a district, township,
-- community or grid; everything under a code is inside it.  A row is used only while the
-- role's current staff group allows its level (role_scopes).
CREATE TABLE jurisdiction (
  role_name  regrole NOT NULL,
  scope      gridcode NOT NULL REFERENCES area (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
  granted_by name NOT NULL DEFAULT session_user,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_name, scope)
);
CREATE INDEX jurisdiction_scope_idx ON jurisdiction (scope);
COMMENT ON TABLE jurisdiction IS
  'Jurisdiction of each login role: the gridcodes it may read and write (every code under them included); change it with grant_jurisdiction / revoke_jurisdiction';
COMMENT ON COLUMN jurisdiction.role_name IS
  'Login role the scope belongs to, stored by OID (shown as its name): a later role with the same name does not match; a dropped role''s rows show a bare number and match nobody (commgrid.forget_dropped_roles() removes them)';
COMMENT ON COLUMN jurisdiction.scope IS
  'An area code: a district for a district administrator, a township for township staff, a community for community staff, a grid for a grid worker';
COMMENT ON COLUMN jurisdiction.granted_by IS 'Session role that granted the scope';
COMMENT ON COLUMN jurisdiction.granted_at IS 'Time the scope was granted (start of the granting transaction, with zone)';

-- user data: pg_dump saves the mapping with the database
SELECT commgrid.register_dump('commgrid.jurisdiction');

-- A role sees only its own rows: the policies of other tables read this one as the caller.
ALTER TABLE jurisdiction ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON jurisdiction FOR SELECT
  USING (role_name = (SELECT commgrid.role_oid(current_user)));

-- who was given which jurisdiction is audited
SELECT commgrid.audit_table('commgrid.jurisdiction');

-- THE CALLER CHECK of the four grant and revoke functions, its one source: the acting role is
-- a superuser, or a district administrator whose jurisdiction (as role_scopes allows it
-- now) holds the area: the scope given or taken, or the community of the unit.  42501
-- otherwise, the same for a missing unit as for one elsewhere.
CREATE FUNCTION check_grantor(area_code gridcode, action text, what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  actor name := commgrid.acting_role();
BEGIN
  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = actor) THEN
    RETURN;
  END IF;
  IF NOT commgrid.is_member_of(actor, 'district_admin') THEN
    RAISE EXCEPTION 'role % may not %', actor, action
      USING ERRCODE = '42501', HINT = 'Only district administrators grant and revoke jurisdiction and liaison rights.';
  END IF;
  IF area_code IS NULL
     OR NOT COALESCE(area_code OPERATOR(commgrid.<@) ANY (commgrid.role_scopes(actor)), false) THEN
    RAISE EXCEPTION '% is outside the jurisdiction of %', what, actor
      USING ERRCODE = '42501';
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION check_grantor(gridcode, text, text) FROM PUBLIC;
COMMENT ON FUNCTION check_grantor(gridcode, text, text) IS
  'Raise 42501 unless the acting role is a superuser or a district administrator whose jurisdiction holds the area (internal to the grant and revoke functions)';

-- Give a login role a scope.  A district administrator may grant within their own
-- jurisdiction; the scope must be no higher than the role's group allows.
CREATE FUNCTION grant_jurisdiction(member name, area_code gridcode) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  member_oid regrole := commgrid.role_oid(member);
  min_depth int;
BEGIN
  PERFORM commgrid.check_grantor(area_code, 'grant jurisdiction', format('area %s', area_code));
  IF member_oid IS NULL THEN
    RAISE EXCEPTION 'role "%" does not exist', member USING ERRCODE = '42704';
  END IF;
  min_depth := commgrid.staff_min_depth(member);
  IF min_depth IS NULL THEN
    RAISE EXCEPTION 'role % belongs to no staff role', member
      USING ERRCODE = '22023',
            HINT = 'Grant it commgrid_district_admin, commgrid_township_staff, commgrid_community_staff or commgrid_grid_worker first.';
  END IF;
  IF commgrid.depth(area_code) < min_depth THEN
    RAISE EXCEPTION 'area % is a %, too high for role %', area_code, commgrid.level(area_code), member
      USING ERRCODE = '22023',
            DETAIL = format('The role''s staff group may be given areas of depth %s or deeper.', min_depth);
  END IF;
  INSERT INTO commgrid.jurisdiction (role_name, scope) VALUES (member_oid, area_code)
    ON CONFLICT DO NOTHING;
END $$;
REVOKE EXECUTE ON FUNCTION grant_jurisdiction(name, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION grant_jurisdiction(name, gridcode) IS
  'Give a login role an area of jurisdiction (superuser, or a district administrator within their own district)';

CREATE FUNCTION revoke_jurisdiction(member name, area_code gridcode) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  PERFORM commgrid.check_grantor(area_code, 'revoke jurisdiction', format('area %s', area_code));
  DELETE FROM commgrid.jurisdiction j
  WHERE j.role_name = commgrid.role_oid(member) AND j.scope = area_code;
  RETURN FOUND;
END $$;
REVOKE EXECUTE ON FUNCTION revoke_jurisdiction(name, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION revoke_jurisdiction(name, gridcode) IS
  'Take an area of jurisdiction from a login role; true when it had it';

-- Make a login role the liaison of a resident unit.  A district administrator may do it for
-- units of communities in their own jurisdiction.
CREATE FUNCTION grant_liaison(member name, unit bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  PERFORM commgrid.check_grantor(
    (SELECT u.community_code FROM commgrid.unit u WHERE u.unit_id = unit),
    'grant liaison rights', format('unit %s', unit));
  IF NOT commgrid.is_member_of(member, 'unit_liaison') THEN
    RAISE EXCEPTION 'role % is not a unit liaison', member
      USING ERRCODE = '22023', HINT = 'Grant it commgrid_unit_liaison first.';
  END IF;
  INSERT INTO commgrid.liaison_unit (role_name, unit_id) VALUES (commgrid.role_oid(member), unit)
    ON CONFLICT DO NOTHING;
END $$;
REVOKE EXECUTE ON FUNCTION grant_liaison(name, bigint) FROM PUBLIC;
COMMENT ON FUNCTION grant_liaison(name, bigint) IS
  'Make a login role the liaison of a resident unit (superuser, or a district administrator for units in their district)';

CREATE FUNCTION revoke_liaison(member name, unit bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  PERFORM commgrid.check_grantor(
    (SELECT u.community_code FROM commgrid.unit u WHERE u.unit_id = unit),
    'revoke liaison rights', format('unit %s', unit));
  DELETE FROM commgrid.liaison_unit l
  WHERE l.role_name = commgrid.role_oid(member) AND l.unit_id = unit;
  RETURN FOUND;
END $$;
REVOKE EXECUTE ON FUNCTION revoke_liaison(name, bigint) FROM PUBLIC;
COMMENT ON FUNCTION revoke_liaison(name, bigint) IS
  'Take a resident unit from a liaison (superuser, or a district administrator for units in their district); true when it had it';

-- Roles cannot carry event triggers, so nothing removes a dropped role's rows by itself:
-- they match nobody (keyed by OID), security_findings lists them, and this clears them.
CREATE FUNCTION forget_dropped_roles() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  n bigint;
  m bigint;
BEGIN
  DELETE FROM commgrid.jurisdiction j
  WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid = j.role_name);
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM commgrid.liaison_unit l
  WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid = l.role_name);
  GET DIAGNOSTICS m = ROW_COUNT;
  n := n + m;
  DELETE FROM commgrid.social_worker_login w
  WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid = w.role_name);
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END $$;
REVOKE EXECUTE ON FUNCTION forget_dropped_roles() FROM PUBLIC;
COMMENT ON FUNCTION forget_dropped_roles() IS
  'Delete the jurisdiction, liaison and social-worker login rows of roles that no longer exist; returns how many (superuser, after DROP ROLE)';

