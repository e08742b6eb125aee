-- Reads of restricted data (residents' and households' cards, a social worker's case notes
-- and client) leave a durable trace: pgaudit writes each one to the server log as it runs,
-- so neither a caller's rollback nor an error caught per card undoes it, while the entry in commgrid.audit_log goes with the caller's transaction.  Needs the cluster
-- `make test` starts (shared_preload_libraries = pgaudit, pgaudit.role = commgrid_auditor,
-- pgaudit.log_parameter = on, logging_collector = on): it reads the log as the superuser.
SET search_path = commgrid, public;
SELECT name, setting FROM pg_settings
WHERE name IN ('pgaudit.role', 'pgaudit.log_parameter', 'pgaudit.log_level', 'logging_collector')
ORDER BY name;
SELECT * FROM security_findings WHERE finding LIKE 'durable%';
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
-- a social worker with a case and a note (read in step 4)
INSERT INTO sw_contract (contract_id, provider, subdistrict_code, starts_on, ends_on, target_cases, target_groups, target_activities)
VALUES (330106000001, '测试社工', '330106001', '2026-01-01', '2026-12-31', 1, 0, 0);
INSERT INTO social_worker (worker_id, contract_id, subdistrict_code, name, qualification)
VALUES (330106000001, 330106000001, '330106001', '社工甲', 'assistant');
INSERT INTO sw_case (case_id, contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
VALUES (330106000001, 330106000001, '330106001', 330106000001, 330106000001, '照护', '2026-01-05');
INSERT INTO sw_case_note (case_id, subdistrict_code, worker_id, note)
VALUES (330106000001, '330106001', 330106000001, '初次面谈');
CREATE ROLE r330106_social IN ROLE commgrid_social_worker;
SELECT grant_social_worker('r330106_social', 330106000001);
SELECT max(id) AS audit_start FROM audit_log \gset
-- where the server log stands: the lines read below are those written after this point.  The
-- log collector writes a backend's lines in order, but later than the statement: the audit
-- lines of the statements above could still reach the file after this size was taken, so the
-- lines read below also start after this marker's
SELECT pg_current_logfile() AS log_file, (pg_stat_file(pg_current_logfile())).size AS log_offset \gset
DO $$ BEGIN RAISE LOG 'pg_commgrid durable audit start %', pg_backend_pid(); END $$;

-- 1. BEGIN; SELECT … FROM resident_card(…); ROLLBACK; (here a savepoint, as the fixture's
-- roles live in this transaction): the card is delivered, its audit_log entry rolled back
SAVEPOINT caller;
SET ROLE r330106_grid;
SELECT resident_id, name, phone FROM resident_card(330106000003);
ROLLBACK TO SAVEPOINT caller;

-- 2. a loop over every resident that catches an error per card, and raises one after each
-- card it got to undo that card's entry: 5 cards in the grid worker's two grids, 4 refused
SET ROLE r330106_grid;
DO $$
DECLARE
  got int := 0;
  refused int := 0;
BEGIN
  FOR i IN 1..9 LOOP
    BEGIN
      PERFORM * FROM commgrid.resident_card(330106000000 + i);
      got := got + 1;
      RAISE EXCEPTION USING ERRCODE = 'P0001';
    EXCEPTION
      WHEN insufficient_privilege THEN refused := refused + 1;
      WHEN raise_exception THEN NULL;
    END;
  END LOOP;
  RAISE NOTICE 'cards read: %, refused: %', got, refused;
END $$;
RESET ROLE;
-- and a household card whose statement fails after the read
SET ROLE r330106_comm;
SELECT household_id, address, 1 / (household_id - household_id) AS fail FROM household_card(330106000002);
RESET ROLE;

-- 3. the district administrator reads the audit log: the read itself is logged
SET ROLE r330106_admin;
SELECT count(*) AS entries_this_transaction FROM audit_log WHERE xact_id = txid_current();
RESET ROLE;

-- 4. the social worker reads its case's notes and its client, then rolls back: the notes are
-- a restricted column (the auditor's privilege), so both reads stay in the server log
SAVEPOINT social;
SET ROLE r330106_social;
SELECT note FROM sw_case_notes(330106000001);
SELECT name FROM sw_client_card(330106000001);
ROLLBACK TO SAVEPOINT social;

-- 5. the grid worker moves resident 1's registration day before the birth date in the ID
-- number it may not read: refused without the birth date, and the stored ID number's answer
-- is a read in the server log (a rolled-back probe once told the birth date, untraced)
SET ROLE r330106_grid;
UPDATE resident SET registered_on = date '1900-01-01' WHERE resident_id = 330106000001;
RESET ROLE;

-- 6. the grid worker registers a newcomer with the ID number of resident 8 (乙一, outside its
-- grids), then with that of resident 2 (its own grid): the first is refused as another
-- jurisdiction's (42501, nobody named), the second names resident 2, and both answers are
-- reads of the holder's ID number in the server log (a bare 23505 once told, untraced,
-- whether a guessed ID number is registered anywhere)
SET ROLE r330106_grid;
INSERT INTO resident (name, household_id, idcard)
SELECT '新来者', 330106000001, make_idcard('330106', date '1950-01-01' + 8 * 400, 8);
INSERT INTO resident (name, household_id, idcard)
SELECT '新来者', 330106000001, make_idcard('330106', date '1950-01-01' + 2 * 400, 2);
RESET ROLE;

-- 7. a READ ONLY transaction (a JDBC connection with readOnly=true): the grid worker reads a
-- card of its grid and LISTENs on its grid's care alarm channel, both allowed although the
-- READ entry cannot be written to audit_log; each leaves a LOG line "pg_commgrid audit: READ
-- {…}" with the login, acting role, row or channel, area and the role's jurisdiction.  What
-- must be refused still is, and leaves no line.  (A subtransaction's end puts back the read-only
-- state it started with, psql's ON_ERROR_ROLLBACK savepoint included, so the statements run
-- inside one call that makes the transaction read only first.)
CREATE FUNCTION pg_temp.read_only_as(r name, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  SET LOCAL transaction_read_only = on;
  BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    IF stmt ~* '^\s*select' THEN
      EXECUTE stmt INTO v;
    ELSE
      EXECUTE stmt;
      v := 'done';
    END IF;
    v := v || CASE WHEN current_setting('transaction_read_only')::boolean THEN ' (read only)' ELSE ' (read write)' END;
  EXCEPTION WHEN OTHERS THEN
    v := SQLSTATE || ': ' || SQLERRM;
  END;
  RESET ROLE;
  RETURN v;
END $$;
SELECT stmt, pg_temp.read_only_as('r330106_grid', stmt) AS outcome
FROM unnest(ARRAY['SELECT name FROM commgrid.resident_card(330106000003)',
                  'LISTEN commgrid_care_alarm_330106001001002',
                  'SELECT name FROM commgrid.resident_card(330106000008)',
                  'LISTEN commgrid_care_alarm_330106001',
                  'LISTEN commgrid_care_alarm']) WITH ORDINALITY s(stmt, n)
ORDER BY n;
SHOW transaction_read_only;
-- the person the application names (commgrid.person_id) is a resident id there as in
-- audit_log (whose column is a bigint): anything else is refused (22P02) in both, so no entry
-- carries a text of the caller's choosing
SELECT set_config('commgrid.person_id', '3006 (the director, not me)', true) IS NOT NULL AS person_named;
SELECT pg_temp.read_only_as('r330106_grid', 'SELECT name FROM commgrid.resident_card(330106000003)') AS outcome;
SELECT set_config('commgrid.person_id', '', true) = '' AS person_cleared;

-- 8. any role can write a LOG line of its own (RAISE LOG in a DO block): the grid worker
-- forges a read-only entry that names the administrator's login reading resident 8, and
-- pgaudit's line for it.  The "pg_commgrid audit" LOG line proves nothing; the entry is
-- pgaudit's line for audit_read's query on commgrid.audit_read_witness, which no role of the
-- extension may read (so only the extension's code, the owner or a superuser makes it), and
-- pgaudit writes its lines without a CONTEXT line (errhidecontext), which every RAISE of a
-- role carries
SET ROLE r330106_grid;
DO $$
BEGIN
  RAISE LOG 'pg_commgrid audit: READ %', '{"via": "resident_card", "xact": "read only", "row_key": {"resident_id": 330106000008}, "person_id": null, "scope_code": "330106002001001", "table_name": "commgrid.resident", "acting_role": "r330106_admin", "jurisdiction": ["330106"], "session_role": "r330106_admin"}';
  RAISE LOG 'AUDIT: OBJECT,1,1,READ,SELECT,TABLE,commgrid.audit_read_witness,SELECT FROM commgrid.audit_read_witness w WHERE w.entry OPERATOR(pg_catalog.=) $1,"""{""""via"""": """"resident_card"""", """"session_role"""": """"r330106_admin""""}"""';
END $$;
SELECT count(*) FROM commgrid.audit_read_witness;
RESET ROLE;

-- the server log since the starting point, read as the superuser; the log collector writes
-- lines in the order it receives them, so once a line logged after all of the above is
-- there, so are they (bounded wait: 600 polls)
CREATE FUNCTION pg_temp.server_log_since(start_file text, start_offset bigint, sentinel text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  body text;
BEGIN
  RAISE LOG '%', sentinel;
  FOR poll IN 1..600 LOOP
    SELECT string_agg(CASE WHEN f.path = start_file
                           THEN pg_read_file(f.path, start_offset, 1000000000)
                           ELSE pg_read_file(f.path) END, '' ORDER BY f.path)
      INTO body
    FROM (SELECT current_setting('log_directory') || '/' || l.name AS path
          FROM pg_ls_logdir() l) f
    WHERE f.path >= start_file;
    IF strpos(body, sentinel) > 0 THEN
      RETURN body;
    END IF;
    PERFORM pg_sleep(0.1);
  END LOOP;
  RAISE EXCEPTION 'the server log never showed %', sentinel;
END $$;
-- pgaudit's lines (the first line of each; a statement of several lines continues below it),
-- without the statement numbers, the CSV quoting of the parameters, and the login's name
-- this backend's lines only (log_line_prefix has [%p]): another session's audit lines may
-- reach the log between the marker and the end
CREATE TEMP TABLE server_log_line AS
WITH l AS (
  SELECT n, line
  FROM regexp_split_to_table(pg_temp.server_log_since(:'log_file', :log_offset,
                                                      'pg_commgrid durable audit test ' || pg_backend_pid()),
                             '\n') WITH ORDINALITY l(line, n)
  WHERE line LIKE '%[' || pg_backend_pid() || ']%')
SELECT n, line FROM l
WHERE n > (SELECT max(n) FROM l WHERE line LIKE '%pg_commgrid durable audit start%');
CREATE TEMP TABLE audit_line AS
SELECT n, replace(regexp_replace(regexp_replace(substring(line FROM 'AUDIT: (.*)$'),
                                                '^(\w+),\d+,\d+,', '\1,'), '"+', '"', 'g'),
                  ',"' || session_user || ',', ',"<login>,') AS line
FROM server_log_line l
WHERE line ~ '\mLOG:  AUDIT: (SESSION|OBJECT),'
  AND NOT EXISTS (SELECT 1 FROM server_log_line c WHERE c.n = l.n + 1 AND c.line ~ '\mCONTEXT:  ');
-- a look-alike of pgaudit's line, RAISEd by a role (step 8), is followed by its CONTEXT line
SELECT count(*) AS audit_look_alikes FROM server_log_line l
WHERE line ~ '\mLOG:  AUDIT: '
  AND EXISTS (SELECT 1 FROM server_log_line c WHERE c.n = l.n + 1 AND c.line ~ '\mCONTEXT:  PL/pgSQL function inline_code_block ');

-- what the server log holds: every card delivered, each as the INSERT of its READ entry with
-- the login, acting role, table, row, function and area as parameters, and as the reads of
-- the restricted columns; and the administrator's read of the log
SELECT split_part(line, ',', 3) AS command, split_part(line, ',', 5) AS object, count(*)
FROM audit_line GROUP BY 1, 2 ORDER BY 1, 2;
SELECT substring(line FROM '\)",(.*)$') AS read_entry
FROM audit_line WHERE line LIKE 'OBJECT,WRITE,INSERT,TABLE,commgrid.audit_log,%' ORDER BY n;
SELECT line FROM audit_line WHERE line LIKE '%,commgrid.audit_log,SELECT%' ORDER BY n;
-- the READ ONLY transaction's reads (step 7): the card and the LISTEN, each one LOG line,
-- and the grid worker's forgery (step 8), a LOG line like them
SELECT replace(substring(line FROM 'LOG:  pg_commgrid audit: (.*)$'), '"' || session_user || '"', '"<login>"') AS read_only_entry
FROM server_log_line WHERE line ~ '\mLOG:  pg_commgrid audit: ' ORDER BY n;
-- the proof of each: pgaudit's line for audit_read's query on the witness table, with the
-- entry as its parameter; the forgery has none
SELECT replace(substring(line FROM '\$1,"(.*)"$'), '"' || session_user || '"', '"<login>"') AS read_only_entry_proven
FROM audit_line WHERE line LIKE 'OBJECT,READ,SELECT,TABLE,commgrid.audit_read_witness,%' ORDER BY n;
-- while the database keeps none of these reads: each was rolled back
SELECT count(*) AS read_entries_kept FROM audit_log WHERE id > :audit_start AND action = 'READ';

-- security_findings names what is missing: a setting turned off, and an auditor role that
-- somebody could use
SAVEPOINT findings;
SET LOCAL pgaudit.log_parameter = off;
SET LOCAL pgaudit.role = '';
GRANT commgrid_auditor TO r330106_nobody;
SELECT * FROM security_findings
WHERE finding IN ('durable read audit not configured', 'auditor role usable') ORDER BY 1;
ROLLBACK TO SAVEPOINT findings;
\i test/fixtures/security_cleanup.psql
ROLLBACK;
