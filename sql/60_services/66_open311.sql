-- Open311 GeoReport v2 from SQL: a district web system serves the API's JSON straight from
-- these functions.  Owner's rights with public data only: categories that may be public,
-- requests of such categories that are not confidential, never a requester's personal data.
-- Times are ISO 8601 in +08:00; lat/long in WGS-84.  Bad input gives the spec's error array.

CREATE FUNCTION open311_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN to_char(t AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00';
COMMENT ON FUNCTION open311_time(timestamptz) IS 'An instant as Open311 writes it: ISO 8601 in Asia/Shanghai, e.g. 2026-03-02T11:59:59+08:00';

CREATE FUNCTION open311_error(code int, description text) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN json_build_array(json_build_object('code', code, 'description', description));
COMMENT ON FUNCTION open311_error(int, text) IS 'The Open311 error array: [{"code": …, "description": …}]';

CREATE FUNCTION open311_services() RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
  SELECT coalesce(json_agg(json_build_object(
           'service_code', c.service_code, 'service_name', c.name,
           'description', coalesce(c.description, p.name || ' / ' || c.name),
           'metadata', false, 'type', 'realtime',
           'keywords', concat_ws(',', g.name, p.name, c.name), 'group', g.name)
         ORDER BY c.code), '[]'::json)
  FROM commgrid.service_category c
  JOIN commgrid.service_category p ON p.code = c.parent_code
  JOIN commgrid.service_category g ON g.code = p.parent_code
  WHERE c.level = 'minor' AND c.public
$$;
COMMENT ON FUNCTION open311_services() IS
  'GET services: the public minor categories as Open311 services (service_code, service_name, description, metadata, type, keywords, group)';

CREATE FUNCTION open311_service_definition(code text) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM commgrid.service_category c
                 WHERE c.service_code = open311_service_definition.code AND c.level = 'minor' AND c.public) THEN
    RETURN commgrid.open311_error(404, format('service_code %s not found', commgrid.echo_value(coalesce(open311_service_definition.code, 'null'))));
  END IF;
  -- no extra attributes are asked: the category, place and description say it all
  RETURN json_build_object('service_code', open311_service_definition.code, 'attributes', '[]'::json);
END $$;
COMMENT ON FUNCTION open311_service_definition(text) IS
  'GET services/{code}: the service definition (no extra attributes); 404 error array for an unknown or non-public code';

CREATE FUNCTION open311_requests(params jsonb DEFAULT '{}') RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  p jsonb := coalesce(params, '{}');
  ids bigint[];
  codes text[];
  statuses text[];
  start_at timestamptz;
  end_at timestamptz;
  bad text;
