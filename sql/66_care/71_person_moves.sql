-- A person who moves (their household relocated and placed by the engine, or they moved to
-- another household) takes their care with them: the open binding (and with it the device
-- and its ingest state, care_binding_state), the fences and the emergency contacts now belong
-- to the new grid's staff.  Otherwise the old grid's worker kept the person's live position
-- on its map (care_positions reads the device state) while care_track already refused it, and
-- the new grid's worker had neither.  Pings, alarms, calls, escalation steps and cases stay
-- with the grid where they happened.  As the owner: whoever moved the person need not see
-- their care rows.
CREATE FUNCTION resident_pass_grid_to_care() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  UPDATE commgrid.care_binding b SET grid_code = n.grid_code
  FROM new_residents n JOIN old_residents o ON o.resident_id OPERATOR(pg_catalog.=) n.resident_id
  WHERE b.resident_id OPERATOR(pg_catalog.=) n.resident_id AND b.bound_until IS NULL
    AND n.grid_code IS DISTINCT FROM o.grid_code AND b.grid_code IS DISTINCT FROM n.grid_code;
  UPDATE commgrid.care_fence f SET grid_code = n.grid_code
  FROM new_residents n JOIN old_residents o ON o.resident_id OPERATOR(pg_catalog.=) n.resident_id
  WHERE f.resident_id OPERATOR(pg_catalog.=) n.resident_id
    AND n.grid_code IS DISTINCT FROM o.grid_code AND f.grid_code IS DISTINCT FROM n.grid_code;
  UPDATE commgrid.care_contact c SET grid_code = n.grid_code
  FROM new_residents n JOIN old_residents o ON o.resident_id OPERATOR(pg_catalog.=) n.resident_id
  WHERE c.resident_id OPERATOR(pg_catalog.=) n.resident_id
    AND n.grid_code IS DISTINCT FROM o.grid_code AND c.grid_code IS DISTINCT FROM n.grid_code;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION resident_pass_grid_to_care() FROM PUBLIC;
COMMENT ON FUNCTION resident_pass_grid_to_care() IS
  'Trigger: a resident whose grid changes takes their open care binding (device and ingest state with it), fences and emergency contacts to the new grid';
CREATE TRIGGER resident_pass_grid_to_care AFTER UPDATE ON resident
  REFERENCING NEW TABLE AS new_residents OLD TABLE AS old_residents
  FOR EACH STATEMENT EXECUTE FUNCTION resident_pass_grid_to_care();
