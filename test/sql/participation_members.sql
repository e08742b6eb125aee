-- Organisational life and members' participation (issue 14 §1, §4) on district 450102: three
-- meetings and the theme day with attendance, online self-study apart, the per-member year,
-- the branch and community rates by age group and category, the members who never took part,
-- dues paid by others, the committee eligibility notice and area_report's lines.  Rolled back.
SET search_path = commgrid, public;
\set SHOW_CONTEXT never
BEGIN;
\set ON_ERROR_ROLLBACK on
\i test/fixtures/participation.sql
-- ages in 2016: 1 is 21 (young), 2 is 56, 3 is 31 (young), 4 is 66, 5 has no ID number, 6 is 26 (young)
UPDATE resident SET idcard = make_idcard('450102', b, (resident_id % 100)::int)
FROM (VALUES (4501020001, date '1995-03-01'), (4501020002, '1960-03-01'), (4501020003, '1985-03-01'),
             (4501020004, '1950-03-01'), (4501020006, '1990-03-01')) v (id, b)
WHERE resident_id = v.id;
INSERT INTO party_org (org_id, name, kind, community_code, term_start)
VALUES (4501020001, '中共甲社区支部委员会', 'branch', '450102001001', commgrid.district_today() - 365);
INSERT INTO party_member (resident_id, org_id, status, category, joined_on)
SELECT 4501020000 + n, 4501020001, 'full', (ARRAY['in_service', 'retired', 'in_service', 'retired', 'other', 'in_service'])[n],
       CASE WHEN n <> 6 THEN date '2010-07-01' END
FROM generate_series(1, 6) n;
-- member 6 came from elsewhere and takes part here, where they live
INSERT INTO floating_member (resident_id, direction, since, home_org, certificate_no, declared_on)
VALUES (4501020006, 'inflow', '2015-06-01', '柳州某支部', 'LD450102', '2015-06-02');
-- member 3's dues for two months paid by member 4
INSERT INTO party_dues (resident_id, month, amount, paid_on, paid_by_id) VALUES
 (4501020003, '2016-01-01', 10, '2016-01-05', 4501020004), (4501020003, '2016-02-01', 10, '2016-02-05', 4501020004),
 (4501020003, '2016-03-01', 10, '2016-03-05', 4501020003);

-- 三会一课 and the theme day
INSERT INTO org_meeting (meeting_id, org_id, kind, held_on, topic) VALUES
 (4501020001, 4501020001, 'theme_day', '2016-01-15', '主题党日：走访困难群众'),
 (4501020002, 4501020001, 'theme_day', '2016-02-15', '主题党日：环境整治'),
 (4501020003, 4501020001, 'branch_meeting', '2016-03-20', '支部党员大会'),
 (4501020004, 4501020001, 'party_lecture', '2016-03-20', '党课');
SELECT meeting_id, community_code FROM org_meeting WHERE meeting_id >= 4501020001 ORDER BY 1;
INSERT INTO org_meeting_attendance (meeting_id, resident_id, attended, absence_reason) VALUES
 (4501020001, 4501020001, true, NULL), (4501020001, 4501020002, true, NULL), (4501020001, 4501020006, true, NULL),
 (4501020001, 4501020003, false, '出差'), (4501020003, 4501020002, true, NULL);
-- a resident who is no member, a reason given for attending, a meeting of an unknown organisation
INSERT INTO org_meeting_attendance (meeting_id, resident_id, attended) VALUES (4501020001, 4501020007, true);
\set VERBOSITY terse
INSERT INTO org_meeting_attendance (meeting_id, resident_id, attended, absence_reason) VALUES (4501020002, 4501020001, true, '病假');
INSERT INTO org_meeting (org_id, kind, held_on, topic) VALUES (4501029999, 'theme_day', '2016-01-15', '无');
INSERT INTO org_meeting (org_id, kind, held_on, topic) VALUES (4501020001, 'party_day', '2016-01-15', '无');
\set VERBOSITY default
-- online self-study: its own mode
INSERT INTO self_study (resident_id, studied_on, course, minutes) VALUES (4501020005, '2016-04-01', '学习强国', 45);
-- volunteering: members 1 and 3 at the 2016 repair day (verified)
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on) VALUES
 (4501020001, 4501020001, true, 3, '服务站张三', '2016-05-02'), (4501020001, 4501020003, true, 2, '服务站张三', '2016-05-02');
