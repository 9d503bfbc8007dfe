// The console: sign-in, then the live picture of the signed-in party. Everything shown comes from the same
// /v1 API and stream as any client, with the party's need-to-know.
import L from 'leaflet';
import { feature } from 'topojson-client';
import { api, currentSession, signIn, signOut } from './api.js';
import { LiveStream } from './stream.js';
import { PartyStyles, TrafficLayer } from './traffic.js';
import { renderAlerts, tickCountdowns } from './alerts.js';
import { renderNotices } from './notices.js';
import { $, h } from './dom.js';
import { destination, flightLevel, knots, utc } from './units.js';
import { AlertPlot } from './plot.js';
import { renderGuidance } from './guidance.js';
import { Cue } from './cue.js';
import { verifyRecord } from './record.js';
import { renderAgreement } from './agreements.js';
import { PlansLayer } from './plans.js';
import { StatsView } from './stats.js';
import { loadReplay, pictureAt } from './replay.js';

const S = {
  me: null, tracks: [], related: [], alerts: new Map(), notices: [], distress: [], selected: null,
  live: false, lastTracksOk: 0,
};
const styles = new PartyStyles();
let map, traffic, stream, plot, basemap, plans, stats;
const landStyle = () => {
  const css = getComputedStyle(document.documentElement);
  return { color: css.getPropertyValue('--coast').trim(), weight: 1, fillColor: css.getPropertyValue('--land').trim(), fillOpacity: 1 };
};
const cue = new Cue();
const nowS = () => Date.now() / 1000;
const timers = [];
const TABLE_ROWS = 200;

async function boot() {
  const theme = localStorage.getItem('dc-theme');
  if (theme) document.documentElement.dataset.theme = theme;
  $('#signin-form').addEventListener('submit', onSignIn);
  const s = await currentSession().catch(() => null);
  if (s) start(s); else showSignIn();
}

function showSignIn(message = '') {
  $('#app').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = message;
  $('#token').focus();
}

async function onSignIn(ev) {
  ev.preventDefault();
  const token = $('#token').value.trim();
  try {
    const s = await signIn(token);
    $('#token').value = '';
    start(s);
  } catch (e) {
    $('#signin-error').textContent = e.status === 401 ? 'Unknown or revoked token.' : e.message;
  }
}

function start(session) {
  S.me = session.party;
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#party').textContent = session.party;
  $('#party').style.color = styles.of(session.party).colour;
  setupMap();
  wireUi();
  stream = new LiveStream({ onEvent, onState: setLive });
  stream.start();
  refreshAll();
  timers.push(setInterval(pollTracks, 1000), setInterval(tick, 250));
  timers.push(setInterval(loadPlans, 30000));
  window.__console = { S, stream, traffic, map, events, stats: () => stats, plans: () => [...plans.drawn].sort(), setPlansOffset: (s) => { plans.offsetS = s; plans.draw(); }, shown: () => traffic.aircraft.map((a) => `${a.party}/${a.id}`).sort() };
}

function setupMap() {
  const renderer = L.canvas({ padding: 0.2 });
  map = L.map('map', { preferCanvas: true, renderer, zoomAnimation: false, attributionControl: true, worldCopyJump: true })
    .setView([35.0, 38.0], 8);
  map.attributionControl.setPrefix(false).addAttribution('Natural Earth (public domain)');
  fetch('/console/world.json').then((r) => r.json()).then((world) => {
    basemap = L.geoJSON(feature(world, world.objects.countries), { renderer, interactive: false, style: landStyle() }).addTo(map);
  });
  traffic = new TrafficLayer(styles);
  traffic.addTo(map);
  plans = new PlansLayer(map, renderer, styles, S.me);
}

function wireUi() {
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('#signout').addEventListener('click', async () => {
    await signOut().catch(() => {});
    location.reload();
  });
  $('#theme').addEventListener('click', () => {
    const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = t;
    localStorage.setItem('dc-theme', t);
    if (basemap) basemap.setStyle(landStyle());
  });
  $('#mute').addEventListener('click', toggleMute);
  $('#compose').addEventListener('submit', onCompose);
  $('#distress').addEventListener('submit', onDeclareDistress);
  $('#verify').addEventListener('click', onVerify);
  $('#replay-load').addEventListener('click', onReplayLoad);
  $('#replay-live').addEventListener('click', endReplay);
  $('#replay-play').addEventListener('click', toggleReplayPlay);
  $('#replay-slider').addEventListener('input', () => showReplayAt(Number($('#replay-slider').value)));
  document.addEventListener('keydown', onKey);
  plot = new AlertPlot($('#alert-plot'));
  stats = new StatsView($('#plot-ack'), $('#plot-traffic'));
}

