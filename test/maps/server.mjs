// A static file server on 127.0.0.1 for the maps browser test: the page, the vendored
// libraries (node_modules) and the exported data (out/).  Tiles are out/tiles/z/x/y.pbf;
// a tile that was not exported answers 204 (no content), as a tile server does for empty tiles.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.pbf': 'application/vnd.mapbox-vector-tile' };

export function serve() {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    const file = path.normalize(path.join(root, url === '/' ? 'index.html' : url));
    if (!file.startsWith(root + path.sep) || !/^\/(index\.html|page\.js|node_modules\/|out\/)/.test(url === '/' ? '/index.html' : url)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(url.startsWith('/out/tiles/') ? 204 : 404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' }).end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
