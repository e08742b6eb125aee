-- The demo district's resident units and their co-building: about 1,500 units at scale 1 of
-- realistic kinds, affiliations and ranks, leaders' contact points and area responsibility,
-- a joint meeting in every community with its 2025 meetings, cross-appointments, the three
-- lists, dual reporting with service, and a closed 2025 bidirectional assessment campaign.
-- psql variables :scale and :seed; everything random comes from setseed in serial plans, so
-- (scale, seed) gives the same result every time.  Persons are taken from the residents of
-- 20_people.sql when it has run (community Party secretaries rate for their community);
-- otherwise the step registers the persons it needs as residents of its own.
-- Planted for the compliance views: a few units whose Party head has no seat at the table,
-- a few joint meetings with the convener's post vacant, communities without a leader, and
-- meetings that miss their quorum.
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
\set QUIET on
\set district '500112'
BEGIN;
SELECT setseed(((:seed % 1000003) / 1000003.0) * 0.8 + 0.1) AS seeded \gset
SELECT round(1500 * :scale)::int AS n_units \gset

-- communities, with the weight of their township: the urban subdistricts hold most units
CREATE TEMP TABLE demo_c AS
SELECT c.code, c.name, c.parent, c.boundary, CASE WHEN t.kind = 'subdistrict' THEN 3 ELSE 1 END AS w,
       row_number() OVER (ORDER BY c.code) AS c_no
FROM area c JOIN area t ON t.code = c.parent
WHERE c.kind IN ('community', 'village') AND c.code <@ :'district'::gridcode
ORDER BY c.code;
ALTER TABLE demo_c ADD COLUMN n int;
UPDATE demo_c SET n = greatest(2, round(:n_units * w / (SELECT sum(w) FROM demo_c)::numeric))::int;

-- 1. the units: kind, category, affiliation, rank, place
CREATE TEMP TABLE demo_u AS
SELECT row_number() OVER (ORDER BY c.code, d.path[1]) AS k, c.code AS community_code, c.c_no,
       ST_SetSRID(d.geom, 4490) AS point
FROM demo_c c, ST_Dump(ST_GeneratePoints(c.boundary, c.n, (:seed + c.c_no)::int)) d
ORDER BY c.code, d.path[1];
ALTER TABLE demo_u ADD COLUMN kind text, ADD COLUMN category text, ADD COLUMN affiliation text,
  ADD COLUMN rank text, ADD COLUMN campus bool, ADD COLUMN quality float8, ADD COLUMN name text, ADD COLUMN code uscc;
-- the draws, one row per unit in unit order (demo_u is stored in that order)
CREATE TEMP TABLE demo_draw AS
SELECT k, random() AS r0, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5 FROM demo_u ORDER BY k;
UPDATE demo_u u SET
  kind = CASE WHEN d.r0 < 0.06 THEN 'organ' WHEN d.r0 < 0.34 THEN 'public_institution'
              WHEN d.r0 < 0.44 THEN 'state_owned_enterprise' WHEN d.r0 < 0.82 THEN 'non_public_enterprise'
              WHEN d.r0 < 0.98 THEN 'social_organisation' ELSE 'armed_police' END,
  quality = 0.55 + 0.42 * d.r5
FROM demo_draw d WHERE d.k = u.k;
UPDATE demo_u u SET
  category = CASE u.kind
    WHEN 'public_institution' THEN CASE WHEN d.r1 < 0.45 THEN 'school' WHEN d.r1 < 0.65 THEN 'hospital'
                                        WHEN d.r1 < 0.75 THEN 'research' WHEN d.r1 < 0.85 THEN 'culture' ELSE 'service' END
    WHEN 'state_owned_enterprise' THEN CASE WHEN d.r1 < 0.4 THEN 'utility' WHEN d.r1 < 0.7 THEN 'bank' ELSE 'enterprise' END
    WHEN 'organ' THEN CASE WHEN d.r1 < 0.15 THEN 'court' ELSE 'government' END
    ELSE NULL END,
  affiliation = CASE u.kind
    WHEN 'organ' THEN CASE WHEN d.r2 < 0.05 THEN 'central' WHEN d.r2 < 0.20 THEN 'provincial' WHEN d.r2 < 0.45 THEN 'city'
                           WHEN d.r2 < 0.85 THEN 'district' ELSE 'subdistrict' END
    WHEN 'public_institution' THEN CASE WHEN d.r2 < 0.08 THEN 'provincial' WHEN d.r2 < 0.35 THEN 'city' ELSE 'district' END
    WHEN 'state_owned_enterprise' THEN CASE WHEN d.r2 < 0.25 THEN 'central' WHEN d.r2 < 0.45 THEN 'provincial'
                                            WHEN d.r2 < 0.80 THEN 'city' ELSE 'district' END
    WHEN 'non_public_enterprise' THEN 'district'
    WHEN 'social_organisation' THEN CASE WHEN d.r2 < 0.2 THEN 'city' WHEN d.r2 < 0.8 THEN 'district' ELSE 'subdistrict' END
    ELSE 'provincial' END
