-- The functions that look rows up by key for every row of a bulk statement run with
-- enable_seqscan off, so that a plan kept from a session's first rows on small tables never
-- scans a whole table per row (docs/design/cached-plans.md, test/bench/people_bulk_plans.sh).
-- Lists each function of the list that lacks the setting, or is missing: none.
SELECT f.name, p.proconfig
FROM (VALUES ('resident_take_household_grid'), ('take_member_community'), ('take_org_community'),
             ('party_member_check_org'), ('party_org_check_tree'), ('referenced_row_in_reach'), ('resident_idcard_taken'),
             ('residence_event_prepare'), ('take_household_grid'), ('tenancy_prepare'),
             ('must_visit_task_prepare'), ('visit_prepare'), ('visit_close_task'), ('task_pass_situation_to_visits'), ('visit_pass_to_findings'),
             ('visit_finding_prepare'), ('visit_finding_apply'), ('visit_for_writer'),
             ('activity_attendance_admit'), ('activity_attendance_guard'), ('love_movement_take_area'), ('love_transaction_check_balanced'), ('redemption_item_donor_in_reach'),
             ('sw_case_worker_serves_contract'),
             ('training_attendance_hours'), ('party_work_post_check'), ('annual_appraisal_of_post_holder'), ('stipend_guard'),
             ('care_fence_grid'), ('care_binding_state'), ('care_alarm_child_check'), ('care_device_new_state'), ('care_case_alarm_wearer'),
             ('unit_sync_communities'), ('refuse_unless_cobuilds'), ('check_writer_reaches_cobuilding'), ('service_record_check'),
             ('request_event_apply'), ('service_repeat_judge')) f(name)
LEFT JOIN pg_proc p ON p.proname = f.name AND p.pronamespace = 'commgrid'::regnamespace
WHERE p.oid IS NULL OR NOT 'enable_seqscan=off' = ANY (p.proconfig)
ORDER BY 1;
-- and no other function of the schema has it unlisted (a new one joins the list above)
SELECT count(*) AS functions_with_enable_seqscan_off
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND 'enable_seqscan=off' = ANY (p.proconfig);
