-- Reports for BI tools: plain-typed views (text, int, numeric, bool, date only) over the
-- co-building and assessment model.  Scores are rounded to 2 decimals here; the exact float8
-- values are in assessment_unit_result and assessment_community_result.  Like those, they
-- compute with their owner's rights and show the rows of the caller's jurisdiction
-- (commgrid.reaches); a unit liaison sees its own units' scorecards and opinions
-- (commgrid.reaches_unit).  BI reads them through the bi_* views.

CREATE VIEW unit_scorecard WITH (security_barrier) AS
WITH yr AS (
  SELECT c.campaign_id, c.year, c.district_code, make_date(c.year, 1, 1) AS first_day, make_date(c.year, 12, 31) AS last_day
    FROM commgrid.assessment_campaign c
)
SELECT y.campaign_id, y.year, u.unit_id, u.name AS unit_name, u.uscc::text AS uscc,
       u.kind, vk.label AS kind_label, u.affiliation, va.label AS affiliation_label, u.rank, vr.label AS rank_label,
       u.community_code::text AS community_code, a.name AS community_name,
       (SELECT count(*) FROM commgrid.unit_community uc WHERE uc.unit_id = u.unit_id)::int AS cobuilding_communities,
       (u.party_secretary_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM commgrid.joint_meeting_member m
           WHERE m.community_code = u.community_code AND m.person_id = u.party_secretary_id
             AND m.starts <= y.last_day AND (m.ends IS NULL OR m.ends >= y.first_day))) AS party_head_in_joint_meeting,
       (SELECT count(*) FROM commgrid.cross_appointment x
         WHERE x.unit_id = u.unit_id AND x.starts <= y.last_day AND (x.ends IS NULL OR x.ends >= y.first_day))::int
         AS cross_appointments,
       (SELECT count(*) FROM commgrid.cobuilding_attendance at
          JOIN commgrid.cobuilding_meeting mt ON mt.meeting_id = at.meeting_id
         WHERE mt.held_on BETWEEN y.first_day AND y.last_day
           AND at.person_id IN (SELECT m.person_id FROM commgrid.joint_meeting_member m WHERE m.unit_id = u.unit_id)
       )::int AS meetings_attended,
       (SELECT count(*) FROM commgrid.cobuilding_resource r
         WHERE r.unit_id = u.unit_id AND r.published_on BETWEEN y.first_day AND y.last_day)::int AS resources_offered,
       (SELECT count(*) FROM commgrid.cobuilding_project p
         WHERE p.unit_id = u.unit_id AND p.status = 'completed' AND p.ends BETWEEN y.first_day AND y.last_day)::int
         AS projects_completed,
       coalesce((SELECT sum(s.hours) FROM commgrid.service_record s
                  WHERE s.unit_id = u.unit_id AND s.served_on BETWEEN y.first_day AND y.last_day), 0)::numeric
         AS service_hours,
       round(res.score::numeric, 2) AS score,
       res.grade,
       res.rank_in_kind,
       res.units_in_kind,
       round(res.target_points::numeric, 2) AS target_points
  FROM yr y
  JOIN commgrid.unit u ON u.community_code <@ y.district_code
  LEFT JOIN commgrid.area a ON a.code = u.community_code
  LEFT JOIN commgrid.unit_vocabulary vk ON vk.field = 'kind' AND vk.code = u.kind
  LEFT JOIN commgrid.unit_vocabulary va ON va.field = 'affiliation' AND va.code = u.affiliation
  LEFT JOIN commgrid.unit_vocabulary vr ON vr.field = 'rank' AND vr.code = u.rank
  LEFT JOIN commgrid.assessment_unit_result res ON res.campaign_id = y.campaign_id AND res.unit_id = u.unit_id
 WHERE commgrid.reaches(u.community_code, (SELECT commgrid.reach_scopes())) OR commgrid.reaches_unit(u.unit_id, (SELECT commgrid.reach_units()));
COMMENT ON VIEW unit_scorecard IS
  'BI: per campaign and unit of its district, the unit''s co-building in the year (communities, joint-meeting seat, cross-appointments, meetings attended, resources, completed projects, service hours) and its direction-1 result (score, grade, rank in kind, points for the annual target assessment)';
