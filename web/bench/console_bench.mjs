// Speed of the console in the real browser (Debian's chromium via playwright-core) against the real server:
// N aircraft (default 10,000) of one party updated once a second through POST /v1/tracks, then
//   * pan and zoom frame rate (requestAnimationFrame callbacks per second while the map moves every frame),
//   * the page's update work per second (CDP Performance metrics: script + layout + style + task time),
//   * JS heap over the run (after a forced GC at each sample),
//   * alert latency in the page: stream event received -> alert in the list and painted,
//   * first load: navigation -> page signed in with the map and the traffic drawn.
// Usage: node bench/console_bench.mjs [--aircraft 10000] [--seconds 60]   (issue asks 10 minutes: --seconds 600)
// Prints one JSON object. Not a test: numbers depend on the machine (see docs/console.md for measured ones).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiAs, launchBrowser, startServer } from '../test/harness.mjs';

const arg = (name, d) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : d; };
const N = arg('--aircraft', 10000);
const SECONDS = arg('--seconds', 60);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = await startServer({ demo: false });
const admin = readFileSync(join(server.dataDir, 'admin.token'), 'utf8').trim();
const created = await apiAs(server.base, admin, 'POST', '/v1/parties', { id: 'bench' });
const other = await apiAs(server.base, admin, 'POST', '/v1/parties', { id: 'intruder' });
const token = created.token;

// N aircraft on a grid over 30-40N 30-46E, flying east or north-east at 100-250 m/s, spread in altitude.
const t0 = Date.now() / 1000;
function tracks(now) {
  const out = [];
  const side = Math.ceil(Math.sqrt(N));
  for (let i = 0; i < N; i++) {
    const gs = 100 + (i % 16) * 10, trk = (i % 2) ? 90 : 45;
    const d = gs * (now - t0);
    const lat0 = 30 + 10 * Math.floor(i / side) / side, lon0 = 30 + 16 * (i % side) / side;
    const lat = lat0 + (d * Math.cos(trk * Math.PI / 180)) / 111195;
    const lon = lon0 + (d * Math.sin(trk * Math.PI / 180)) / (111195 * Math.cos(lat0 * Math.PI / 180));
    out.push({ id: `A${i}`, lat_deg: lat, lon_deg: lon, alt_m: 3000 + (i % 40) * 300, gs_mps: gs, trk_deg: trk, vs_mps: 0 });
  }
  return out;
}
let feeding = true;
const feeder = (async () => {
  while (feeding) {
    const started = Date.now();
    const all = tracks(Date.now() / 1000);
    const BATCH = 2500;  // under the default 1 MiB body limit
    await Promise.all(Array.from({ length: Math.ceil(all.length / BATCH) }, (_, k) =>
      apiAs(server.base, token, 'POST', '/v1/tracks', { tracks: all.slice(k * BATCH, (k + 1) * BATCH) }).catch((e) => console.error(e.message))));
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
})();

const browser = await launchBrowser();
const result = { aircraft: N, seconds: SECONDS };
try {
  // Sign in through the API once; the context carries the session cookie.
  const res = await fetch(server.base + '/console/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Deconflict-Console': '1' }, body: JSON.stringify({ token }) });
  const cookie = res.headers.get('set-cookie').split(';')[0].split('=');
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  await ctx.addCookies([{ name: cookie[0], value: cookie[1], url: server.base }]);
  const page = await ctx.newPage();
  await sleep(1500);  // the first batch is in
  const loadStart = Date.now();
  await page.goto(server.base + '/');
  await page.waitForFunction((n) => window.__console && window.__console.traffic.aircraft.length >= n && window.__console.traffic.frames > 0, N, { timeout: 60000, polling: 50 });
  result.first_load_ms = Date.now() - loadStart;
  await page.evaluate(() => { window.__console.map.setView([35, 38], 6); });

  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const heap = async () => { await cdp.send('HeapProfiler.collectGarbage'); return (await metrics()).JSHeapUsedSize; };

  // Update work while nothing moves: 10 s of 1 Hz updates.
  const a = await metrics();
  await sleep(10000);
  const b = await metrics();
  const busy = (m) => m.ScriptDuration + m.LayoutDuration + m.RecalcStyleDuration;
  result.update_work_ms_per_s = Math.round(((busy(b) - busy(a)) / (b.Timestamp - a.Timestamp)) * 1000);
  result.task_ms_per_s = Math.round(((b.TaskDuration - a.TaskDuration) / (b.Timestamp - a.Timestamp)) * 1000);

  // Pan (5 s) and zoom (5 s), moving the map on every frame.
  result.pan_fps = await page.evaluate(() => new Promise((resolve) => {
    const map = window.__console.map;
    let frames = 0; const start = performance.now();
    const step = () => { frames++; map.panBy([7, 3], { animate: false });
      if (performance.now() - start < 5000) requestAnimationFrame(step); else resolve(frames / ((performance.now() - start) / 1000)); };
    requestAnimationFrame(step);
  }));
  result.zoom_fps = await page.evaluate(() => new Promise((resolve) => {
    const map = window.__console.map;
    let frames = 0; const start = performance.now();
    const step = () => { frames++; map.setZoom(frames % 20 < 10 ? 7 : 6, { animate: false });
      if (performance.now() - start < 5000) requestAnimationFrame(step); else resolve(frames / ((performance.now() - start) / 1000)); };
    requestAnimationFrame(step);
  }));
  result.draw_ms_mean = await page.evaluate(() => window.__console.traffic.drawMs / window.__console.traffic.frames);
  result.last_frame_phases_ms = await page.evaluate(() => window.__console.traffic.timing);
  await page.evaluate(() => { window.__console.map.setView([35, 38], 6); });

  // Alert latency in the page: an intruder head-on with A0 at its level.
  await page.evaluate(() => {
    window.__alertSeen = null;
    const t0s = new Map();
    const c = window.__console;
    const orig = c.stream.onEvent;
    c.stream.onEvent = (type, data, id) => { if (type === 'alert' && !t0s.has(data.alert_id)) t0s.set(data.alert_id, performance.now()); orig(type, data, id); };
    new MutationObserver(() => {
      const li = document.querySelector('#alerts li[data-state="open"]');
      if (li && window.__alertSeen === null && t0s.has(li.dataset.alertId))
        requestAnimationFrame(() => { window.__alertSeen = performance.now() - t0s.get(li.dataset.alertId); });
    }).observe(document.querySelector('#alerts'), { childList: true, subtree: true });
  });
  const a0 = tracks(Date.now() / 1000)[0];
  const intruderAt = { id: 'X1', lat_deg: a0.lat_deg + 0.2, lon_deg: a0.lon_deg + 0.2, alt_m: a0.alt_m, gs_mps: 200, trk_deg: 225, vs_mps: 0 };
  await apiAs(server.base, other.token, 'POST', '/v1/tracks', { tracks: [intruderAt] });
  result.alert_in_page_ms = await page.waitForFunction(() => window.__alertSeen, null, { timeout: 20000, polling: 20 }).then((h) => h.jsonValue());

  // Memory over the run.
  const samples = [];
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) { samples.push(Math.round((await heap()) / 1048576)); await sleep(Math.min(10000, SECONDS * 100)); }
  result.heap_mb = { first: samples[0], last: samples[samples.length - 1], max: Math.max(...samples), samples: samples.length };
} finally {
  feeding = false;
  await feeder;
  await browser.close();
  await server.stop();
}
console.log(JSON.stringify(result));