async function loadAgreements() {
  const el = $('#agreements');
  const others = styles.order.filter((p) => p !== S.me);
  const views = await Promise.all(others.map((p) => api.get(`/v1/agreements/${encodeURIComponent(p)}`).catch(() => null)));
  el.replaceChildren();
  for (const a of views) if (a) renderAgreement(el, a, S.me, { onPropose: proposeTerms, onAccept: acceptVersion });
}

async function proposeTerms(counterparty, terms, latestSeen, counter) {
  await api.post(`/v1/agreements/${encodeURIComponent(counterparty)}/${counter ? 'counter' : 'propose'}`, { latest_seen: latestSeen, terms });
  await loadAgreements();
}

async function acceptVersion(counterparty, version) {
  await api.post(`/v1/agreements/${encodeURIComponent(counterparty)}/accept`, { version });
  await loadAgreements();
}

function renderStats() {
  if (!$('#tab-stats').hidden) stats.render(S.notices, [...S.alerts.values()], S.me, nowS());
}

function showTab(name) {
  if (name === 'agreements') loadAgreements();
  if (name !== 'replay' && S.replay) endReplay();
  for (const b of document.querySelectorAll('.tabs button')) b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const t of document.querySelectorAll('.tab')) t.hidden = t.dataset.tab !== name;
  renderStats();
}

function toggleMute() {
  cue.muted = !cue.muted;
  $('#mute').textContent = cue.muted ? 'cue muted' : 'cue on';
}

function setLive(live) {
  S.live = live;
  $('#stale').hidden = live;
  $('#link').className = `link ${live ? 'up' : 'down'}`;
  if (live) refreshAll();  // anything missed while down is re-read (the stream itself resumes without gaps)
}

// Every stream event handled, in order (id, type, data): the tests check no loss and no repeat.
const events = [];
function onEvent(type, data, id) {
  events.push({ id, type, data });
  if (events.length > 2000) events.splice(0, 1000);
  if (type === 'revoked') { showSignIn('Your token was revoked: sign in again.'); return; }
  if (type === 'alert' && data.alert_id) {
    const before = S.alerts.get(data.alert_id);
    const merged = { ...before, ...data };
    if (!('guidance' in data)) delete merged.guidance;  // guidance of the view as of this change only
    S.alerts.set(data.alert_id, merged);
    if (data.alert_id === S.selected) renderGuidance($('#alert-guidance'), merged);
    if (data.level === 'warning' && data.state === 'open' && (!before || before.level !== 'warning')) cue.play();
    renderAll();
  }
  if (type === 'agreement' && !$('#tab-agreements').hidden) loadAgreements();
  if (['zone', 'operation_state', 'operation_conflict', 'distress', 'distress_cancelled'].includes(type)) loadPlans();
  if (['notice', 'notice_state', 'escalation', 'distress', 'distress_cancelled', 'alert'].includes(type)) scheduleRefresh();
}

let refreshTimer = null;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshAll, 100);
}

async function refreshAll() {
  try {
    const [alerts, notices, distress, parties] = await Promise.all([
      api.get('/v1/alerts'), api.get('/v1/notices'), api.get('/v1/distress'), api.get('/v1/parties')]);
    S.alerts = new Map(alerts.alerts.map((a) => [a.alert_id, a]));
    S.notices = notices.notices;
    S.distress = distress.distress;
    styles.setParties((parties.parties || []).map((p) => p.id || p));
    renderAll();
  } catch (e) {
    if (e.status === 401) showSignIn('Session ended: sign in again.');
  }
  pollTracks();
  loadPlans();
}

// ---- Replay (replay.js): the record's picture of the last minutes, played back; live drawing pauses.
let replayTimer = null;
async function onReplayLoad() {
  const status = $('#replay-status');
  try {
    const r = await loadReplay(api, Number($('#replay-minutes').value), (d, n) => { status.textContent = `reading the record ${d} / ${n}…`; });
    S.replay = r;
    const slider = $('#replay-slider');
    slider.min = String(Math.floor(r.start)); slider.max = String(Math.ceil(r.end)); slider.value = slider.min;
    status.dataset.loaded = String(r.tracks.length + r.alerts.length);
    showReplayAt(Math.floor(r.start));
  } catch (e) {
    status.textContent = `replay failed: ${e.message}`;
  }
}