COMMENT ON COLUMN unit_scorecard.campaign_id IS 'The assessment campaign (commgrid.assessment_campaign)';
COMMENT ON COLUMN unit_scorecard.year IS 'The year the campaign assesses';
COMMENT ON COLUMN unit_scorecard.unit_id IS 'The resident unit';
COMMENT ON COLUMN unit_scorecard.unit_name IS 'Name of the unit';
COMMENT ON COLUMN unit_scorecard.uscc IS 'Unified social credit code, as text; NULL for an armed police unit';
COMMENT ON COLUMN unit_scorecard.kind IS 'Kind code of the unit (commgrid.unit_vocabulary field kind)';
COMMENT ON COLUMN unit_scorecard.kind_label IS 'The report''s word for the kind, e.g. 国有企业';
COMMENT ON COLUMN unit_scorecard.affiliation IS 'Affiliation code: central, provincial, city, district or subdistrict';
COMMENT ON COLUMN unit_scorecard.affiliation_label IS 'The report''s word for the affiliation, e.g. 区属';
COMMENT ON COLUMN unit_scorecard.rank IS 'Administrative rank code: bureau, division, section or none';
COMMENT ON COLUMN unit_scorecard.rank_label IS 'The report''s word for the rank, e.g. 科级';
COMMENT ON COLUMN unit_scorecard.community_code IS 'The unit''s home community, as text';
COMMENT ON COLUMN unit_scorecard.community_name IS 'Name of the home community';
COMMENT ON COLUMN unit_scorecard.cobuilding_communities IS 'Communities the unit co-builds with (commgrid.unit_community)';
COMMENT ON COLUMN unit_scorecard.party_head_in_joint_meeting IS 'Whether the unit''s Party head sat on its home community''s joint meeting at some time in the year';
COMMENT ON COLUMN unit_scorecard.cross_appointments IS 'Cross-appointments of the unit in force at some time in the year, both directions';
COMMENT ON COLUMN unit_scorecard.meetings_attended IS 'Attendances of the unit''s joint-meeting members at co-building meetings held in the year';
COMMENT ON COLUMN unit_scorecard.resources_offered IS 'Resources the unit published in the year';
COMMENT ON COLUMN unit_scorecard.projects_completed IS 'Co-building projects of the unit completed in the year';
COMMENT ON COLUMN unit_scorecard.service_hours IS 'Hours of service the unit and its members recorded in the year';
COMMENT ON COLUMN unit_scorecard.score IS 'Direction-1 score, 0-100, rounded to 2 decimals; NULL when the unit was not rated';
COMMENT ON COLUMN unit_scorecard.grade IS 'Grade of the score';
COMMENT ON COLUMN unit_scorecard.rank_in_kind IS 'Rank among the rated units of the same kind (1 = best)';
COMMENT ON COLUMN unit_scorecard.units_in_kind IS 'Rated units of the same kind';
COMMENT ON COLUMN unit_scorecard.target_points IS 'Points entering the unit''s annual target assessment, rounded to 2 decimals';

CREATE VIEW community_unit_opinion WITH (security_barrier) AS
SELECT t.campaign_id, c.year, t.ratee_code::text AS community_code, a.name AS community_name,
       t.rater_unit_id AS unit_id, u.name AS unit_name, u.kind, round(t.total::numeric, 2) AS opinion_total,
       t.indicators_rated, t.indicators, t.complete
  FROM commgrid.assessment_rater_total t
  JOIN commgrid.assessment_campaign c ON c.campaign_id = t.campaign_id
  JOIN commgrid.area a ON a.code = t.ratee_code
  JOIN commgrid.unit u ON u.unit_id = t.rater_unit_id
 WHERE t.rater_kind = 'unit' AND (commgrid.reaches(t.ratee_code, (SELECT commgrid.reach_scopes())) OR commgrid.reaches_unit(t.rater_unit_id, (SELECT commgrid.reach_units())));
COMMENT ON VIEW community_unit_opinion IS
  'BI: each unit''s opinion total (0-100) on each community it co-builds with, per campaign';
