-- Hardening check: what breaks the security rules, as rows.  The regression test
-- security_catalog asserts it is empty, so a table or function added later that breaks a
-- rule fails the build until it is fixed (each table declares its rule beside its CREATE TABLE).
CREATE VIEW security_findings AS
-- a table with per-area data (a gridcode column) outside row-level security
SELECT 'table without row-level security'::text AS finding, c.oid::regclass::text AS object,
       'has gridcode column(s) ' || string_agg(a.attname::text, ', ' ORDER BY a.attnum) AS detail
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND commgrid.is_gridcode_type(a.atttypid)
  AND NOT (c.relrowsecurity
           AND (c.oid IN (SELECT table_name FROM commgrid.secured_table)
                OR c.oid = 'commgrid.jurisdiction'::regclass))
GROUP BY c.oid
UNION ALL
-- a table nobody classified: neither secured, nor reference data, nor the security tables
SELECT 'table not classified', c.oid::regclass::text,
       'register it with secure_table (scope columns, or NULL for reference data)'
FROM pg_class c
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND c.oid NOT IN (SELECT table_name FROM commgrid.secured_table)
  AND c.oid NOT IN ('commgrid.jurisdiction'::regclass, 'commgrid.audit_log'::regclass,
                    'commgrid.liaison_unit'::regclass, 'commgrid.social_worker_login'::regclass,
                    'commgrid.secured_table'::regclass, 'commgrid.security_role'::regclass,
                    'commgrid.staff_function'::regclass, 'commgrid.personal_column'::regclass,
                    'commgrid.install_only_table'::regclass)
UNION ALL
-- a security-definer function that does not pin search_path with pg_temp last: unless pg_temp
-- is named, PostgreSQL searches it FIRST for relations, so a caller's temporary table named
-- like a catalog view (pg_roles) would be read in its place
SELECT 'security definer without search_path', p.oid::regprocedure::text,
       'SECURITY DEFINER functions must SET search_path = pg_catalog, …, pg_temp (pg_temp last)'
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) cfg
                  WHERE cfg LIKE 'search_path=pg\_catalog%' AND cfg LIKE '%, pg\_temp')
UNION ALL
-- a SQL or PL/pgSQL function whose body is resolved at call time with the caller's path
SELECT 'function without pinned search_path', p.oid::regprocedure::text,
       'language ' || l.lanname || ': SET search_path = pg_catalog, …, pg_temp (pg_temp last), or write the SQL body as BEGIN ATOMIC'
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'commgrid'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
  AND p.prosqlbody IS NULL
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) cfg
                  WHERE cfg LIKE 'search_path=pg\_catalog%' AND cfg LIKE '%, pg\_temp')
UNION ALL
-- jurisdiction or liaison rows of a dropped role: keyed by OID they match nobody, but they
-- should go (commgrid.forget_dropped_roles()) before the OID could ever be reused
SELECT 'rows of a dropped role', 'commgrid.' || x.tbl,
       'role ' || x.role_oid || ': ' || x.what
FROM (SELECT 'jurisdiction' AS tbl, j.role_name::oid AS role_oid, j.scope::text AS what
      FROM commgrid.jurisdiction j
      UNION ALL
      SELECT 'liaison_unit', l.role_name::oid, 'unit ' || l.unit_id FROM commgrid.liaison_unit l
      UNION ALL
      SELECT 'social_worker_login', w.role_name::oid, 'social worker ' || w.worker_id
      FROM commgrid.social_worker_login w) x
WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = x.role_oid)
UNION ALL
-- belt and braces: a security-definer or trigger function that names a catalog relation
-- without pg_catalog. (one unpinned path away from reading a temporary look-alike)
SELECT 'catalog relation not qualified', p.oid::regprocedure::text,
       'write ' || string_agg(DISTINCT 'pg_catalog.' || m[1], ', ')
FROM pg_proc p, regexp_matches(p.prosrc, '(?<![.\w])(pg_[a-z_]+)', 'g') m
WHERE p.pronamespace = 'commgrid'::regnamespace
  AND (p.prosecdef OR p.prorettype = 'trigger'::regtype)
  AND EXISTS (SELECT 1 FROM pg_class c
              WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relname = m[1])
GROUP BY p.oid
UNION ALL
-- a function that acts as its owner anybody may call: a security definer, or a C function
-- that switches to its owner itself (the care_ping triggers: src/care_ingest.c, run_as_owner),
-- known by its C symbol in any schema, so that any function made on that symbol is covered
SELECT CASE WHEN p.prosecdef THEN 'security definer executable by PUBLIC'
            ELSE 'owner-rights C function executable by PUBLIC' END,
       p.oid::regprocedure::text,
       CASE WHEN p.prosecdef THEN 'REVOKE EXECUTE … FROM PUBLIC and grant it to the roles that need it'
            ELSE 'runs as its owner (C symbol ' || p.prosrc || '): REVOKE EXECUTE … FROM PUBLIC' END
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE (p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
       OR l.lanname = 'c' AND p.prosrc IN ('care_ingest', 'care_ingest_statement'))
  AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) x
                                   WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE'))
