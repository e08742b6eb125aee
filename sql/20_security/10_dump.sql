-- Security machinery, first part: what pg_dump keeps.  The security area comes before the
-- engine, people and units, so that each area declares beside its CREATE TABLE everything
-- about the table: its policy (secure_table), personal columns (mark_personal), audit
-- (audit_table) and pg_dump registration (register_dump, or mark_install_only).  The
-- regression test checks_catalog_registration fails on a table that has neither.
-- Restore with session_replication_role = replica, as docs/design/backup-restore.md says, so that the
-- rules for new rows (closed campaigns, recusal, unit ties) do not judge restored history.

-- The tables whose rows the install script writes and pg_dump must leave out: CREATE
-- EXTENSION on restore writes them again (registries of the extension's own objects, settings
-- only the extension owner changes).
CREATE TABLE install_only_table (
  table_name regclass PRIMARY KEY,
  reason     text NOT NULL
);
COMMENT ON TABLE install_only_table IS
  'Tables of the extension that pg_dump leaves out on purpose: the install script fills them and CREATE EXTENSION fills them again on restore';
COMMENT ON COLUMN install_only_table.table_name IS 'The table';
COMMENT ON COLUMN install_only_table.reason IS 'Why its rows need no backup';

-- Register a table of users' rows for pg_dump (pg_extension_config_dump, so its rows are
-- dumped although the extension owns it), and with it every sequence behind its serial or
-- identity columns, found by pg_get_serial_sequence: no sequence name is typed by hand.
-- condition: the WHERE clause that picks the users' rows ('' for all).
CREATE FUNCTION register_dump(tbl regclass, condition text DEFAULT '') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  seq text;
BEGIN
  PERFORM pg_catalog.pg_extension_config_dump(tbl, condition);
  FOR seq IN
    SELECT pg_catalog.pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.oid = tbl
    ORDER BY a.attnum
  LOOP
    IF seq IS NOT NULL THEN
      PERFORM pg_catalog.pg_extension_config_dump(seq::regclass, '');
    END IF;
  END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION register_dump(regclass, text) FROM PUBLIC;
COMMENT ON FUNCTION register_dump(regclass, text) IS
  'Mark a table (rows matching the condition, '''' for all) and the sequences of its serial and identity columns for pg_dump; install script only';

-- Say that pg_dump leaves a table out on purpose (install_only_table).
CREATE FUNCTION mark_install_only(tbl regclass, reason text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  INSERT INTO commgrid.install_only_table VALUES (tbl, reason)
    ON CONFLICT (table_name) DO UPDATE SET reason = EXCLUDED.reason;
END;
REVOKE EXECUTE ON FUNCTION mark_install_only(regclass, text) FROM PUBLIC;
COMMENT ON FUNCTION mark_install_only(regclass, text) IS
  'Record that pg_dump leaves a table of the extension out on purpose, and why (install script only)';
SELECT commgrid.mark_install_only('commgrid.install_only_table', 'filled by the install script');