COMMENT ON COLUMN community_unit_opinion.campaign_id IS 'The assessment campaign (commgrid.assessment_campaign)';
COMMENT ON COLUMN community_unit_opinion.year IS 'The year the campaign assesses';
COMMENT ON COLUMN community_unit_opinion.community_code IS 'The community the opinion is about, as text';
COMMENT ON COLUMN community_unit_opinion.community_name IS 'Name of the community';
COMMENT ON COLUMN community_unit_opinion.unit_id IS 'The unit giving the opinion';
COMMENT ON COLUMN community_unit_opinion.unit_name IS 'Name of the unit';
COMMENT ON COLUMN community_unit_opinion.kind IS 'Kind code of the unit';
COMMENT ON COLUMN community_unit_opinion.opinion_total IS 'The unit''s total over its indicator set, 0-100, rounded to 2 decimals; an indicator not rated counts 0';
COMMENT ON COLUMN community_unit_opinion.indicators_rated IS 'Indicators the unit rated';
COMMENT ON COLUMN community_unit_opinion.indicators IS 'Indicators in the unit''s set';
COMMENT ON COLUMN community_unit_opinion.complete IS 'Whether the unit rated every indicator';

CREATE VIEW community_assessment WITH (security_barrier) AS
SELECT r.campaign_id, r.year, r.community_code::text AS community_code, r.community_name,
       r.subdistrict_code::text AS subdistrict_code, s.name AS subdistrict_name,
       round(r.subdistrict_score::numeric, 2) AS subdistrict_score,
       round(r.opinion_score::numeric, 2) AS opinion_score,
       r.opinions,
       (SELECT min(o.opinion_total) FROM commgrid.community_unit_opinion o
         WHERE o.campaign_id = r.campaign_id AND o.community_code = r.community_code::text) AS lowest_opinion,
       (SELECT max(o.opinion_total) FROM commgrid.community_unit_opinion o
         WHERE o.campaign_id = r.campaign_id AND o.community_code = r.community_code::text) AS highest_opinion,
       round(r.combined_score::numeric, 2) AS combined_score,
       r.grade, r.rank_in_subdistrict, r.communities_in_subdistrict, r.complete
  FROM commgrid.assessment_community_result r
  LEFT JOIN commgrid.area s ON s.code = r.subdistrict_code
 WHERE commgrid.reaches(r.community_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW community_assessment IS
  'BI: per campaign and community, the subdistrict''s score, the units'' opinion score (trimmed mean; with count, lowest, highest), the combined score, grade and rank in the subdistrict';
COMMENT ON COLUMN community_assessment.campaign_id IS 'The assessment campaign (commgrid.assessment_campaign)';
COMMENT ON COLUMN community_assessment.year IS 'The year the campaign assesses';
COMMENT ON COLUMN community_assessment.community_code IS 'The community, as text';
COMMENT ON COLUMN community_assessment.community_name IS 'Name of the community';
COMMENT ON COLUMN community_assessment.subdistrict_code IS 'Its subdistrict or town, as text';
COMMENT ON COLUMN community_assessment.subdistrict_name IS 'Name of the subdistrict or town';
COMMENT ON COLUMN community_assessment.subdistrict_score IS 'The subdistrict''s total for the community, 0-100, rounded to 2 decimals';
COMMENT ON COLUMN community_assessment.opinion_score IS 'Trimmed mean of the units'' opinions, 0-100, rounded to 2 decimals';
COMMENT ON COLUMN community_assessment.opinions IS 'How many units gave an opinion';
COMMENT ON COLUMN community_assessment.lowest_opinion IS 'The lowest unit opinion total (before trimming)';
COMMENT ON COLUMN community_assessment.highest_opinion IS 'The highest unit opinion total (before trimming)';
COMMENT ON COLUMN community_assessment.combined_score IS 'The combined score, 0-100, rounded to 2 decimals';
COMMENT ON COLUMN community_assessment.grade IS 'Grade of the combined score';
COMMENT ON COLUMN community_assessment.rank_in_subdistrict IS 'Rank among the rated communities of the same subdistrict (1 = best)';
COMMENT ON COLUMN community_assessment.communities_in_subdistrict IS 'Rated communities of the same subdistrict';
COMMENT ON COLUMN community_assessment.complete IS 'Whether every rater rated every indicator';

CREATE VIEW who_sits_at_whose_table WITH (security_barrier) AS
SELECT uc.community_code::text AS community_code, a.name AS community_name,
       a.parent::text AS subdistrict_code,
       u.affiliation, va.label AS affiliation_label, u.rank, vr.label AS rank_label, u.kind, vk.label AS kind_label,
       count(*)::int AS units,
       count(*) FILTER (WHERE uc.is_home)::int AS home_units,
       count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM commgrid.joint_meeting_member m
          WHERE m.community_code = uc.community_code AND m.person_id = u.party_secretary_id
            AND commgrid.period_in_force(m.starts, m.ends, commgrid.district_today())))::int AS heads_at_table,
       string_agg(u.name, '、' ORDER BY u.name) AS unit_names
  FROM commgrid.unit_community uc
  JOIN commgrid.unit u ON u.unit_id = uc.unit_id
  JOIN commgrid.area a ON a.code = uc.community_code
  LEFT JOIN commgrid.unit_vocabulary vk ON vk.field = 'kind' AND vk.code = u.kind
  LEFT JOIN commgrid.unit_vocabulary va ON va.field = 'affiliation' AND va.code = u.affiliation
  LEFT JOIN commgrid.unit_vocabulary vr ON vr.field = 'rank' AND vr.code = u.rank
 WHERE commgrid.reaches(uc.community_code, (SELECT commgrid.reach_scopes()))
 GROUP BY uc.community_code, a.name, a.parent, u.affiliation, va.label, va.sort_order, u.rank, vr.label, vr.sort_order,
          u.kind, vk.label, vk.sort_order;
