// The maps test (make mapcheck), after export.sql: (1) decode every exported vector tile with
// @mapbox/vector-tile and pbf and compare layers, feature counts and properties with what the
// database says; (2) open the test page in Debian's headless Chromium (driven by
// playwright-core, no downloaded browser), screenshot it, and read the PNG's pixels: the
// grids are drawn, each known area has its class's colour in the SVG, the GeoJSON map and
// the tile map, the legend is there.  Prints `N passed, M failed`; exits 1 on a failure.
import fs from 'node:fs';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { PNG } from 'pngjs';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(here, 'out');
let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) passed += 1; else failed += 1;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}`);
}

// (1) the tiles
const tiles = JSON.parse(fs.readFileSync(path.join(out, 'tiles.json'), 'utf8'));
let features = 0;
for (const t of tiles) {
  const buf = Buffer.from(t.hex, 'hex');
  fs.mkdirSync(path.join(out, 'tiles', String(t.z), String(t.x)), { recursive: true });
  if (buf.length > 0) fs.writeFileSync(path.join(out, 'tiles', String(t.z), String(t.x), `${t.y}.pbf`), buf);
  const tile = new VectorTile(new Pbf(buf));
  const names = Object.keys(tile.layers);
  const expected = Object.keys(t.grids).sort();
  const id = `tile ${t.z}/${t.x}/${t.y}`;
  if (expected.length === 0) {
    check(buf.length === 0 && names.length === 0, `${id} is empty`, `${buf.length} bytes, layers ${names}`);
    continue;
  }
  check(names.length === 1 && names[0] === 'grid', `${id} has the one layer grid`, `layers ${names}`);
  const layer = tile.layers.grid;
  if (!layer) continue;
  check(layer.extent === 4096 && layer.version === 2, `${id} layer extent 4096, version 2`);
  const got = [];
  let props = 0;
  for (let i = 0; i < layer.length; i += 1) {
    const f = layer.feature(i);
    got.push(f.properties.code);
    const want = t.grids[f.properties.code];
    const keys = Object.keys(f.properties).sort().join(',');
    if (want && f.type === 3 && f.properties.kind === 'grid' && f.properties.name === want.name
        && f.properties.residents === want.residents && f.properties.staff === want.staff
        && keys === 'code,compliance_problems,households,kind,members,name,residents,staff') props += 1;
  }
  features += layer.length;
  check(layer.length === expected.length && got.sort().join() === expected.join(),
        `${id} holds the ${expected.length} grids that meet it`, `decoded ${layer.length}`);
  check(props === layer.length, `${id}: every feature a polygon with code, name, kind and the indicators as in grid_summary`,
        `${props} of ${layer.length}`);
}
check(features > 0, 'the tiles hold grids', `${features} features in ${tiles.length} tiles`);

// (2) the page
const server = await serve();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1620, height: 1150 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.mapsReady === true, null, { timeout: 60000 });
  const info = await page.evaluate(() => window.mapsProbes);
  const shot = path.join(out, 'page.png');
  await page.screenshot({ path: shot });
  check(errors.length === 0, 'the page loads without errors and fetches nothing from outside', errors.join('; '));
  console.log(`# screenshot: ${shot} (zoom ${info.zoom})`);
  const png = PNG.sync.read(fs.readFileSync(shot));
  const pixel = (x, y) => { const i = (png.width * y + x) * 4; return [png.data[i], png.data[i + 1], png.data[i + 2]]; };
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 3);
  for (const where of ['svg', 'geojson', 'tiles', 'legend']) {
    const ps = info.probes.filter((p) => p.where === where);
    // an area too small to hold 9 points 4 pixels apart inside its fill has no probe: at
    // most 5 % may be so small
    const small = ps.filter((p) => !p.at);
    const bad = ps.filter((p) => p.at && !near(pixel(p.at.x, p.at.y), rgb(p.colour)));
    const what = { svg: 'SVG choropleth: every grid big enough drawn in its class colour',
                   geojson: 'GeoJSON map: every grid big enough drawn in its class colour',
                   tiles: 'vector-tile map: every grid big enough drawn in its class colour',
                   legend: 'legend: every class swatch drawn in its colour' }[where];
    check(ps.length > 0 && bad.length === 0 && small.length <= ps.length * 0.05, what,
          `${ps.length - bad.length - small.length} of ${ps.length}, ${small.length} too small to probe` + (bad.length ? `; first wrong: ${bad[0].code} at ${JSON.stringify(bad[0].at)} ${bad[0].at ? pixel(bad[0].at.x, bad[0].at.y) : ''} want ${bad[0].colour}` : ''));
  }
  check(info.probes.filter((p) => p.where === 'geojson').length === info.features && info.features > 0,
        'GeoJSON map: a drawn path for every feature', `${info.features} features`);
  // the grids are drawn: a good part of each map is coloured (the district fills about a
  // quarter of the frame), in each of the classes' colours
  for (const [name, box] of [['GeoJSON map', info.geoBox], ['vector-tile map', info.tilesBox]]) {
    let coloured = 0;
    let all = 0;
    const seen = new Set();
    for (let y = Math.ceil(box.y) + 2; y < box.y + box.height - 2; y += 4) {
      for (let x = Math.ceil(box.x) + 2; x < box.x + box.width - 2; x += 4) {
        all += 1;
        const [r, g, b] = pixel(x, y);
        if (!(r > 250 && g > 250 && b > 250)) coloured += 1;
        seen.add(`#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`);
      }
    }
    const colours = info.probes.filter((p) => p.where === 'legend').map((p) => p.colour);
    check(coloured / all > 0.15 && colours.every((c) => seen.has(c)), `${name}: the grids cover the map in every class colour`,
          `${Math.round((100 * coloured) / all)} % coloured; ${colours.filter((c) => seen.has(c)).length} of ${colours.length} colours`);
  }
  // the legend's text (class limits with the unit) and the Chinese title are laid out
  const limits = info.legendText.filter((t) => /\d+( – \d+)? persons$/.test(t.text) && t.width > 20);
  check(limits.length === info.probes.filter((p) => p.where === 'legend').length,
        'legend: class limits with the unit', info.legendText.map((t) => t.text).join(' | '));
  check(/网格网格员/.test(info.title.text) && info.title.width > 200, 'the Chinese title is laid out',
        `${info.title.text}, ${Math.round(info.title.width)} px`);
  let dark = 0;
  for (let y = 20; y < 52; y += 1) for (let x = 20; x < 20 + info.title.width; x += 1) if (pixel(x, y)[0] < 80) dark += 1;
  check(dark > 300, 'the title is drawn in ink', `${dark} dark pixels`);
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
