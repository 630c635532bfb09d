// Draws the app and tray icons into assets/ (committed; rerun only to change the artwork):
// a parcel on a blue rounded square with a red "recording" dot. Pure Node (zlib PNG writer), then
// /usr/bin/ffmpeg packs the 256 px PNG into the Windows .ico.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const assets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
};
const dot = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

function appIcon(x, y) {
  if (dot(x, y, 0.76, 0.24, 0.13)) return [230, 40, 40, 255]; // recording
  if (dot(x, y, 0.76, 0.24, 0.16)) return [255, 255, 255, 255];
  if (inRoundRect(x, y, 0.22, 0.36, 0.78, 0.8, 0.03)) {
    if (x > 0.46 && x < 0.54) return [196, 150, 90, 255]; // tape
    if (y < 0.46) return [235, 206, 160, 255]; // flaps
    return [222, 184, 128, 255];
  }
  if (inRoundRect(x, y, 0.04, 0.04, 0.96, 0.96, 0.2)) return [31, 111, 235, 255];
  return [0, 0, 0, 0];
}
function trayIcon(recording) {
  return (x, y) => {
    if (recording && dot(x, y, 0.5, 0.5, 0.42)) return [230, 40, 40, 255];
    if (inRoundRect(x, y, 0.15, 0.25, 0.85, 0.8, 0.06)) return recording ? [255, 255, 255, 255] : [222, 184, 128, 255];
    if (!recording && inRoundRect(x, y, 0.05, 0.05, 0.95, 0.95, 0.2)) return [31, 111, 235, 255];
    return [0, 0, 0, 0];
  };
}

fs.mkdirSync(assets, { recursive: true });
for (const size of [1024, 512, 256]) fs.writeFileSync(path.join(assets, size === 1024 ? 'icon.png' : `icon-${size}.png`), png(size, appIcon));
fs.writeFileSync(path.join(assets, 'tray-idle.png'), png(32, trayIcon(false)));
fs.writeFileSync(path.join(assets, 'tray-recording.png'), png(32, trayIcon(true)));
execFileSync('/usr/bin/ffmpeg', [
  '-hide_banner',
  '-loglevel',
  'error',
  '-y',
  '-i',
  path.join(assets, 'icon-256.png'),
  '-c:v',
  'png',
  path.join(assets, 'icon.ico'),
]);
console.log('icons written to assets/');
