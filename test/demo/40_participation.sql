-- The demo district's participation (issue 14): organisers, 520 volunteer activities, about
-- 10,000 love-bank volunteers (× scale) with a year of earnings and redemptions, organisational
-- life for every branch, and the report's 2016 subdistrict: 45 members on the star board and
-- 102 person-times of needy members earning points.  psql variables :scale and :seed; the
-- randomness comes from setseed(:seed).  Prints the report's figures beside the demo's.
SET search_path = commgrid, public;
SET client_min_messages = warning;
SET commgrid.audit = off;
\set QUIET on
\set district '500112'
BEGIN;
SELECT setseed((:seed % 1000003) / 1000003.0 / 2) AS seeded \gset
SELECT greatest(100, round(10000 * :scale))::int AS n_volunteers \gset
-- the pilot subdistrict: the district's first
SELECT min(code)::text AS pilot FROM area WHERE kind = 'subdistrict' AND code <@ :'district'::gridcode \gset

-- rates, a bank per township (subdistrict or town), a service station and a vanguard team per community
INSERT INTO earning_rate (kind, valid_from, points_per_hour)
SELECT kind, '2016-01-01', CASE kind WHEN 'dispute_mediation' THEN 15 WHEN 'free_repair' THEN 12 ELSE 10 END
FROM activity_kind;
SELECT count(*) AS bank_accounts FROM area a, open_love_bank(a.code)
WHERE depth(a.code) = 4 AND a.code <@ :'district'::gridcode \gset
INSERT INTO organiser (name, kind, community_code)
SELECT a.name || s.label, s.kind, a.code
FROM area a, (VALUES ('群团服务站', 'service_station'), ('党员先锋队', 'vanguard_team')) s (label, kind)
WHERE a.kind = 'community' AND a.code <@ :'district'::gridcode ORDER BY a.code, s.kind;

-- 520 activities in the last year, spread over the communities, at a household of the community
CREATE TEMP TABLE demo_community AS
SELECT a.code, row_number() OVER (ORDER BY a.code) AS k, count(*) OVER () AS n
FROM area a WHERE a.kind = 'community' AND a.code <@ :'district'::gridcode
  AND EXISTS (SELECT 1 FROM household h WHERE h.community_code = a.code);
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
SELECT o.organiser_id, k.kind, k.description, h.location, t.starts_at, t.starts_at + interval '3 hours'
FROM generate_series(1, 520) i
JOIN demo_community c ON c.k = 1 + (i - 1) % c.n
JOIN LATERAL (SELECT organiser_id FROM organiser o WHERE o.community_code = c.code
              ORDER BY o.kind DESC LIMIT 1 OFFSET (i % 2)) o ON true
JOIN LATERAL (SELECT location FROM household h WHERE h.community_code = c.code LIMIT 1 OFFSET (i % 7)) h ON true
CROSS JOIN LATERAL (SELECT (ARRAY['science_school', 'free_repair', 'dispute_mediation', 'elderly_care', 'environment'])[1 + i % 5] AS kind) kk
JOIN activity_kind k ON k.kind = kk.kind
CROSS JOIN LATERAL (SELECT ((district_today() - 1 - (i * 7919 % 360)) + time '09:00') AT TIME ZONE 'Asia/Shanghai' AS starts_at) t
ORDER BY i;
CREATE TEMP TABLE demo_activity AS
SELECT activity_id, community_code, row_number() OVER (PARTITION BY community_code ORDER BY activity_id) AS rn,
       count(*) OVER (PARTITION BY community_code) AS na
FROM activity WHERE community_code <@ :'district'::gridcode;

-- the volunteers: a third of them Party members; each attends 1-4 activities of their community
CREATE TEMP TABLE demo_volunteer AS
(SELECT resident_id, community_code FROM resident WHERE community_code <@ :'district'::gridcode
   AND resident_id NOT IN (SELECT resident_id FROM party_member) ORDER BY random() LIMIT (:n_volunteers * 2 / 3))
UNION ALL
(SELECT m.resident_id, m.community_code FROM member_of_record m WHERE m.community_code <@ :'district'::gridcode
 ORDER BY random() LIMIT (:n_volunteers / 3));
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on)
SELECT DISTINCT ON (a.activity_id, v.resident_id) a.activity_id, v.resident_id, true,
       1 + floor(random() * 6) / 2, '组织方核实', district_today() - 1
