-- Bidirectional assessment: a hand-made 2025 campaign whose results are checked to the last
-- decimal, every integrity rule with its error and SQLSTATE, the audit history, grades, ranks,
-- and the read-only closed campaign.  District 440305 (this suite's prefix).
SET search_path = commgrid, public;
\set SHOW_CONTEXT never
BEGIN;
\set ON_ERROR_ROLLBACK on
INSERT INTO area (code, name, kind, boundary) VALUES
 ('440305', '测试区', 'district', ST_MakeEnvelope(113.90, 22.50, 114.00, 22.60, 4490)),
 ('440305001', '甲街道', 'subdistrict', ST_MakeEnvelope(113.90, 22.50, 113.95, 22.60, 4490)),
 ('440305002', '乙街道', 'subdistrict', ST_MakeEnvelope(113.95, 22.50, 114.00, 22.60, 4490)),
 ('440305001001', '甲一社区', 'community', ST_MakeEnvelope(113.90, 22.50, 113.95, 22.55, 4490)),
 ('440305001002', '甲二社区', 'community', ST_MakeEnvelope(113.90, 22.55, 113.95, 22.60, 4490)),
 ('440305002001', '乙一社区', 'community', ST_MakeEnvelope(113.95, 22.50, 114.00, 22.60, 4490));
INSERT INTO household (household_id, address, location)
VALUES (4403050001, '测试区测试路1号', ST_SetSRID(ST_MakePoint(113.91, 22.51), 4490));
INSERT INTO resident (resident_id, name, household_id)
SELECT p, '测试人员' || p, 4403050001
FROM unnest(ARRAY[3001, 3002, 3003, 3004, 3005, 3006, 4001, 4002, 4003, 5001, 5002, 5003, 5004, 5005, 6002]) p;
-- U1, U2 in 甲一; U3 in 甲二; U4 in 乙一; U5's campus lies about 1/5 in 甲一 and 4/5 in 甲二
INSERT INTO unit (name, uscc, kind, affiliation, rank, party_secretary_id, location, footprint) VALUES
 ('U1 市第一中学', '91350100M000100Y43', 'public_institution', 'city', 'division', 5001, ST_SetSRID(ST_MakePoint(113.92, 22.52), 4490), NULL),
 ('U2 区人民医院', '91310110666007217T', 'public_institution', 'district', 'section', 5002, ST_SetSRID(ST_MakePoint(113.93, 22.53), 4490), NULL),
 ('U3 某科技公司', '91310115591693856A', 'non_public_enterprise', 'district', 'none', 5003, ST_SetSRID(ST_MakePoint(113.92, 22.57), 4490), NULL),
 ('U4 乙区学校', '91350500676532779B', 'public_institution', 'district', 'section', 5004, ST_SetSRID(ST_MakePoint(113.97, 22.55), 4490), NULL),
 ('U5 市供电公司', '91510100MA6BKY6U36', 'state_owned_enterprise', 'city', 'division', 5005, NULL,
  ST_Multi(ST_MakeEnvelope(113.91, 22.545, 113.93, 22.57, 4490)));
CREATE TEMP TABLE u AS SELECT unit_id, left(name, 2) AS tag FROM unit WHERE name ~ '^U[1-5] ';
INSERT INTO leader (person_id, level, area_code, title, starts) VALUES
 (4001, 'subdistrict', '440305001', '甲街道党工委副书记', '2021-01-01'),
 (4002, 'subdistrict', '440305001', '甲街道党工委书记', '2021-01-01'),
 (4003, 'subdistrict', '440305002', '乙街道党工委书记', '2021-01-01');
INSERT INTO joint_meeting (community_code, convener_leader_id, established)
SELECT '440305001001', leader_id, '2021-05-01' FROM leader WHERE person_id = 4001;
-- 3001 (甲一 community) sits in U1's Party committee; 5002 (U2's head) sits in 甲一's committee
INSERT INTO cross_appointment (person_id, direction, community_code, unit_id, post, starts)
SELECT 3001, 'community_to_unit', '440305001001', unit_id, '党委兼职委员', '2021-06-01'::date FROM u WHERE tag = 'U1'
UNION ALL
SELECT 5002, 'unit_to_community', '440305001001', unit_id, '社区大党委兼职委员', '2021-06-01'::date FROM u WHERE tag = 'U2';

