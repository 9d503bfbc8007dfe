// The web console in a real browser against the real server and its two-party demo: sign-in per party, the
// map shows exactly the aircraft the API gives each party, an alert reaches both consoles and its
// acknowledgement shows, a notice goes across and is acknowledged, distress is seen by all, the stream
// resumes after a drop without losing or repeating events, and no request leaves the server's origin.
// Screenshots of each step go to $ARTIFACTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, apiAs, launchBrowser, recordedContext, startServer, waitFor } from './harness.mjs';

let server, browser;
let alertId = null;  // the demo's alert, seen in the alert test; the replay must show it again
const party = {};

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const p of ['blue', 'red']) party[p] = await recordedContext(browser);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const shot = (p, name) => party[p].page.screenshot({ path: join(ARTIFACTS, `${name}-${p}.png`) });
const shown = (p) => party[p].page.evaluate(() => window.__console.shown());
// What the API gives the party: own aircraft and the related (need-to-know) ones.
async function apiAircraft(p) {
  const t = await apiAs(server.base, server.tokens[p], 'GET', '/v1/tracks');
  return [...t.tracks.map((x) => `${p}/${x.id}`), ...t.related.map((x) => `${x.party}/${x.id}`)].filter((v, i, a) => a.indexOf(v) === i).sort();
}

test('the console page carries a strict CSP and the API refuses a forged write', async () => {
  const res = await fetch(server.base + '/');
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
  assert.match(server.banner, new RegExp(`console: +${server.base}/`));
});

test('each party signs in with its token; a wrong token is refused', async () => {
  for (const p of ['blue', 'red']) {
    const { page } = party[p];
    await page.goto(server.base + '/');
    await page.fill('#token', 'dct_not_a_real_token');
    await page.click('#signin-form button');
    await waitFor(async () => (await page.textContent('#signin-error')).includes('Unknown'), { what: 'refusal' });
    await page.fill('#token', server.tokens[p]);
    await page.click('#signin-form button');
    await page.waitForSelector('#app:not([hidden])');
    assert.equal(await page.textContent('#party'), p);
    const cookies = await party[p].ctx.cookies();
    const c = cookies.find((x) => x.name === 'dc_session');
    assert.ok(c, 'session cookie set');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.ok(c.expires > Date.now() / 1000, 'the cookie expires');
    assert.equal(await page.evaluate(() => document.cookie), '', 'the page script cannot read the session cookie');
  }
  // A state-changing call with the cookie but without the CSRF token is refused.
  const forged = await party.blue.page.evaluate(async () => {
    const r = await fetch('/v1/notices', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'free_text', to: ['red'], text: 'forged' }) });
    return r.status;
  });
  assert.equal(forged, 403);
  await shot('blue', '01-signed-in');
});

test('the map shows own and need-to-know aircraft and nothing else, as the API gives them', async () => {
  for (const p of ['blue', 'red']) {
    await waitFor(async () => {
      const [ui, api] = [await shown(p), await apiAircraft(p)];
      return ui.length > 0 && JSON.stringify(ui) === JSON.stringify(api);
    }, { timeout: 15000, what: `${p}'s map to equal GET /v1/tracks` });
    const ui = await shown(p);
    const other = p === 'blue' ? 'red' : 'blue';
    const otherOwn = (await apiAs(server.base, server.tokens[other], 'GET', '/v1/tracks')).tracks.map((t) => `${other}/${t.id}`);
    const related = (await apiAircraft(p)).filter((k) => k.startsWith(other + '/'));
    for (const k of otherOwn) if (!related.includes(k)) assert.ok(!ui.includes(k), `${p} must not see ${k}`);
    // Each aircraft is drawn where Leaflet's own projection puts it (within a pixel).
    for (const k of ui) {
      const at = await party[p].page.evaluate((key) => window.__console.traffic.screenOf(key), k);
      assert.ok(at && Math.abs(at.x - at.leaflet.x) <= 1 && Math.abs(at.y - at.leaflet.y) <= 1, `${k}: ${JSON.stringify(at)}`);
    }
  }
});