FROM demo_draw d WHERE d.k = u.k;
UPDATE demo_u u SET
  rank = CASE
    WHEN u.kind IN ('non_public_enterprise', 'social_organisation') THEN 'none'
    WHEN u.kind = 'armed_police' THEN CASE WHEN d.r3 < 0.3 THEN 'division' ELSE 'section' END
    WHEN u.affiliation IN ('central', 'provincial') THEN CASE WHEN d.r3 < 0.45 THEN 'bureau' ELSE 'division' END
    WHEN u.affiliation = 'city' THEN CASE WHEN d.r3 < 0.15 THEN 'bureau' WHEN d.r3 < 0.75 THEN 'division' ELSE 'section' END
    WHEN u.affiliation = 'district' THEN CASE WHEN d.r3 < 0.35 THEN 'division' WHEN d.r3 < 0.9 THEN 'section' ELSE 'none' END
    ELSE 'section' END,
  campus = d.r4 < CASE WHEN u.kind = 'armed_police' THEN 1.0 WHEN u.category IN ('school', 'hospital') THEN 0.85
                       WHEN u.kind = 'organ' THEN 0.5 WHEN u.kind = 'state_owned_enterprise' THEN 0.3 ELSE 0.04 END
FROM demo_draw d WHERE d.k = u.k;
UPDATE demo_u u SET name =
  CASE u.affiliation WHEN 'central' THEN '中国' WHEN 'provincial' THEN '重庆市' WHEN 'city' THEN '重庆市'
                     WHEN 'district' THEN '渝北区' ELSE '' END ||
  CASE
    WHEN u.kind = 'armed_police' THEN format('武警重庆总队某支队第%s中队', u.k)
    WHEN u.category = 'school' THEN format('第%s%s', u.k, (ARRAY['小学', '中学', '实验学校', '幼儿园'])[1 + u.k % 4])
    WHEN u.category = 'hospital' THEN format('%s第%s分院', (ARRAY['人民医院', '中医院', '妇幼保健院', '第二人民医院'])[1 + u.k % 4], u.k)
    WHEN u.category = 'research' THEN format('%s第%s研究所', (ARRAY['农业科学院', '环境科学研究院', '建筑科学研究院'])[1 + u.k % 3], u.k)
    WHEN u.category = 'culture' THEN format('%s%s分馆', (ARRAY['图书馆', '文化馆', '博物馆'])[1 + u.k % 3], u.k)
    WHEN u.category = 'service' THEN format('%s第%s中心', (ARRAY['政务服务中心', '就业服务中心', '不动产登记中心'])[1 + u.k % 3], u.k)
    WHEN u.category = 'utility' THEN format('%s渝北第%s营业部', (ARRAY['电力公司', '燃气集团', '水务集团', '公交集团'])[1 + u.k % 4], u.k)
    WHEN u.category = 'bank' THEN format('%s渝北第%s支行', (ARRAY['银行', '农村商业银行', '邮政储蓄银行'])[1 + u.k % 3], u.k)
    WHEN u.kind = 'state_owned_enterprise' THEN format('%s第%s分公司', (ARRAY['建工集团', '移动通信', '交通开投', '医药集团'])[1 + u.k % 4], u.k)
    WHEN u.category = 'court' THEN format('人民法院第%s人民法庭', u.k)
    WHEN u.kind = 'organ' THEN format('%s第%s所', (ARRAY['税务局', '市场监督管理局', '公安局', '人力社保局', '城市管理局', '规划和自然资源局'])[1 + u.k % 6], u.k)
    WHEN u.kind = 'social_organisation' THEN format('%s第%s%s', (ARRAY['志愿服务', '社会工作', '养老服务', '青少年发展', '商会'])[1 + u.k % 5], u.k,
                                                     (ARRAY['协会', '服务中心', '促进会'])[1 + u.k % 3])
    -- four syllables in mixed radix: distinct for the first 3,840 units
    ELSE format('%s%s%s%s有限公司', (ARRAY['渝', '嘉', '两江', '龙', '欣', '华', '恒', '博'])[1 + u.k % 8],
                (ARRAY['兴', '瑞', '达', '源', '盛', '远'])[1 + u.k / 8 % 6],
                (ARRAY['通', '和', '信', '诚', '德', '安', '泰', '联', '鑫', '佳'])[1 + u.k / 48 % 10],
                (ARRAY['科技', '商贸', '物业', '餐饮', '建筑', '物流', '医药', '文化传媒'])[1 + u.k / 480 % 8])
  END;