SELECT post_earnings() AS credited;

SELECT community_code, org_id, org_kind, year, branch_meetings, committee_meetings, group_meetings, party_lectures,
       theme_day_months, attendances
FROM org_life_summary WHERE community_code <@ '450102';
SELECT resident_id, category, age_group, floating, org_life_attended, self_study_minutes, activities_attended,
       hours, points, dues_months, dues_paid_by_others, took_part
FROM member_participation WHERE community_code <@ '450102' AND year = 2016 ORDER BY resident_id;
SELECT org_id, breakdown, grp, members, took_part, rate_percent, dues_paid_by_others
FROM branch_participation WHERE community_code <@ '450102' AND year = 2016
ORDER BY org_id NULLS LAST, breakdown, grp;
SELECT org_id, resident_id, category, age_group, floating, self_study_minutes, dues_paid_by_others
FROM member_never_took_part WHERE community_code <@ '450102' AND year = 2016 ORDER BY resident_id;

-- the rule on organisation kind: a general branch of 100 or more members is a notice, not a
-- breach; a branch of 100 or more is still a breach
SAVEPOINT big;
INSERT INTO resident (resident_id, name, household_id)
SELECT 4501021000 + n, '党员' || n, 4501020001 FROM generate_series(1, 100) n;
INSERT INTO party_member (resident_id, org_id, status, category, joined_on)
SELECT 4501021000 + n, 4501020001, 'full', 'retired', '2000-07-01' FROM generate_series(1, 100) n;
SELECT kind, area_code, detail FROM org_compliance WHERE area_code <@ '450102' AND kind = 'community_org_kind_mismatch';
SELECT * FROM org_eligibility_notice WHERE area_code <@ '450102';
-- community 2: a general branch over a branch, 100 members
INSERT INTO party_org (org_id, name, kind, parent_id, community_code, term_start) VALUES
 (4501020002, '中共乙社区总支部委员会', 'general_branch', NULL, '450102001002', commgrid.district_today() - 365),
 (4501020003, '中共乙社区第一支部委员会', 'branch', 4501020002, '450102001002', commgrid.district_today() - 365);
INSERT INTO resident (resident_id, name, household_id)
SELECT 4501022000 + n, '党员' || n, 4501020002 FROM generate_series(1, 100) n;
INSERT INTO party_member (resident_id, org_id, status, category, joined_on)
SELECT 4501022000 + n, 4501020003, 'full', 'retired', '2000-07-01' FROM generate_series(1, 100) n;
SELECT kind, area_code, detail FROM org_compliance WHERE area_code <@ '450102' AND kind = 'community_org_kind_mismatch';
SELECT * FROM org_eligibility_notice WHERE area_code <@ '450102';
SELECT indicator, value, unit FROM area_report('450102') WHERE indicator LIKE '%committee (notice)';
ROLLBACK TO big;

-- area_report's participation lines (current year: one activity today for member 1)
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at) VALUES
 (4501020009, 4501020001, 'free_repair', '今日维修', ST_SetSRID(ST_MakePoint(108.32, 22.82), 4490),
  (commgrid.district_today() + time '09:00') AT TIME ZONE 'Asia/Shanghai',
  (commgrid.district_today() + time '10:00') AT TIME ZONE 'Asia/Shanghai');
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on)
VALUES (4501020009, 4501020001, true, 1, '服务站张三', commgrid.district_today());
SELECT post_earnings() AS credited;
SELECT indicator, value, unit FROM area_report('450102')
WHERE indicator ~ 'activities|took part|points|notice' AND indicator !~ 'young' ORDER BY indicator;
-- the young lines depend on today's ages: they agree with member_participation
SELECT (SELECT value FROM area_report('450102') WHERE indicator = 'young members')
       = (SELECT count(*) FROM member_participation WHERE community_code <@ '450102'
          AND year = extract(year FROM district_today()) AND age_group = 'young') AS young_agree,
       (SELECT value FROM area_report('450102') WHERE indicator = 'young members who took part this year')
       = (SELECT count(*) FROM member_participation WHERE community_code <@ '450102'
          AND year = extract(year FROM district_today()) AND age_group = 'young' AND took_part) AS young_took_part_agree;
SELECT * FROM ledger_check();
ROLLBACK;
