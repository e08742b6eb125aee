-- The audit log: changes recorded with who, when, what, old and new values; append-only for
-- every role, the district administrator and the owner included; a superuser's bulk load
-- may be summarised, nobody else can switch auditing off.
SET search_path = commgrid, public;
BEGIN;
\i test/sql/security_fixture.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
SELECT max(id) AS audit_start FROM audit_log \gset

-- a change by a district administrator, through the security-definer function
SET ROLE r330106_admin;
SELECT grant_jurisdiction('r330106_comm', '330106001002');
SELECT revoke_jurisdiction('r330106_comm', '330106001002');
-- switching auditing off is a superuser's privilege only: ignored here
SET commgrid.audit = off;
SELECT grant_jurisdiction('r330106_town', '330106002');
RESET commgrid.audit;
RESET ROLE;
SELECT id > :audit_start AS new, action, table_name, row_key, old_values - ARRAY['granted_at', 'granted_by'] AS old_values, new_values - ARRAY['granted_at', 'granted_by'] AS new_values,
       session_role = session_user AS session_is_login, acting_role, via,
       at >= now() AS at_in_transaction, xact_id = txid_current() AS this_transaction
FROM audit_log WHERE id > :audit_start AND row_key ->> 'role_name' IN ('r330106_comm', 'r330106_town')
ORDER BY id;

-- append-only: no privilege for anyone, not even the district administrator
SET ROLE r330106_admin;
SELECT count(*) > 0 AS admin_reads FROM audit_log;
UPDATE audit_log SET acting_role = 'nobody' WHERE id > :audit_start;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
DELETE FROM audit_log WHERE id > :audit_start;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
TRUNCATE audit_log;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO audit_log (session_role, acting_role, action, table_name) VALUES ('x', 'x', 'READ', 'x');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT audit_read('commgrid.area', '{}', 'forged');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SET ROLE r330106_comm;
SELECT count(*) FROM audit_log;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
-- and the owner is refused by the triggers
UPDATE audit_log SET acting_role = 'nobody' WHERE id > :audit_start;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
DELETE FROM audit_log WHERE id > :audit_start;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
TRUNCATE audit_log;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT count(*) AS entries_kept FROM audit_log WHERE id > :audit_start;

-- a superuser's bulk load with auditing off leaves one summary entry
SELECT max(id) AS bulk_start FROM audit_log \gset
SET commgrid.audit = off;
INSERT INTO jurisdiction (role_name, scope)
SELECT 'r330106_grid', code FROM area WHERE code <@ '330106002' AND kind = 'grid';
RESET commgrid.audit;
SELECT action, table_name, row_key, new_values, acting_role = session_user AS by_superuser
FROM audit_log WHERE id > :bulk_start ORDER BY id;
\i test/sql/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r330106\_%';
