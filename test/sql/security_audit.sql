-- The audit log: changes recorded with who, when, what, old and new values; append-only for
-- every role, the district administrator and the owner included; a superuser's bulk load
-- may be summarised, nobody else can switch auditing off.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
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
SELECT audit_read('commgrid.area', '{}', 'forged', '330106');
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

-- The log under jurisdiction: two district administrators, each scoped to one township, and
-- the one of the whole district.  Changes and reads in both townships, one resident moved
-- from 甲 (330106001) to 乙 (330106002), one jurisdiction granted.
CREATE ROLE r330106_admin_jia IN ROLE commgrid_district_admin;
CREATE ROLE r330106_admin_yi IN ROLE commgrid_district_admin;
SELECT max(id) AS scope_start FROM audit_log \gset
SELECT grant_jurisdiction('r330106_admin_jia', '330106001'),
       grant_jurisdiction('r330106_admin_yi', '330106002');
UPDATE resident SET phone = '1390000' || right(resident_id::text, 4)
WHERE resident_id IN (330106000001, 330106000006, 330106000008);
UPDATE resident SET household_id = 330106000004 WHERE resident_id = 330106000005;
SET ROLE r330106_admin_jia;
SELECT resident_id, phone FROM resident_card(330106000002);
RESET ROLE;
SET ROLE r330106_admin_yi;
SELECT resident_id, phone FROM resident_card(330106000009);
SELECT household_id, address FROM household_card(330106000004);
RESET ROLE;
-- what each administrator reads of these entries, kept for the comparison below
SET ROLE r330106_admin_jia;
CREATE TEMP TABLE seen_jia AS SELECT * FROM audit_log WHERE id > :scope_start;
RESET ROLE;
SET ROLE r330106_admin_yi;
CREATE TEMP TABLE seen_yi AS SELECT * FROM audit_log WHERE id > :scope_start;
RESET ROLE;
SET ROLE r330106_admin;
CREATE TEMP TABLE seen_district AS SELECT * FROM audit_log WHERE id > :scope_start;
RESET ROLE;
SELECT who, a.action, a.table_name, a.row_key, a.scope_code
FROM (SELECT 'jia' AS who, * FROM seen_jia UNION ALL SELECT 'yi', * FROM seen_yi
      UNION ALL SELECT 'district', * FROM seen_district) a
ORDER BY who, a.id;
SELECT (SELECT count(*) FROM seen_jia) AS jia, (SELECT count(*) FROM seen_yi) AS yi,
       (SELECT count(*) FROM seen_district) AS district,
       (SELECT count(*) FROM audit_log WHERE id > :scope_start) AS superuser;
-- no entry one township's administrator reads holds an ID number or phone of the other
-- township's residents (the moved resident's entry is the district's only); the district's
-- administrator, for contrast, reads 乙's values
SELECT s.who, count(*) FILTER (WHERE x.txt LIKE '%' || r.idcard::text || '%' OR x.txt LIKE '%' || r.phone || '%') AS foreign_values
FROM (SELECT 'jia' AS who, '330106002'::gridcode AS other, * FROM seen_jia
      UNION ALL SELECT 'yi', '330106001', * FROM seen_yi
      UNION ALL SELECT 'district', '330106002', * FROM seen_district) s
CROSS JOIN LATERAL (SELECT COALESCE(s.old_values::text, '') || COALESCE(s.new_values::text, '') AS txt) x
JOIN resident r ON r.grid_code <@ s.other OR r.resident_id = 330106000005
GROUP BY s.who ORDER BY s.who;
-- a township-scoped administrator reads no entry outside it, whatever it asks
SET ROLE r330106_admin_jia;
SELECT count(*) AS outside_jia FROM audit_log WHERE NOT scope_code <@ '330106001' OR scope_code IS NULL;
RESET ROLE;

\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r330106\_%';
