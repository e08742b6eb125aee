-- Jurisdiction security: group roles, the jurisdiction mapping and row-level security.
--
-- Roles belong to the cluster and the extension to one database, so this script creates no
-- role: the administrator calls commgrid.create_roles() once per cluster (and again in each
-- database that has the extension, to grant there).  Every table with per-area data is
-- registered with commgrid.secure_table(), which enables row-level security with the one
-- jurisdiction policy; commgrid.security_findings lists any table that escaped the rule.

-- A role's OID from its name (NULL when there is no such role).  The jurisdiction and liaison
-- maps are keyed by OID, not name: a role dropped and created again under its old name is a
-- new OID and inherits nothing.  quote_ident keeps to_regrole from folding case.
CREATE FUNCTION role_oid(role_name name) RETURNS regrole
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT pg_catalog.to_regrole(pg_catalog.quote_ident(role_name))
$$;
COMMENT ON FUNCTION role_oid(name) IS
  'The OID of a role, as regrole (NULL when no role has that name): the key of jurisdiction and liaison_unit';

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
COMMENT ON COLUMN jurisdiction.granted_at IS 'When the scope was granted';

-- user data: pg_dump saves the mapping with the database
SELECT pg_catalog.pg_extension_config_dump('jurisdiction', '');

-- A role sees only its own rows: the policies of other tables read this one as the caller.
ALTER TABLE jurisdiction ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON jurisdiction FOR SELECT
  USING (role_name = (SELECT commgrid.role_oid(current_user)));

-- THE LEVEL RULE, its one source: the smallest depth a role's jurisdiction may name is the
-- lowest min_scope_depth among the staff groups it belongs to now (security_role); NULL when
-- it is in none.  grant_jurisdiction checks new scopes against it, and role_scopes drops the
-- scopes it no longer allows, so a role moved from district administrator to grid worker
-- loses its district at once, with nobody editing the jurisdiction map.  Security definer,
-- so the policies need no grant on security_role (granted to every group role; membership is
-- public in pg_auth_members anyway).
CREATE FUNCTION staff_min_depth(member name) RETURNS int
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  RETURN (SELECT min(r.min_scope_depth) FROM commgrid.security_role r
          WHERE r.min_scope_depth IS NOT NULL AND commgrid.is_member_of(member, r.short_name));
END $$;
REVOKE EXECUTE ON FUNCTION staff_min_depth(name) FROM PUBLIC;
COMMENT ON FUNCTION staff_min_depth(name) IS
  'Smallest gridcode depth the role''s current staff groups allow as jurisdiction (3 district … 6 grid); NULL when it belongs to no staff group';

