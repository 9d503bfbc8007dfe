// The alert list: open alerts first, sorted by time to loss of separation, with a live countdown, predicted
// minimum separation, level (text and marks, not only colour) and acknowledge for the party's own alert
// notice. Keyboard: j / k select the next / previous alert, a acknowledges the selected one.
import { h } from './dom.js';
import { fmtSeconds, nm, utc } from './units.js';

// Seconds until loss of separation now, from the alert's last update.
export function timeToLos(a, nowS) {
  if (a.los) return 0;
  if (!Number.isFinite(a.t_in_s)) return Infinity;
  return a.t_in_s - (nowS - (a.updated_at_s || nowS));
}

export function sortAlerts(alerts, nowS) {
  return [...alerts].sort((x, y) => {
    const ox = x.state === 'open' ? 0 : 1, oy = y.state === 'open' ? 0 : 1;
    if (ox !== oy) return ox - oy;
    if (ox === 0) return timeToLos(x, nowS) - timeToLos(y, nowS) || String(x.alert_id).localeCompare(y.alert_id);
    return (y.updated_at_s || 0) - (x.updated_at_s || 0);
  });
}

export function countdownText(a, nowS) {
  if (a.state !== 'open') return utc(a.updated_at_s);
  return a.los ? 'LoS NOW' : `LoS in ${fmtSeconds(timeToLos(a, nowS))}`;
}

// Only the countdowns change between events: update their text in place.
export function tickCountdowns(list, alerts, nowS) {
  for (const li of list.children) {
    const a = alerts.get(li.dataset.alertId);
    const el = li.querySelector('.countdown');
    if (a && el) el.textContent = countdownText(a, nowS);
  }
}

const LEVEL_MARK = { warning: '▲▲ WARNING', caution: '▲ CAUTION' };

export function renderAlerts(list, { alerts, nowS, selected, ackState, onAck, onSelect }) {
  const sorted = sortAlerts(alerts, nowS);
  list.replaceChildren(...sorted.map((a) => {
    const ack = ackState(a);  // 'acknowledged' | 'pending' | null (no notice of ours)
    const open = a.state === 'open';
    const other = a.intruder ? `${a.intruder.party} ${a.intruder.id}` : a.zone ? `zone ${a.zone.zone_id || a.zone.id || ''}` : a.kind;
    return h('li', {
      class: `alert ${open ? a.level : 'resolved'} ${a.alert_id === selected ? 'selected' : ''}`,
      dataset: { alertId: a.alert_id, state: a.state, level: a.level || '', ack: ack || 'none' },
      onclick: () => onSelect(a.alert_id),
    },
    h('div', { class: 'alert-head' },
      h('span', { class: 'level' }, open ? (LEVEL_MARK[a.level] || a.level) : 'resolved'),
      h('span', { class: 'countdown' }, countdownText(a, nowS))),
    h('div', { class: 'alert-body' },
      h('b', {}, a.own_aircraft || ''), ' × ', other,
      Number.isFinite(a.d_cpa_m) ? ` · min sep ${nm(a.d_cpa_m).toFixed(1)} NM in ${fmtSeconds(a.t_cpa_s)}` : ''),
    h('div', { class: 'alert-foot' },
      h('span', { class: 'ack-state' }, ack === 'acknowledged' ? '✔ acknowledged' : ack === 'pending' ? 'not acknowledged' : ''),
      ack === 'pending' ? h('button', { type: 'button', class: 'ack', onclick: (e) => { e.stopPropagation(); onAck(a); } }, 'Acknowledge (a)') : null));
  }));
  return sorted;
}