-- the campaign: a unit's co-building score gives 20 % of its annual target assessment; a
-- community's combined score is 60 % subdistrict, 40 % units' opinion with the highest and
-- lowest opinion dropped
INSERT INTO assessment_campaign (district_code, year, name, unit_target_weight, subdistrict_weight, opinion_weight, opinion_trim)
VALUES ('440305', 2025, '2025年度区域化党建双向考核', 0.2, 0.6, 0.4, 1);
CREATE TEMP TABLE camp AS SELECT campaign_id FROM assessment_campaign WHERE district_code = '440305' AND year = 2025;
SELECT grade, min_score FROM assessment_grade WHERE campaign_id = (SELECT campaign_id FROM camp) ORDER BY min_score DESC;
INSERT INTO assessment_campaign (district_code, year, name, subdistrict_weight, opinion_weight)
VALUES ('440305', 2024, '权重不合', 0.6, 0.3);
\echo :SQLSTATE
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, x.direction, x.rater_kind, x.code, x.name, x.weight, x.max_score
FROM camp, (VALUES (1, 'community', 'C1', '参与共建活动', 60, 10),
                   (1, 'community', 'C2', '资源开放共享', 40, 5),
                   (2, 'subdistrict', 'S1', '社区党建年度考核', 1, 100),
                   (2, 'unit', 'O1', '服务驻区单位', 1, 10),
                   (2, 'unit', 'O2', '共建组织协调', 3, 10)) x(direction, rater_kind, code, name, weight, max_score);
INSERT INTO assessment_indicator (campaign_id, direction, rater_kind, code, name, weight, max_score)
SELECT campaign_id, 1, 'unit', 'X1', '方向不符', 1, 10 FROM camp;
\echo :SQLSTATE