-- a valid unified social credit code for all but the armed police: authority and type by kind,
-- the region of the registering authority, an 8-character organisation body unique per unit
UPDATE demo_u u SET code = make_uscc(
  CASE u.kind WHEN 'organ' THEN '1' WHEN 'public_institution' THEN '1' WHEN 'social_organisation' THEN '5' ELSE '9' END,
  CASE u.kind WHEN 'organ' THEN '1' WHEN 'public_institution' THEN '2'
              WHEN 'social_organisation' THEN (ARRAY['1', '2'])[1 + u.k % 2] ELSE '1' END,
  CASE u.affiliation WHEN 'central' THEN '100000' WHEN 'provincial' THEN '500000' WHEN 'city' THEN '500000'
                     ELSE '500112' END,
  (SELECT string_agg(substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + ((v.n / (31::bigint ^ p)::bigint) % 31)::int, 1), '' ORDER BY p DESC)
     FROM (SELECT (u.k * 104729 + :seed * 7919 + 31::bigint ^ 7)::bigint AS n) v, generate_series(0, 7) p))
WHERE u.kind <> 'armed_police';

INSERT INTO unit (name, uscc, kind, category, affiliation, rank, party_org_name, location, footprint)
SELECT u.name, u.code, u.kind, u.category, u.affiliation, u.rank,
       CASE WHEN u.kind = 'armed_police' THEN '中队党支部'
            WHEN u.rank IN ('bureau', 'division') THEN u.name || '党委' ELSE u.name || '党支部' END,
       CASE WHEN NOT u.campus THEN u.point END,
       CASE WHEN u.campus THEN ST_Multi(ST_Intersection(
              ST_Expand(u.point, 0.0008 + 0.0017 * d.r3),
              (SELECT boundary FROM area WHERE code = :'district'))) END
FROM demo_u u JOIN demo_draw d USING (k) ORDER BY u.k;
CREATE TEMP TABLE demo_unit AS
SELECT u.unit_id, u.community_code, d.k, d.quality, row_number() OVER (PARTITION BY u.community_code ORDER BY u.unit_id) AS no_in_c
FROM unit u JOIN demo_u d ON d.name = u.name AND d.code IS NOT DISTINCT FROM u.uscc
WHERE u.community_code <@ :'district'::gridcode;

-- 2. persons: residents of 20_people.sql if there are, otherwise registered here
SELECT (SELECT count(*) FROM resident) >= 20000 AS have_people \gset
SELECT (SELECT count(*) FROM demo_unit) * 2 + 1000 + (SELECT count(*) FROM demo_c) * 2 AS n_persons \gset
\if :have_people
CREATE TEMP TABLE demo_person AS
SELECT row_number() OVER (ORDER BY md5(r.resident_id::text || :'seed')) AS p_no, r.resident_id
FROM resident r
WHERE r.community_code <@ :'district'::gridcode
  AND NOT EXISTS (SELECT 1 FROM party_org_committee c WHERE c.resident_id = r.resident_id)
  AND NOT EXISTS (SELECT 1 FROM party_org o WHERE o.secretary_id = r.resident_id)
ORDER BY md5(r.resident_id::text || :'seed')
LIMIT :n_persons;
\else
INSERT INTO household (address, location)
SELECT format('渝北区共建登记点%s号', d.path[1]), ST_SetSRID(d.geom, 4490)
FROM area a, ST_Dump(ST_GeneratePoints(a.boundary, :n_persons, :seed)) d
WHERE a.code = :'district' ORDER BY d.path[1];
CREATE TEMP TABLE demo_person AS
WITH h AS (SELECT household_id, row_number() OVER (ORDER BY household_id) AS p_no
             FROM household WHERE address LIKE '渝北区共建登记点%'),
     r AS (INSERT INTO resident (name, household_id)
           SELECT (ARRAY['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'])[1 + h.p_no % 10] ||
                  (ARRAY['建国', '秀英', '志强', '丽', '伟', '芳', '军', '敏', '勇', '静', '磊', '娟'])[1 + h.p_no * 7 % 12],
                  h.household_id FROM h ORDER BY h.p_no
           RETURNING resident_id, household_id)
