-- What pg_dump keeps of the co-building and assessment model: every table of users' rows and
-- the sequences behind their ids (the vocabulary the script itself fills is left out).
-- Restore with session_replication_role = replica, as README's "Backup" says, so that the
-- rules for new rows (closed campaigns, recusal, unit ties) do not judge restored history.
SELECT pg_catalog.pg_extension_config_dump('unit', '');
SELECT pg_catalog.pg_extension_config_dump('unit_unit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('unit_community', '');
SELECT pg_catalog.pg_extension_config_dump('leader', '');
SELECT pg_catalog.pg_extension_config_dump('leader_leader_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('contact_point', '');
SELECT pg_catalog.pg_extension_config_dump('contact_point_contact_point_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('area_responsibility', '');
SELECT pg_catalog.pg_extension_config_dump('area_responsibility_responsibility_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('joint_meeting', '');
SELECT pg_catalog.pg_extension_config_dump('joint_meeting_member', '');
SELECT pg_catalog.pg_extension_config_dump('joint_meeting_member_member_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_meeting', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_meeting_meeting_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_attendance', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resolution', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resolution_resolution_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cross_appointment', '');
SELECT pg_catalog.pg_extension_config_dump('cross_appointment_appointment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_need', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_need_need_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resource', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resource_resource_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_project', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_project_project_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('unit_report', '');
SELECT pg_catalog.pg_extension_config_dump('unit_report_unit_report_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('member_report', '');
SELECT pg_catalog.pg_extension_config_dump('member_report_member_report_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('service_record', '');
SELECT pg_catalog.pg_extension_config_dump('service_record_service_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_campaign', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_campaign_campaign_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_indicator', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_indicator_indicator_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_grade', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_rating', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_rating_rating_id_seq', '');
