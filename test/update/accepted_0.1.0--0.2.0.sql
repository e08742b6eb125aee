-- The differences the update from 0.1.0 to 0.2.0 makes on purpose to the data and the reports
-- (test/update/compare.sql lists them as accepted, with the reason, and counts any other).
-- kind: 'table' (the table's name) or a report ('district_report', 'community_summary',
-- 'grid_summary') with its item, or a LIKE pattern for a feature's new lines (the longest
-- matching pattern gives the reason).  Add a line only with the change that makes it.
INSERT INTO commgrid_update_check.accepted (kind, item, reason) VALUES
  ('table', 'commgrid.secured_table',
   'issue 9: 0.2.0 also secures audit_log (by scope_code) and masking_setting (two rows added); issue 11: assessment_rating_history''s row removed with the table'),
  ('table', 'commgrid.assessment_rating_history',
   'issue 11: ratings audited once, in audit_log (0.1.0 wrote each change to both); history rows the log lacked are copied into it'),
  ('table', 'commgrid.audit_log',
   'issue 11: the rating changes assessment_rating_history kept and the log lacked are copied into it (run.sh adds one such history row)'),
  ('table', 'sequence commgrid.audit_log_id_seq', 'issue 11: the copied history rows take ids'),
  ('table', 'sequence commgrid.assessment_rating_history_history_id_seq', 'issue 11: the history table''s identity, dropped with it'),
  ('district_report', 'towns', 'issue 11: the townships, then each kind: "townships: town"'),
  ('district_report', 'subdistricts', 'issue 11: "townships: subdistrict"'),
  ('district_report', 'townships', 'issue 11: the townships of every kind'),
  ('district_report', 'townships: subdistrict', 'issue 11: was "subdistricts"'),
  ('district_report', 'townships: town', 'issue 11: was "towns"'),
  ('table', 'commgrid.staff_function',
   'issue 16: the staffing area registers its staff functions (my_stipends, compute_stipends, stipend_preview, training_gaps, generate_education_tasks)'),
  ('district_report', 'compliance: community_not_reviewed', 'issue 16: a new compliance kind (leaders'' reviews)'),
  ('district_report', 'compliance: education\_task\_overdue', 'issue 16: a new compliance kind (education plans)'),
  ('district_report', 'compliance: outflow\_contact\_missed', 'issue 16: a new compliance kind (tracking floating members)'),
  ('district_report', 'compliance: staffing\_below\_norm', 'issue 16: a new compliance kind (staffing norms)'),
  ('district_report', 'compliance: training\_%', 'issue 16: new compliance kinds (training in class hours)'),
  ('district_report', 'education tasks due%', 'issue 16: new report lines (education plans)'),
  ('table', 'commgrid.assigned_table', 'issue 14 and later areas: their tables placed by the engine (activity, …) are registered with register_assigned_table'),
  ('district_report', 'communities that may set up a Party committee (notice)', 'issue 14: the ≥ 100 members rule as an eligibility notice'),
  ('district_report', 'love-bank points issued this year', 'issue 14: a new report line (love bank)'),
  ('district_report', 'members who took part%', 'issue 14: new report lines (members'' participation)'),
  ('district_report', 'volunteer activities this year', 'issue 14: a new report line (activities)'),
  ('district_report', 'young members%', 'issue 14: new report lines (members'' participation by age band)');
