-- Supervision (district 420102): flag_overdue's yellow warnings and red cards, once per
-- request, deadline and colour; parked requests keep only the response clock; handling
-- level never changes by itself.
\set VERBOSITY default
BEGIN;
SET TimeZone = 'UTC';
INSERT INTO commgrid.area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(114.20, 30.5, 114.40, 30.7, 4490)
FROM (VALUES ('420102', '测试江岸区', 'district'), ('420102001', '甲街道', 'subdistrict'),
             ('420102001001', '甲一社区', 'community'), ('420102001001001', '甲一第1网格', 'grid')) a(code, name, kind)
ORDER BY code;
-- raised 09:00 on Monday 2 March 2026: response due 12:00, resolution (010102: 5 working days) 9 March 09:00
SELECT commgrid.submit_request('010102', 'complaint', '噪声', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490),
  requested_at => '2026-03-02 09:00+08') AS a \gset
SELECT commgrid.submit_request('010101', 'help', '垃圾', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490),
  requested_at => '2026-03-02 09:30+08') AS b \gset
-- b is acted on at once (responded), then parked: only a's response clock is left by noon
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:b, 'sign_for', '2026-03-02 09:40+08');
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:b, 'start', '2026-03-02 09:50+08');
INSERT INTO commgrid.request_event (request_id, action, at, note, review_on) VALUES (:b, 'park', '2026-03-02 10:00+08', '待协调', '2026-04-01');
SELECT commgrid.flag_overdue('2026-03-02 10:30+08') AS before_the_warning,
       commgrid.flag_overdue('2026-03-02 11:10+08') AS yellow,
       commgrid.flag_overdue('2026-03-02 11:20+08') AS yellow_again,
       commgrid.flag_overdue('2026-03-02 12:00+08') AS at_the_deadline,
       commgrid.flag_overdue('2026-03-02 12:00:01+08') AS red_after_it,
       commgrid.flag_overdue('2026-03-02 13:00+08') AS red_again,
       commgrid.flag_overdue('2026-03-08 10:00+08') AS resolution_yellow,
       commgrid.flag_overdue('2026-03-09 10:00+08') AS resolution_red;
SELECT request_id = :a AS a, supervision, deadline_kind, deadline AT TIME ZONE 'Asia/Shanghai' AS deadline,
       at AT TIME ZONE 'Asia/Shanghai' AS raised, addressed_to, from_status, to_status
FROM commgrid.request_event WHERE action = 'supervise' AND request_id IN (:a, :b) ORDER BY event_id;
-- no escalation by the clock
SELECT handling_level, status FROM commgrid.service_request WHERE request_id = :a;
-- a missed deadline never seen before gets its red card only
SELECT commgrid.submit_request('010101', 'help', '积水', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490),
  requested_at => '2026-03-10 08:00+08') AS c \gset
SELECT commgrid.flag_overdue('2026-03-10 12:30+08') AS late_run;
SELECT supervision, deadline_kind FROM commgrid.request_event WHERE action = 'supervise' AND request_id = :c;
SAVEPOINT s;
SELECT commgrid.flag_overdue(NULL);
ROLLBACK TO s;
SELECT commgrid.flag_overdue('2026-03-02 12:00+08', interval '-1 hour');
ROLLBACK;
