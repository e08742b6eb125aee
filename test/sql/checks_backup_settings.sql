-- What pg_dump keeps of the tables the install script fills, and the registry of assigned
-- tables after a DROP.  (test/backup/settings_roundtrip.sh makes the real pg_dump and restore
-- round trip; this test checks the pieces it relies on.)  No areas; all rolled back.
SET search_path = commgrid, public;
BEGIN;

-- the settings and the vocabulary are marked for pg_dump, with a condition
SELECT c.relname, x.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, cond) JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'pg_commgrid' AND c.relname IN ('compliance_setting', 'unit_vocabulary')
ORDER BY c.relname;

-- a user changes a setting, adds one, relabels a vocabulary entry and adds one
UPDATE compliance_setting SET value = 6 WHERE name = 'staff_per_grid_min';
INSERT INTO compliance_setting VALUES ('visits_per_month_min', 2, 'a setting of the user');
UPDATE unit_vocabulary SET label = '党政机关单位' WHERE field = 'kind' AND code = 'organ';
INSERT INTO unit_vocabulary VALUES ('rank', 'ministry', '省部级', 0);

-- the rows pg_dump writes: exactly the user's (its query with the extension's condition)
CREATE TEMP TABLE dumped_setting AS SELECT * FROM compliance_setting WHERE false;
CREATE TEMP TABLE dumped_vocabulary AS SELECT * FROM unit_vocabulary WHERE false;
DO $$
DECLARE
  cond text;
BEGIN
  SELECT x.cond INTO cond FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, cond)
   WHERE e.extname = 'pg_commgrid' AND x.oid = 'commgrid.compliance_setting'::regclass;
  EXECUTE 'INSERT INTO dumped_setting SELECT * FROM ONLY commgrid.compliance_setting ' || cond;
  SELECT x.cond INTO cond FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, cond)
   WHERE e.extname = 'pg_commgrid' AND x.oid = 'commgrid.unit_vocabulary'::regclass;
  EXECUTE 'INSERT INTO dumped_vocabulary SELECT * FROM ONLY commgrid.unit_vocabulary ' || cond;
END $$;
SELECT * FROM dumped_setting ORDER BY name;
SELECT * FROM dumped_vocabulary ORDER BY field, code;

-- a restore: CREATE EXTENSION puts the installed rows back, then the dumped rows are loaded
-- with triggers off (session_replication_role = replica); each replaces its installed row
CREATE TEMP TABLE before_setting AS SELECT * FROM compliance_setting;
CREATE TEMP TABLE before_vocabulary AS SELECT * FROM unit_vocabulary;
DELETE FROM compliance_setting;
DELETE FROM unit_vocabulary;
INSERT INTO compliance_setting SELECT * FROM compliance_setting_defaults();
INSERT INTO unit_vocabulary SELECT * FROM unit_vocabulary_defaults();
SET LOCAL session_replication_role = replica;
INSERT INTO compliance_setting SELECT * FROM dumped_setting;
INSERT INTO unit_vocabulary SELECT * FROM dumped_vocabulary;
RESET session_replication_role;
SELECT (SELECT count(*) FROM (TABLE before_setting EXCEPT TABLE compliance_setting) a)
     + (SELECT count(*) FROM (TABLE compliance_setting EXCEPT TABLE before_setting) b) AS settings_differing,
       (SELECT count(*) FROM (TABLE before_vocabulary EXCEPT TABLE unit_vocabulary) a)
     + (SELECT count(*) FROM (TABLE unit_vocabulary EXCEPT TABLE before_vocabulary) b) AS vocabulary_differing,
       (SELECT value FROM compliance_setting WHERE name = 'staff_per_grid_min') AS staff_per_grid_min;
-- outside a restore, a setting the user changed is not silently replaced: the key is unique
INSERT INTO compliance_setting VALUES ('staff_per_grid_min', 5, 'again');

ROLLBACK;
BEGIN;
SET search_path = commgrid, public;
-- a dropped table leaves the registry of assigned tables, and so does a dropped location column
CREATE TABLE public.backup_settings_t (location geometry, grid gridcode);
CREATE TABLE public.backup_settings_u (location geometry, grid gridcode, note text);
SELECT register_assigned_table('public.backup_settings_t', 'location', 'grid'),
       register_assigned_table('public.backup_settings_u', 'location', 'grid');
SELECT tbl FROM assigned_table ORDER BY tbl::text;
DROP TABLE public.backup_settings_t;
ALTER TABLE public.backup_settings_u DROP COLUMN note;
SELECT tbl FROM assigned_table ORDER BY tbl::text;
ALTER TABLE public.backup_settings_u DROP COLUMN location CASCADE;
SELECT tbl FROM assigned_table ORDER BY tbl::text;
ROLLBACK;