function showReplayAt(t) {
  if (!S.replay) return;
  const pic = pictureAt(S.replay, t, S.me);
  S.replayT = t;
  $('#replay-slider').value = String(Math.round(t));
  $('#replay-status').textContent = `replay at ${utc(t)} · ${pic.own.length + pic.related.length} aircraft · ${pic.alerts.filter((a) => a.state === 'open').length} open alerts`;
  renderAlerts($('#replay-alerts'), { alerts: pic.alerts, nowS: t, selected: null, ackState: () => null, onAck: () => {}, onSelect: () => {} });
  const ac = [...pic.own.map((x) => ({ ...x, party: S.me, own: true })), ...pic.related.map((x) => ({ ...x, own: false }))].map((x) => ({
    key: `${x.party}/${x.id}`, party: x.party, id: x.id, label: x.callsign || x.id, lat: x.lat_deg, lon: x.lon_deg, alt_m: x.alt_m,
    gs_mps: x.gs_mps, trk_deg: x.trk_deg, vs_mps: x.vs_mps || 0, own: x.own, distress: false, alert: !x.own }));
  traffic.update({ aircraft: ac, pairs: [], zones: [], now: t });
}

function toggleReplayPlay() {
  if (replayTimer) { clearInterval(replayTimer); replayTimer = null; $('#replay-play').textContent = '▶ play'; return; }
  if (!S.replay) return;
  $('#replay-play').textContent = '❚❚ pause';
  replayTimer = setInterval(() => {
    const t = (S.replayT || S.replay.start) + Number($('#replay-speed').value) * 0.25;
    if (t > S.replay.end) { toggleReplayPlay(); return; }
    showReplayAt(t);
  }, 250);
}

function endReplay() {
  if (replayTimer) toggleReplayPlay();
  S.replay = null;
  $('#replay-alerts').replaceChildren();
  $('#replay-status').textContent = 'live';
  traffic.trails.clear();
  drawTraffic();
}

async function loadPlans() {
  try {
    const [ops, zones] = await Promise.all([api.get('/v1/operations'), api.get('/v1/zones')]);
    plans.set(ops.operations, zones.zones);
  } catch { /* the next event or the 30 s timer tries again */ }
}

async function pollTracks() {
  try {
    const t = await api.get('/v1/tracks');
    S.tracks = t.tracks;
    S.related = t.related;
    S.lastTracksOk = nowS();
    if (!S.fitted && S.tracks.length) {  // first picture: frame every aircraft shown
      S.fitted = true;
      map.fitBounds(L.latLngBounds([...S.tracks, ...S.related].map((x) => [x.lat_deg, x.lon_deg])).pad(0.3), { maxZoom: 10 });
    }
    drawTraffic();
    renderAircraft();
    stats.sample(nowS(), traffic.aircraft.length);
  } catch (e) {
    if (e.status === 401) showSignIn('Session ended: sign in again.');
  }
}

function drawTraffic() {
  if (S.replay) return;
  const distressed = new Set(S.distress.map((d) => `${d.owner}/${d.aircraft_id}`));
  const inAlert = new Set();
  for (const a of S.alerts.values()) if (a.state === 'open' && a.intruder) { inAlert.add(`${S.me}/${a.own_aircraft}`); inAlert.add(`${a.intruder.party}/${a.intruder.id}`); }
  const seen = new Map();
  for (const t of S.tracks) {
    const key = `${S.me}/${t.id}`;
    seen.set(key, { key, party: S.me, id: t.id, label: t.callsign || t.id, lat: t.lat_deg, lon: t.lon_deg, alt_m: t.alt_m,
      gs_mps: t.gs_mps, trk_deg: t.trk_deg, vs_mps: t.vs_mps, own: true, distress: distressed.has(key), alert: inAlert.has(key) });
  }
  for (const t of S.related) {
    const key = `${t.party}/${t.id}`;
    const prev = seen.get(key);
    seen.set(key, { ...prev, key, party: t.party, id: t.id, label: t.id, lat: t.lat_deg, lon: t.lon_deg, alt_m: t.alt_m,
      gs_mps: t.gs_mps ?? prev?.gs_mps, trk_deg: t.trk_deg ?? prev?.trk_deg, vs_mps: t.vs_mps ?? prev?.vs_mps ?? 0,
      own: false, distress: distressed.has(key) || t.reason === 'distress', alert: inAlert.has(key) || t.reason === 'alert' });
  }
  const pairs = [];
  for (const a of S.alerts.values()) {
    if (a.state !== 'open' || !a.intruder) continue;
    const own = seen.get(`${S.me}/${a.own_aircraft}`);
    const other = seen.get(`${a.intruder.party}/${a.intruder.id}`) || { lat: a.intruder.lat_deg, lon: a.intruder.lon_deg, gs_mps: a.intruder.gs_mps, trk_deg: a.intruder.trk_deg };
    if (!own) continue;
    const at = (x) => (x.gs_mps > 0 && Number.isFinite(a.t_cpa_s) ? destination(x.lat, x.lon, x.trk_deg, x.gs_mps * Math.max(0, a.t_cpa_s)) : null);
    pairs.push({ level: a.level, a: [own.lat, own.lon], b: [other.lat, other.lon], cpaA: at(own), cpaB: at(other) });
  }
  const zones = S.distress.map((d) => ({ lat: d.center_lat_deg, lon: d.center_lon_deg, radius_m: d.radius_m }));
  traffic.update({ aircraft: [...seen.values()], pairs, zones, now: nowS() });
}

