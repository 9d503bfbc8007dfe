// The traffic picture drawn on one canvas over the Leaflet map, in screen space: aircraft symbols (shape and
// colour per party), trails (last 90 s), one-minute leader lines, labels with de-cluttering, distress
// aircraft with their exclusion zones, and the alerted pairs (line to the closest-approach points, styled by
// level so that caution and warning differ without colour). One canvas, redrawn per frame only when
// something changed, keeps 10,000 aircraft cheap.
import L from 'leaflet';
import { destination, flightLevel, knots, mercator, trend } from './units.js';

export const TRAIL_S = 90;
export const LEADER_S = 60;
const MAX_LABELS = 400;
const MAX_TRAILS = 3000;  // with more aircraft on screen, trails are left out (they would be a smear)  // labels per frame at most (the rest are de-cluttered away anyway)
const SHAPES = ['triangle', 'square', 'diamond', 'circle', 'pentagon', 'cross'];
const COLOURS = ['#4da3ff', '#ff6b6b', '#3ddc84', '#ffb020', '#c77dff', '#4dd0e1', '#f06292', '#aed581'];

export class PartyStyles {
  constructor() { this.order = []; }
  setParties(ids) { this.order = [...ids].sort(); }
  of(party) {
    let i = this.order.indexOf(party);
    if (i < 0) { this.order.push(party); i = this.order.length - 1; }
    return { colour: COLOURS[i % COLOURS.length], shape: SHAPES[i % SHAPES.length] };
  }
}

// Adds one symbol to the current path (the caller fills the path of a whole party at once).
function symbol(ctx, shape, x, y, r) {
  switch (shape) {
    case 'triangle': ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + r * 0.8); ctx.lineTo(x - r, y + r * 0.8); ctx.closePath(); break;
    case 'square': ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6); break;
    case 'diamond': ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath(); break;
    case 'pentagon':
      for (let k = 0; k < 5; k++) {
        const a = -Math.PI / 2 + (k * 2 * Math.PI) / 5;
        if (k === 0) ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a)); else ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
      ctx.closePath();
      break;
    case 'cross': ctx.rect(x - r, y - r * 0.3, r * 2, r * 0.6); ctx.rect(x - r * 0.3, y - r, r * 0.6, r * 2); break;
    default: ctx.moveTo(x + r * 0.85, y); ctx.arc(x, y, r * 0.85, 0, Math.PI * 2);
  }
}

