// Resolution guidance of the selected alert (the alert's `guidance`: DAIDALUS kinematic bands for the party's own
// aircraft, api/openapi.yaml AlertGuidance): the track bands as arcs on a compass rose (north up, the present
// track as a line, the preferred resolution as a dashed line) and the vertical-speed bands on a tape (up = climb,
// the present vertical speed as a mark). Regions are told by the arc's class and by a text label, not by colour
// alone. Values come in the DAIDALUS display units (deg, fpm).
const NS = 'http://www.w3.org/2000/svg';
const RAD = Math.PI / 180;

// Point at `deg` (clockwise from north) on the circle of radius r around (cx, cy), in SVG coordinates (y down).
export function compassPoint(cx, cy, r, deg) {
  return [cx + r * Math.sin(deg * RAD), cy - r * Math.cos(deg * RAD)];
}

// SVG path of the arc from lo to hi degrees (clockwise); a whole circle is drawn as two halves.
export function arcPath(cx, cy, r, lo, hi) {
  if (hi - lo >= 359.999) return `${arcPath(cx, cy, r, 0, 180)} ${arcPath(cx, cy, r, 180, 360)}`;
  const f = (v) => v.toFixed(2);
  const [x0, y0] = compassPoint(cx, cy, r, lo), [x1, y1] = compassPoint(cx, cy, r, hi);
  return `M ${f(x0)} ${f(y0)} A ${r} ${r} 0 ${hi - lo > 180 ? 1 : 0} 1 ${f(x1)} ${f(y1)}`;
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

// The track intervals that are not NONE, with their arc: [{lo, hi, region, d}].
export function trackArcs(track, cx, cy, r) {
  return (track?.intervals || []).filter((i) => i.region !== 'NONE' && finite(i.lo) && finite(i.hi) && i.hi > i.lo)
    .map((i) => ({ lo: i.lo, hi: i.hi, region: i.region, d: arcPath(cx, cy, r, i.lo, i.hi) }));
}

// The vertical-speed intervals that are not NONE as segments of a tape of `height` px from `top` over
// [-range, +range] fpm (climb up): [{lo, hi, region, y, h}].
export function tapeSegments(vs, top, height, range = 6000) {
  const y = (fpm) => top + height * (1 - (Math.max(-range, Math.min(range, fpm)) + range) / (2 * range));
  return (vs?.intervals || []).filter((i) => i.region !== 'NONE' && finite(i.lo) && finite(i.hi) && i.hi > i.lo)
    .map((i) => ({ lo: i.lo, hi: i.hi, region: i.region, y: y(i.hi), h: y(i.lo) - y(i.hi) }));
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function describe(g) {
  const trk = g.bands.track, vs = g.bands.vertical_speed;
  const res = (d, unit) => {
    const v = d.preferred === 'up' ? d.resolution_up : d.resolution_down;
    return finite(v) ? `${Math.round(v)} ${unit}` : 'none';
  };
  return `guidance for ${g.own_aircraft} against ${g.intruder}: track ${trk.region}, resolve ${trk.preferred === 'up' ? 'right' : 'left'} to ` +
    `${res(trk, '°')}; vertical speed ${vs.region}, resolve ${vs.preferred} to ${res(vs, 'fpm')}` +
    (finite(g.last_time_to_maneuver_s?.track) ? `; last time to turn ${Math.round(g.last_time_to_maneuver_s.track)} s` : '');
}

// Draws alert.guidance into el (empties it when the alert has none).
export function renderGuidance(el, alert) {
  el.replaceChildren();
  const g = alert && alert.guidance;
  if (!g || !g.bands || !g.bands.track || !g.bands.vertical_speed) return;
  const cx = 80, cy = 80, r = 62, top = 14, height = 132;
  const rose = svg('g', { class: 'rose' }, svg('circle', { cx, cy, r, class: 'ring' }));
  for (const deg of [0, 90, 180, 270]) {
    const [x, y] = compassPoint(cx, cy, r + 10, deg);
    rose.append(svg('text', { x: x.toFixed(1), y: (y + 4).toFixed(1), class: 'tick' }, ['N', 'E', 'S', 'W'][deg / 90]));
  }
  for (const a of trackArcs(g.bands.track, cx, cy, r))
    rose.append(svg('path', { d: a.d, class: `band ${a.region.toLowerCase()}`, 'data-region': a.region }, svg('title', {}, `${Math.round(a.lo)}–${Math.round(a.hi)}° ${a.region}`)));
  const line = (deg, cls) => { const [x, y] = compassPoint(cx, cy, r, deg); return svg('line', { x1: cx, y1: cy, x2: x.toFixed(1), y2: y.toFixed(1), class: cls }); };
  if (finite(g.bands.track.current)) rose.append(line(g.bands.track.current, 'current'));
  const trk = g.bands.track, pref = trk.preferred === 'up' ? trk.resolution_up : trk.resolution_down;
  if (finite(pref)) rose.append(line(pref, 'preferred'));
  const tape = svg('g', { class: 'tape' }, svg('rect', { x: 180, y: top, width: 16, height, class: 'ring' }));
  for (const s of tapeSegments(g.bands.vertical_speed, top, height))
    tape.append(svg('rect', { x: 180, y: s.y.toFixed(1), width: 16, height: s.h.toFixed(1), class: `band ${s.region.toLowerCase()}`, 'data-region': s.region },
      svg('title', {}, `${Math.round(s.lo)} to ${Math.round(s.hi)} fpm ${s.region}`)));
  const cur = tapeSegments({ intervals: [{ lo: g.bands.vertical_speed.current - 50, hi: g.bands.vertical_speed.current + 50, region: 'x' }] }, top, height)[0];
  if (cur) tape.append(svg('rect', { x: 176, y: cur.y.toFixed(1), width: 24, height: 2, class: 'current' }));
  tape.append(svg('text', { x: 225, y: top + 8, class: 'tick' }, '+6000'), svg('text', { x: 228, y: top + height, class: 'tick' }, '−6000 fpm'));
  const text = describe(g);
  el.append(svg('svg', { viewBox: '0 0 260 165', role: 'img', 'aria-label': text, class: 'guidance-svg' }, rose, tape),
    Object.assign(document.createElement('p'), { className: 'guidance-text', textContent: text }));
}