function renderAircraft() {
  // Other parties' aircraft first (there are few: need-to-know), then own; a long list is cut (the map has all).
  const list = [...traffic.aircraft].sort((x, y) => Number(x.own) - Number(y.own) || x.key.localeCompare(y.key));
  const rows = list.slice(0, TABLE_ROWS).map((a) => h('tr', { dataset: { key: a.key } },
    h('td', {}, a.party), h('td', {}, a.label), h('td', {}, flightLevel(a.alt_m)),
    h('td', {}, Number.isFinite(a.gs_mps) ? knots(a.gs_mps) : '—'),
    h('td', {}, a.own ? 'own' : a.distress ? 'distress' : 'alert')));
  if (list.length > TABLE_ROWS) rows.push(h('tr', {}, h('td', { colspan: 5 }, `… and ${list.length - TABLE_ROWS} more on the map`)));
  $('#aircraft tbody').replaceChildren(...rows);
  const sel = $('#distress-aircraft');
  const ids = S.tracks.map((t) => t.id).sort();
  if (sel.options.length !== ids.length || [...sel.options].some((o, i) => o.value !== ids[i]))
    sel.replaceChildren(...ids.map((id) => h('option', { value: id }, id)));
  $('#distress-list').replaceChildren(...S.distress.map((d) => h('li', { class: 'distress-item', dataset: { aircraft: d.aircraft_id, owner: d.owner } },
    h('b', {}, `MAYDAY ${d.owner} ${d.aircraft_id}`), ` · exclusion ${(d.radius_m / 1852).toFixed(1)} NM `,
    d.owner === S.me ? h('button', { type: 'button', onclick: () => cancelDistress(d.aircraft_id) }, 'Cancel distress') : null)));
}

// The party's own notice for an alert, and whether it was acknowledged.
function ackState(a) {
  if (!a.notice_id) return null;
  const n = S.notices.find((x) => x.notice_id === a.notice_id);
  if (!n || !n.delivery) return null;
  return n.delivery.state === 'acknowledged' ? 'acknowledged' : n.delivery.state === 'expired' ? 'expired' : 'pending';
}

let sortedAlerts = [];
function renderAll() {
  sortedAlerts = renderAlerts($('#alerts'), { alerts: [...S.alerts.values()], nowS: nowS(), selected: S.selected, ackState, onAck: ackAlert, onSelect: selectAlert });
  const open = sortedAlerts.filter((a) => a.state === 'open').length;
  $('#alert-count').textContent = open ? `(${open})` : '';
  const { unread } = renderNotices($('#inbox'), $('#outbox'), { notices: S.notices, me: S.me, nowS: nowS(), onAck: ackNotice });
  $('#notice-count').textContent = unread ? `(${unread})` : '';
  if (traffic) drawTraffic();
  renderAircraft();
  renderStats();
}

function tick() {
  $('#clock').textContent = utc(nowS());
  tickCountdowns($('#alerts'), S.alerts, nowS());
  if (S.lastTracksOk && nowS() - S.lastTracksOk > 5) $('#stale').hidden = false;
  else if (S.live) $('#stale').hidden = true;
}