BEGIN
  SELECT string_agg(k, ', ') INTO bad FROM jsonb_object_keys(p) k
  WHERE k NOT IN ('service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'jurisdiction_id');
  IF bad IS NOT NULL THEN
    RETURN commgrid.open311_error(400, format('unknown parameter %s', commgrid.echo_value(bad)));
  END IF;
  BEGIN
    ids := string_to_array(replace(p ->> 'service_request_id', ' ', ''), ',')::bigint[];
    start_at := (p ->> 'start_date')::timestamptz;
    end_at := (p ->> 'end_date')::timestamptz;
  EXCEPTION WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow
                 OR numeric_value_out_of_range THEN
    RETURN commgrid.open311_error(400, 'service_request_id must be a comma-separated list of ids, start_date and end_date ISO 8601 times');
  END;
  codes := string_to_array(replace(p ->> 'service_code', ' ', ''), ',');
  statuses := string_to_array(replace(p ->> 'status', ' ', ''), ',');
  IF NOT statuses <@ ARRAY['open', 'closed'] THEN
    RETURN commgrid.open311_error(400, 'status must be open, closed or both (comma-separated)');
  END IF;
  IF start_at > end_at THEN
    RETURN commgrid.open311_error(400, 'start_date is after end_date');
  END IF;
  -- the spec's default window: the last 90 days, when neither dates nor ids are given
  IF ids IS NULL AND start_at IS NULL AND end_at IS NULL THEN
    start_at := now() - interval '90 days';
  END IF;
  RETURN (
    SELECT coalesce(json_agg(x.doc ORDER BY x.requested_at DESC, x.request_id DESC), '[]'::json) FROM (
      SELECT r.request_id, r.requested_at, json_build_object(
        'service_request_id', r.request_id::text,
        'status', CASE WHEN r.status IN ('resolved', 'verified', 'closed', 'merged', 'not_accepted') THEN 'closed' ELSE 'open' END,
        'status_notes', CASE r.status
                          WHEN 'merged' THEN 'merged into request ' || r.merged_into
                          WHEN 'not_accepted' THEN 'not accepted'
                          WHEN 'parked' THEN 'parked until ' || r.parked_until
                          WHEN 'referred' THEN 'referred'
                          ELSE r.status END,
        'service_name', c.name, 'service_code', c.service_code,
        'description', r.description,
        'agency_responsible', coalesce(r.referred_department, r.handling_level),
        'service_notice', NULL,
        'requested_datetime', commgrid.open311_time(r.requested_at),
        'updated_datetime', commgrid.open311_time((SELECT max(e.at) FROM commgrid.request_event e WHERE e.request_id = r.request_id)),
        'expected_datetime', commgrid.open311_time(coalesce(r.extended_due, r.resolution_due)),
        'address', r.address, 'address_id', NULL, 'zipcode', NULL,
        'lat', round(ST_Y(ST_Transform(r.location, 4326))::numeric, 6),
        'long', round(ST_X(ST_Transform(r.location, 4326))::numeric, 6),
        'media_url', NULL) AS doc
      FROM commgrid.service_request r JOIN commgrid.service_category c ON c.code = r.category_code
      WHERE c.public AND NOT r.confidential
        AND (ids IS NULL OR r.request_id = ANY (ids))
        AND (codes IS NULL OR c.service_code = ANY (codes))
        AND (start_at IS NULL OR r.requested_at >= start_at)
        AND (end_at IS NULL OR r.requested_at <= end_at)
        AND (statuses IS NULL OR (CASE WHEN r.status IN ('resolved', 'verified', 'closed', 'merged', 'not_accepted')
                                       THEN 'closed' ELSE 'open' END) = ANY (statuses))
      ORDER BY r.requested_at DESC, r.request_id DESC
      LIMIT 1000) x);
END $$;
COMMENT ON FUNCTION open311_requests(jsonb) IS
  'GET requests: public, non-confidential requests as Open311 service requests, filtered by service_request_id (comma list), service_code (comma list), start_date, end_date, status (open/closed); the last 90 days when no date or id is given; at most 1000; never personal data; 400 error array for bad parameters';

CREATE FUNCTION open311_post_request(params jsonb) RETURNS json
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  p jsonb := coalesce(params, '{}');
  c commgrid.service_category;
  lat float8;
  lon float8;
  point geometry;
  phone text := nullif(btrim(p ->> 'phone'), '');
  name text := nullif(btrim(concat_ws(' ', p ->> 'last_name', p ->> 'first_name')), '');
  id bigint;
BEGIN
  SELECT * INTO c FROM commgrid.service_category x
  WHERE x.service_code = p ->> 'service_code' AND x.level = 'minor';
  IF NOT FOUND THEN
    RETURN commgrid.open311_error(400, format('service_code %s not found', commgrid.echo_value(coalesce(p ->> 'service_code', 'missing'))));
  END IF;
  IF coalesce(btrim(p ->> 'description'), '') = '' THEN
    RETURN commgrid.open311_error(400, 'description is required');
  END IF;
  BEGIN
    lat := (p ->> 'lat')::float8;
    lon := (p ->> 'long')::float8;
  EXCEPTION WHEN invalid_text_representation THEN
    RETURN commgrid.open311_error(400, 'lat and long must be numbers (WGS-84 degrees)');
  END;
  IF lat IS NULL OR lon IS NULL OR lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180 THEN
    RETURN commgrid.open311_error(400, 'lat and long are required (WGS-84 degrees)');
  END IF;
  IF phone IS NOT NULL AND phone !~ '^\+?[0-9][0-9 -]{4,19}$' THEN
    RETURN commgrid.open311_error(400, 'phone must be digits, an optional leading +, spaces or hyphens');
  END IF;
  point := ST_SetSRID(ST_MakePoint(lon, lat), 4326);
  IF commgrid.locate(ST_Transform(point, 4490), 'grid') IS NULL THEN
    RETURN commgrid.open311_error(400, 'the location lies in no grid of this district');
  END IF;
  id := commgrid.submit_request(c.code, CASE WHEN p ->> 'nature' IN ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise')
                                             THEN p ->> 'nature' ELSE 'help' END,
                                p ->> 'description', point, coordinate_system => 'wgs84',
                                address => nullif(btrim(p ->> 'address_string'), ''), channel => 'app',
                                requester_kind => CASE WHEN phone IS NULL AND name IS NULL THEN 'anonymous' ELSE 'contact' END,
                                contact_name => name, contact_phone => phone);
  RETURN json_build_array(json_build_object(
    'service_request_id', id::text,
    'service_notice', format('上不过午,下不过夜: acted on by %s', commgrid.open311_time(
                        (SELECT r.response_due FROM commgrid.service_request r WHERE r.request_id = id))),
    'account_id', NULL));
END $$;
COMMENT ON FUNCTION open311_post_request(jsonb) IS
  'POST requests: records a request from Open311 parameters (service_code, lat, long in WGS-84, description, address_string, optional first_name, last_name, phone); returns [{"service_request_id", "service_notice", "account_id"}], or the 400 error array';

-- The API is the web system's, not the staff's: the DBA grants these to the role it logs in as
-- (GRANT EXECUTE ON FUNCTION commgrid.open311_services() … TO district_web).
REVOKE EXECUTE ON FUNCTION open311_services(), open311_service_definition(text),
  open311_requests(jsonb), open311_post_request(jsonb) FROM PUBLIC;
