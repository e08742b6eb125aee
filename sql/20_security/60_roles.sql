-- The grants: create_roles() makes the group roles once per cluster and grant_privileges()
-- grants this database's objects to them, from the registries (secured_table,
-- personal_column, staff_function) and the catalog (views, report views, bi_* objects).

-- Grants that do not depend on one table: schema, jurisdiction, audit, staff functions.
CREATE FUNCTION grant_privileges() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  r text;
  t text;
BEGIN
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE commgrid.role_exists(short_name)
  LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA commgrid TO %I', r);
    IF r <> 'commgrid_bi_reader' THEN
      EXECUTE format('GRANT SELECT ON commgrid.jurisdiction, commgrid.liaison_unit, '
                     'commgrid.social_worker_login TO %I', r);
    END IF;
    -- the level rule, read by the policies as the caller
    EXECUTE format('GRANT EXECUTE ON FUNCTION commgrid.staff_min_depth(name) TO %I', r);
  END LOOP;
  FOR t IN SELECT table_name::text FROM commgrid.secured_table ORDER BY 1 LOOP
    PERFORM commgrid.grant_table_privileges(t::regclass);
  END LOOP;
  -- sequences behind serial keys, for the roles that insert
  FOR r IN SELECT DISTINCT 'commgrid_' || x FROM commgrid.secured_table, unnest(writers) x
           WHERE commgrid.role_exists(x)
  LOOP
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA commgrid TO %I', r);
  END LOOP;
  IF commgrid.role_exists('district_admin') THEN
    EXECUTE 'GRANT EXECUTE ON FUNCTION commgrid.grant_jurisdiction(name, commgrid.gridcode), '
            'commgrid.revoke_jurisdiction(name, commgrid.gridcode), '
            'commgrid.grant_liaison(name, bigint), commgrid.revoke_liaison(name, bigint), '
            'commgrid.grant_social_worker(name, bigint), commgrid.revoke_social_worker(name, bigint) '
            'TO commgrid_district_admin';
  END IF;
  -- pgaudit object audit: every read of the audit log and every entry written to it
  IF commgrid.role_exists('auditor') THEN
    EXECUTE 'GRANT SELECT, INSERT ON commgrid.audit_log TO commgrid_auditor';
    -- the proof of a read-only transaction's READ entry (audit_read)
    EXECUTE 'GRANT SELECT ON commgrid.audit_read_witness TO commgrid_auditor';
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
    -- views that run with the caller's rights (row-level security applies through them)
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
    -- which must-visit kinds count in the caller's figures (visit_coverage, return_visit_due)
    EXECUTE format('GRANT EXECUTE ON FUNCTION commgrid.may_count_kind(text, commgrid.gridcode) TO %I', r);
  END LOOP;
  -- a unit liaison: the report views filtered by its own units (reaches_unit)
  IF commgrid.role_exists('unit_liaison') THEN
    FOR t IN SELECT v.view_name FROM commgrid.report_views() v WHERE v.unit_liaison LOOP
      EXECUTE format('GRANT SELECT ON %s TO commgrid_unit_liaison', t);
    END LOOP;
  END IF;
  -- the love bank's postings (sql/64_participation): security definer, each checks that the
  -- acting role reaches what it posts; redemptions and transfers for every staff group, the
  -- earnings and reversals for the groups that verify hours (community level and above)
  FOR r, t IN SELECT 'commgrid_' || short_name, min_scope_depth FROM commgrid.security_role
              WHERE min_scope_depth IS NOT NULL AND commgrid.role_exists(short_name)
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION commgrid.redeem(bigint, bigint, int, date), '
                   'commgrid.transfer_points(bigint, bigint, numeric, text) TO %I', r);
    IF t::int <= commgrid.level_depth('community') THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION commgrid.credit_attendance(bigint), '
                     'commgrid.post_earnings(bigint[]), commgrid.reverse_transaction(bigint, text) TO %I', r);
    END IF;
  END LOOP;
  -- a social worker: its own cases' notes, clients, stages, sessions and referrals and its own
  -- groups' meetings, through functions that check the case or group is its own (the tables
  -- of its work it reads under its own policies, secure_table grants)
  IF commgrid.role_exists('social_worker') THEN
    EXECUTE 'GRANT EXECUTE ON FUNCTION commgrid.sw_case_notes(bigint), '
            'commgrid.sw_add_case_note(bigint, text), commgrid.sw_client_card(bigint), '
            'commgrid.sw_move_case(bigint, text), commgrid.sw_refer_case(bigint, text, date), '
            'commgrid.sw_record_session(bigint, date, integer), '
            'commgrid.sw_record_group_session(bigint, date, integer) '
            'TO commgrid_social_worker';
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

REVOKE EXECUTE ON FUNCTION grant_privileges() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION create_roles() FROM PUBLIC;
