// Incident replay from the record: the entries of the last minutes that the party may see (receipts), turned
// back into a picture at any time t of the window: own aircraft as last reported up to t (the party's own
// track inputs), other aircraft as its alerts showed them, and the alerts open at t. Played with a slider at
// 1x-60x; the live picture pauses meanwhile.
import { fetchEntries } from './record.js';

const MAX_ENTRIES = 1500;

export async function loadReplay(api, minutes, progress) {
  const head = await api.get('/v1/record/head');
  const first = Math.max(1, head.seq - MAX_ENTRIES + 1);
  const entries = await fetchEntries(api, first, head.seq, progress);
  const fromS = Date.now() / 1000 - minutes * 60;
  const tracks = [];   // [t, party, state]
  const alerts = [];   // [t, view]
  for (const { e, bad } of [...entries.values()].sort((a, b) => a.e.seq - b.e.seq)) {
    if (bad) continue;
    const t = e.time_us / 1e6;
    if (t < fromS) continue;
    let p;
    try { p = JSON.parse(e.payload); } catch { continue; }
    if (e.kind === 'input' && p.input === 'tracks' && Array.isArray(p.tracks)) for (const s of p.tracks) tracks.push([t, e.actor, s]);
    if (e.kind === 'alert' && p.alert_id) alerts.push([t, p]);
  }
  const times = [...tracks.map((x) => x[0]), ...alerts.map((x) => x[0])];
  return { tracks, alerts, start: times.length ? Math.min(...times) : fromS, end: times.length ? Math.max(...times) : fromS };
}

// The picture at time t: {aircraft: [...], alerts: [...]} in the shapes the live views use.
export function pictureAt(replay, t, me) {
  const own = new Map();
  for (const [ts, party, s] of replay.tracks) if (ts <= t && party === me) own.set(s.id, s);
  const views = new Map();
  for (const [ts, v] of replay.alerts) if (ts <= t) views.set(v.alert_id, { ...views.get(v.alert_id), ...v });
  const alerts = [...views.values()];
  const related = new Map();
  for (const a of alerts) if (a.state === 'open' && a.intruder) related.set(`${a.intruder.party}/${a.intruder.id}`, a.intruder);
  return { own: [...own.values()], related: [...related.values()], alerts };
}