function selectAlert(id) {
  S.selected = id;
  const a = S.alerts.get(id);
  if (a) {
    const own = traffic.aircraft.find((x) => x.key === `${S.me}/${a.own_aircraft}`);
    traffic.selected = own ? own.key : null;
    const other = a.intruder && traffic.aircraft.find((x) => x.key === `${a.intruder.party}/${a.intruder.id}`);
    if (own && other) {  // bring the pair into view
      const b = L.latLngBounds([[own.lat, own.lon], [other.lat, other.lon]]);
      if (!map.getBounds().pad(-0.1).contains(b)) map.fitBounds(b.pad(0.5), { maxZoom: 10 });
    }
    traffic.invalidate();
    plot.show(a, S.tracks.find((t) => t.id === a.own_aircraft));
  }
  renderGuidance($('#alert-guidance'), a);
  renderAll();
  document.querySelector(`[data-alert-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
}

async function ackAlert(a) {
  if (a.notice_id) await ackNotice({ notice_id: a.notice_id });
}

async function ackNotice(n) {
  try {
    await api.post(`/v1/notices/${encodeURIComponent(n.notice_id)}/ack`);
  } catch (e) {
    alertStatus(`acknowledge failed: ${e.message}`);
  }
  await refreshAll();
}

function alertStatus(text) { $('#compose-status').textContent = text; }

async function onCompose(ev) {
  ev.preventDefault();
  const kind = $('#compose-kind').value;
  const to = $('#compose-to').value.split(/[\s,]+/).filter(Boolean);
  const body = { kind, to, text: $('#compose-text').value };
  const ref = $('#compose-ref').value.trim();
  if (kind === 'operation_notice' && ref) body[ref.startsWith('zone') ? 'zone_id' : 'operation_id'] = ref;
  try {
    const n = await api.post('/v1/notices', body);
    $('#compose-status').textContent = `sent ${n.notice_id}`;
    $('#compose-text').value = '';
  } catch (e) {
    $('#compose-status').textContent = e.message;
  }
  await refreshAll();
}

async function onDeclareDistress(ev) {
  ev.preventDefault();
  const id = $('#distress-aircraft').value;
  try {
    await api.post('/v1/distress', { aircraft_id: id, text: $('#distress-text').value || 'MAYDAY' });
    $('#distress-status').textContent = `distress declared for ${id}`;
  } catch (e) {
    $('#distress-status').textContent = e.message;
  }
  await refreshAll();
}

async function cancelDistress(id) {
  try {
    await api.del(`/v1/distress/${encodeURIComponent(id)}`);
    $('#distress-status').textContent = `distress cancelled for ${id}`;
  } catch (e) {
    $('#distress-status').textContent = e.message;
  }
  await refreshAll();
}

async function onVerify() {
  const status = $('#verify-status');
  $('#verify').disabled = true;
  $('#record-bad').replaceChildren();
  try {
    const r = await verifyRecord(api, { progress: (d, n) => { status.textContent = `checking ${d} / ${n}…`; } });
    $('#record-head').textContent = `head: entry ${r.head.seq} · hash ${r.head.hash.slice(0, 16)}… · server key ${r.head.public_key.slice(0, 16)}…`;
    status.textContent = r.bad ? `${r.bad} of ${r.checked} entries BAD` : `${r.checked} entries verified: hashes and signatures good`;
    status.dataset.result = r.bad ? 'bad' : 'good';
    status.dataset.checked = String(r.checked);
    $('#record-bad').replaceChildren(...r.results.filter((x) => x.bad).map((x) => h('li', { class: 'notice bad-entry', dataset: { seq: x.seq } },
      h('b', {}, `entry ${x.seq}`), ` ${x.kind || ''} by ${x.actor || '?'}: ${x.bad}`)));
  } catch (e) {
    status.textContent = `verification failed: ${e.message}`;
    status.dataset.result = 'error';
  } finally {
    $('#verify').disabled = false;
  }
}

function onKey(ev) {
  if (ev.target.closest('input, textarea, select')) return;
  const open = sortedAlerts.filter((a) => a.state === 'open');
  const list = open.length ? open : sortedAlerts;
  const i = list.findIndex((a) => a.alert_id === S.selected);
  if (ev.key === 'j' || ev.key === 'ArrowDown') { if (list.length) selectAlert(list[(i + 1) % list.length].alert_id); ev.preventDefault(); }
  else if (ev.key === 'k' || ev.key === 'ArrowUp') { if (list.length) selectAlert(list[(i - 1 + list.length) % list.length].alert_id); ev.preventDefault(); }
  else if (ev.key === 'a') { const a = S.alerts.get(S.selected); if (a && ackState(a) === 'pending') ackAlert(a); }
  else if (ev.key === 'm') toggleMute();
}

boot();