FROM demo_volunteer v
CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 4)::int) j
JOIN LATERAL (SELECT count(*) AS na FROM demo_activity d WHERE d.community_code = v.community_code) c ON c.na > 0
JOIN demo_activity a ON a.community_code = v.community_code AND a.rn = 1 + ((v.resident_id * 31 + j * 17) % c.na)
ORDER BY a.activity_id, v.resident_id;

-- organisational life for every branch in the last year: a theme day each month, a branch
-- meeting and a Party lecture each quarter.  The report's first problem: an older member attends
-- each with probability 0.75, a young member (35 or under) with 0.04, and one member in ten never
INSERT INTO org_meeting (org_id, kind, held_on, topic)
SELECT o.org_id, m.kind, (date_trunc('month', district_today() - 1) - make_interval(months => s))::date + 14, m.topic
FROM party_org o
CROSS JOIN generate_series(0, 11) s
CROSS JOIN (VALUES ('theme_day', '主题党日', 1), ('branch_meeting', '支部党员大会', 3), ('party_lecture', '党课', 3)) m (kind, topic, every)
WHERE o.kind = 'branch' AND o.community_code <@ :'district'::gridcode AND s % m.every = 0;
INSERT INTO org_meeting_attendance (meeting_id, resident_id, attended, absence_reason)
SELECT a.meeting_id, a.resident_id, a.attended, CASE WHEN NOT a.attended THEN '请假' END
FROM (SELECT g.meeting_id, p.resident_id,
             random() < CASE WHEN p.resident_id % 10 = 0 THEN 0
                             WHEN age(r.idcard) <= 35 THEN 0.04 ELSE 0.75 END AS attended
      FROM org_meeting g JOIN party_member p ON p.org_id = g.org_id JOIN resident r USING (resident_id)
      WHERE g.community_code <@ :'district'::gridcode ORDER BY g.meeting_id, p.resident_id) a;

-- the report's 2016 subdistrict: 17 needy members earn 6 times each (102 person-times), 28 more
-- members earn too: 45 members on the star board
CREATE TEMP TABLE demo_pilot_member AS
SELECT m.resident_id, m.community_code, row_number() OVER (ORDER BY random()) AS k
FROM member_of_record m WHERE m.community_code <@ :'pilot'::gridcode
ORDER BY k LIMIT 45;
INSERT INTO needy_member (resident_id, community_code, decided_on, decided_by, reason)
SELECT resident_id, community_code, '2016-01-10', '街道党工委会议', '因病致困' FROM demo_pilot_member WHERE k <= 17;
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
SELECT (SELECT o.organiser_id FROM organiser o WHERE o.community_code = c.community_code AND o.kind = 'vanguard_team'),
       'free_repair', '2016年义务维修', (SELECT h.location FROM household h WHERE h.community_code = c.community_code LIMIT 1),
       make_timestamptz(2016, mo, 15, 9, 0, 0, 'Asia/Shanghai'), make_timestamptz(2016, mo, 15, 12, 0, 0, 'Asia/Shanghai')