COMMENT ON VIEW who_sits_at_whose_table IS
  'BI: per community, the units co-building with it by affiliation × rank × kind (the report''s third problem), with how many are based there and how many Party heads sit at its joint meeting today';
COMMENT ON COLUMN who_sits_at_whose_table.community_code IS 'The community, as text';
COMMENT ON COLUMN who_sits_at_whose_table.community_name IS 'Name of the community';
COMMENT ON COLUMN who_sits_at_whose_table.subdistrict_code IS 'Its subdistrict or town, as text';
COMMENT ON COLUMN who_sits_at_whose_table.affiliation IS 'Affiliation code of the units in this row';
COMMENT ON COLUMN who_sits_at_whose_table.affiliation_label IS 'The report''s word for the affiliation, e.g. 市属';
COMMENT ON COLUMN who_sits_at_whose_table.rank IS 'Rank code of the units in this row';
COMMENT ON COLUMN who_sits_at_whose_table.rank_label IS 'The report''s word for the rank, e.g. 处级';
COMMENT ON COLUMN who_sits_at_whose_table.kind IS 'Kind code of the units in this row';
COMMENT ON COLUMN who_sits_at_whose_table.kind_label IS 'The report''s word for the kind, e.g. 国有企业';
COMMENT ON COLUMN who_sits_at_whose_table.units IS 'Units of this affiliation, rank and kind co-building with the community';
COMMENT ON COLUMN who_sits_at_whose_table.home_units IS 'Of those, units whose home community it is';
COMMENT ON COLUMN who_sits_at_whose_table.heads_at_table IS 'Of those, units whose Party head sits on the community''s joint meeting today';
COMMENT ON COLUMN who_sits_at_whose_table.unit_names IS 'Names of the units, separated by 、';

-- The assessment results for BI: the community assessment and the unit scorecard.
CREATE FUNCTION bi_community_assessment_rows() RETURNS SETOF community_assessment
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.community_assessment
$$;
REVOKE EXECUTE ON FUNCTION bi_community_assessment_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_community_assessment_rows() IS
  'The rows of bi_community_assessment, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_community_assessment AS
SELECT * FROM commgrid.bi_community_assessment_rows();
COMMENT ON VIEW bi_community_assessment IS
  'BI: per campaign and community, its assessment (commgrid.community_assessment): scores, grade, rank';

CREATE FUNCTION bi_unit_scorecard_rows() RETURNS SETOF unit_scorecard
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  SELECT * FROM commgrid.unit_scorecard
$$;
REVOKE EXECUTE ON FUNCTION bi_unit_scorecard_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_unit_scorecard_rows() IS
  'The rows of bi_unit_scorecard, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_unit_scorecard AS
SELECT * FROM commgrid.bi_unit_scorecard_rows();
COMMENT ON VIEW bi_unit_scorecard IS
  'BI: per campaign and resident unit, its co-building and its assessment result (commgrid.unit_scorecard); organisations only, no person';
-- the BI copies say what the report views' columns say (one text for both)
SELECT commgrid.copy_column_comments('commgrid.bi_community_assessment', 'commgrid.community_assessment');
SELECT commgrid.copy_column_comments('commgrid.bi_unit_scorecard', 'commgrid.unit_scorecard');