SELECT h.p_no, r.resident_id FROM h JOIN r USING (household_id);
\endif
-- unit heads take persons 1..n, liaisons n+1..2n, the rest serve as leaders and community
-- people; three non-public enterprises in ten have no Party organisation
UPDATE unit u SET party_secretary_id = p.resident_id
FROM demo_unit d JOIN demo_person p ON p.p_no = d.k
WHERE u.unit_id = d.unit_id AND (u.kind <> 'non_public_enterprise' OR d.k % 10 < 7);
UPDATE unit u SET party_org_name = NULL
FROM demo_unit d WHERE u.unit_id = d.unit_id AND u.party_secretary_id IS NULL;
SELECT max(k) AS k_max FROM demo_unit \gset
CREATE TEMP TABLE demo_community_person AS
SELECT c.code AS community_code,
       coalesce((SELECT o.secretary_id FROM party_org o WHERE o.community_code = c.code AND o.parent_id IS NULL),
                (SELECT p.resident_id FROM demo_person p WHERE p.p_no = 2 * :k_max + 2 * c.c_no - 1)) AS rater_id,
       (SELECT p.resident_id FROM demo_person p WHERE p.p_no = 2 * :k_max + 2 * c.c_no) AS member_id
FROM demo_c c;
SELECT 2 * :k_max + 2 * (SELECT count(*) FROM demo_c) AS leader_base \gset

-- 3. leaders: 4 city, 8 district, 3 per township; contact points and area responsibility
INSERT INTO leader (person_id, level, area_code, title, starts)
SELECT p.resident_id, x.level, x.area_code, x.title, '2022-01-01'
FROM (SELECT n, 'city' AS level, '5001' AS area_code, (ARRAY['市委常委', '副市长', '市人大常委会副主任', '市政协副主席'])[n] AS title
        FROM generate_series(1, 4) n
      UNION ALL
      SELECT 4 + n, 'district', :'district', (ARRAY['区委书记', '区长', '区委副书记', '区委组织部部长', '区委宣传部部长',
                                                     '区委政法委书记', '常务副区长', '区人大常委会主任'])[n]
        FROM generate_series(1, 8) n
      UNION ALL
      SELECT 12 + 3 * (t.t_no - 1) + j, 'subdistrict', t.code::text,
             t.name || (ARRAY['党工委书记', '党工委副书记', '人大工委主任'])[j]
        FROM (SELECT code, name, row_number() OVER (ORDER BY code) AS t_no FROM area
               WHERE kind IN ('subdistrict', 'town') AND code <@ :'district'::gridcode) t, generate_series(1, 3) j) x
JOIN demo_person p ON p.p_no = :leader_base + x.n
ORDER BY x.n;
CREATE TEMP TABLE demo_leader AS
SELECT l.leader_id, l.person_id, l.level, l.area_code,
       row_number() OVER (PARTITION BY l.level, l.area_code ORDER BY l.leader_id) AS no_in_area
FROM leader l WHERE l.area_code <@ :'district'::gridcode OR l.area_code = '5001';
INSERT INTO contact_point (leader_id, community_code, starts)
SELECT l.leader_id, c.code, '2022-03-01'
FROM demo_leader l
JOIN LATERAL (SELECT code FROM demo_c ORDER BY md5(code::text || l.leader_id || :'seed')
               LIMIT CASE l.level WHEN 'city' THEN 2 ELSE 3 END) c ON true
WHERE l.level IN ('city', 'district')
ON CONFLICT DO NOTHING;
-- each community answers to its township's second or third leader; one in twelve to nobody
INSERT INTO area_responsibility (leader_id, area_code, starts)
SELECT l.leader_id, c.code, '2022-03-01'
FROM demo_c c
JOIN demo_leader l ON l.level = 'subdistrict' AND l.area_code = c.parent AND l.no_in_area = 2 + c.c_no % 2
WHERE c.c_no % 12 <> 5;

