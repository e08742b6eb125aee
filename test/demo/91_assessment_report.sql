-- The 2025 bidirectional assessment of the demo district: the top and the bottom of each
-- direction, the grades, and who sits at whose table in the busiest community.
SET search_path = commgrid, public;
\set district '500112'
SELECT campaign_id, name, status FROM assessment_campaign WHERE district_code = :'district' AND year = 2025 \gset

\echo '== direction 1: communities rate their resident units (score 0-100; points enter the unit''s annual target assessment)'
\echo '-- top 10'
SELECT unit_name, kind_label AS kind, affiliation_label AS affiliation, rank_label AS rank, community_name,
       score, grade, rank_in_kind || '/' || units_in_kind AS rank_in_kind, target_points
FROM unit_scorecard WHERE campaign_id = :campaign_id AND score IS NOT NULL
ORDER BY score DESC, unit_id LIMIT 10;
\echo '-- bottom 10'
SELECT unit_name, kind_label AS kind, affiliation_label AS affiliation, rank_label AS rank, community_name,
       score, grade, rank_in_kind || '/' || units_in_kind AS rank_in_kind, target_points,
       party_head_in_joint_meeting AS head_at_table, meetings_attended
FROM unit_scorecard WHERE campaign_id = :campaign_id AND score IS NOT NULL
ORDER BY score, unit_id LIMIT 10;
SELECT grade, count(*) AS units, round(avg(score), 2) AS mean_score
FROM unit_scorecard WHERE campaign_id = :campaign_id AND score IS NOT NULL
GROUP BY grade ORDER BY min(score) DESC;
SELECT kind_label AS kind, count(*) AS units, round(avg(score), 2) AS mean_score,
       round(weighted_mean(score::float8, cobuilding_communities)::numeric, 2) AS mean_weighted_by_communities
FROM unit_scorecard WHERE campaign_id = :campaign_id AND score IS NOT NULL
GROUP BY kind_label ORDER BY mean_score DESC;

\echo '== direction 2: the subdistrict rates each community, its units give their opinion (trimmed mean)'
\echo '-- top 5'
SELECT community_name, subdistrict_name, subdistrict_score, opinion_score, opinions, lowest_opinion, highest_opinion,
       combined_score, grade, rank_in_subdistrict
FROM community_assessment WHERE campaign_id = :campaign_id
ORDER BY combined_score DESC, community_code LIMIT 5;
\echo '-- bottom 5'
SELECT community_name, subdistrict_name, subdistrict_score, opinion_score, opinions, lowest_opinion, highest_opinion,
       combined_score, grade, rank_in_subdistrict
FROM community_assessment WHERE campaign_id = :campaign_id
ORDER BY combined_score, community_code LIMIT 5;
SELECT grade, count(*) AS communities FROM community_assessment WHERE campaign_id = :campaign_id
GROUP BY grade ORDER BY min(combined_score) DESC;

\echo '== who sits at whose table: the community with the most resident units'
SELECT w.community_name, w.affiliation_label AS affiliation, w.rank_label AS rank, w.kind_label AS kind, w.units, w.heads_at_table
FROM who_sits_at_whose_table w
JOIN unit_vocabulary va ON va.field = 'affiliation' AND va.code = w.affiliation
JOIN unit_vocabulary vr ON vr.field = 'rank' AND vr.code = w.rank
JOIN unit_vocabulary vk ON vk.field = 'kind' AND vk.code = w.kind
WHERE w.community_code = (SELECT community_code FROM who_sits_at_whose_table
                           GROUP BY community_code ORDER BY sum(units) DESC, community_code LIMIT 1)
ORDER BY va.sort_order, vr.sort_order, vk.sort_order;