-- a helper for the test: enter one rating by indicator code
CREATE FUNCTION pg_temp.rate(indicator text, rater_code gridcode, rater_unit text, ratee_unit text, ratee_code gridcode,
                             score numeric, entered_by bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO commgrid.assessment_rating (indicator_id, rater_code, rater_unit_id, ratee_unit_id, ratee_code, score, entered_by)
  SELECT i.indicator_id, rater_code, (SELECT unit_id FROM u WHERE tag = rater_unit),
         (SELECT unit_id FROM u WHERE tag = ratee_unit), ratee_code, score, entered_by
    FROM commgrid.assessment_indicator i JOIN camp USING (campaign_id) WHERE i.code = indicator
$$;

-- direction 1: communities rate their units (U3 is rated on C1 only)
SELECT pg_temp.rate(i, c, NULL, t, NULL, s, p) FROM (VALUES
  ('C1', '440305001001', 'U1', 9.0, 3002), ('C2', '440305001001', 'U1', 4.0, 3002),
  ('C1', '440305001001', 'U2', 7.5, 3001), ('C2', '440305001001', 'U2', 5.0, 3001),
  ('C1', '440305001002', 'U3', 10, 3003),
  ('C1', '440305002001', 'U4', 9.5, 3004), ('C2', '440305002001', 'U4', 4.5, 3004),
  ('C1', '440305001001', 'U5', 8, 3002), ('C2', '440305001001', 'U5', 4, 3002),
  ('C1', '440305001002', 'U5', 10, 3003), ('C2', '440305001002', 'U5', 5, 3003)) x(i, c, t, s, p);
-- direction 2: subdistricts rate their communities, units give opinions (U5's on 甲二 lacks O2)
SELECT pg_temp.rate('S1', c, NULL, NULL, t, s, p) FROM (VALUES
  ('440305001', '440305001001', 88, 4002), ('440305001', '440305001002', 72, 4002),
  ('440305002', '440305002001', 95, 4003)) x(c, t, s, p);
SELECT pg_temp.rate(i, NULL, r, NULL, t, s, p) FROM (VALUES
  ('O1', 'U1', '440305001001', 8, 5001), ('O2', 'U1', '440305001001', 9, 5001),
  ('O1', 'U2', '440305001001', 10, 6002), ('O2', 'U2', '440305001001', 10, 6002),
  ('O1', 'U5', '440305001001', 6, 5005), ('O2', 'U5', '440305001001', 7, 5005),
  ('O1', 'U3', '440305001002', 9, 5003), ('O2', 'U3', '440305001002', 8, 5003),
  ('O1', 'U5', '440305001002', 5, 5005)) x(i, r, t, s, p);
SELECT direction, count(*) FROM assessment_rating WHERE campaign_id = (SELECT campaign_id FROM camp) GROUP BY direction ORDER BY 1;

-- rule: a rater rates only ratees in its scope
SELECT pg_temp.rate('C1', '440305001002', NULL, 'U1', NULL, 5, 3003);
\echo :SQLSTATE
SELECT pg_temp.rate('S1', '440305002', NULL, NULL, '440305001001', 50, 4003);
\echo :SQLSTATE
SELECT pg_temp.rate('O1', NULL, 'U4', NULL, '440305001001', 5, 5004);
\echo :SQLSTATE
-- a rating must have the shape of its indicator's rater kind
SELECT pg_temp.rate('C1', '440305001', NULL, NULL, '440305001001', 5, 3003);
\echo :SQLSTATE
-- rule: one rating per rater, ratee and indicator (the unique constraint, whose name says it;
-- terse, as its detail holds the generated ids)
\set VERBOSITY terse
SELECT pg_temp.rate('C1', '440305001001', NULL, 'U1', NULL, 7, 3002);
\set VERBOSITY default
\echo :SQLSTATE
-- rule: the score stays within the indicator's range
SELECT pg_temp.rate('C2', '440305001002', NULL, 'U3', NULL, 5.01, 3003);
\echo :SQLSTATE
SELECT pg_temp.rate('C2', '440305001002', NULL, 'U3', NULL, -1, 3003);
\echo :SQLSTATE
UPDATE assessment_rating SET score = 100.5
WHERE indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'S1')
  AND ratee_code = '440305002001';
\echo :SQLSTATE
-- rule: recusal (回避) — 3001 holds posts in 甲一 and in U1 (it entered U2's ratings above, which
-- is allowed); 4001 leads 甲街道 and convenes 甲一's joint meeting; 5002 heads U2 and sits in 甲一's
-- committee.  Each tries to take over a rating of their own two sides.
UPDATE assessment_rating SET entered_by = 3001, score = 10
WHERE ratee_unit_id = (SELECT unit_id FROM u WHERE tag = 'U1')
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'C1');
\echo :SQLSTATE
UPDATE assessment_rating SET entered_by = 4001
WHERE ratee_code = '440305001001'
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'S1');
\echo :SQLSTATE
UPDATE assessment_rating SET entered_by = 5002
WHERE rater_unit_id = (SELECT unit_id FROM u WHERE tag = 'U2') AND ratee_code = '440305001001'
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'O1');
\echo :SQLSTATE
-- dating a new rating before 3001's cross-appointment began does not help either
SAVEPOINT backdate;
DELETE FROM assessment_rating WHERE ratee_unit_id = (SELECT unit_id FROM u WHERE tag = 'U1')
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'C2');
INSERT INTO assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by, entered_at)
SELECT i.indicator_id, '440305001001', u.unit_id, 5, 3001, '2020-01-01'
FROM assessment_indicator i JOIN camp USING (campaign_id), u WHERE i.code = 'C2' AND u.tag = 'U1';
\echo :SQLSTATE
ROLLBACK TO backdate;
-- nor do staff date a new rating: entered_at is the system's (428C9), and the rating without
-- it is taken, dated at the transaction's start
SAVEPOINT staff_date;
SELECT count(*) > 0 AS group_roles FROM create_roles();
CREATE ROLE a440305_comm IN ROLE commgrid_community_staff;
SELECT count(*) AS granted FROM (SELECT grant_jurisdiction('a440305_comm', '440305001001')) g;
DELETE FROM assessment_rating WHERE ratee_unit_id = (SELECT unit_id FROM u WHERE tag = 'U1')
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'C2');
CREATE TEMP TABLE c2_u1 AS
SELECT i.indicator_id, u.unit_id FROM assessment_indicator i JOIN camp USING (campaign_id), u WHERE i.code = 'C2' AND u.tag = 'U1';
GRANT SELECT ON c2_u1 TO a440305_comm;
SET ROLE a440305_comm;
\set VERBOSITY default
INSERT INTO assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by, entered_at)
SELECT indicator_id, '440305001001', unit_id, 5, 3002, '2020-01-01' FROM c2_u1;
\echo :SQLSTATE
INSERT INTO assessment_rating (indicator_id, rater_code, ratee_unit_id, score, entered_by)
SELECT indicator_id, '440305001001', unit_id, 5, 3002 FROM c2_u1
RETURNING score, entered_by, entered_at = now() AS dated_now;
UPDATE assessment_rating SET entered_at = '2020-01-01' WHERE indicator_id = (SELECT indicator_id FROM c2_u1)
  AND ratee_unit_id = (SELECT unit_id FROM c2_u1)