-- 4. joint meetings: convened by the township's first or second leader; one in twenty vacant
INSERT INTO joint_meeting (community_code, form, convener_leader_id, established)
SELECT c.code,
       CASE WHEN EXISTS (SELECT 1 FROM party_org o WHERE o.community_code = c.code AND o.parent_id IS NULL AND o.kind = 'committee')
              OR (c.c_no % 9 = 0) THEN 'grand_party_committee' ELSE 'joint_meeting' END,
       CASE WHEN c.c_no % 20 <> 7 THEN l.leader_id END, '2022-06-01'
FROM demo_c c
JOIN demo_leader l ON l.level = 'subdistrict' AND l.area_code = c.parent AND l.no_in_area = 1 + c.c_no % 2
ORDER BY c.code;
-- members: the Party heads of the units based there (one in twenty-five missing), and the
-- community's own member
INSERT INTO joint_meeting_member (community_code, person_id, unit_id, role, starts)
SELECT u.community_code, u.party_secretary_id, u.unit_id, CASE WHEN d.no_in_c = 1 THEN 'deputy_convener' ELSE 'member' END, '2023-01-01'
FROM unit u JOIN demo_unit d USING (unit_id)
WHERE u.party_secretary_id IS NOT NULL AND d.k % 25 <> 3
ORDER BY u.unit_id;
INSERT INTO joint_meeting_member (community_code, person_id, role, starts)
SELECT community_code, member_id, 'secretary', '2023-01-01' FROM demo_community_person ORDER BY community_code;
-- the 2025 meetings: one a quarter; the convener attends nine times in ten, members seven in ten
INSERT INTO cobuilding_meeting (community_code, held_on, topic)
SELECT j.community_code, make_date(2025, 3 * q, 5 + (j.community_code::text::bigint % 20)::int),
       (ARRAY['年度共建计划与需求清单', '老旧小区改造与停车治理', '双报到服务与志愿活动', '年度总结与双向考核'])[q]
FROM joint_meeting j, generate_series(1, 4) q
WHERE j.community_code <@ :'district'::gridcode ORDER BY j.community_code, q;
INSERT INTO cobuilding_attendance (meeting_id, community_code, person_id)
SELECT m.meeting_id, m.community_code, x.person_id
FROM cobuilding_meeting m
CROSS JOIN LATERAL (SELECT jm.person_id, jm.is_convener FROM joint_meeting_members(m.community_code, m.held_on) jm) x
CROSS JOIN LATERAL (SELECT random() AS r, x.person_id AS dep) d
WHERE m.community_code <@ :'district'::gridcode AND d.r < CASE WHEN x.is_convener THEN 0.9 ELSE 0.7 END
ORDER BY m.meeting_id, x.person_id;
INSERT INTO cobuilding_resolution (meeting_id, community_code, resolution, responsible_unit_id, due_on, status, done_on)
SELECT m.meeting_id, m.community_code,
       (ARRAY['开放单位停车场错时共享', '联合开展敬老志愿服务', '共建社区文化活动室', '结对帮扶困难家庭'])[1 + (m.meeting_id % 4)::int],
       (SELECT d.unit_id FROM demo_unit d WHERE d.community_code = m.community_code
         ORDER BY md5(d.unit_id::text || m.meeting_id) LIMIT 1),
       m.held_on + 60,
       CASE WHEN m.meeting_id % 10 < 6 THEN 'done' WHEN m.meeting_id % 10 < 9 THEN 'open' ELSE 'dropped' END,
       CASE WHEN m.meeting_id % 10 < 6 THEN m.held_on + 45 END
FROM cobuilding_meeting m WHERE m.community_code <@ :'district'::gridcode ORDER BY m.meeting_id;

-- 5. cross-appointments: the community's member sits in the Party organisations of its first two
-- units; the head of its third unit sits in the community committee
INSERT INTO cross_appointment (person_id, direction, community_code, unit_id, post, starts)
SELECT cp.member_id, 'community_to_unit', d.community_code, d.unit_id, '党组织兼职委员', '2023-03-01'
FROM demo_unit d JOIN demo_community_person cp USING (community_code)
WHERE d.no_in_c <= 2 ORDER BY d.unit_id;
INSERT INTO cross_appointment (person_id, direction, community_code, unit_id, post, starts)
SELECT u.party_secretary_id, 'unit_to_community', d.community_code, d.unit_id, '社区大党委兼职委员', '2023-03-01'
FROM demo_unit d JOIN unit u USING (unit_id)
WHERE d.no_in_c = 3 AND u.party_secretary_id IS NOT NULL ORDER BY d.unit_id;

