-- Choropleths for reports: the areas of a level coloured in classes of an indicator, as an SVG
-- document.  Classes are quantiles: the class limits are the values at 1/k, 2/k … of the
-- sorted values (percentile_disc, so every limit is a value some area has), each class holding
-- the values above the previous limit up to its own; equal values always share a class, so with
-- many ties there are fewer than k classes.  Colours: ColorBrewer's YlGnBu sequential scheme
-- (Cynthia Brewer, colorbrewer2.org), marked colour-blind safe there, for 3 to 7 classes.

-- ColorBrewer YlGnBu with k classes (3-7; 1 and 2 classes take colours of the 3-class scheme).
CREATE FUNCTION map_palette(classes int) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE classes
  WHEN 1 THEN '{#7fcdbb}'::text[]
  WHEN 2 THEN '{#edf8b1,#2c7fb8}'::text[]
  WHEN 3 THEN '{#edf8b1,#7fcdbb,#2c7fb8}'::text[]
  WHEN 4 THEN '{#ffffcc,#a1dab4,#41b6c4,#225ea8}'::text[]
  WHEN 5 THEN '{#ffffcc,#a1dab4,#41b6c4,#2c7fb8,#253494}'::text[]
  WHEN 6 THEN '{#ffffcc,#c7e9b4,#7fcdbb,#41b6c4,#2c7fb8,#253494}'::text[]
  WHEN 7 THEN '{#ffffcc,#c7e9b4,#7fcdbb,#41b6c4,#1d91c0,#225ea8,#0c2c84}'::text[]
END;
COMMENT ON FUNCTION map_palette(int) IS
  'ColorBrewer YlGnBu (sequential, colour-blind safe) for 1-7 classes, lightest first; NULL for more';