RETURNING score, entered_at = now() AS dated_now;
RESET ROLE;
-- a login that is a person enters ratings as that person: naming another is refused (42501), and
-- entered_by left out, or kept by an update, is the login's person (a login that is no person,
-- as above, names the person)
-- (this district has communities but no grids, and a mapping's own check needs the person's
-- grid: the mapping is loaded as a restore would, without triggers)
SET LOCAL session_replication_role = replica;
INSERT INTO person_login VALUES ('a440305_comm'::regrole, 3002);
SET LOCAL session_replication_role = origin;
SET ROLE a440305_comm;
UPDATE assessment_rating SET score = 4, entered_by = 4002 WHERE indicator_id = (SELECT indicator_id FROM c2_u1)
  AND ratee_unit_id = (SELECT unit_id FROM c2_u1);
\echo :SQLSTATE
RESET ROLE;
UPDATE assessment_rating SET entered_by = 4002 WHERE indicator_id = (SELECT indicator_id FROM c2_u1)
  AND ratee_unit_id = (SELECT unit_id FROM c2_u1);
SET ROLE a440305_comm;
UPDATE assessment_rating SET score = 4 WHERE indicator_id = (SELECT indicator_id FROM c2_u1)
  AND ratee_unit_id = (SELECT unit_id FROM c2_u1)
RETURNING score, entered_by;
RESET ROLE;
ROLLBACK TO staff_date;
-- 4002, also a leader of 甲街道 but with no post in 甲一, may
UPDATE assessment_rating SET entered_by = 4002
WHERE ratee_code = '440305001001'
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'S1');
\echo :SQLSTATE

-- audit history: every change kept, the last score is 9 again
UPDATE assessment_rating SET score = 8.5, entered_by = 3005
WHERE rater_code = '440305001001' AND ratee_unit_id = (SELECT unit_id FROM u WHERE tag = 'U1')
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'C1');
UPDATE assessment_rating SET score = 9, entered_by = 3002
WHERE rater_code = '440305001001' AND ratee_unit_id = (SELECT unit_id FROM u WHERE tag = 'U1')
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'C1');
SELECT pg_temp.rate('C2', '440305001002', NULL, 'U3', NULL, 2, 3003);
SET LOCAL commgrid.person_id = '3006';
DELETE FROM assessment_rating WHERE rater_code = '440305001002' AND ratee_unit_id = (SELECT unit_id FROM u WHERE tag = 'U3')
  AND indicator_id = (SELECT indicator_id FROM assessment_indicator JOIN camp USING (campaign_id) WHERE code = 'C2');
SELECT i.code, h.action, h.old_score, h.new_score, h.changed_by, h.acting_role = current_user AS by_me,
       h.community_code, h.unit_id = (SELECT unit_id FROM u WHERE tag = coalesce(
         (SELECT tag FROM u WHERE unit_id = h.ratee_unit_id), '?')) AS unit_scoped