-- 6. the three lists
INSERT INTO cobuilding_need (community_code, title, category, published_on, status)
SELECT c.code, (ARRAY['独居老人定期探访', '青少年课后托管场地', '停车位错时共享', '失业人员就业信息', '小区环境整治', '社区文艺活动指导'])[1 + (c.c_no + i) % 6],
       (ARRAY['elderly care', 'youth', 'venue', 'employment', 'environment', 'culture'])[1 + (c.c_no + i) % 6],
       make_date(2025, 1 + i, 10), 'open'
FROM demo_c c, generate_series(0, 2) i ORDER BY c.code, i;
INSERT INTO cobuilding_resource (unit_id, community_code, title, category, published_on)
SELECT d.unit_id, d.community_code,
       (ARRAY['志愿服务队', '会议室与活动场地', '专业技术咨询', '停车场错时开放', '就业岗位信息', '文体设施'])[1 + d.k % 6],
       (ARRAY['volunteers', 'venue', 'expertise', 'venue', 'employment', 'culture'])[1 + d.k % 6],
       make_date(2025, 2, 1 + (d.k % 27)::int)
FROM demo_unit d WHERE d.k % 5 < 2 ORDER BY d.unit_id;
INSERT INTO cobuilding_project (need_id, resource_id, title, status, outcome, starts, ends)
SELECT n.need_id, r.resource_id, n.title || '共建项目',
       s.status, CASE WHEN s.status = 'completed' THEN '按期完成，服务居民' || (20 + n.need_id % 180) || '人次' END,
       make_date(2025, 3, 1), CASE WHEN s.status = 'completed' THEN make_date(2025, 11, 30) END
FROM (SELECT need_id, community_code, title, row_number() OVER (PARTITION BY community_code ORDER BY need_id) AS no
        FROM cobuilding_need WHERE community_code <@ :'district'::gridcode) n
JOIN (SELECT resource_id, community_code, row_number() OVER (PARTITION BY community_code ORDER BY resource_id) AS no
        FROM cobuilding_resource WHERE community_code <@ :'district'::gridcode) r USING (community_code, no)
CROSS JOIN LATERAL (SELECT CASE WHEN n.need_id % 20 < 10 THEN 'completed' WHEN n.need_id % 20 < 16 THEN 'in_progress'
                                WHEN n.need_id % 20 < 19 THEN 'planned' ELSE 'cancelled' END AS status) s
ORDER BY n.need_id;
UPDATE cobuilding_need n SET status = 'matched' WHERE EXISTS (SELECT 1 FROM cobuilding_project p WHERE p.need_id = n.need_id);

-- 7. dual reporting: nine units in ten report to their community with their liaison; a member
-- of every other unit reports too; units and members record their service in 2025
INSERT INTO unit_report (unit_id, community_code, reported_on, liaison_id)
SELECT d.unit_id, d.community_code, make_date(2024, 3, 1 + (d.k % 28)::int), p.resident_id
FROM demo_unit d JOIN demo_person p ON p.p_no = :k_max + d.k
WHERE d.k % 10 <> 9 ORDER BY d.unit_id;
INSERT INTO member_report (person_id, unit_id, community_code, basis, reported_on)
SELECT ur.liaison_id, ur.unit_id, ur.community_code, 'workplace', ur.reported_on
FROM unit_report ur JOIN demo_unit d USING (unit_id) WHERE d.k % 2 = 0 ORDER BY ur.unit_report_id;
INSERT INTO service_record (community_code, unit_id, person_id, served_on, hours, activity)
SELECT ur.community_code, ur.unit_id, NULL, make_date(2025, 2 + 3 * i, 1 + (ur.unit_id % 27)::int), 2 + (ur.unit_id + i) % 4,
       (ARRAY['走访慰问困难群众', '环境卫生整治', '义诊与健康讲座', '法律咨询'])[1 + i]
FROM unit_report ur, generate_series(0, 3) i WHERE ur.community_code <@ :'district'::gridcode ORDER BY ur.unit_report_id, i;
INSERT INTO service_record (community_code, unit_id, person_id, served_on, hours, activity)
SELECT mr.community_code, mr.unit_id, mr.person_id, make_date(2025, 4 + 4 * i, 10 + (mr.person_id % 15)::int), 1.5 + i,
       (ARRAY['楼栋志愿服务', '四点半课堂辅导'])[1 + i]
FROM member_report mr, generate_series(0, 1) i WHERE mr.community_code <@ :'district'::gridcode ORDER BY mr.member_report_id, i;

