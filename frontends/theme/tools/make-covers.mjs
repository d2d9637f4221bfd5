// Draws the demo posts' cover images (frontends/theme/public/covers/*.webp): vector
// scenes rendered by Debian's Chromium (puppeteer-core, which Lighthouse brings) at the
// three widths the theme's srcset names (480, 960, 1440 px; 16:9), as WebP.
//
//   node frontends/theme/tools/make-covers.mjs
//
// Run once; the files are committed. The scenes are drawn here so the repository holds
// no image of unknown origin or licence.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(HERE, "..", "..", "package.json"));
const puppeteer = (await import(require.resolve("puppeteer-core"))).default;
const OUT = join(HERE, "..", "public", "covers");
const WIDTHS = [480, 960, 1440];

function rng(seed) {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647);
}

function ridge(r, y, amp, step) {
  let d = `M0 810 L0 ${y}`;
  for (let x = 0; x <= 1440; x += step) d += ` L${x} ${y - r() * amp}`;
  return `${d} L1440 810 Z`;
}

const SCENES = {
  // Limestone cliffs at dusk.
  vercors: (r) => `
    <defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2b3a67"/><stop offset=".55" stop-color="#f28f5c"/><stop offset="1" stop-color="#ffd8a8"/></linearGradient></defs>
    <rect width="1440" height="810" fill="url(#s)"/>
    <circle cx="1040" cy="430" r="70" fill="#fff3d6" opacity=".9"/>
    <path d="${ridge(r, 470, 160, 60)}" fill="#6b4f7a" opacity=".85"/>
    <path d="${ridge(r, 560, 120, 45)}" fill="#463a5c"/>
    <path d="${ridge(r, 660, 80, 30)}" fill="#2a2440"/>`,
  // An island and the sea in winter light.
  naxos: (r) => `
    <defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#9fd3e6"/><stop offset=".6" stop-color="#e8f4f7"/></linearGradient>
      <linearGradient id="m" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1f6f9f"/><stop offset="1" stop-color="#0b3d5c"/></linearGradient></defs>
    <rect width="1440" height="810" fill="url(#s)"/>
    <path d="M260 520 Q520 330 820 500 Q960 470 1120 520 Z" fill="#c9b28a"/>
    <rect x="560" y="410" width="70" height="60" fill="#fff"/><rect x="640" y="425" width="50" height="45" fill="#fff"/>
    <circle cx="595" cy="405" r="22" fill="#2f6fb0"/>
    <rect y="515" width="1440" height="295" fill="url(#m)"/>
    ${Array.from({ length: 24 }, () => `<rect x="${r() * 1400}" y="${540 + r() * 250}" width="${40 + r() * 120}" height="3" rx="2" fill="#ffffff" opacity=".35"/>`).join("")}`,
  // A path up a green valley.
  sac: (r) => `
    <rect width="1440" height="810" fill="#dff0e4"/>
    <circle cx="260" cy="170" r="80" fill="#ffe08a"/>
    <path d="${ridge(r, 420, 220, 90)}" fill="#7fb08a"/>
    <path d="${ridge(r, 560, 120, 60)}" fill="#4f8a63"/>
    <path d="${ridge(r, 690, 60, 40)}" fill="#2f5f43"/>
    <path d="M700 810 C720 700 640 650 720 590 S760 520 740 470" stroke="#f3e6c8" stroke-width="26" fill="none" stroke-linecap="round"/>`,
  // Rows of a query result.
  search: (r) => `
    <rect width="1440" height="810" fill="#10243b"/>
    ${Array.from({ length: 14 }, (_, i) => `<rect x="160" y="${120 + i * 42}" width="${300 + r() * 800}" height="18" rx="9" fill="${i % 4 === 0 ? "#ffb454" : "#3f7cc0"}" opacity="${0.5 + r() * 0.5}"/>`).join("")}
    <circle cx="1120" cy="330" r="120" fill="none" stroke="#ffb454" stroke-width="34"/>
    <path d="M1205 420 L1320 540" stroke="#ffb454" stroke-width="44" stroke-linecap="round"/>`,
  // Keycaps.
  keyboard: (r) => `
    <rect width="1440" height="810" fill="#e9e4dc"/>
    ${Array.from({ length: 5 }, (_, row) => Array.from({ length: 13 }, (_, col) => {
      const hue = r() < 0.12 ? "#d9534f" : r() < 0.2 ? "#3a6ea5" : "#fbfaf7";
      return `<rect x="${70 + col * 100 + row * 18}" y="${150 + row * 105}" width="86" height="86" rx="14" fill="${hue}" stroke="#b8b0a3" stroke-width="4"/>`;
    }).join("")).join("")}`,
  // Speech bubbles of a conversation.
  community: (r) => `
    <defs><linearGradient id="s" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#7a2e8e"/><stop offset="1" stop-color="#e07a1f"/></linearGradient></defs>
    <rect width="1440" height="810" fill="url(#s)"/>
    ${Array.from({ length: 9 }, () => {
      const x = 120 + r() * 1100, y = 120 + r() * 520, w = 160 + r() * 220;
      return `<g opacity="${0.55 + r() * 0.4}"><rect x="${x}" y="${y}" width="${w}" height="${w * 0.55}" rx="36" fill="#fff"/><path d="M${x + 40} ${y + w * 0.55 - 2} l-10 44 l52 -44 Z" fill="#fff"/></g>`;
    }).join("")}`,
};

const browser = await puppeteer.launch({
  executablePath: process.env.CAUSERIE_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
});
mkdirSync(OUT, { recursive: true });
try {
  const page = await browser.newPage();
  let seed = 7;
  for (const [name, draw] of Object.entries(SCENES)) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1440 810" preserveAspectRatio="xMidYMid slice">${draw(rng((seed += 101)))}</svg>`;
    for (const width of WIDTHS) {
      const height = Math.round((width * 9) / 16);
      await page.setViewport({ width, height, deviceScaleFactor: 1 });
      await page.setContent(`<body style="margin:0">${svg.replace("<svg ", `<svg width="${width}" height="${height}" `)}</body>`);
      await page.screenshot({ path: join(OUT, `${name}-${width}w.webp`), type: "webp", quality: 72 });
    }
  }
} finally {
  await browser.close();
}
