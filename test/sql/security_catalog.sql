-- The security rules as catalog checks: every table with a gridcode column is under
-- row-level security, every function that could be hijacked pins search_path, no
-- security-definer function is open to PUBLIC, BI views show plain types, and after
-- create_roles() no role reads a personal column or the BI reader a base table.
SET search_path = commgrid, public;
SELECT * FROM security_findings ORDER BY 1, 2, 3;
BEGIN;
-- the group roles, created once and again (idempotent)
SELECT create_roles() ORDER BY 1;
SELECT count(*) FROM create_roles();
SELECT r.rolname, r.rolcanlogin, r.rolinherit, shobj_description(r.oid, 'pg_authid') AS comment
FROM pg_roles r WHERE r.rolname LIKE 'commgrid\_%' ORDER BY 1;
SELECT * FROM security_findings ORDER BY 1, 2, 3;
-- every secured table, its scope column and its policies
SELECT s.table_name, s.scope_columns, c.relrowsecurity, c.relforcerowsecurity,
       (SELECT string_agg(polname || ':' || polcmd::text, ' ' ORDER BY polname)
        FROM pg_policy WHERE polrelid = s.table_name) AS policies
FROM secured_table s JOIN pg_class c ON c.oid = s.table_name ORDER BY s.table_name::text;
-- the privilege matrix of every commgrid relation for every group role
SELECT c.relname, r.rolname,
       concat_ws(',',
         CASE WHEN has_table_privilege(r.oid, c.oid, 'SELECT') THEN 'SELECT'
              WHEN has_any_column_privilege(r.oid, c.oid, 'SELECT') THEN 'SELECT(cols)' END,
         CASE WHEN has_table_privilege(r.oid, c.oid, 'INSERT') THEN 'INSERT' END,
         CASE WHEN has_table_privilege(r.oid, c.oid, 'UPDATE') THEN 'UPDATE' END,
         CASE WHEN has_table_privilege(r.oid, c.oid, 'DELETE') THEN 'DELETE' END,
         CASE WHEN has_table_privilege(r.oid, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END) AS privileges
FROM pg_class c, pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
  AND r.rolname LIKE 'commgrid\_%' AND has_any_column_privilege(r.oid, c.oid, 'SELECT')
ORDER BY 1, 2;
-- security-definer functions and who may run them
SELECT p.oid::regprocedure AS function,
       (SELECT string_agg(x.grantee::regrole::text, ' ' ORDER BY x.grantee::regrole::text)
        FROM aclexplode(p.proacl) x WHERE x.privilege_type = 'EXECUTE' AND x.grantee <> p.proowner) AS executable_by
FROM pg_proc p WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef ORDER BY p.oid::regprocedure::text COLLATE "C";
-- a table with a gridcode column made outside the rule is found
CREATE TABLE commgrid.r330106_unsecured (grid_code gridcode);
-- and so is a security-definer function that reads a catalog view unqualified on a path
-- without pg_temp last (a temporary pg_roles would make every caller a superuser)
CREATE FUNCTION commgrid.r330106_naive() RETURNS boolean LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog, commgrid
  AS 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user';
SELECT * FROM security_findings ORDER BY 1, 2, 3;
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%';