test('an alert appears on both consoles; blue acknowledges with the keyboard and sees it acknowledged', async () => {
  const openAlert = (p) => party[p].page.evaluate(() => {
    const li = document.querySelector('#alerts li[data-state="open"]');
    return li ? li.dataset.alertId : null;
  });
  const idBlue = await waitFor(() => openAlert('blue'), { timeout: 60000, what: 'an open alert on blue' });
  const idRed = await waitFor(() => openAlert('red'), { timeout: 15000, what: 'an open alert on red' });
  assert.equal(idBlue, idRed, 'the same alert on both');
  alertId = idBlue;
  // The intruder is on each map now (need-to-know through the alert) and the API agrees.
  const a = (await apiAs(server.base, server.tokens.blue, 'GET', `/v1/alerts/${idBlue}`));
  await waitFor(async () => (await shown('blue')).includes(`red/${a.intruder.id}`), { what: 'the intruder on blue\'s map' });
  await shot('blue', '02-alert');
  await shot('red', '02-alert');
  const { page } = party.blue;
  await page.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => {});
  await page.keyboard.press('j');
  await waitFor(() => page.evaluate(() => !!document.querySelector('#alerts li.selected')), { what: 'selection' });
  const selected = await page.evaluate(() => document.querySelector('#alerts li.selected').dataset.alertId);
  // Its resolution guidance (served with --guidance, for blue's own aircraft only) is drawn: one arc on the
  // compass rose per track band that is not NONE, and the vertical-speed tape.
  const guided = await apiAs(server.base, server.tokens.blue, 'GET', `/v1/alerts/${selected}`);
  assert.equal(guided.guidance?.own_aircraft, guided.own_aircraft, JSON.stringify(guided).slice(0, 300));
  const drawn = await waitFor(() => page.evaluate((id) => {
    const g = window.__console.S.alerts.get(id)?.guidance;
    const arcs = document.querySelectorAll('#alert-guidance .rose path.band').length;
    const want = g ? g.bands.track.intervals.filter((i) => i.region !== 'NONE').length : -1;
    return g && document.querySelector('#alert-guidance .tape') && arcs === want ? arcs : null;
  }, selected), { what: 'the guidance drawn' });
  assert.ok(drawn >= 1, 'the conflict shows in the track bands');
  await page.locator('#alert-guidance').screenshot({ path: join(ARTIFACTS, '02-guidance-blue.png') });
  await page.keyboard.press('a');
  await waitFor(() => page.evaluate((id) => document.querySelector(`#alerts li[data-alert-id="${id}"]`)?.dataset.ack === 'acknowledged', selected),
    { what: 'blue\'s alert acknowledged' });
  // The server agrees: blue's notice of that alert is acknowledged.
  const view = await apiAs(server.base, server.tokens.blue, 'GET', `/v1/alerts/${selected}`);
  const n = await apiAs(server.base, server.tokens.blue, 'GET', `/v1/notices/${view.notice_id}`);
  assert.equal(n.delivery.state, 'acknowledged');
  await shot('blue', '03-alert-acknowledged');
});