FROM assessment_rating_changes h JOIN assessment_indicator i USING (indicator_id)
WHERE h.campaign_id = (SELECT campaign_id FROM camp)
  AND h.ratee_unit_id IN (SELECT unit_id FROM u WHERE tag IN ('U1', 'U3')) AND h.rater_code IN ('440305001001', '440305001002')
ORDER BY h.change_id;
SELECT count(*) AS history_rows, count(*) FILTER (WHERE action = 'INSERT') AS inserts
FROM assessment_rating_changes WHERE campaign_id = (SELECT campaign_id FROM camp);
-- the audit log they come from is append-only
UPDATE audit_log SET new_values = '{}' WHERE id IN (SELECT change_id FROM assessment_rating_changes WHERE campaign_id = (SELECT campaign_id FROM camp));
\echo :SQLSTATE
DELETE FROM audit_log WHERE id IN (SELECT change_id FROM assessment_rating_changes WHERE campaign_id = (SELECT campaign_id FROM camp));
\echo :SQLSTATE

-- each rater's totals: 100 · Σ w·s/max / Σ w, missing indicators count 0
SELECT rater_kind, coalesce(rater_code::text, (SELECT tag FROM u WHERE unit_id = rater_unit_id)) AS rater,
       coalesce(ratee_code::text, (SELECT tag FROM u WHERE unit_id = ratee_unit_id)) AS ratee,
       round(total::numeric, 9) AS total, indicators_rated, indicators, complete
FROM assessment_rater_total WHERE campaign_id = (SELECT campaign_id FROM camp)
ORDER BY rater_kind, rater, ratee;

