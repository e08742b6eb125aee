-- Row-level security by jurisdiction, role by role (SET ROLE): what each role sees and may
-- change, the refusals (42501), and the plan: the policy's <@ becomes a B-tree range.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse

-- each role's jurisdiction, as the policies see it
SET ROLE r330106_grid;
SELECT jurisdiction_scopes(), jurisdiction_envelope();
SELECT role_name, scope FROM jurisdiction ORDER BY 1, 2;
SET ROLE r330106_comm;
SELECT jurisdiction_scopes(), jurisdiction_envelope();
SET ROLE r330106_nobody;
SELECT jurisdiction_scopes(), jurisdiction_envelope();
RESET ROLE;

-- area: every staff role reads the whole tree; the BI reader, the liaison and others nothing
SET ROLE r330106_grid;
SELECT count(*) FROM area WHERE code <@ '330106';
SET ROLE r330106_bi;
SELECT count(*) FROM area;
SET ROLE r330106_liaison;
SELECT count(*) FROM area;
SET ROLE r330106_nobody;
SELECT count(*) FROM area;
RESET ROLE;

-- area writes: township staff inside their township only
SET ROLE r330106_town;
UPDATE area SET name = name || '*' WHERE code <@ '330106';
SELECT code, name FROM area WHERE code <@ '330106' AND name LIKE '%*' ORDER BY code;
INSERT INTO area (code, name, kind) VALUES ('330106001002002', '甲二社区第2网格', 'grid');
INSERT INTO area (code, name, kind) VALUES ('330106002002', '乙二社区', 'community');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
DELETE FROM area WHERE code = '330106002001001';
DELETE FROM area WHERE code = '330106001002002';
-- moving a row out of the jurisdiction is refused
UPDATE area SET code = '330106002001002' WHERE code = '330106001001002';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
-- community staff and grid workers read areas but change none
SET ROLE r330106_comm;
UPDATE area SET name = 'x' WHERE code = '330106001001001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO area (code, name, kind) VALUES ('330106001001003', 'x', 'grid');
SET ROLE r330106_grid;
DELETE FROM area WHERE code = '330106001001001';
RESET ROLE;
-- the district administrator changes anything in the district, nothing outside
SET ROLE r330106_admin;
UPDATE area SET name = replace(name, '*', '') WHERE code <@ '330106';
UPDATE area SET name = 'x' WHERE code = '500112';
RESET ROLE;

-- the plan: the policy's `code <@ (SELECT jurisdiction_envelope())` is an index range with
-- the InitPlan's value as parameter, and the exact scopes are a filter on the range
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET ROLE r330106_town;
EXPLAIN (COSTS OFF) UPDATE area SET name = name WHERE kind = 'grid';
RESET ROLE;
RESET enable_bitmapscan;
RESET enable_seqscan;

-- the jurisdiction table: only through the functions, and only a district administrator
SET ROLE r330106_admin;
INSERT INTO jurisdiction (role_name, scope) VALUES ('r330106_admin', '500112');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT grant_jurisdiction('r330106_grid2', '330106002001');  -- a community is too high for a grid worker
SELECT grant_jurisdiction('r330106_comm', '330106001002');
SELECT grant_jurisdiction('r330106_comm', '330106');         -- a district is too high
SELECT grant_jurisdiction('r330106_bi', '330106001');        -- not staff
SELECT grant_jurisdiction('r330106_town', '11');             -- outside the district
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT revoke_jurisdiction('r330106_comm', '330106001002');
RESET ROLE;
SET ROLE r330106_town;
SELECT grant_jurisdiction('r330106_town', '330106');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT revoke_jurisdiction('r330106_comm', '330106001001');
RESET ROLE;
-- the administration functions are the superuser's alone, even for a district administrator
SET ROLE r330106_admin;
SELECT secure_table('commgrid.jurisdiction', '{scope}', '{grid_worker}', '{grid_worker}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT mark_personal('commgrid.area', '{name}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT audit_table('commgrid.area');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT grant_privileges();
\echo SQLSTATE :LAST_ERROR_SQLSTATE
ALTER TABLE area DISABLE ROW LEVEL SECURITY;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
DROP POLICY jurisdiction ON area;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SET commgrid.audit = off;
SET row_security = off;
SELECT count(*) FROM area WHERE code <@ '330106';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET row_security;
RESET commgrid.audit;
RESET ROLE;
SELECT role_name, scope, granted_by = session_user AS by_session FROM jurisdiction
WHERE role_name::text LIKE 'r330106\_%' ORDER BY role_name::text, 2;
\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r330106\_%';
