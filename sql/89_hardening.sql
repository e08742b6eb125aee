-- Hardening check: what breaks the security rules, as rows.  The regression test
-- security_catalog asserts it is empty, so a table or function added later that breaks a
-- rule fails the build until it is fixed (see sql/88_policies.sql for the table rule).
CREATE VIEW security_findings AS
-- a table with per-area data (a gridcode column) outside row-level security
SELECT 'table without row-level security'::text AS finding, c.oid::regclass::text AS object,
       'has gridcode column(s) ' || string_agg(a.attname::text, ', ' ORDER BY a.attnum) AS detail
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND a.atttypid = 'commgrid.gridcode'::regtype
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
                    'commgrid.liaison_unit'::regclass,
                    'commgrid.secured_table'::regclass, 'commgrid.security_role'::regclass,
                    'commgrid.staff_function'::regclass)
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
-- a security-definer function anybody may call
SELECT 'security definer executable by PUBLIC', p.oid::regprocedure::text,
       'REVOKE EXECUTE … FROM PUBLIC and grant it to the roles that need it'
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
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
  AND (col_description(c.oid, a.attnum) LIKE '[personal: restricted]%'
       OR (c.oid = 'commgrid.audit_log'::regclass AND a.attname IN ('old_values', 'new_values')))
  AND r.rolname LIKE 'commgrid\_%'
  AND has_column_privilege(r.oid, c.oid, a.attnum, 'SELECT')
  AND NOT (r.rolname = 'commgrid_district_admin' AND c.oid = 'commgrid.audit_log'::regclass)
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
  'Breaches of the security rules (tables outside row-level security, unpinned search_path, personal columns readable, non-plain BI columns); must be empty';
REVOKE ALL ON security_findings FROM PUBLIC;