-- direction 1 by hand: U1 86 = 60·9/10 + 40·4/5; U2 85; U3 60 (C2 missing); U4 93; U5 = its
-- communities' 80 and 100 weighted by its campus shares; points = 0.2 · score
-- (printed to 6 places: U5's shares are geodesic areas; the exact checks follow)
SELECT x.tag, round(r.score::numeric, 6) AS score, round(r.target_points::numeric, 6) AS target_points,
       r.grade, r.rank_in_kind, r.units_in_kind, r.communities_rating, r.complete
FROM assessment_unit_result r JOIN u x USING (unit_id) WHERE r.campaign_id = (SELECT campaign_id FROM camp) ORDER BY x.tag;
SELECT bool_and(abs(r.score - e.score) < 1e-9) AS exact
FROM assessment_unit_result r JOIN u x USING (unit_id)
JOIN (VALUES ('U1', 86.0::float8), ('U2', 85), ('U3', 60), ('U4', 93)) e(tag, score) USING (tag)
WHERE r.campaign_id = (SELECT campaign_id FROM camp);
SELECT abs(r.score - (80 * s1.share + 100 * s2.share) / (s1.share + s2.share)) < 1e-9 AS u5_weighted_by_share,
       round(s1.share::numeric, 2) AS share_in_jia1
FROM assessment_unit_result r JOIN u x USING (unit_id)
JOIN unit_community s1 ON s1.unit_id = x.unit_id AND s1.community_code = '440305001001'
JOIN unit_community s2 ON s2.unit_id = x.unit_id AND s2.community_code = '440305001002'
WHERE x.tag = 'U5' AND r.campaign_id = (SELECT campaign_id FROM camp);

-- direction 2 by hand: 甲一 opinions 87.5, 100, 67.5 → trimmed 87.5, combined 0.6·88 + 0.4·87.5 = 87.8;
-- 甲二 opinions 82.5 and 12.5 (2 ≤ 2·trim: plain mean 47.5), combined 0.6·72 + 0.4·47.5 = 62.2;
-- 乙一 has no opinion, so the subdistrict's 95 carries the whole weight
SELECT community_code, round(subdistrict_score::numeric, 9) AS subdistrict, round(opinion_score::numeric, 9) AS opinion,
       opinions, round(combined_score::numeric, 9) AS combined, grade, rank_in_subdistrict, communities_in_subdistrict, complete
FROM assessment_community_result WHERE campaign_id = (SELECT campaign_id FROM camp) ORDER BY community_code;
SELECT bool_and(abs(r.combined_score - e.score) < 1e-9) AS exact
FROM assessment_community_result r
JOIN (VALUES ('440305001001', 87.8::float8), ('440305001002', 62.2), ('440305002001', 95)) e(code, score)
  ON e.code = r.community_code::text
WHERE r.campaign_id = (SELECT campaign_id FROM camp);

-- grades are configurable while the campaign is open: with 合格 at 65, U3's 60 fails
UPDATE assessment_grade SET min_score = 65 WHERE campaign_id = (SELECT campaign_id FROM camp) AND grade = '合格';
SELECT x.tag, r.grade FROM assessment_unit_result r JOIN u x USING (unit_id)
WHERE r.campaign_id = (SELECT campaign_id FROM camp) AND x.tag = 'U3';
SELECT assessment_grade_of((SELECT campaign_id FROM camp), s) AS grade, s
FROM unnest(ARRAY[100, 90, 89.999, 80, 65, 64.9, 0]::float8[]) s;
UPDATE assessment_grade SET min_score = 60 WHERE campaign_id = (SELECT campaign_id FROM camp) AND grade = '合格';

-- the BI views
SELECT left(unit_name, 2) AS unit, uscc, kind_label, affiliation_label, rank_label, community_code, cobuilding_communities,
       cross_appointments, score, grade, rank_in_kind, units_in_kind, target_points
FROM unit_scorecard WHERE campaign_id = (SELECT campaign_id FROM camp) ORDER BY unit_name;
SELECT community_code, community_name, subdistrict_name, subdistrict_score, opinion_score, opinions, lowest_opinion,
       highest_opinion, combined_score, grade, rank_in_subdistrict
FROM community_assessment WHERE campaign_id = (SELECT campaign_id FROM camp) ORDER BY community_code;
SELECT community_code, left(unit_name, 2) AS unit, opinion_total, complete
FROM community_unit_opinion WHERE campaign_id = (SELECT campaign_id FROM camp) ORDER BY community_code, unit_name;

-- rule: a closed campaign is read-only
UPDATE assessment_campaign SET status = 'closed' WHERE campaign_id = (SELECT campaign_id FROM camp);
SELECT status, closed_at IS NOT NULL AS stamped FROM assessment_campaign WHERE campaign_id = (SELECT campaign_id FROM camp);
UPDATE assessment_rating SET score = 1 WHERE ratee_code = '440305002001';
\echo :SQLSTATE
DELETE FROM assessment_rating WHERE ratee_code = '440305002001';
\echo :SQLSTATE
SELECT pg_temp.rate('C2', '440305001002', NULL, 'U3', NULL, 2, 3003);
\echo :SQLSTATE
UPDATE assessment_indicator SET weight = 2 WHERE campaign_id = (SELECT campaign_id FROM camp) AND code = 'S1';
\echo :SQLSTATE
INSERT INTO assessment_grade (campaign_id, grade, min_score) SELECT campaign_id, '较好', 85 FROM camp;
\echo :SQLSTATE
UPDATE assessment_campaign SET status = 'open', closed_at = NULL WHERE campaign_id = (SELECT campaign_id FROM camp);
\echo :SQLSTATE
DELETE FROM assessment_campaign WHERE campaign_id = (SELECT campaign_id FROM camp);
\echo :SQLSTATE
SELECT count(*) AS ratings_kept FROM assessment_rating WHERE campaign_id = (SELECT campaign_id FROM camp);
-- a closed campaign's results stay put when a unit moves: U5's campus now lies wholly in 甲二,
-- yet its 2025 score is still weighted by the shares it had when it was rated
UPDATE unit SET footprint = ST_Multi(ST_MakeEnvelope(113.91, 22.56, 113.93, 22.57, 4490))
WHERE unit_id = (SELECT unit_id FROM u WHERE tag = 'U5');
SELECT count(*) AS u5_communities_now FROM unit_community WHERE unit_id = (SELECT unit_id FROM u WHERE tag = 'U5');
SELECT round(r.score::numeric, 6) AS u5_score, r.communities_rating
FROM assessment_unit_result r JOIN u x USING (unit_id) WHERE x.tag = 'U5' AND r.campaign_id = (SELECT campaign_id FROM camp);
ROLLBACK;
