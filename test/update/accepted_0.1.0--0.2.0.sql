-- The differences the update from 0.1.0 to 0.2.0 makes on purpose to the data and the reports
-- (test/update/compare.sql lists them as accepted, with the reason, and counts any other).
-- kind: 'table' (the table's name) or a report ('district_report', 'community_summary',
-- 'grid_summary') with its item.  Add a line only with the change that makes it.
INSERT INTO commgrid_update_check.accepted (kind, item, reason) VALUES
  ('table', 'commgrid.secured_table',
   'issue 9: 0.2.0 also secures audit_log (by scope_code) and masking_setting (two rows added)'),
  ('district_report', 'towns', 'issue 11: the townships, then each kind: "townships: town"'),
  ('district_report', 'subdistricts', 'issue 11: "townships: subdistrict"'),
  ('district_report', 'townships', 'issue 11: the townships of every kind'),
  ('district_report', 'townships: subdistrict', 'issue 11: was "subdistricts"'),
  ('district_report', 'townships: town', 'issue 11: was "towns"');