-- The classes of a choropleth: each area's value, class (1 = lowest; NULL without a value) and
-- colour, with its class's limits (the lowest and highest value in the class).
CREATE FUNCTION choropleth_classes(parent gridcode, level text, indicator text, classes int DEFAULT 5)
RETURNS TABLE (code gridcode, name text, value numeric, class int, colour text, lower_limit numeric, upper_limit numeric)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
BEGIN
  IF parent IS NULL OR level IS NULL OR indicator IS NULL THEN
    RETURN;
  END IF;
  IF classes IS NULL OR classes < 3 OR classes > 7 THEN
    RAISE EXCEPTION 'cannot draw % classes', COALESCE(classes::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'The palette (ColorBrewer YlGnBu) has 3 to 7 classes.';
  END IF;
  PERFORM commgrid.map_indicators_checked(level, ARRAY[indicator]);
  RETURN QUERY
  WITH a AS MATERIALIZED (
    SELECT x.code, x.name FROM commgrid.area x
    WHERE x.code OPERATOR(commgrid.<@) choropleth_classes.parent
      AND commgrid.depth(x.code) = commgrid.map_level_depth(level) AND x.boundary IS NOT NULL
  ),
  v AS MATERIALIZED (
    SELECT a.code, a.name, y.value
    FROM a LEFT JOIN commgrid.map_indicator_values(level, indicator, ARRAY(SELECT a.code FROM a)) y ON y.code = a.code
  ),
  limits AS MATERIALIZED (
    SELECT ARRAY(SELECT DISTINCT b FROM unnest(
             (SELECT percentile_disc(ARRAY(SELECT i::float8 / classes FROM generate_series(1, classes - 1) i))
                     WITHIN GROUP (ORDER BY v.value) FROM v WHERE v.value IS NOT NULL)) b
           ORDER BY b) AS b
  ),
  raw AS (
    SELECT v.*, CASE WHEN v.value IS NOT NULL
                     THEN 1 + (SELECT count(*) FROM unnest(l.b) b WHERE v.value > b)::int END AS raw_class
    FROM v, limits l
  ),
  numbered AS (
    SELECT r.*, CASE WHEN r.raw_class IS NOT NULL THEN dense_rank() OVER (PARTITION BY r.raw_class IS NULL ORDER BY r.raw_class)::int END AS cls
    FROM raw r
  ),
  k AS (SELECT max(cls) AS n FROM numbered)
  SELECT n.code, n.name, n.value, n.cls, COALESCE((commgrid.map_palette(k.n))[n.cls], '#d9d9d9'),
         min(n.value) OVER (PARTITION BY n.cls), max(n.value) OVER (PARTITION BY n.cls)
  FROM numbered n, k
  ORDER BY n.code;
END $$;
COMMENT ON FUNCTION choropleth_classes(gridcode, text, text, int) IS
  'Quantile classes of an indicator over the areas of a level under a parent: value, class (1 lowest; NULL without a value), colour (ColorBrewer YlGnBu; #d9d9d9 without a value) and the class''s lowest and highest value; equal values share a class';

-- XML text: & < > " escaped.
CREATE FUNCTION map_xml_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;');
COMMENT ON FUNCTION map_xml_text(text) IS 'Text escaped for XML content and attributes';

-- The drawing: 1000 × 760 units; the map in a 680 × 640 frame (Web Mercator, north up), the
-- legend on the right, the title above, a north arrow and a scale bar in the frame's corners.
-- A name is written where its box (a CJK character is about 1 em wide, others about 0.6 em)
-- lies inside its area.  The font stack names Noto Sans CJK, which Debian's fonts-noto-cjk has.
CREATE FUNCTION choropleth_svg(parent gridcode, level text, indicator text, title text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  ind record;
  parent_name text;
  extent box2d;
  s float8;
  ox float8;
  oy float8;
  metres_per_unit float8;
  bar_m float8;
  bar_units float8;
  svg text;
  a_code text[];
  a_name text[];
  a_value numeric[];
  a_class int[];
  a_colour text[];
  a_lower numeric[];
  a_upper numeric[];
  a_shape geometry[];
  a_svg geometry[];
  body text;
  legend text;
  labels text;
  frame_w constant float8 := 680;
  frame_h constant float8 := 640;
  font constant text := '''Noto Sans CJK SC'', ''Noto Sans SC'', ''Source Han Sans SC'', ''WenQuanYi Micro Hei'', sans-serif';
  level_word text := CASE choropleth_svg.level WHEN 'grid' THEN '网格' WHEN 'community' THEN '社区' WHEN 'township' THEN '街镇' ELSE '区县' END;
BEGIN
  IF parent IS NULL OR level IS NULL OR indicator IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM commgrid.map_indicators_checked(level, ARRAY[indicator]);
  SELECT i.* INTO ind FROM commgrid.map_indicators(level) i WHERE i.indicator = choropleth_svg.indicator;
  SELECT array_agg(c.code::text ORDER BY c.code), array_agg(c.name ORDER BY c.code), array_agg(c.value ORDER BY c.code),
         array_agg(c.class ORDER BY c.code), array_agg(c.colour ORDER BY c.code), array_agg(c.lower_limit ORDER BY c.code),
         array_agg(c.upper_limit ORDER BY c.code), array_agg(ST_Transform(m.shape, 3857) ORDER BY c.code)
    INTO a_code, a_name, a_value, a_class, a_colour, a_lower, a_upper, a_shape
  FROM commgrid.choropleth_classes(parent, level, indicator) c
  JOIN commgrid.map_shapes(parent, level, 14) m ON m.code = c.code;
  SELECT a.name INTO parent_name FROM commgrid.area a WHERE a.code = choropleth_svg.parent;
  SELECT ST_Extent(g) INTO extent FROM unnest(a_shape) g;
  IF extent IS NULL THEN
    RAISE EXCEPTION 'area % has no areas of level % with a boundary', parent, level
      USING ERRCODE = '22023', HINT = 'Draw the areas first (commgrid.area.boundary).';
  END IF;
  s := least(frame_w / greatest(ST_XMax(extent) - ST_XMin(extent), 1), frame_h / greatest(ST_YMax(extent) - ST_YMin(extent), 1));
  ox := 20 + (frame_w - (ST_XMax(extent) - ST_XMin(extent)) * s) / 2;
  oy := 90 + (frame_h - (ST_YMax(extent) - ST_YMin(extent)) * s) / 2;
  -- SVG units from Web Mercator metres: x right, y down (ST_AsSVG writes -y)
  a_svg := ARRAY(SELECT ST_Affine(g, s, 0, 0, s, ox - ST_XMin(extent) * s, -(oy + ST_YMax(extent) * s))
                 FROM unnest(a_shape) WITH ORDINALITY u(g, i) ORDER BY i);
  -- Web Mercator stretches by 1/cos(latitude): true metres per unit at the map's middle
  metres_per_unit := cos(radians(ST_Y(ST_Transform(ST_SetSRID(ST_MakePoint((ST_XMin(extent) + ST_XMax(extent)) / 2,
                                                   (ST_YMin(extent) + ST_YMax(extent)) / 2), 3857), 4326)))) / s;
  bar_m := 10 ^ floor(log(160 * metres_per_unit));
  bar_m := CASE WHEN 5 * bar_m <= 160 * metres_per_unit THEN 5 * bar_m
                WHEN 2 * bar_m <= 160 * metres_per_unit THEN 2 * bar_m ELSE bar_m END;
  bar_units := bar_m / metres_per_unit;

  SELECT string_agg(format('<path class="area" data-code="%s" data-class="%s" fill="%s" d="%s"><title>%s: %s</title></path>',
                           a.code, COALESCE(a.class::text, ''), a.colour, ST_AsSVG(a.shape, 0, 1),
                           commgrid.map_xml_text(a.name), COALESCE(a.value::text || ' ' || ind.unit, '—')), E'\n' ORDER BY a.code)
    INTO body FROM unnest(a_code, a_name, a_value, a_class, a_colour, a_svg) a(code, name, value, class, colour, shape);
  SELECT string_agg(format('<text x="%s" y="%s" fill="%s">%s</text>',
                           round(ST_X(p)::numeric, 1), round((-ST_Y(p) + 4)::numeric, 1),
                           CASE WHEN a.class > 3 THEN '#ffffff' ELSE '#222222' END, commgrid.map_xml_text(a.name)), E'\n' ORDER BY a.code)
    INTO labels
  FROM unnest(a_code, a_name, a_value, a_class, a_colour, a_svg) a(code, name, value, class, colour, shape)
  CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.shape) AS p,
                             (SELECT sum(CASE WHEN ch ~ '[\u2E80-\uFFFF]' THEN 11 ELSE 6.6 END)
                              FROM regexp_split_to_table(a.name, '') ch) AS w) l
  WHERE ST_Contains(a.shape, ST_MakeEnvelope(ST_X(p) - w / 2, ST_Y(p) - 6, ST_X(p) + w / 2, ST_Y(p) + 6, 3857));
  SELECT string_agg(format('<rect class="legend-swatch" data-class="%s" x="730" y="%s" width="28" height="20" fill="%s" stroke="#666666" stroke-width="0.5"/>'
                           '<text x="766" y="%s">%s</text>',
                           COALESCE(c.class::text, ''), 150 + 28 * c.n, c.colour, 165 + 28 * c.n,
                           CASE WHEN c.class IS NULL THEN '无数据 no data'
                                WHEN c.lower_limit = c.upper_limit THEN format('%s %s', c.lower_limit, ind.unit)
                                ELSE format('%s – %s %s', c.lower_limit, c.upper_limit, ind.unit) END), '' ORDER BY c.n)
    INTO legend
  FROM (SELECT DISTINCT a.class, a.colour, a.lower_limit, a.upper_limit,
               (row_number() OVER (ORDER BY a.class NULLS LAST) - 1)::int AS n
        FROM (SELECT DISTINCT x.class, x.colour, x.lower_limit, x.upper_limit FROM unnest(a_class, a_colour, a_lower, a_upper) x(class, colour, lower_limit, upper_limit)) a) c;

  svg := format('<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="760" viewBox="0 0 1000 760" font-family="%s" font-size="11">
<rect class="background" x="0" y="0" width="1000" height="760" fill="#ffffff"/>
<text class="title" x="20" y="44" font-size="24" font-weight="bold">%s</text>
<text class="subtitle" x="20" y="70" font-size="13" fill="#555555">%s · %s (%s) · 分级: 分位数 quantiles · 配色: ColorBrewer YlGnBu</text>
<g class="areas" stroke="#ffffff" stroke-width="0.6" fill-rule="evenodd">
%s
</g>
<g class="labels" text-anchor="middle">
%s
</g>
<g class="legend">
<text x="730" y="120" font-size="15" font-weight="bold">%s</text>
<text x="730" y="138" fill="#555555">单位 unit: %s</text>
%s
</g>
<g class="north-arrow" transform="translate(660 120)">
<path d="M0 -22 L9 10 L0 4 L-9 10 Z" fill="#222222"/>
<text x="0" y="26" text-anchor="middle" font-size="13" font-weight="bold">N 北</text>
</g>
<g class="scale-bar" transform="translate(30 715)">
<rect x="0" y="0" width="%s" height="6" fill="#222222"/>
<text x="0" y="22">0</text>
<text x="%s" y="22" text-anchor="middle">%s</text>
</g>
</svg>
', font,
    commgrid.map_xml_text(COALESCE(title, format('%s：各%s%s', parent_name, level_word, ind.label))),
    commgrid.map_xml_text(parent_name), commgrid.map_xml_text(ind.label), ind.indicator,
    body, COALESCE(labels, ''), commgrid.map_xml_text(ind.label), ind.unit, legend,
    round(bar_units::numeric, 1), round(bar_units::numeric, 1),
    CASE WHEN bar_m >= 1000 THEN (bar_m / 1000)::numeric::text || ' km' ELSE bar_m::numeric::text || ' m' END);
  RETURN svg;
END $$;
COMMENT ON FUNCTION choropleth_svg(gridcode, text, text, text) IS
  'An SVG choropleth of an indicator over the areas of a level under a parent: quantile classes (commgrid.choropleth_classes, 5 at most) in ColorBrewer YlGnBu, a legend with the class limits and unit, names where they fit, a title (NULL: parent, level and indicator), a north arrow and a scale bar; fonts: Noto Sans CJK first';