test('a notice goes from blue to red, red acknowledges, blue sees the state change', async () => {
  const blue = party.blue.page, red = party.red.page;
  await blue.click('.tabs button[data-tab="notices"]');
  await blue.selectOption('#compose-kind', 'free_text');
  await blue.fill('#compose-to', 'red');
  await blue.fill('#compose-text', 'console test: tanker track active');
  await blue.click('#compose button[type="submit"]');
  const id = await waitFor(() => blue.evaluate(() => {
    const li = [...document.querySelectorAll('#outbox li')].find((x) => x.textContent.includes('console test: tanker'));
    return li ? li.dataset.noticeId : null;
  }), { what: 'the notice in blue\'s outbox' });
  await red.click('.tabs button[data-tab="notices"]');
  const sel = `#inbox li[data-notice-id="${id}"]`;
  await red.waitForSelector(sel, { timeout: 15000 });
  await waitFor(async () => (await red.getAttribute(sel, 'data-state')) === 'delivered', { what: 'delivered to red' });
  await shot('red', '04-notice-received');
  await red.click(`${sel} button.ack`);
  await waitFor(async () => (await red.getAttribute(sel, 'data-state')) === 'acknowledged', { what: 'acknowledged by red' });
  await waitFor(() => blue.evaluate((nid) => document.querySelector(`#outbox li[data-notice-id="${nid}"] .badge[data-party="red"]`)?.dataset.state === 'acknowledged', id),
    { timeout: 15000, what: 'blue\'s outbox to show red: acknowledged' });
  await shot('blue', '05-notice-acknowledged');
  // The plots: red's acknowledgement delay of that notice, and the alert of the previous test in the last hour.
  await blue.click('.tabs button[data-tab="stats"]');
  const stats = await waitFor(() => blue.evaluate(() => {
    const s = window.__console.stats();
    return s.delays && s.delays.red && s.alertBins ? { red: s.delays.red.length, alerts: s.alertBins.reduce((a, b) => a + b, 0) } : null;
  }), { what: 'the plots' });
  assert.ok(stats.red >= 1 && stats.alerts >= 1, JSON.stringify(stats));
  assert.equal(await blue.locator('#tab-stats .uplot').count(), 2);
  await shot('blue', '05b-plots');
});

test('distress declared by blue is seen by red on the map and in its list; then cancelled', async () => {
  const blue = party.blue.page, red = party.red.page;
  await blue.click('.tabs button[data-tab="aircraft"]');
  await blue.selectOption('#distress-aircraft', 'B1');
  await blue.fill('#distress-text', 'MAYDAY engine failure (console test)');
  await blue.click('#distress button[type="submit"]');
  await red.click('.tabs button[data-tab="aircraft"]');
  await red.waitForSelector('#distress-list li[data-aircraft="B1"][data-owner="blue"]', { timeout: 15000 });
  await waitFor(async () => (await shown('red')).includes('blue/B1'), { what: 'B1 on red\'s map' });
  const onMap = await red.evaluate(() => window.__console.traffic.aircraft.find((a) => a.key === 'blue/B1'));
  assert.equal(onMap.distress, true);
  const inbox = await red.evaluate(() => [...document.querySelectorAll('#inbox li[data-kind="distress"]')].length);
  assert.ok(inbox >= 1, 'the distress notice is in red\'s inbox');
  await shot('red', '06-distress');
  await blue.click('#distress-list li[data-aircraft="B1"] button');
  await red.waitForSelector('#distress-list li[data-aircraft="B1"]', { state: 'detached', timeout: 15000 });
});