-- The scopes a role may use now, sorted: its jurisdiction rows (by OID) at or below the depth
-- its current staff group allows; NULL when none.  Called as the role itself (the policies,
-- through jurisdiction_scopes) it sees only its own rows; the security-definer grant and
-- staff functions call it for the acting role.
CREATE FUNCTION role_scopes(member name) RETURNS gridcode[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  min_depth int := commgrid.staff_min_depth(member);
  member_oid regrole := commgrid.role_oid(member);
  scopes commgrid.gridcode[];
BEGIN
  IF min_depth IS NULL OR member_oid IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(j.scope ORDER BY j.scope) INTO scopes
  FROM commgrid.jurisdiction j
  WHERE j.role_name = member_oid AND commgrid.depth(j.scope) >= min_depth;
  RETURN scopes;
END $$;
COMMENT ON FUNCTION role_scopes(name) IS
  'The jurisdiction codes a role may use now: its scopes at or below the level its current staff group allows (NULL when none)';

-- The caller's scopes, sorted; NULL when it has none.  Policies call it through a scalar
-- subquery, so it runs once per statement as an InitPlan; PL/pgSQL keeps its plan across
-- statements (a SQL function would be planned again in every statement).
CREATE FUNCTION jurisdiction_scopes() RETURNS gridcode[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  RETURN commgrid.role_scopes(current_user);
END $$;
COMMENT ON FUNCTION jurisdiction_scopes() IS
  'The current role''s jurisdiction codes that its current staff group allows (NULL when none)';

-- The lowest code that covers all the caller's scopes: the common ancestor of the first and
-- the last in code order.  The policies test `col <@ envelope` first: the gridcode support
-- function turns it into a B-tree range scan with the envelope as its parameter.
CREATE FUNCTION jurisdiction_envelope() RETURNS gridcode
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.role_scopes(current_user);
  lo commgrid.gridcode := scopes[1];
  hi commgrid.gridcode := scopes[cardinality(scopes)];
BEGIN
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  FOR d IN REVERSE least(commgrid.depth(lo), commgrid.depth(hi))..1 LOOP
    IF commgrid.ancestor(lo, d) OPERATOR(commgrid.=) commgrid.ancestor(hi, d) THEN
      RETURN commgrid.ancestor(lo, d);
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION jurisdiction_envelope() IS
  'The lowest area code covering all of the current role''s jurisdiction (NULL when it has none or it spans provinces)';

-- Which resident units each unit liaison speaks for: the liaison reaches only these units'
-- co-building data and assessments.
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
COMMENT ON COLUMN liaison_unit.granted_at IS 'When it was granted';
SELECT pg_catalog.pg_extension_config_dump('liaison_unit', '');
ALTER TABLE liaison_unit ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON liaison_unit FOR SELECT
  USING (role_name = (SELECT commgrid.role_oid(current_user)));

-- The caller's units, sorted; NULL when it has none or is no longer a unit liaison (an
-- InitPlan in the liaison policies).
CREATE FUNCTION liaison_units() RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  units bigint[];
BEGIN
  IF NOT commgrid.is_member_of(current_user, 'unit_liaison') THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(l.unit_id ORDER BY l.unit_id) INTO units
  FROM commgrid.liaison_unit l WHERE l.role_name = commgrid.role_oid(current_user);
  RETURN units;
END $$;
COMMENT ON FUNCTION liaison_units() IS
  'The resident units the current role is liaison for, while it belongs to commgrid_unit_liaison (NULL when none)';

-- The six group roles, by their short names (the role is commgrid_<short name>).  The
-- minimum depth is the highest level a member's jurisdiction may name.
CREATE TABLE security_role (
  short_name text PRIMARY KEY,
  min_scope_depth int CHECK (min_scope_depth BETWEEN 3 AND 6),
  description text NOT NULL
);
INSERT INTO security_role VALUES
  ('district_admin', 3, 'District administrator: reads and writes the whole district, grants jurisdictions, reads the audit log'),
  ('township_staff', 4, 'Subdistrict or town staff: reads and writes their township'),
  ('community_staff', 5, 'Community staff: reads and writes their community'),
  ('grid_worker', 6, 'Grid worker: reads and writes their grids'),
  ('unit_liaison', NULL, 'Resident unit liaison: their own unit''s co-building data and assessments only'),
  ('bi_reader', NULL, 'BI reader: the masked and aggregate bi_* views only, never a base table');
COMMENT ON TABLE security_role IS
  'The group roles create_roles() makes (commgrid_<short_name>), and the highest level each may be given as jurisdiction';
COMMENT ON COLUMN security_role.short_name IS 'Role name without the commgrid_ prefix';
COMMENT ON COLUMN security_role.min_scope_depth IS
  'Smallest gridcode depth a member''s jurisdiction may name (3 district … 6 grid); NULL: no area jurisdiction';
COMMENT ON COLUMN security_role.description IS 'What members of the role may do';

-- Every table under the jurisdiction rule, with who may read and write it.  grant_privileges()
-- grants from here, so a table added later needs only its row (through secure_table).
CREATE TABLE secured_table (
  table_name    regclass PRIMARY KEY,
  scope_columns name[],
  readers      text[] NOT NULL,
  writers      text[] NOT NULL,
  unit_columns name[],
  liaison_writes boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE secured_table IS
  'Every table of the extension that roles may reach: its gridcode scope columns (NULL: reference data, no per-area rows) and the group roles (short names) that read and write it';
COMMENT ON COLUMN secured_table.table_name IS 'The table';
COMMENT ON COLUMN secured_table.scope_columns IS
  'The gridcode column(s) the jurisdiction policy tests with <@ (a row is reachable through any of them); NULL for reference data without per-area rows';
COMMENT ON COLUMN secured_table.readers IS
  'Roles granted SELECT on the columns not marked [personal: restricted] (those only through the audited staff functions)';
COMMENT ON COLUMN secured_table.writers IS 'Roles granted INSERT, UPDATE and DELETE';
COMMENT ON COLUMN secured_table.unit_columns IS
  'Resident unit id column(s): a unit liaison reaches the rows of its own units (commgrid.liaison_unit) through them';
COMMENT ON COLUMN secured_table.liaison_writes IS
  'May a unit liaison also insert, update and delete its own units'' rows (through the first unit column)?';

-- Security-definer functions that hand personal data to staff: granted to every staff role;
-- each checks the caller's jurisdiction itself and writes a READ row to the audit log.
CREATE TABLE staff_function (
  function_name name PRIMARY KEY,
  description   text NOT NULL
);
COMMENT ON TABLE staff_function IS
  'Security-definer staff functions (by name) granted to the staff roles; each audits its reads';
COMMENT ON COLUMN staff_function.function_name IS 'Function name in schema commgrid';
COMMENT ON COLUMN staff_function.description IS 'What personal data it returns';

-- Does a role exist and belong (directly or not) to a commgrid group role?
CREATE FUNCTION is_member_of(member name, short_name text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || short_name)
     AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = member)
     AND pg_catalog.pg_has_role(member, 'commgrid_' || short_name, 'MEMBER')
$$;
COMMENT ON FUNCTION is_member_of(name, text) IS
  'Is the role a member of commgrid_<short_name>? (false when either role does not exist)';

-- The role a statement really runs for, seen from inside a security-definer function:
-- current_user there is the owner, but SET ROLE is kept in the role setting.
CREATE FUNCTION acting_role() RETURNS name
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT COALESCE(NULLIF(current_setting('role'), 'none'), session_user)::name
$$;
COMMENT ON FUNCTION acting_role() IS
  'The role in effect for the session (SET ROLE, else the login role): current_user as seen outside any security-definer function';

-- Grants for one registered table to the group roles that exist; idempotent.
CREATE FUNCTION grant_table_privileges(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  t commgrid.secured_table;
  r text;
  cols text;
BEGIN
  SELECT * INTO STRICT t FROM commgrid.secured_table WHERE table_name = tbl;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
  FROM pg_catalog.pg_attribute
  WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
    AND COALESCE(col_description(tbl, attnum), '') NOT LIKE '[personal: restricted]%';
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || short_name)
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %I', tbl, r);
  END LOOP;
  FOR r IN SELECT 'commgrid_' || x FROM unnest(t.readers) x
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || x)
  LOOP
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
               WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
                 AND col_description(tbl, attnum) LIKE '[personal: restricted]%') THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO %I', cols, tbl, r);
    ELSE
      EXECUTE format('GRANT SELECT ON %s TO %I', tbl, r);
    END IF;
  END LOOP;
  FOR r IN SELECT 'commgrid_' || x FROM unnest(t.writers) x
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || x)
  LOOP
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO %I', tbl, r);
  END LOOP;
  -- pgaudit's auditor role holds the restricted columns, so every read of them is logged
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_auditor') THEN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
      AND col_description(tbl, attnum) LIKE '[personal: restricted]%';
    IF cols IS NOT NULL THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO commgrid_auditor', cols, tbl);
    END IF;
  END IF;