export const TrafficLayer = L.Layer.extend({
  initialize(styles) {
    this.styles = styles;
    this.aircraft = [];      // {key, party, id, label, lat, lon, alt_m, gs_mps, trk_deg, vs_mps, own, distress, alert}
    this.trails = new Map(); // key -> [[t, lat, lon], ...]
    this.pairs = [];         // {level, a:[lat,lon], b:[lat,lon], cpaA, cpaB}
    this.zones = [];         // {lat, lon, radius_m}
    this.selected = null;
    this.dirty = true;
    this.frames = 0;
    this.drawMs = 0;
  },

  onAdd(map) {
    this.map = map;
    this.canvas = L.DomUtil.create('canvas', 'traffic-canvas', map.getContainer());
    this.canvas.setAttribute('aria-hidden', 'true');
    map.on('move zoom resize viewreset', this.invalidate, this);
    this.invalidate();
    this.loop = () => {
      if (this.dirty) this.draw();
      this.raf = requestAnimationFrame(this.loop);
    };
    this.raf = requestAnimationFrame(this.loop);
  },

  onRemove(map) {
    cancelAnimationFrame(this.raf);
    map.off('move zoom resize viewreset', this.invalidate, this);
    this.canvas.remove();
  },

  invalidate() { this.dirty = true; },

  // A pre-drawn symbol (offscreen canvas) per party style, size and pixel ratio.
  sprite(st, r, dpr) {
    const key = `${st.shape}|${st.colour}|${r}|${dpr}`;
    this.sprites = this.sprites || new Map();
    let img = this.sprites.get(key);
    if (!img) {
      const size = 2 * r + 4;
      img = document.createElement('canvas');
      img.width = img.height = Math.ceil(size * dpr);
      const c = img.getContext('2d');
      c.scale(dpr, dpr);
      c.beginPath();
      symbol(c, st.shape, size / 2, size / 2, r);
      c.fillStyle = st.colour; c.fill();
      c.lineWidth = 1; c.strokeStyle = '#0b0f14'; c.stroke();
      img.size = size; img.half = size / 2;
      this.sprites.set(key, img);
    }
    return img;
  },

  projector() {
    const map = this.map, size = map.getSize();
    const S = 256 * 2 ** map.getZoom();
    const ctr = map.getCenter();
    const [cu, cv] = mercator(ctr.lat, ctr.lng);
    const ox = size.x / 2 - cu * S, oy = size.y / 2 - cv * S;
    return { sx: (u) => u * S + ox, sy: (v) => v * S + oy };
  },

  // Where an aircraft is drawn (container pixels); the tests compare it with Leaflet's own projection.
  screenOf(key) {
    const a = this.aircraft.find((x) => x.key === key);
    if (!a) return null;
    const { sx, sy } = this.projector();
    return { x: sx(a.u), y: sy(a.v), leaflet: this.map.latLngToContainerPoint([a.lat, a.lon]) };
  },

  update({ aircraft, pairs, zones, now }) {
    this.aircraft = aircraft;
    this.pairs = pairs;
    this.zones = zones;
    const keep = new Set();
    for (const a of aircraft) {
      keep.add(a.key);
      let t = this.trails.get(a.key);
      if (!t) { t = []; this.trails.set(a.key, t); }
      [a.u, a.v] = mercator(a.lat, a.lon);
      if (a.gs_mps > 0 && Number.isFinite(a.trk_deg)) {
        const e = destination(a.lat, a.lon, a.trk_deg, a.gs_mps * LEADER_S);
        [a.lu, a.lv] = mercator(e[0], e[1]);
      }
      const last = t[t.length - 1];
      if (!last || last[1] !== a.u || last[2] !== a.v) t.push([now, a.u, a.v]);
      while (t.length && now - t[0][0] > TRAIL_S) t.shift();
    }
    for (const k of [...this.trails.keys()]) if (!keep.has(k)) this.trails.delete(k);
    this.invalidate();
  },

  draw() {
    const t0 = performance.now();
    this.dirty = false;
    const map = this.map;
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== size.x * dpr || c.height !== size.y * dpr) {
      c.width = size.x * dpr; c.height = size.y * dpr;
      c.style.width = `${size.x}px`; c.style.height = `${size.y}px`;
    }
    const ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const pt = (lat, lon) => map.latLngToContainerPoint([lat, lon]);
    // Screen position from precomputed Web Mercator units: x = u * S + ox (S = 256 * 2^zoom), the offset from
    // the map centre; two multiply-adds per point instead of a projection.
    const { sx, sy } = this.projector();
    const visible = (p) => p.x > -50 && p.y > -50 && p.x < size.x + 50 && p.y < size.y + 50;

    // Exclusion zones of distress aircraft.
    for (const z of this.zones) {
      const p = pt(z.lat, z.lon);
      const e = destination(z.lat, z.lon, 90, z.radius_m);
      const r = Math.abs(pt(e[0], e[1]).x - p.x);
      ctx.beginPath(); ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.fillStyle = 'rgba(255,40,40,0.12)'; ctx.fill();
      ctx.setLineDash([8, 4]); ctx.strokeStyle = '#ff3030'; ctx.lineWidth = 2; ctx.stroke(); ctx.setLineDash([]);
    }
    // Alerted pairs: the line between the aircraft, the closest-approach points and the line between them.
    for (const pr of this.pairs) {
      const warning = pr.level === 'warning';
      ctx.strokeStyle = warning ? '#ff3b3b' : '#ffb020';
      ctx.lineWidth = warning ? 3 : 2;
      ctx.setLineDash(warning ? [] : [6, 5]);
      const a = pt(...pr.a), b = pt(...pr.b);
      ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
      if (pr.cpaA && pr.cpaB) {
        const ca = pt(...pr.cpaA), cb = pt(...pr.cpaB);
        ctx.setLineDash([2, 3]);
        ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(ca.x, ca.y); ctx.moveTo(b.x, b.y); ctx.lineTo(cb.x, cb.y); ctx.stroke();
        ctx.setLineDash([]);
        for (const q of [ca, cb]) { ctx.beginPath(); ctx.moveTo(q.x - 4, q.y - 4); ctx.lineTo(q.x + 4, q.y + 4); ctx.moveTo(q.x + 4, q.y - 4); ctx.lineTo(q.x - 4, q.y + 4); ctx.stroke(); }
      }
      ctx.setLineDash([]);
    }
    const tA = performance.now();
    // Project once; cull what is off screen.
    const vis = [];
    for (const a of this.aircraft) {
      const p = { x: sx(a.u), y: sy(a.v) };
      if (visible(p)) vis.push({ a, p });
    }
    const many = vis.length > 1000;
    const tB = performance.now();
    // Trails (decimated when many aircraft are on screen) and leader lines, one path per party.
    const byParty = new Map();
    for (const v of vis) {
      let g = byParty.get(v.a.party);
      if (!g) { g = []; byParty.set(v.a.party, g); }
      g.push(v);
    }
    ctx.lineWidth = 1.5;
    for (const [partyId, group] of byParty) {
      const st = this.styles.of(partyId);
      ctx.strokeStyle = st.colour;
      ctx.globalAlpha = 0.45;
      ctx.beginPath();
      const step = many ? 9 : 1;
      for (const { a } of vis.length > MAX_TRAILS ? [] : group) {
        const trail = this.trails.get(a.key);
        if (!trail || trail.length < 2) continue;
        for (let i = 0; i < trail.length; i += step) {
          if (i) ctx.lineTo(sx(trail[i][1]), sy(trail[i][2])); else ctx.moveTo(sx(trail[i][1]), sy(trail[i][2]));
        }
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
      // Leader lines, stroked in chunks: one huge path costs far more to stroke than many small ones.
      ctx.beginPath();
      let n = 0;
      for (const { a, p } of group) {
        if (a.lu === undefined) continue;
        ctx.moveTo(p.x, p.y); ctx.lineTo(sx(a.lu), sy(a.lv));
        if (++n % 128 === 0) { ctx.stroke(); ctx.beginPath(); }
      }
      ctx.stroke();
      // Symbols: a sprite per party and size, blitted (much cheaper than filling 10,000 paths).
      for (const { a, p } of group) {
        const img = this.sprite(st, a.own ? 7 : 6, dpr);
        ctx.drawImage(img, p.x - img.half, p.y - img.half, img.size, img.size);
      }
    }
    const tC = performance.now();
    // Distress rings (blinking) and the selected aircraft.
    const blink = Math.floor(performance.now() / 500) % 2 === 0;
    for (const { a, p } of vis) {
      if (a.distress) {
        ctx.beginPath(); ctx.arc(p.x, p.y, 14, 0, Math.PI * 2);
        ctx.strokeStyle = blink ? '#ff3030' : '#ffffff'; ctx.lineWidth = 3; ctx.stroke();
        this.dirty = true;  // keeps blinking
      }
      if (a.key === this.selected) {
        ctx.beginPath(); ctx.arc(p.x, p.y, 10, 0, Math.PI * 2);
        ctx.strokeStyle = '#ffffff'; ctx.lineWidth = 2; ctx.stroke();
      }
    }
    // Labels placed greedily: distress and alerted aircraft first, then own, then the rest; a label that
    // would overlap one already placed is left out (de-cluttering, with a coarse grid of placed boxes).
    vis.sort((x, y) => rank(y.a) - rank(x.a));
    ctx.font = '12px system-ui, sans-serif';
    const CELL = 64;
    const grid = new Map();
    const cells = (b) => {
      const out = [];
      for (let gx = Math.floor(b.x / CELL); gx <= Math.floor((b.x + b.w) / CELL); gx++)
        for (let gy = Math.floor(b.y / CELL); gy <= Math.floor((b.y + b.h) / CELL); gy++) out.push(`${gx},${gy}`);
      return out;
    };
    let placedCount = 0;
    for (const { a, p } of vis) {
      if (placedCount >= MAX_LABELS) break;
      const w = 96, h = 30;
      const box = { x: p.x + 10, y: p.y - 34, w, h };
      const cs = cells(box);
      if (cs.some((c) => (grid.get(c) || []).some((b) => box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h))) continue;
      const lines = [a.distress ? `${a.label} MAYDAY` : a.label,
        `FL${String(flightLevel(a.alt_m)).padStart(3, '0')}${trend(a.vs_mps)} ${Number.isFinite(a.gs_mps) ? knots(a.gs_mps) + 'kt' : ''}`];
      box.w = Math.max(...lines.map((t) => ctx.measureText(t).width)) + 6;
      for (const c of cs) { if (!grid.has(c)) grid.set(c, []); grid.get(c).push(box); }
      placedCount++;
      const st = this.styles.of(a.party);
      ctx.fillStyle = 'rgba(11,15,20,0.72)'; ctx.fillRect(box.x, box.y, box.w, box.h);
      ctx.fillStyle = a.distress ? '#ff6060' : st.colour;
      ctx.fillText(lines[0], box.x + 3, box.y + 12);
      ctx.fillStyle = '#e6edf3';
      ctx.fillText(lines[1], box.x + 3, box.y + 26);
    }
    this.shownLabels = placedCount;
    const tD = performance.now();
    // Time per phase of the last frame (ms): the benchmark reports it.
    this.timing = { base: tA - t0, project: tB - tA, paths: tC - tB, labels: tD - tC };
    this.frames++;
    this.drawMs += performance.now() - t0;
  },
});

function rank(a) { return (a.distress ? 4 : 0) + (a.alert ? 2 : 0) + (a.own ? 1 : 0); }