test('plans: blue\'s operation on blue\'s map only, a zone binding all on both, by the time slider', async () => {
  const iso = (s) => new Date(s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const now = Math.floor(Date.now() / 1000);
  const vol = (lat, lng, r) => ({ outline_circle: { center: { lat, lng }, radius: r }, altitude_lower: '1000ft',
    altitude_upper: '5000ft', time_start: iso(now - 60), time_end: iso(now + 3600) });
  await apiAs(server.base, server.tokens.blue, 'POST', '/v1/operations', { id: 'op-console', priority: 1, volumes: [vol(35.1, 37.2, '10km')] });
  await apiAs(server.base, server.tokens.blue, 'POST', '/v1/zones', { id: 'z-console', kind: 'protected-site', binds: 'all',
    notification_lead: '0s', volumes: [vol(35.4, 37.5, '5km')] });
  const plans = (p) => party[p].page.evaluate(() => window.__console.plans());
  await waitFor(async () => (await plans('blue')).includes('operation/op-console') && (await plans('blue')).includes('zone/z-console'),
    { timeout: 40000, what: 'blue\'s operation and zone on its map' });
  await waitFor(async () => (await plans('red')).includes('zone/z-console'), { timeout: 40000, what: 'the zone on red\'s map' });
  assert.ok(!(await plans('red')).includes('operation/op-console'), 'red must not see blue\'s operation');
  await shot('blue', '06b-plans');
  await party.blue.page.evaluate(() => window.__console.setPlansOffset(2 * 3600));
  assert.deepEqual((await plans('blue')).filter((x) => x.endsWith('-console')), [], 'nothing of them two hours later');
  await party.blue.page.evaluate(() => window.__console.setPlansOffset(0));
});

test('the stream resumes after a drop: the stale banner shows, no event is lost or repeated', async () => {
  const blue = party.blue.page;
  const before = await blue.evaluate(() => window.__console.events.length);
  await blue.evaluate(() => { window.__console.stream.retryMs = 1500; window.__console.stream.drop(); });
  await blue.waitForSelector('#stale:not([hidden])', { timeout: 2000 });
  await shot('blue', '07-stale');
  // Sent while blue's stream is down.
  const n = await apiAs(server.base, server.tokens.red, 'POST', '/v1/notices', { kind: 'advisory', to: ['blue'], text: 'sent while blue was away' });
  await blue.waitForSelector('#stale', { state: 'hidden', timeout: 10000 });
  await waitFor(() => blue.evaluate((id) => window.__console.events.some((e) => e.type === 'notice' && e.data.notice_id === id), n.notice_id),
    { what: 'the notice sent during the drop, on the stream' });
  const ids = await blue.evaluate(() => window.__console.events.map((e) => e.id));
  assert.ok(ids.length > before);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `event ids strictly increase (${ids[i - 1]} then ${ids[i]})`);
  const reconnects = await blue.evaluate(() => window.__console.stream.opened);
  assert.ok(reconnects >= 2, 'the stream was opened again');
});

test('agreement: blue proposes new terms, red sees the change side by side and accepts; both show it in force', async () => {
  const blue = party.blue.page, red = party.red.page;
  await blue.click('.tabs button[data-tab="agreements"]');
  const card = '#agreements .agreement[data-counterparty="red"]';
  await blue.waitForSelector(card);
  await blue.click(`${card} summary`);
  const terms = JSON.parse(await blue.inputValue(`${card} textarea`));
  const key = Object.keys(terms).find((k) => typeof terms[k] === 'number');
  assert.ok(key, `a numeric term in ${JSON.stringify(terms)}`);
  terms[key] = terms[key] + 1;
  await blue.fill(`${card} textarea`, JSON.stringify(terms));
  await blue.click(`${card} button.propose`);
  const proposed = Number(await waitFor(async () => {
    const v = await blue.getAttribute(card, 'data-latest');
    return v && Number(v) > 0 && (await blue.$$(`${card} th[data-version="${v}"]`)).length ? v : null;
  }, { what: 'blue\'s proposal listed' }));
  const api = await apiAs(server.base, server.tokens.red, 'GET', '/v1/agreements/blue');
  assert.equal(api.latest, proposed);
  assert.equal(api.versions.at(-1).terms[key], terms[key]);
  await red.click('.tabs button[data-tab="agreements"]');
  const redCard = '#agreements .agreement[data-counterparty="blue"]';
  await waitFor(async () => Number(await red.getAttribute(redCard, 'data-latest')) === proposed, { what: 'red to see the proposal' });
  if (proposed > 1) assert.ok((await red.$$(`${redCard} td.changed`)).length >= 1, 'the changed term is marked');
  await shot('red', '08-agreement-proposed');
  await red.click(`${redCard} button.accept`);
  await waitFor(async () => Number(await red.getAttribute(redCard, 'data-in-force')) === proposed, { what: 'in force on red' });
  await blue.click('.tabs button[data-tab="alerts"]');
  await blue.click('.tabs button[data-tab="agreements"]');
  await waitFor(async () => Number(await blue.getAttribute(card, 'data-in-force')) === proposed, { what: 'in force on blue' });
  assert.equal((await apiAs(server.base, server.tokens.blue, 'GET', '/v1/agreements/red')).in_force, proposed);
});

