-- Boundary history: every boundary an area ever had, as generations with valid_from /
-- valid_to (as MapIt keeps them), so reports for past years use past boundaries.

CREATE TABLE area_boundary_history (
  code       gridcode NOT NULL,
  boundary   geometry NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz,
  PRIMARY KEY (code, valid_from),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX area_boundary_history_current_idx ON area_boundary_history (code) WHERE valid_to IS NULL;
COMMENT ON TABLE area_boundary_history IS
  'Every boundary of every area, one row per generation; the row with valid_to NULL is the current one. Kept by a trigger on commgrid.area';
COMMENT ON COLUMN area_boundary_history.code IS 'The area';
COMMENT ON COLUMN area_boundary_history.boundary IS 'The boundary in force during [valid_from, valid_to), MultiPolygon EPSG:4490';
COMMENT ON COLUMN area_boundary_history.valid_from IS 'Start of the transaction that set this boundary';
COMMENT ON COLUMN area_boundary_history.valid_to IS 'Start of the transaction that replaced or removed it; NULL while current';
-- read like the areas themselves, written only by the engine's security-definer trigger
SELECT commgrid.secure_table('commgrid.area_boundary_history', '{code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{}');
CREATE POLICY staff_read ON area_boundary_history FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area_boundary_history IS
  'Every role granted SELECT reads the whole boundary history, as it reads the area tree';
-- (a change by a transaction that started before the current generation's is refused with
-- 40001 by area_record_history, so generations follow each other in commit order)
SELECT commgrid.register_dump('commgrid.area_boundary_history');

CREATE FUNCTION area_record_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  later record;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.code = OLD.code AND NEW.boundary IS NOT DISTINCT FROM OLD.boundary THEN
    RETURN NULL;
  END IF;
  -- Generations are stamped with the start of their transaction.  When a transaction that
  -- started later has already committed a change of this area, this one's change cannot
  -- be placed after it: refuse it as a serialisation failure, before any row is written.
  SELECT h.code, greatest(h.valid_from, h.valid_to) AS at INTO later
    FROM commgrid.area_boundary_history h
   WHERE h.code IN (OLD.code, NEW.code) AND (h.valid_from > now() OR h.valid_to > now())
   ORDER BY 2 DESC LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'boundary of area % was changed by a transaction that started after this one', later.code
      USING ERRCODE = '40001',
            DETAIL = format('The boundary history orders changes by the start of their transactions; area %s changed at %s, after this transaction started at %s.',
                            later.code, later.at, now()),
            HINT = 'Retry the transaction.';
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    -- a generation that began in this same transaction was never seen by anyone else
    DELETE FROM commgrid.area_boundary_history
     WHERE code = OLD.code AND valid_to IS NULL AND valid_from = now();
    UPDATE commgrid.area_boundary_history SET valid_to = now()
     WHERE code = OLD.code AND valid_to IS NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.boundary IS NOT NULL THEN
    INSERT INTO commgrid.area_boundary_history (code, boundary, valid_from)
    VALUES (NEW.code, NEW.boundary, now());
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION area_record_history() IS
  'Trigger: closes an area''s current boundary generation and opens the new one when its boundary changes';
-- trigger functions cannot be called directly, but nothing security-definer stays open
REVOKE EXECUTE ON FUNCTION area_record_history() FROM PUBLIC;

CREATE TRIGGER area_record_history
  AFTER INSERT OR UPDATE OF code, boundary OR DELETE ON area
  FOR EACH ROW EXECUTE FUNCTION area_record_history();

-- TRUNCATE fires no row trigger, so it would leave every area's current generation open.
CREATE FUNCTION area_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE of commgrid.area is not supported'
    USING ERRCODE = '0A000',
          DETAIL = 'It would leave the boundary history (commgrid.area_boundary_history) of every area open.',
          HINT = 'Delete the areas with DELETE, children first: each deletion closes its area''s history.';
END $$;
COMMENT ON FUNCTION area_refuse_truncate() IS
  'Trigger: refuses TRUNCATE of commgrid.area (0A000), which would bypass the boundary history';

CREATE TRIGGER area_refuse_truncate BEFORE TRUNCATE ON area
  FOR EACH STATEMENT EXECUTE FUNCTION area_refuse_truncate();

CREATE FUNCTION locate_at(location geometry, at timestamptz, level text DEFAULT 'grid') RETURNS gridcode
  AS 'MODULE_PATHNAME', 'commgrid_locate_at' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION locate_at(geometry, timestamptz, text) IS
  'Like commgrid.locate, with the boundaries in force at a past time (from commgrid.area_boundary_history), under the same half-open rule';