FROM (SELECT DISTINCT community_code FROM demo_pilot_member) c, generate_series(1, 12) mo;
INSERT INTO activity_attendance (activity_id, resident_id, attended, hours, verified_by, verified_on)
SELECT a.activity_id, p.resident_id, true, 2, '组织方核实', (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date
FROM demo_pilot_member p
JOIN activity a ON a.community_code = p.community_code AND a.starts_at < '2017-01-01+08'
 AND extract(month FROM a.starts_at AT TIME ZONE 'Asia/Shanghai') <= CASE WHEN p.k <= 17 THEN 6 ELSE 2 + p.k % 3 END;
-- every pilot earner fits on the board of their community
UPDATE participation_setting SET value = greatest(value, (SELECT max(n) FROM (SELECT count(*) AS n FROM demo_pilot_member GROUP BY community_code) x))
WHERE name = 'star_board_size';

-- professional social work (issue 14 §3) in the pilot subdistrict, standing in for 回兴: a
-- 2016 contract, six social workers, 121 cases (every month new ones), 69 groups and 164
-- community activities (every week one), whatever the scale
INSERT INTO sw_contract (provider, subdistrict_code, starts_on, ends_on, target_cases, target_groups,
                         target_activities, evaluator, evaluated_on, evaluation_score)
VALUES ('社会工作服务中心', :'pilot', '2016-01-04', '2016-12-31', 121, 69, 164, '第三方评估机构', '2017-01-20', 90)
RETURNING contract_id AS sw_contract \gset
INSERT INTO social_worker (contract_id, subdistrict_code, name, qualification)
SELECT :sw_contract, :'pilot', '社工' || i, (ARRAY['assistant', 'intermediate', 'senior'])[1 + i % 3]
FROM generate_series(1, 6) i;
CREATE TEMP TABLE demo_pilot_resident AS
SELECT resident_id, row_number() OVER (ORDER BY resident_id) - 1 AS k, count(*) OVER () AS n
FROM resident WHERE community_code <@ :'pilot'::gridcode;
INSERT INTO sw_case (contract_id, subdistrict_code, resident_id, worker_id, need, opened_on)
SELECT :sw_contract, :'pilot', r.resident_id,
       (SELECT min(worker_id) FROM social_worker WHERE contract_id = :sw_contract) + i % 6,
       (ARRAY['独居老人照护', '困境儿童', '就业帮扶', '心理疏导', '家庭关系'])[1 + i % 5],
       make_date(2016, 1 + i % 12, 5 + i / 12)
FROM generate_series(0, 120) i JOIN demo_pilot_resident r ON r.k = i % r.n;
-- the stages, one at a time: the older a case, the further it went
DO $$
DECLARE s text;
BEGIN
  FOREACH s IN ARRAY (commgrid.sw_stages())[2:] LOOP
    UPDATE commgrid.sw_case SET stage = s
    WHERE array_position(commgrid.sw_stages(), stage) = array_position(commgrid.sw_stages(), s) - 1
      AND extract(month FROM opened_on) <= 13 - 2 * array_position(commgrid.sw_stages(), s) + 2;
  END LOOP;
END $$;
INSERT INTO sw_group (contract_id, subdistrict_code, worker_id, name, started_on)
SELECT :sw_contract, :'pilot', (SELECT min(worker_id) FROM social_worker WHERE contract_id = :sw_contract) + i % 6,
       (ARRAY['长者互助小组', '亲子成长小组', '青少年成长小组', '妇女手工小组'])[1 + i % 4] || (i + 1),
       make_date(2016, 1 + i % 12, 5 + i / 12)
FROM generate_series(0, 68) i;
INSERT INTO sw_group_member (group_id, resident_id, subdistrict_code, joined_on)
SELECT DISTINCT ON (g.group_id, r.resident_id) g.group_id, r.resident_id, :'pilot', g.started_on
FROM sw_group g, generate_series(0, 7) j JOIN demo_pilot_resident r ON true
WHERE g.contract_id = :sw_contract AND r.k = (g.group_id * 8 + j) % r.n;
INSERT INTO sw_group_session (group_id, subdistrict_code, held_on, attendees)
SELECT g.group_id, :'pilot', g.started_on + 7 * j, 6 FROM sw_group g, generate_series(0, 5) j
WHERE g.contract_id = :sw_contract;
INSERT INTO organiser (name, kind, community_code)
SELECT '社工站', 'social_work_team', min(community_code) FROM demo_pilot_member;
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
SELECT o.organiser_id, 'other', '社工社区活动',
       (SELECT h.location FROM household h WHERE h.community_code = o.community_code LIMIT 1),
       make_timestamptz(2016, 1, 4, 14, 0, 0, 'Asia/Shanghai') + (i % 52) * interval '7 days' + (i / 52) * interval '1 day',
       make_timestamptz(2016, 1, 4, 16, 0, 0, 'Asia/Shanghai') + (i % 52) * interval '7 days' + (i / 52) * interval '1 day'
FROM generate_series(0, 163) i, organiser o WHERE o.kind = 'social_work_team' AND o.community_code <@ :'pilot'::gridcode;

-- earnings, in one statement
SELECT clock_timestamp() AS t0 \gset
SELECT post_earnings() AS credited \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS earning_seconds \gset

-- the catalogue of each township, and a year of redemptions: half the volunteers redeem once
INSERT INTO redemption_item (area_code, name, kind, price_points, stock)
SELECT a.code, i.name, i.kind, i.price, greatest(5, round(i.stock * :scale * 10))
FROM area a, (VALUES ('大米5kg', 'goods', 30, 400), ('食用油5L', 'goods', 40, 300), ('家政服务1小时', 'household_help', 50, 200),
                     ('技能培训', 'training', 20, 200), ('法律咨询', 'consultation', 10, 200)) i (name, kind, price, stock)
WHERE depth(a.code) = 4 AND a.code <@ :'district'::gridcode;
CREATE TEMP TABLE demo_redeem AS
SELECT a.account_id, i.item_id, district_today() - 1 - (a.account_id * 13 % 300)::int AS on_day
FROM love_account a
JOIN LATERAL (SELECT i.item_id FROM redemption_item i WHERE a.area_code <@ i.area_code
              AND i.price_points <= a.balance ORDER BY random() LIMIT 1) i ON true
WHERE a.kind = 'resident' AND a.area_code <@ :'district'::gridcode AND random() < 0.5;
CREATE TEMP TABLE demo_redeemed (ok boolean);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM demo_redeem ORDER BY account_id LOOP
    BEGIN
      PERFORM commgrid.redeem(r.account_id, r.item_id, 1, r.on_day);
      INSERT INTO demo_redeemed VALUES (true);
    EXCEPTION WHEN check_violation THEN  -- out of stock: the volunteer keeps the points
      INSERT INTO demo_redeemed VALUES (false);
    END;
  END LOOP;
END $$;
COMMIT;
\set QUIET off

SELECT 'volunteer activities' AS figure, '500+' AS report,
       (SELECT count(*) FROM activity WHERE community_code <@ :'district'::gridcode)::text AS demo
UNION ALL SELECT 'love-bank members and volunteers', 'nearly 10,000 (scale 1)',
       (SELECT count(*) FROM love_account WHERE kind = 'resident' AND area_code <@ :'district'::gridcode)::text
UNION ALL SELECT 'members on the 2016 star board of the pilot subdistrict', '45',
       (SELECT count(*) FROM love_bank_star_board b WHERE b.community_code <@ :'pilot'::gridcode AND b.year = 2016
          AND b.resident_id IN (SELECT resident_id FROM party_member))::text
UNION ALL SELECT 'needy members earning points in 2016 (person-times)', '102',
       (SELECT sum(earnings) FROM needy_member_participation n WHERE n.community_code <@ :'pilot'::gridcode AND n.year = 2016)::text
UNION ALL SELECT 'social-work cases (个案) in the pilot subdistrict, 2016', '121',
       (SELECT sum(cases) FROM social_work_monthly WHERE subdistrict_code = :'pilot' AND month < '2017-01-01')::text
UNION ALL SELECT 'social-work groups (小组) in the pilot subdistrict, 2016', '69',
       (SELECT sum(groups) FROM social_work_monthly WHERE subdistrict_code = :'pilot' AND month < '2017-01-01')::text
UNION ALL SELECT 'social-work community activities in the pilot subdistrict, 2016', '164',
       (SELECT sum(activities) FROM social_work_monthly WHERE subdistrict_code = :'pilot' AND month < '2017-01-01')::text
UNION ALL SELECT 'cadence breaches (a month without a new case, a week without an activity)', '0',
       (SELECT count(*) FROM social_work_cadence WHERE subdistrict_code = :'pilot')::text
UNION ALL SELECT 'branches with 12 theme days in the last year', 'every branch',
       (SELECT count(DISTINCT org_id) FROM org_meeting WHERE kind = 'theme_day' AND community_code <@ :'district'::gridcode)::text
       || ' of ' || (SELECT count(*) FROM party_org WHERE kind = 'branch' AND community_code <@ :'district'::gridcode);
SELECT :credited AS attendances_credited, round(:earning_seconds::numeric, 2) AS earning_seconds,
       (SELECT count(*) FILTER (WHERE ok) FROM demo_redeemed) AS redemptions,
       (SELECT count(*) FILTER (WHERE NOT ok) FROM demo_redeemed) AS refused_out_of_stock;
SELECT count(*) AS ledger_problems FROM ledger_check();
SELECT breakdown, grp, members, took_part, rate_percent
FROM branch_participation
WHERE org_id IS NULL AND year = extract(year FROM district_today() - 1) AND breakdown <> 'category'
  AND community_code = (SELECT min(code) FROM demo_community)
ORDER BY breakdown, grp;