END $$;
COMMENT ON FUNCTION grant_table_privileges(regclass) IS
  'Grant a secured table to its readers (columns not marked [personal]) and writers; run by secure_table and grant_privileges';

-- Put a table under the jurisdiction rule: row-level security with a policy that lets a role
-- reach a row only when one of its scope columns lies under one of the role's jurisdiction
-- codes, for reading and for the new row of an INSERT or UPDATE.  With no scope column the
-- table is reference data: registered and granted, without row-level security.
CREATE FUNCTION secure_table(tbl regclass, scope_columns name[],
                             readers text[], writers text[],
                             unit_columns name[] DEFAULT NULL,
                             liaison_writes boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  col name;
  check_expr text;
BEGIN
  FOREACH col IN ARRAY COALESCE(scope_columns, '{}') LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                   WHERE attrelid = tbl AND attname = col AND NOT attisdropped
                     AND commgrid.is_gridcode_type(atttypid)) THEN
      RAISE EXCEPTION 'table % has no gridcode column %', tbl, col
        USING ERRCODE = '22023', HINT = 'A scope column must be of type commgrid.gridcode.';
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM unnest(readers || writers) x
             WHERE x NOT IN (SELECT short_name FROM commgrid.security_role)) THEN
    RAISE EXCEPTION 'unknown role in % or %', readers, writers
      USING ERRCODE = '22023',
            HINT = 'Use the short names in commgrid.security_role, e.g. grid_worker.';
  END IF;
  INSERT INTO commgrid.secured_table
    VALUES (tbl, scope_columns, readers, writers, unit_columns, liaison_writes)
    ON CONFLICT (table_name) DO UPDATE
    SET scope_columns = EXCLUDED.scope_columns, readers = EXCLUDED.readers,
        writers = EXCLUDED.writers, unit_columns = EXCLUDED.unit_columns,
        liaison_writes = EXCLUDED.liaison_writes;
  IF cardinality(scope_columns) > 0 THEN
    SELECT string_agg(format(
             '(%1$I OPERATOR(commgrid.<@) (SELECT commgrid.jurisdiction_envelope()) AND '
             '%1$I OPERATOR(commgrid.<@) ANY ((SELECT commgrid.jurisdiction_scopes())::commgrid.gridcode[]))',
             c), ' OR ')
      INTO check_expr FROM unnest(scope_columns) c;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON %s', tbl);
    EXECUTE format('CREATE POLICY jurisdiction ON %s USING (%s) WITH CHECK (%s)',
                   tbl, check_expr, check_expr);
    EXECUTE format('COMMENT ON POLICY jurisdiction ON %s IS %L', tbl,
                   format('Rows whose %s lies in the current role''s jurisdiction (commgrid.jurisdiction)',
                          array_to_string(scope_columns, ' or ')));
  END IF;
  IF cardinality(unit_columns) > 0 THEN
    SELECT string_agg(format('%I = ANY ((SELECT commgrid.liaison_units())::bigint[])', c), ' OR ')
      INTO check_expr FROM unnest(unit_columns) c;
    EXECUTE format('DROP POLICY IF EXISTS own_unit ON %s', tbl);
    EXECUTE format('CREATE POLICY own_unit ON %s FOR SELECT USING (%s)', tbl, check_expr);
    EXECUTE format('COMMENT ON POLICY own_unit ON %s IS %L', tbl,
                   'A unit liaison reads the rows of its own units (commgrid.liaison_unit)');
    IF liaison_writes THEN
      check_expr := format('%I = ANY ((SELECT commgrid.liaison_units())::bigint[])', unit_columns[1]);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_insert ON %s', tbl);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_update ON %s', tbl);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_delete ON %s', tbl);
      EXECUTE format('CREATE POLICY own_unit_insert ON %s FOR INSERT WITH CHECK (%s)', tbl, check_expr);
      EXECUTE format('CREATE POLICY own_unit_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)',
                     tbl, check_expr, check_expr);
      EXECUTE format('CREATE POLICY own_unit_delete ON %s FOR DELETE USING (%s)', tbl, check_expr);
    END IF;
  END IF;
  PERFORM commgrid.grant_table_privileges(tbl);
