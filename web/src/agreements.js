// The agreement screen: for each counterparty, the versions side by side (terms as rows, versions as
// columns, a changed value marked against the version before it), which version is in force, and the
// actions the API allows: propose (or counter the other's proposal) with edited terms, accept the other's
// latest proposal.
import { h } from './dom.js';

const show = (v) => (v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function renderAgreement(el, a, me, { onPropose, onAccept }) {
  const versions = a.versions || [];
  const latest = versions[versions.length - 1];
  const keys = [...new Set(versions.flatMap((v) => Object.keys(v.terms || {})))].sort();
  const table = versions.length
    ? h('table', { class: 'table agreement-versions' },
      h('thead', {}, h('tr', {}, h('th', {}, 'term'), ...versions.map((v) => h('th', {
        class: v.version === a.in_force ? 'in-force' : '', dataset: { version: v.version },
      }, `v${v.version}${v.version === a.in_force ? ' (in force)' : ''}`, h('br'), h('small', {}, `by ${v.proposed_by}`))))),
      h('tbody', {}, ...keys.map((k) => h('tr', {}, h('td', {}, k), ...versions.map((v, i) => {
        const changed = i > 0 && show(v.terms[k]) !== show(versions[i - 1].terms[k]);
        return h('td', { class: changed ? 'changed' : '' }, show(v.terms[k]));
      })))))
    : h('p', { class: 'status' }, 'No agreement yet: the default terms apply.');
  const base = latest ? latest.terms : a.default_terms || {};
  const editor = h('textarea', { class: 'terms', rows: 6, 'aria-label': `terms for ${a.counterparty}` }, JSON.stringify(base, null, 1));
  const theirs = latest && latest.proposed_by !== me;
  const status = h('span', { class: 'status' });
  const act = (fn) => async () => {
    try { await fn(); } catch (e) { status.textContent = e.message; }
  };
  el.append(h('div', { class: 'agreement', dataset: { counterparty: a.counterparty, inForce: a.in_force, latest: a.latest } },
    h('h2', {}, `with ${a.counterparty} · in force: ${a.in_force ? `v${a.in_force}` : 'none (defaults)'}`),
    table,
    theirs && latest.version !== a.in_force
      ? h('button', { type: 'button', class: 'accept', onclick: act(() => onAccept(a.counterparty, latest.version)) }, `Accept v${latest.version}`) : null,
    h('details', {}, h('summary', {}, theirs ? 'Counter with other terms' : 'Propose terms'), editor,
      h('button', { type: 'button', class: 'propose', onclick: act(() => onPropose(a.counterparty, JSON.parse(editor.value), a.latest || 0, theirs)) },
        theirs ? 'Counter' : 'Propose')),
    status));
}
