// Notices: the inbox (what other parties and the server sent us, with our delivery state and deadline) and
// the outbox (what we sent, with each recipient's state: queued, delivered, acknowledged, expired).
import { h } from './dom.js';
import { fmtSeconds, utc } from './units.js';

function deadline(n, nowS) {
  const d = n.delivery || {};
  if (d.state === 'acknowledged' || d.state === 'expired' || !n.ack_deadline_s) return '';
  return ` · ack due in ${fmtSeconds(n.ack_deadline_s - nowS)}`;
}

function stateBadge(r) {
  return h('span', { class: `badge ${r.state}`, dataset: { party: r.party, state: r.state } },
    `${r.party}: ${r.state}${r.escalations ? ` (escalated ×${r.escalations})` : ''}`);
}

export function renderNotices(inbox, outbox, { notices, me, nowS, onAck }) {
  const byTime = (x, y) => (y.created_at_s || 0) - (x.created_at_s || 0);
  const inc = notices.filter((n) => n.sender !== me && n.delivery).sort(byTime);
  const out = notices.filter((n) => n.sender === me).sort(byTime);
  inbox.replaceChildren(...inc.map((n) => h('li', {
    class: `notice ${n.kind} ${n.delivery.state}`,
    dataset: { noticeId: n.notice_id, state: n.delivery.state, kind: n.kind },
  },
  h('div', { class: 'notice-head' }, h('span', { class: 'kind' }, n.kind.replace('_', ' ')), ` from ${n.sender} · ${utc(n.created_at_s)} · ${n.delivery.priority}`),
  h('div', { class: 'notice-text' }, n.text || ''),
  h('div', { class: 'notice-foot' }, stateBadge({ ...n.delivery, party: me }), deadline(n, nowS),
    n.delivery.state === 'delivered' || n.delivery.state === 'queued'
      ? h('button', { type: 'button', class: 'ack', onclick: () => onAck(n) }, 'Acknowledge') : null))));
  outbox.replaceChildren(...out.map((n) => h('li', {
    class: `notice ${n.kind}`, dataset: { noticeId: n.notice_id, kind: n.kind },
  },
  h('div', { class: 'notice-head' }, h('span', { class: 'kind' }, n.kind.replace('_', ' ')), ` · ${utc(n.created_at_s)}`),
  h('div', { class: 'notice-text' }, n.text || ''),
  h('div', { class: 'notice-foot' }, ...(n.recipients || []).map(stateBadge)))));
  return { unread: inc.filter((n) => n.delivery.state !== 'acknowledged' && n.delivery.state !== 'expired').length };
}