END $$;
COMMENT ON FUNCTION secure_table(regclass, name[], text[], text[], name[], boolean) IS
  'Put a table under the jurisdiction rule: enable row-level security, add the jurisdiction policy on its gridcode column(s) and the unit liaison''s policies on its unit column(s), register and grant it; with no scope column, register and grant reference data';

-- Grants that do not depend on one table: schema, jurisdiction, audit, staff functions.
CREATE FUNCTION grant_privileges() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  r text;
  t text;
BEGIN
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || short_name)
  LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA commgrid TO %I', r);
    IF r <> 'commgrid_bi_reader' THEN
      EXECUTE format('GRANT SELECT ON commgrid.jurisdiction, commgrid.liaison_unit TO %I', r);
    END IF;
    -- the level rule, read by the policies as the caller
    EXECUTE format('GRANT EXECUTE ON FUNCTION commgrid.staff_min_depth(name) TO %I', r);
  END LOOP;
  FOR t IN SELECT table_name::text FROM commgrid.secured_table ORDER BY 1 LOOP
    PERFORM commgrid.grant_table_privileges(t::regclass);
  END LOOP;
  -- sequences behind serial keys, for the roles that insert
  FOR r IN SELECT DISTINCT 'commgrid_' || x FROM commgrid.secured_table, unnest(writers) x
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || x)
  LOOP
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA commgrid TO %I', r);
  END LOOP;
  IF commgrid.role_exists('district_admin') THEN
    EXECUTE 'GRANT EXECUTE ON FUNCTION commgrid.grant_jurisdiction(name, commgrid.gridcode), '
            'commgrid.revoke_jurisdiction(name, commgrid.gridcode), '
            'commgrid.grant_liaison(name, bigint), commgrid.revoke_liaison(name, bigint) '
            'TO commgrid_district_admin';
  END IF;
  -- pgaudit object audit: every read of the audit log and every entry written to it
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_auditor') THEN
    EXECUTE 'GRANT SELECT, INSERT ON commgrid.audit_log TO commgrid_auditor';
  END IF;
  -- boundaries: the roles that write areas change them only through redraw (sql/33_redraw.sql)
  FOR r IN SELECT 'commgrid_' || x FROM commgrid.secured_table, unnest(writers) x
           WHERE table_name = 'commgrid.area'::regclass AND commgrid.role_exists(x)
  LOOP
    FOR t IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'commgrid'::regnamespace AND p.proname = 'redraw'
    LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', t, r);
    END LOOP;
  END LOOP;
  -- staff functions: security definer, each checks the caller's jurisdiction and audits
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE min_scope_depth IS NOT NULL AND commgrid.role_exists(short_name)
  LOOP
    FOR t IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
               AND p.proname IN (SELECT function_name FROM commgrid.staff_function)
    LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', t, r);
    END LOOP;
  END LOOP;
  -- views that run with the caller's rights (row-level security applies through them)
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE min_scope_depth IS NOT NULL AND commgrid.role_exists(short_name)
  LOOP
    FOR t IN SELECT c.oid::regclass FROM pg_catalog.pg_class c
             WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind = 'v'
               AND c.relname NOT LIKE 'bi\_%'
               AND 'security_invoker=true' = ANY (COALESCE(c.reloptions, '{}'))
    LOOP
      EXECUTE format('GRANT SELECT ON %s TO %I', t, r);
    END LOOP;
    -- report views: owner's rights, rows filtered by the caller's jurisdiction (reaches)
    FOR t IN SELECT v.view_name FROM commgrid.report_views() v WHERE v.staff LOOP
      EXECUTE format('GRANT SELECT ON %s TO %I', t, r);
    END LOOP;
    EXECUTE format('GRANT EXECUTE ON FUNCTION commgrid.area_report(commgrid.gridcode), '
                   'commgrid.district_report(commgrid.gridcode) TO %I', r);
  END LOOP;
  -- a unit liaison: the report views filtered by its own units (reaches_unit)
  IF commgrid.role_exists('unit_liaison') THEN
    FOR t IN SELECT v.view_name FROM commgrid.report_views() v WHERE v.unit_liaison LOOP
      EXECUTE format('GRANT SELECT ON %s TO commgrid_unit_liaison', t);
    END LOOP;
  END IF;
  -- BI: the bi_* views and nothing else
  IF commgrid.role_exists('bi_reader') THEN
    FOR t IN SELECT c.oid::regclass FROM pg_catalog.pg_class c
             WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('v', 'm')
               AND c.relname LIKE 'bi\_%'
    LOOP
      EXECUTE format('GRANT SELECT ON %s TO commgrid_bi_reader', t);
    END LOOP;
    -- the security-definer row functions behind them
    FOR t IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
               AND p.proname LIKE 'bi\_%'
    LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO commgrid_bi_reader', t);
    END LOOP;
    -- the district figures, as the bi_district_report view gives them
    EXECUTE 'GRANT EXECUTE ON FUNCTION commgrid.area_report(commgrid.gridcode), '
            'commgrid.district_report(commgrid.gridcode) TO commgrid_bi_reader';
  END IF;
