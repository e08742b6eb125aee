-- Open311 GeoReport v2 (district 420102): services, a service definition, requests with the
-- spec's filters, posting a request, and the error array; field by field.
\set VERBOSITY default
BEGIN;
SET TimeZone = 'UTC';
ALTER SEQUENCE commgrid.service_request_request_id_seq RESTART WITH 420102000101;
INSERT INTO commgrid.area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(114.20, 30.5, 114.40, 30.7, 4490)
FROM (VALUES ('420102', '测试江岸区', 'district'), ('420102001', '甲街道', 'subdistrict'),
             ('420102001001', '甲一社区', 'community'), ('420102001001001', '甲一第1网格', 'grid')) a(code, name, kind)
ORDER BY code;
-- GET services: public minor categories only, each with the spec's fields
SELECT json_array_length(commgrid.open311_services()) AS services,
       (SELECT count(*) FROM commgrid.service_category WHERE level = 'minor' AND public) AS public_minor;
SELECT s ->> 'service_code' AS service_code, s ->> 'service_name' AS service_name, s ->> 'description' AS description,
       s -> 'metadata' AS metadata, s ->> 'type' AS type, s ->> 'keywords' AS keywords, s ->> 'group' AS "group",
       (SELECT array_agg(k ORDER BY k) FROM json_object_keys(s) k) AS keys
FROM json_array_elements(commgrid.open311_services()) s LIMIT 2;
SELECT count(*) AS private_listed FROM json_array_elements(commgrid.open311_services()) s
WHERE s ->> 'service_code' IN ('order.disputes.family', 'social.elderly.home_care', 'order.reports.person');
-- GET services/{code}
SELECT commgrid.open311_service_definition('urban.environment.noise');
SELECT commgrid.open311_service_definition('order.disputes.family') AS private_code;
SELECT commgrid.open311_service_definition('nope');
-- POST requests
SELECT commgrid.open311_post_request('{"service_code": "urban.environment.noise", "lat": 30.6, "long": 114.25,
  "description": "广场舞噪声", "address_string": "江岸区测试路1号", "first_name": "三", "last_name": "张", "phone": "13800002222"}') AS posted \gset
-- the notice gives the response deadline (posted now: noon or midnight, Shanghai time)
SELECT json_array_length(:'posted'::json) AS elements,
       (SELECT array_agg(k ORDER BY k) FROM json_object_keys(:'posted'::json -> 0) k) AS keys,
       :'posted'::json -> 0 ->> 'service_request_id' AS service_request_id,
       :'posted'::json -> 0 ->> 'service_notice' ~ '^上不过午,下不过夜: acted on by \d{4}-\d\d-\d\dT(12|00):00:00\+08:00$' AS notice_ok,
       :'posted'::json -> 0 -> 'account_id' AS account_id;
SELECT requester_kind, contact_name, contact_phone, channel, grid_code, status FROM commgrid.service_request WHERE request_id = 420102000101;
SELECT commgrid.open311_post_request('{"service_code": "urban.environment.noise", "lat": 30.6, "long": 114.25}') AS no_description;
SELECT commgrid.open311_post_request('{"service_code": "x", "lat": 30.6, "long": 114.25, "description": "d"}') AS bad_code;
SELECT commgrid.open311_post_request('{"service_code": "urban.environment.noise", "lat": "north", "long": 114.25, "description": "d"}') AS bad_lat;
SELECT commgrid.open311_post_request('{"service_code": "urban.environment.noise", "lat": 10, "long": 10, "description": "d"}') AS outside;
SELECT commgrid.open311_post_request('{"service_code": "urban.environment.noise", "lat": 30.6, "long": 114.25, "description": "d", "phone": "call me"}') AS bad_phone;
SELECT commgrid.open311_post_request(NULL) AS nothing;
-- a confidential request and one of a private category are never listed
SELECT commgrid.submit_request('010102', 'complaint', '保密投诉', ST_SetSRID(ST_MakePoint(114.26, 30.6), 4490),
  confidential => true, requested_at => '2026-03-02 10:00+08') IS NOT NULL AS confidential,
       commgrid.submit_request('030101', 'help', '家庭纠纷', ST_SetSRID(ST_MakePoint(114.26, 30.6), 4490),
  requested_at => '2026-03-02 10:00+08') IS NOT NULL AS private_category,
       commgrid.submit_request('010101', 'help', '垃圾', ST_SetSRID(ST_MakePoint(114.27, 30.61), 4490),
  address => '测试路2号', requested_at => '2026-03-02 11:00+08') IS NOT NULL AS public_one;
-- GET requests: every field of one request
SELECT r ->> 'service_request_id' AS id, r ->> 'status' AS status, r ->> 'status_notes' AS notes,
       r ->> 'service_name' AS name, r ->> 'service_code' AS code, r ->> 'description' AS description,
       r ->> 'agency_responsible' AS agency, r -> 'service_notice' AS notice,
       r ->> 'requested_datetime' AS requested, r ->> 'updated_datetime' AS updated, r ->> 'expected_datetime' AS expected,
       r ->> 'address' AS address, r -> 'address_id' AS address_id, r -> 'zipcode' AS zipcode,
       r -> 'lat' AS lat, r -> 'long' AS long, r -> 'media_url' AS media_url,
       (SELECT array_agg(k ORDER BY k) FROM json_object_keys(r) k) AS keys
FROM json_array_elements(commgrid.open311_requests('{"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-03-31T00:00:00+08:00"}')) r;
-- filters
SELECT json_array_length(commgrid.open311_requests('{"service_request_id": "420102000101, 420102000102, 420102000104"}')) AS by_ids,
       json_array_length(commgrid.open311_requests('{"service_code": "urban.environment.noise"}')) AS by_code_last_90_days,
       json_array_length(commgrid.open311_requests('{"status": "closed"}')) AS closed,
       json_array_length(commgrid.open311_requests('{"status": "open,closed", "start_date": "2026-03-02T10:30:00+08:00", "end_date": "2026-03-02T12:00:00+08:00"}')) AS window;
SELECT commgrid.open311_requests('{"status": "pending"}') AS bad_status,
       commgrid.open311_requests('{"start_date": "yesterday-ish"}') AS bad_date,
       commgrid.open311_requests('{"service_request_id": "1,x"}') AS bad_id,
       commgrid.open311_requests('{"start_date": "2026-03-02", "end_date": "2026-03-01"}') AS reversed,
       commgrid.open311_requests('{"api_key": "k"}') AS unknown;
-- personal data never appears
SELECT position('13800002222' IN commgrid.open311_requests('{}')::text) AS phone_at,
       position('张' IN commgrid.open311_requests('{}')::text) AS name_at;
ROLLBACK;
