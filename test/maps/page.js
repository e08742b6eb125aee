// The maps test page: the choropleth SVG as the database drew it, a Leaflet map of the
// exported GeoJSON (SVG renderer, no WebGL) and a Leaflet map drawing the exported vector
// tiles on canvas, both coloured by the classes the database computed.  When everything is
// drawn it sets window.mapsReady and window.mapsProbes: for each area, a screen point inside
// its fill (not covered by anything else) and the colour expected there.
import * as L from 'leaflet';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';

const get = async (url) => { const r = await fetch(url); if (!r.ok) throw new Error(url + ' ' + r.status); return r; };
const svgText = await (await get('/out/choropleth.svg')).text();
const grids = await (await get('/out/grids.geojson')).json();
const classes = await (await get('/out/classes.json')).json();

document.getElementById('svg').innerHTML = svgText.replace(/^<\?xml[^>]*>\s*/, '');

const geo = L.map('geo', { zoomControl: false, attributionControl: false, fadeAnimation: false, zoomAnimation: false });
const layer = L.geoJSON(grids, {
  style: (f) => ({ color: '#ffffff', weight: 0.5, fillColor: classes[f.properties.code] || '#d9d9d9', fillOpacity: 1,
                   className: 'grid code-' + f.properties.code }),
}).addTo(geo);
geo.fitBounds(layer.getBounds(), { animate: false });
const zoom = geo.getZoom();

const tiles = L.map('tiles', { zoomControl: false, attributionControl: false, fadeAnimation: false, zoomAnimation: false });
tiles.setView(geo.getCenter(), zoom, { animate: false });
let pending = 0;
const TileLayer = L.GridLayer.extend({
  createTile(coords, done) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 256;
    pending += 1;
    fetch(`/out/tiles/${coords.z}/${coords.x}/${coords.y}.pbf`).then(async (r) => {
      if (r.status === 200) {
        const tile = new VectorTile(new Pbf(new Uint8Array(await r.arrayBuffer())));
        const ctx = canvas.getContext('2d');
        for (const name of Object.keys(tile.layers)) {
          const lyr = tile.layers[name];
          for (let i = 0; i < lyr.length; i += 1) {
            const f = lyr.feature(i);
            const scale = 256 / lyr.extent;
            ctx.beginPath();
            for (const ring of f.loadGeometry()) {
              ring.forEach((p, j) => (j ? ctx.lineTo(p.x * scale, p.y * scale) : ctx.moveTo(p.x * scale, p.y * scale)));
              ctx.closePath();
            }
            ctx.fillStyle = classes[f.properties.code] || '#d9d9d9';
            ctx.fill('evenodd');
          }
        }
      }
      pending -= 1;
      done(null, canvas);
    });
    return canvas;
  },
});
new TileLayer({ tileSize: 256, minZoom: zoom, maxZoom: zoom }).addTo(tiles);

// a point well inside an element's fill, where the element is what the screen shows
function probe(el) {
  const box = el.getBBox();
  const ctm = el.getScreenCTM();
  for (let n = 4; n <= 24; n += 4) {
    for (let i = 1; i < n; i += 1) {
      for (let j = 1; j < n; j += 1) {
        const p = new DOMPoint(box.x + (box.width * i) / n, box.y + (box.height * j) / n);
        if (!el.isPointInFill(p)) continue;
        const s = p.matrixTransform(ctm);
        // 4 pixels around it still in the fill and shown: no edge, stroke or label blends in
        const around = [[0, 0], [-4, 0], [4, 0], [0, -4], [0, 4], [-3, -3], [3, 3], [-3, 3], [3, -3]];
        if (around.every(([dx, dy]) => el.isPointInFill(new DOMPoint(p.x + dx / ctm.a, p.y + dy / ctm.d))
                                        && document.elementFromPoint(s.x + dx, s.y + dy) === el)) {
          return { x: Math.round(s.x), y: Math.round(s.y) };
        }
      }
    }
  }
  return null;
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
while (pending > 0) await wait(50);
await document.fonts.ready;
await wait(200);

const probes = [];
for (const el of document.querySelectorAll('#svg path.area')) {
  probes.push({ where: 'svg', code: el.dataset.code, colour: el.getAttribute('fill'), at: probe(el) });
}
for (const el of document.querySelectorAll('#svg rect.legend-swatch')) {
  const r = el.getBoundingClientRect();
  probes.push({ where: 'legend', code: 'class ' + el.dataset.class, colour: el.getAttribute('fill'),
                at: { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2) } });
}
const geoBox = document.getElementById('geo').getBoundingClientRect();
const tilesBox = document.getElementById('tiles').getBoundingClientRect();
for (const el of document.querySelectorAll('#geo path.grid')) {
  const code = [...el.classList].find((c) => c.startsWith('code-')).slice(5);
  const at = probe(el);
  probes.push({ where: 'geojson', code, colour: classes[code], at });
  // the tile map shows the same view one map lower: the same point, shifted
  probes.push({ where: 'tiles', code, colour: classes[code],
                at: at && { x: at.x + Math.round(tilesBox.x - geoBox.x), y: at.y + Math.round(tilesBox.y - geoBox.y) } });
}
const text = (sel) => [...document.querySelectorAll(sel)].map((t) => ({ text: t.textContent, width: t.getBBox().width }));
window.mapsProbes = { zoom, features: grids.features.length, probes, legendText: text('#svg .legend text'),
                      title: text('#svg text.title')[0], geoBox: geoBox.toJSON(), tilesBox: tilesBox.toJSON() };
window.mapsReady = true;
