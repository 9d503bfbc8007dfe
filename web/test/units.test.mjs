// Pure functions of the console, in Node: the record hash against the worked example of docs/record.md
// (computed there with Python's hashlib, not with deconflict), the alert order, the display conversions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryHash, hashedBytes } from '../src/record.js';
import { sortAlerts, timeToLos } from '../src/alerts.js';
import { destination, flightLevel, knots, mercator, trend } from '../src/units.js';
import { separationSeries } from '../src/plot.js';
import { arcPath, compassPoint, tapeSegments, trackArcs } from '../src/guidance.js';

const example = {
  seq: 1, time_us: 1700000000000000, kind: 'input', actor: 'alpha', audience: ['bravo', 'charlie'],
  payload: '{"a":1,"b":[true,null]}', prev: '0'.repeat(64),
};

test('record entry hash: the worked example of docs/record.md', () => {
  assert.equal(hashedBytes(example).length, 137);
  assert.equal(entryHash(example), '125dc976f01da9f37fbd55dabac628c76b5f6b65854e679c9672aa21e74506d6');
  assert.notEqual(entryHash({ ...example, payload: '{"a":2,"b":[true,null]}' }), entryHash(example));
  assert.notEqual(entryHash({ ...example, kind: 'inputa', actor: 'lpha' }), entryHash(example));
});

test('alerts: open first, by time to loss of separation; resolved last, newest first', () => {
  const now = 1000;
  const alerts = [
    { alert_id: 'r', state: 'resolved', updated_at_s: 990 },
    { alert_id: 'late', state: 'open', t_in_s: 120, updated_at_s: 1000 },
    { alert_id: 'soon', state: 'open', t_in_s: 50, updated_at_s: 990 },
    { alert_id: 'los', state: 'open', los: true, t_in_s: 0, updated_at_s: 1000 },
  ];
  assert.deepEqual(sortAlerts(alerts, now).map((a) => a.alert_id), ['los', 'soon', 'late', 'r']);
  assert.equal(timeToLos(alerts[2], now), 40);
});

test('display conversions', () => {
  assert.equal(flightLevel(10668), 350);        // 35,000 ft
  assert.equal(knots(100), 194);                // 100 m/s = 194.4 kt
  assert.equal(trend(2), '↑'); assert.equal(trend(-2), '↓'); assert.equal(trend(0.2), '');
  const [lat, lon] = destination(0, 0, 90, 111195);  // about one degree of longitude on the equator
  assert.ok(Math.abs(lat) < 1e-9 && Math.abs(lon - 1) < 1e-3, `${lat} ${lon}`);
});

test('predicted separation: head-on aircraft close at the sum of their speeds', () => {
  const own = { lat_deg: 0, lon_deg: 0, gs_mps: 100, trk_deg: 90 };
  const other = { lat_deg: 0, lon_deg: destination(0, 0, 90, 30000)[1], gs_mps: 100, trk_deg: 270 };
  const [t, d] = separationSeries(own, other, 300, 50);
  assert.deepEqual(t, [0, 50, 100, 150, 200, 250, 300]);
  assert.ok(Math.abs(d[0] - 30000 / 1852) < 0.01);
  assert.ok(Math.abs(d[1] - 20000 / 1852) < 0.01);
  assert.ok(d[3] < 0.01);  // they meet at 150 s
});

test('Web Mercator units match EPSG:3857 (the map projection)', () => {
  assert.deepEqual(mercator(0, 0), [0.5, 0.5]);
  assert.ok(Math.abs(mercator(85.0511287798, 180)[1]) < 1e-9);
  assert.ok(Math.abs(mercator(0, 90)[0] - 0.75) < 1e-12);
  // y = ln(tan(pi/4 + phi/2)) for phi = 45 degrees is 0.8813736
  assert.ok(Math.abs(mercator(45, 0)[1] - (0.5 - 0.8813736 / (2 * Math.PI))) < 1e-7);
});

test('plots: acknowledgement delays per counterparty and alerts per 5 minutes', async () => {
  const { ackDelays, alertsPerBin } = await import('../src/stats.js');
  const notices = [
    { sender: 'blue', created_at_s: 100, recipients: [
      { party: 'red', state: 'acknowledged', delivered_at_s: 101, acknowledged_at_s: 109 },
      { party: 'green', state: 'delivered', delivered_at_s: 101, acknowledged_at_s: null }] },
    { sender: 'red', created_at_s: 50, delivery: { state: 'acknowledged' } },
  ];
  assert.deepEqual(ackDelays(notices, 'blue'), { red: [[100, 8]] });
  const [xs, ys] = alertsPerBin([{ began_at_s: 3900 }, { began_at_s: 3910 }, { began_at_s: 3300 }, { began_at_s: 10 }], 4000);
  assert.equal(xs.length, ys.length);
  assert.equal(ys.reduce((a, b) => a + b, 0), 3, 'the one older than an hour is left out');
  assert.equal(ys[xs.findIndex((x) => x <= 3900 && 3900 < x + 300)], 2);
});

test('guidance: track bands become compass-rose arcs, vertical-speed bands tape segments', () => {
  const [ex, ey] = compassPoint(0, 0, 10, 90);
  assert.ok(Math.abs(ex - 10) < 1e-9 && Math.abs(ey) < 1e-9, 'east is +x');
  assert.ok(Math.abs(compassPoint(0, 0, 10, 0)[1] + 10) < 1e-9, 'north is up (-y)');
  const track = { intervals: [{ lo: 0, hi: 45, region: 'NONE' }, { lo: 45, hi: 270, region: 'NEAR' }, { lo: 270, hi: 360, region: 'NONE' }] };
  const arcs = trackArcs(track, 80, 80, 60);
  assert.equal(arcs.length, 1);
  assert.equal(arcs[0].region, 'NEAR');
  // From 45° (north-east) clockwise through south to 270° (west): the large arc.
  assert.equal(arcs[0].d, 'M 122.43 37.57 A 60 60 0 1 1 20.00 80.00');
  assert.equal(arcPath(0, 0, 1, 0, 360).split('M').length - 1, 2, 'a whole circle is two halves');
  const vs = { intervals: [{ lo: -6000, hi: 1300, region: 'NEAR' }, { lo: 1300, hi: 6000, region: 'NONE' }] };
  const seg = tapeSegments(vs, 10, 120);
  assert.equal(seg.length, 1);
  assert.ok(Math.abs(seg[0].y - (10 + 120 * (1 - 7300 / 12000))) < 1e-9, 'top at +1300 fpm');
  assert.ok(Math.abs(seg[0].y + seg[0].h - 130) < 1e-9, 'bottom at -6000 fpm');
  assert.deepEqual(trackArcs(undefined, 0, 0, 1), []);
});