END $$;
COMMENT ON FUNCTION grant_privileges() IS
  'Grant the extension''s objects to the commgrid group roles that exist; idempotent, run by create_roles()';

-- The report views: owner's-rights views of the schema (not bi_*) whose rewrite rule calls a
-- row filter, commgrid.reaches (rows of the caller's jurisdiction, for staff) or
-- commgrid.reaches_unit (rows of its own units, for unit liaisons).  grant_privileges grants
-- them; security_findings accepts them as owner's-rights views open to staff when they are
-- security barriers.
CREATE FUNCTION report_views() RETURNS TABLE (view_name regclass, staff boolean, unit_liaison boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT c.oid::regclass,
         bool_or(d.refobjid = 'commgrid.reaches(commgrid.gridcode, commgrid.gridcode[])'::regprocedure),
         bool_or(d.refobjid = 'commgrid.reaches_unit(bigint, bigint[])'::regprocedure)
  FROM pg_catalog.pg_rewrite w
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = w.oid
                              AND d.refclassid = 'pg_catalog.pg_proc'::regclass
  JOIN pg_catalog.pg_class c ON c.oid = w.ev_class
  WHERE c.relkind = 'v' AND c.relnamespace = 'commgrid'::regnamespace
    AND c.relname NOT LIKE 'bi\_%'
    AND d.refobjid IN ('commgrid.reaches(commgrid.gridcode, commgrid.gridcode[])'::regprocedure,
                       'commgrid.reaches_unit(bigint, bigint[])'::regprocedure)
  GROUP BY c.oid
$$;
COMMENT ON FUNCTION report_views() IS
  'The report views (owner''s rights, not bi_*) and their row filters: staff = rows of the caller''s jurisdiction (reaches), unit_liaison = rows of its own units (reaches_unit)';

CREATE FUNCTION role_exists(short_name text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'commgrid_' || short_name)
$$;
COMMENT ON FUNCTION role_exists(text) IS 'Does the group role commgrid_<short_name> exist?';

-- Set once per cluster by the administrator: roles are cluster-wide, so the install script
-- leaves them alone.  Idempotent; in another database with the extension it only grants.
CREATE FUNCTION create_roles() RETURNS SETOF name
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  r commgrid.security_role;
BEGIN
  FOR r IN SELECT * FROM commgrid.security_role ORDER BY short_name LOOP
    IF NOT commgrid.role_exists(r.short_name) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', 'commgrid_' || r.short_name);
      EXECUTE format('COMMENT ON ROLE %I IS %L', 'commgrid_' || r.short_name,
                     'pg_commgrid: ' || r.description);
    END IF;
    RETURN NEXT ('commgrid_' || r.short_name)::name;
  END LOOP;
  -- pgaudit's object-audit role (pgaudit.role): never granted to anyone, it only marks, by its
  -- privileges, what the server log records even when the caller rolls back
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_auditor') THEN
    CREATE ROLE commgrid_auditor NOLOGIN;
    COMMENT ON ROLE commgrid_auditor IS
      'pg_commgrid: pgaudit.role; its privileges select what pgaudit writes to the server log (reads of restricted columns, the audit log); grant it to no one';
  END IF;
  PERFORM commgrid.grant_privileges();
END $$;
COMMENT ON FUNCTION create_roles() IS
  'Create the commgrid_* group roles that are missing (once per cluster, needs CREATEROLE) and grant this database''s objects to them; safe to run again';

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
  RETURN n + m;
END $$;
REVOKE EXECUTE ON FUNCTION forget_dropped_roles() FROM PUBLIC;
COMMENT ON FUNCTION forget_dropped_roles() IS
  'Delete the jurisdiction and liaison rows of roles that no longer exist; returns how many (superuser, after DROP ROLE)';

REVOKE EXECUTE ON FUNCTION secure_table(regclass, name[], text[], text[], name[], boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION grant_table_privileges(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION grant_privileges() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION create_roles() FROM PUBLIC;

-- Mark personal data in the column comments, keeping the owner's text after the marker.
-- [personal] columns are masked or aggregated for BI; [personal: restricted] ones (ID
-- numbers, phones, addresses, home locations) are not granted to any role either: staff
-- read them only through the audited staff functions.
CREATE FUNCTION mark_personal(tbl regclass, columns name[], restricted boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  col name;
  num int;
  old text;
  marker text := CASE WHEN restricted THEN '[personal: restricted] ' ELSE '[personal] ' END;
BEGIN
  FOREACH col IN ARRAY columns LOOP
    SELECT attnum INTO num FROM pg_catalog.pg_attribute
    WHERE attrelid = tbl AND attname = col AND attnum > 0 AND NOT attisdropped;
    IF num IS NULL THEN
      RAISE EXCEPTION 'table % has no column %', tbl, col USING ERRCODE = '42703';
    END IF;
    old := regexp_replace(COALESCE(col_description(tbl, num), ''), '^\[personal[^]]*\] ', '');
    EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', tbl, col, marker || old);
  END LOOP;
  IF EXISTS (SELECT 1 FROM commgrid.secured_table WHERE table_name = tbl) THEN
    PERFORM commgrid.grant_table_privileges(tbl);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION mark_personal(regclass, name[], boolean) FROM PUBLIC;
COMMENT ON FUNCTION mark_personal(regclass, name[], boolean) IS
  'Mark columns as personal data in their comments ([personal] or, restricted to staff functions, [personal: restricted])';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX liaison_unit_unit_id_idx ON liaison_unit (unit_id);
