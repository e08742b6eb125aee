-- Every table of the extension says, beside its CREATE TABLE, what pg_dump keeps of it and
-- which of its columns are personal data.  The checks read the catalog: a table (or a
-- sequence behind its serial or identity column) that pg_dump would lose without saying so,
-- a column that looks personal with no classification in personal_column, and a column
-- comment that shows another class than personal_column holds.  Then a table made without
-- the declarations is found.  No district; all rolled back.
SET search_path = commgrid, public;
BEGIN;
CREATE TEMP VIEW registration_finding AS
WITH ext_table AS (
  SELECT c.oid, c.oid::regclass AS tbl
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_commgrid'
  JOIN pg_catalog.pg_class c ON c.oid = d.objid
  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'e' AND c.relkind IN ('r', 'p')
), dumped AS (
  SELECT unnest(e.extconfig) AS oid FROM pg_catalog.pg_extension e WHERE e.extname = 'pg_commgrid'
), col AS (
  SELECT t.oid, t.tbl, a.attname, a.atttypid, ty.typname,
         col_description(t.oid, a.attnum) AS comment,
         -- personal by type or name: an ID number, a phone, an address, a certificate, a birthday
         a.atttypid = 'commgrid.idcard'::regtype
           OR a.attname IN ('idcard', 'phone', 'mobile', 'address', 'certificate_no', 'birth_date')
           AS personal_kind
  FROM ext_table t
  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
), looks_personal AS (
  -- and, in a table about persons (one with such a column), their name and their location
  SELECT c.* FROM col c
  WHERE c.personal_kind OR c.comment LIKE '[personal%'
     OR ((c.attname = 'name' OR c.typname = 'geometry')
         AND EXISTS (SELECT FROM col p WHERE p.oid = c.oid AND p.personal_kind))
)
SELECT 'table not registered for pg_dump'::text AS finding, t.tbl::text AS object,
       'register_dump(table) beside its CREATE TABLE, or mark_install_only(table, reason)' AS fix
FROM ext_table t
WHERE t.oid NOT IN (SELECT oid FROM dumped)
  AND t.oid NOT IN (SELECT table_name FROM commgrid.install_only_table)
UNION ALL
SELECT 'install-only table registered for pg_dump', t.tbl::text, 'one or the other'
FROM ext_table t
WHERE t.oid IN (SELECT oid FROM dumped) AND t.oid IN (SELECT table_name FROM commgrid.install_only_table)
UNION ALL
SELECT 'sequence not registered for pg_dump', s.seq::text, 'register the table with register_dump'
FROM (SELECT pg_get_serial_sequence(c.tbl::text, c.attname)::regclass AS seq
      FROM col c WHERE c.oid IN (SELECT oid FROM dumped)) s
WHERE s.seq IS NOT NULL AND s.seq::oid NOT IN (SELECT oid FROM dumped)
UNION ALL
SELECT 'personal-looking column not classified', l.tbl::text || '.' || l.attname,
       'mark_personal (or mark_not_personal) beside its CREATE TABLE'
FROM looks_personal l
WHERE NOT EXISTS (SELECT FROM commgrid.personal_column p
                  WHERE p.table_name = l.oid AND p.column_name = l.attname)
UNION ALL
SELECT 'comment disagrees with personal_column', p.table_name::text || '.' || p.column_name,
       p.class || ': ' || COALESCE(left(c.comment, 30), 'no comment')
FROM commgrid.personal_column p
JOIN col c ON c.oid = p.table_name AND c.attname = p.column_name
WHERE CASE p.class WHEN 'personal' THEN c.comment NOT LIKE '[personal] %'
                   WHEN 'restricted' THEN c.comment NOT LIKE '[personal: restricted] %'
                   ELSE c.comment LIKE '[personal%' END IS NOT FALSE;

SELECT * FROM registration_finding ORDER BY 1, 2;

-- what pg_dump leaves out on purpose, and the classification the grants read
SELECT table_name, reason FROM install_only_table ORDER BY table_name::text;
SELECT table_name, column_name, class FROM personal_column ORDER BY table_name::text, column_name;

-- a table of the extension made without the declarations, with an ID number, a name, a
-- location and a serial key, is found; so is a comment marked by hand
CREATE TABLE commgrid.r000000_patient (
  patient_id bigserial PRIMARY KEY,
  name       text,
  idcard     idcard,
  location   geometry(Point, 4490)
);
ALTER EXTENSION pg_commgrid ADD TABLE commgrid.r000000_patient;
COMMENT ON COLUMN resident.registered_on IS '[personal] Day the person was registered here';
SELECT * FROM registration_finding ORDER BY 1, 2;
-- the declarations beside it clear every finding but the hand-marked comment (register_dump
-- works only inside CREATE EXTENSION: here the table is declared install-only)
SELECT mark_install_only('commgrid.r000000_patient', 'a test table');
SELECT mark_personal('commgrid.r000000_patient', '{name}');
SELECT mark_personal('commgrid.r000000_patient', '{idcard, location}', restricted => true);
SELECT * FROM registration_finding ORDER BY 1, 2;
-- a comment rewritten without its class is found (the grants do not read it, people do)
COMMENT ON COLUMN resident.idcard IS 'Citizen ID number';
SELECT * FROM registration_finding WHERE finding LIKE 'comment%';
-- a table registered by hand without the sequence of its key (what register_dump prevents):
-- the sequence is found (pg_extension_config_dump runs only inside CREATE EXTENSION, so the
-- catalog row is written as it would write it)
DELETE FROM install_only_table WHERE table_name = 'commgrid.r000000_patient'::regclass;
UPDATE pg_extension SET extconfig = extconfig || 'commgrid.r000000_patient'::regclass::oid,
                        extcondition = extcondition || ''::text
WHERE extname = 'pg_commgrid';
SELECT * FROM registration_finding WHERE finding LIKE '%pg_dump' ORDER BY 1, 2;
ROLLBACK;