-- 8. the 2025 bidirectional assessment
INSERT INTO assessment_campaign (district_code, year, name, unit_target_weight, subdistrict_weight, opinion_weight, opinion_trim)
VALUES (:'district', 2025, '渝北区2025年度区域化党建双向考核', 0.10, 0.70, 0.30, 1);
SELECT campaign_id FROM assessment_campaign WHERE district_code = :'district' AND year = 2025 \gset
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score) VALUES
 (:campaign_id, 1, 'community', 'C1', '参加联席会议', 20, 10),
 (:campaign_id, 1, 'community', 'C2', '资源开放共享', 25, 10),
 (:campaign_id, 1, 'community', 'C3', '共建项目落实', 25, 10),
 (:campaign_id, 1, 'community', 'C4', '双报到与志愿服务', 20, 10),
 (:campaign_id, 1, 'community', 'C5', '支持社区治理', 10, 10),
 (:campaign_id, 2, 'subdistrict', 'S1', '基层党组织建设', 30, 30),
 (:campaign_id, 2, 'subdistrict', 'S2', '服务群众', 30, 30),
 (:campaign_id, 2, 'subdistrict', 'S3', '网格化管理', 20, 20),
 (:campaign_id, 2, 'subdistrict', 'S4', '共驻共建', 20, 20),
 (:campaign_id, 2, 'unit', 'O1', '沟通联系', 1, 10),
 (:campaign_id, 2, 'unit', 'O2', '服务驻区单位', 1, 10),
 (:campaign_id, 2, 'unit', 'O3', '共建组织协调', 2, 10);
-- direction 1, from what each unit did in 2025: its head's attendance, resources, projects,
-- reported service, and the community's overall view of it
CREATE TEMP TABLE demo_d1 AS
SELECT uc.community_code, uc.unit_id, d.quality,
       (SELECT count(*) FROM cobuilding_meeting m WHERE m.community_code = uc.community_code AND extract(year FROM m.held_on) = 2025) AS meetings,
       (SELECT count(*) FROM cobuilding_attendance a JOIN cobuilding_meeting m USING (meeting_id)
         WHERE m.community_code = uc.community_code AND a.person_id = u.party_secretary_id) AS attended,
       EXISTS (SELECT 1 FROM cobuilding_resource r WHERE r.unit_id = uc.unit_id) AS has_resource,
       (SELECT max(CASE p.status WHEN 'completed' THEN 2 WHEN 'in_progress' THEN 1 ELSE 0 END)
          FROM cobuilding_project p WHERE p.unit_id = uc.unit_id) AS project_level,
       coalesce((SELECT sum(s.hours) FROM service_record s WHERE s.unit_id = uc.unit_id AND s.community_code = uc.community_code), 0) AS hours
FROM unit_community uc JOIN demo_unit d USING (unit_id) JOIN unit u USING (unit_id)
ORDER BY uc.community_code, uc.unit_id;
INSERT INTO assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by, entered_at)
SELECT i.indicator_id, x.community_code, x.unit_id,
       round(greatest(0, least(10, CASE i.code
         WHEN 'C1' THEN CASE WHEN x.meetings > 0 THEN 4 + 6.0 * x.attended / x.meetings ELSE 6 END
         WHEN 'C2' THEN 10 * x.quality + CASE WHEN x.has_resource THEN 1 ELSE -1 END + 2 * (random() - 0.5)
         WHEN 'C3' THEN CASE coalesce(x.project_level, -1) WHEN 2 THEN 9.5 WHEN 1 THEN 8.5 WHEN 0 THEN 7.5
                                                           ELSE 9 * x.quality END + 2 * (random() - 0.5)
         WHEN 'C4' THEN least(10, 5 + x.hours / 3) * (0.85 + 0.15 * x.quality)
         ELSE 10 * x.quality + 3 * (random() - 0.5) END))::numeric, 1),
       cp.rater_id, '2025-12-15 10:00+08'
FROM demo_d1 x
JOIN demo_community_person cp USING (community_code)
JOIN assessment_indicator i ON i.campaign_id = :campaign_id AND i.rater_kind = 'community'
ORDER BY x.community_code, x.unit_id, i.code;
-- direction 2: each township's third leader rates its communities; each unit's head (its
-- liaison when the head sits in the community committee and must recuse) gives its opinion,
-- one unit in twenty harshly
CREATE TEMP TABLE demo_cq AS
SELECT c.code, c.parent, 0.6 + 0.35 * random() AS quality FROM demo_c c ORDER BY c.code;
INSERT INTO assessment_rating (indicator_id, rater_code, ratee_code, score, entered_by, entered_at)
SELECT i.indicator_id, q.parent, q.code,
       round(greatest(0, least(i.max_score, i.max_score * (q.quality + 0.1 * (random() - 0.5))))::numeric, 1),
       l.person_id, '2025-12-20 10:00+08'
