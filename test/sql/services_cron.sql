-- Scheduling (district 420102): pg_cron runs commgrid.flag_overdue every minute and a red card
-- appears for an overdue request, within a bounded wait (no assertion on speed).  pg_cron keeps
-- its metadata in the database cron.database_name (postgres in `make test`), and runs the job
-- here with cron.schedule_in_database.  The request is committed (the job's session must see
-- it) and removed at the end.  Without pg_cron preloaded and running its jobs in background
-- workers (as `make test`'s SERVER_OPTS set it) the check is skipped (expected/services_cron_1.out).
SELECT current_setting('shared_preload_libraries') ~ 'pg_cron'
       AND current_setting('cron.use_background_workers', true) = 'on' AS cron_ready,
       current_database() AS test_db, current_setting('cron.database_name', true) AS cron_db \gset
\if :cron_ready
-- an overdue request (raised at 08:00 on 2 March 2026, due 12:00), in no grid of this district
SELECT commgrid.submit_request('010101', 'help', 'cron probe', ST_SetSRID(ST_MakePoint(100.0, 40.0), 4490),
  requested_at => '2026-03-02 08:00+08') AS probe \gset
\c :cron_db
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
RESET client_min_messages;
SELECT cron.schedule_in_database('commgrid_flag_overdue_test', '* * * * *',
                                 'SELECT commgrid.flag_overdue()', :'test_db') > 0 AS scheduled;
\c :test_db
-- wait for the job: at most 150 seconds (pg_cron 1.4 runs jobs on the minute)
DO $$
BEGIN
  FOR i IN 1..300 LOOP
    EXIT WHEN EXISTS (SELECT 1 FROM commgrid.request_event e JOIN commgrid.service_request r USING (request_id)
                      WHERE r.description = 'cron probe' AND e.action = 'supervise');
    PERFORM pg_sleep(0.5);
  END LOOP;
END $$;
SELECT supervision, deadline_kind, addressed_to FROM commgrid.request_event
WHERE request_id = :probe AND action = 'supervise' ORDER BY deadline_kind;
\c :cron_db
SELECT cron.unschedule('commgrid_flag_overdue_test') AS unscheduled;
SELECT count(*) > 0 AS job_ran FROM cron.job_run_details d
WHERE d.command = 'SELECT commgrid.flag_overdue()' AND d.status = 'succeeded';
\c :test_db
-- the probe goes (events are append-only: removed with triggers off, as the superuser)
SET session_replication_role = replica;
DELETE FROM commgrid.request_event WHERE request_id = :probe;
DELETE FROM commgrid.service_repeat WHERE request_id = :probe;
DELETE FROM commgrid.service_request WHERE request_id = :probe;
RESET session_replication_role;
SELECT count(*) AS probes_left FROM commgrid.service_request WHERE description = 'cron probe';
\else
\echo pg_cron is not preloaded: the scheduling check is skipped
\endif