UNION ALL
-- a BI view column in a type a BI tool may not know
SELECT 'BI view column of a non-plain type', c.oid::regclass::text,
       a.attname || ' is ' || format_type(a.atttypid, a.atttypmod)
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('v', 'm')
  AND c.relname LIKE 'bi\_%' AND t.typnamespace <> 'pg_catalog'::regnamespace
UNION ALL
-- restricted personal data readable directly by a role of the extension (only the staff
-- functions give it)
SELECT 'restricted personal column readable by ' || r.rolname, c.oid::regclass::text, a.attname::text
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
CROSS JOIN pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND (EXISTS (SELECT 1 FROM commgrid.personal_column p
               WHERE p.table_name = c.oid AND p.column_name = a.attname AND p.class = 'restricted')
       OR (c.oid = 'commgrid.audit_log'::regclass AND a.attname IN ('old_values', 'new_values')))
  AND r.rolname LIKE 'commgrid\_%' AND r.rolname <> 'commgrid_auditor'
  AND has_column_privilege(r.oid, c.oid, a.attnum, 'SELECT')
  AND NOT (r.rolname = 'commgrid_district_admin' AND c.oid = 'commgrid.audit_log'::regclass)
UNION ALL
-- pgaudit's auditor role holds every restricted column: it must stay a marker nobody uses
SELECT 'auditor role usable', r.rolname::text,
       CASE WHEN r.rolcanlogin THEN 'it may log in' ELSE 'it is granted to ' ||
         (SELECT string_agg(m.member::regrole::text, ', ' ORDER BY m.member::regrole::text)
          FROM pg_auth_members m WHERE m.roleid = r.oid) END
FROM pg_roles r
WHERE r.rolname = 'commgrid_auditor'
  AND (r.rolcanlogin OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid))
UNION ALL
-- reads of restricted data are recorded durably (surviving the caller's rollback) only in
-- the server log, by pgaudit: loaded, object audit through commgrid_auditor, parameters on
SELECT 'durable read audit not configured', 'pgaudit',
       CASE WHEN NOT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pgaudit.role')
            THEN 'pgaudit is not loaded: shared_preload_libraries = ''pgaudit'''
            ELSE 'set ' || string_agg(format('%s = %s', w.name, w.want), ', ' ORDER BY w.name) END
FROM (VALUES ('pgaudit.role', 'commgrid_auditor'), ('pgaudit.log_parameter', 'on'),
             ('pgaudit.log_level', 'log')) w(name, want)
LEFT JOIN pg_settings s ON s.name = w.name
WHERE s.setting IS DISTINCT FROM w.want
HAVING count(*) > 0
UNION ALL
-- a view with its owner's rights (bypassing row-level security) open to a staff role, unless it
-- is a report view whose rows commgrid.reaches / reaches_unit filter behind a security barrier
SELECT 'owner-rights view readable by ' || r.rolname, c.oid::regclass::text,
       'set security_invoker = true, filter its rows with commgrid.reaches (security_barrier), or make it a bi_* view'
FROM pg_class c, pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('v', 'm')
  AND c.relname NOT LIKE 'bi\_%' AND r.rolname LIKE 'commgrid\_%'
  AND NOT ('security_invoker=true' = ANY (COALESCE(c.reloptions, '{}')))
  AND NOT ('security_barrier=true' = ANY (COALESCE(c.reloptions, '{}'))
           AND c.oid IN (SELECT v.view_name FROM commgrid.report_views() v))
  AND has_table_privilege(r.oid, c.oid, 'SELECT')
UNION ALL
-- a report view filtered by the jurisdiction without a security barrier: a caller's leaky
-- function in its WHERE could see the rows the filter drops
SELECT 'report view without security_barrier', v::text, 'ALTER VIEW … SET (security_barrier)'
FROM commgrid.report_views() x(v)
JOIN pg_class c ON c.oid = x.v
WHERE NOT ('security_barrier=true' = ANY (COALESCE(c.reloptions, '{}')))
UNION ALL
-- the BI reader may read nothing but the bi_* views
SELECT 'BI reader can read base relation', c.oid::regclass::text, c.relkind::text
FROM pg_class c, pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND c.relname NOT LIKE 'bi\_%' AND r.rolname = 'commgrid_bi_reader'
  AND has_table_privilege(r.oid, c.oid, 'SELECT');
COMMENT ON VIEW security_findings IS
  'Breaches of the security rules (tables outside row-level security, unpinned search_path, definer or owner-rights functions executable by PUBLIC, personal columns readable, non-plain BI columns, durable read audit not configured); must be empty';
COMMENT ON COLUMN security_findings.finding IS 'What rule is broken, e.g. table without row-level security, function without pinned search_path, durable read audit not configured';
COMMENT ON COLUMN security_findings.object IS 'The table, view, column, function, role or setting concerned';
COMMENT ON COLUMN security_findings.detail IS 'Why it breaks the rule: the columns, privileges or settings concerned';
REVOKE ALL ON security_findings FROM PUBLIC;