FROM demo_cq q
JOIN demo_leader l ON l.level = 'subdistrict' AND l.area_code = q.parent AND l.no_in_area = 3
JOIN assessment_indicator i ON i.campaign_id = :campaign_id AND i.rater_kind = 'subdistrict'
ORDER BY q.code, i.code;
INSERT INTO assessment_rating (indicator_id, rater_unit_id, ratee_code, score, entered_by, entered_at)
SELECT i.indicator_id, uc.unit_id, uc.community_code,
       round(greatest(0, least(10, CASE WHEN d.k % 20 = 11 THEN 3 + 2 * random()
                                        ELSE 10 * (q.quality + 0.15 * (random() - 0.5)) END))::numeric, 1),
       CASE WHEN holds_post_in_community(u.party_secretary_id, uc.community_code, '2025-12-18')
            THEN ur.liaison_id ELSE u.party_secretary_id END,
       '2025-12-18 10:00+08'
FROM unit_community uc
JOIN demo_unit d USING (unit_id)
JOIN unit u USING (unit_id)
JOIN demo_cq q ON q.code = uc.community_code
LEFT JOIN unit_report ur ON ur.unit_id = uc.unit_id AND ur.community_code = uc.community_code
JOIN assessment_indicator i ON i.campaign_id = :campaign_id AND i.rater_kind = 'unit'
WHERE u.party_secretary_id IS NOT NULL
  AND (NOT holds_post_in_community(u.party_secretary_id, uc.community_code, '2025-12-18') OR ur.liaison_id IS NOT NULL)
ORDER BY uc.unit_id, uc.community_code, i.code;
UPDATE assessment_campaign SET status = 'closed', closed_at = '2026-01-15 09:00+08' WHERE campaign_id = :campaign_id;
COMMIT;
\set QUIET off

-- what was built
SELECT v.label AS kind, count(*) AS units, count(*) FILTER (WHERE u.footprint IS NOT NULL) AS with_campus,
       count(*) FILTER (WHERE (SELECT count(*) FROM unit_community uc WHERE uc.unit_id = u.unit_id) > 1) AS in_two_or_more_communities
FROM unit u JOIN unit_vocabulary v ON v.field = 'kind' AND v.code = u.kind
WHERE u.community_code <@ :'district'::gridcode
GROUP BY v.label, v.sort_order ORDER BY v.sort_order;
SELECT (SELECT count(*) FROM joint_meeting WHERE community_code <@ :'district'::gridcode) AS joint_meetings,
       (SELECT count(*) FROM joint_meeting_member WHERE community_code <@ :'district'::gridcode) AS members,
       (SELECT count(*) FROM cobuilding_meeting WHERE community_code <@ :'district'::gridcode) AS meetings_2025,
       (SELECT count(*) FROM cross_appointment WHERE community_code <@ :'district'::gridcode) AS cross_appointments,
       (SELECT count(*) FROM cobuilding_project WHERE community_code <@ :'district'::gridcode) AS projects,
       (SELECT count(*) FROM unit_report WHERE community_code <@ :'district'::gridcode) AS unit_reports,
       (SELECT round(sum(hours)) FROM service_record WHERE community_code <@ :'district'::gridcode) AS service_hours,
       (SELECT count(*) FROM assessment_rating WHERE campaign_id = :campaign_id) AS ratings;
-- the compliance views
SELECT 'unit Party head not at the table' AS check, count(*) AS findings FROM cobuilding_head_not_member WHERE community_code::gridcode <@ :'district'::gridcode
UNION ALL SELECT 'meeting below quorum', count(*) FROM cobuilding_meeting_below_quorum WHERE community_code::gridcode <@ :'district'::gridcode
UNION ALL SELECT 'community without convener', count(*) FROM cobuilding_community_without_convener WHERE community_code::gridcode <@ :'district'::gridcode
UNION ALL SELECT 'community without contact or responsible leader', count(*) FROM community_without_leader WHERE community_code::gridcode <@ :'district'::gridcode;