test('the record verifies in the browser, and a tampered entry is shown as bad', async () => {
  const blue = party.blue.page;
  await blue.click('.tabs button[data-tab="record"]');
  await blue.click('#verify');
  await waitFor(async () => ['good', 'bad', 'error'].includes(await blue.getAttribute('#verify-status', 'data-result')), { what: 'verification' });
  assert.equal(await blue.getAttribute('#verify-status', 'data-result'), 'good', await blue.textContent('#verify-status'));
  assert.ok(Number(await blue.getAttribute('#verify-status', 'data-checked')) > 10);
  await shot('blue', '09-record-verified');
  // A man in the middle alters one byte of the payload of one entry blue is shown.
  let tampered = null;
  await blue.route('**/v1/receipts/*', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    if (res.status() === 200 && tampered === null && body.entry.payload.includes('"')) {
      tampered = body.entry.seq;
      body.entry.payload = body.entry.payload.replace('"', "'");
    }
    await route.fulfill({ response: res, json: body });
  });
  await blue.click('#verify');
  await waitFor(async () => (await blue.getAttribute('#verify-status', 'data-result')) === 'bad', { what: 'the tampered entry to be found' });
  const bad = await blue.$$eval('#record-bad li', (els) => els.map((e) => [Number(e.dataset.seq), e.textContent]));
  assert.equal(bad.length, 1, JSON.stringify(bad));
  assert.equal(bad[0][0], tampered);
  assert.match(bad[0][1], /hash does not match content/);
  await shot('blue', '10-record-tampered');
  await blue.unroute('**/v1/receipts/*');
});

test('replay of the last minutes from the record shows the alert again', async () => {
  const blue = party.blue.page;
  await blue.click('.tabs button[data-tab="replay"]');
  await blue.selectOption('#replay-minutes', '5');
  await blue.click('#replay-load');
  await waitFor(async () => Number(await blue.getAttribute('#replay-status', 'data-loaded')) > 0, { timeout: 30000, what: 'the replay loaded' });
  const t = await blue.evaluate((id) => {
    const hit = window.__console.S.replay.alerts.find(([, v]) => v.alert_id === id && v.state === 'open');
    return hit ? hit[0] : null;
  }, alertId);
  assert.ok(t, `the record holds alert ${alertId} as open`);
  await blue.evaluate((v) => { const s = document.querySelector('#replay-slider'); s.value = String(Math.ceil(v)); s.dispatchEvent(new Event('input')); }, t);
  await blue.waitForSelector(`#replay-alerts li[data-alert-id="${alertId}"][data-state="open"]`, { timeout: 5000 });
  const onMap = await shown('blue');
  assert.ok(onMap.includes('blue/B3'), `B3 in the replayed picture: ${onMap}`);
  await shot('blue', '10b-replay');
  await blue.click('#replay-live');
});

test('sign-out ends the session', async () => {
  const { page } = party.red;
  await shot('red', '11-before-signout');
  await page.click('#signout');
  await page.waitForSelector('#signin:not([hidden])');
  const status = await page.evaluate(async () => (await fetch('/v1/alerts')).status);
  assert.equal(status, 401);
});

test('no request left the server origin, and no page error or CSP violation', () => {
  const origin = new URL(server.base).origin;
  for (const p of ['blue', 'red']) {
    assert.ok(party[p].requests.length > 5);
    const foreign = party[p].requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], `${p}: requests to other origins`);
    assert.deepEqual(party[p].problems, [], `${p}: page errors`);
  }
});
