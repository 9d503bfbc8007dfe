// Plans on the map: the party's operations and the zones it is shown (GET /v1/operations, /v1/zones), each
// volume drawn while the time slider is inside its window (slider: now .. now + 6 h). Operations solid in
// the party's colour, zones dashed (protected sites, distress exclusions).
import L from 'leaflet';
import { h } from './dom.js';
import { utc } from './units.js';

export const SLIDER_SPAN_S = 6 * 3600;

export class PlansLayer {
  constructor(map, renderer, styles, me) {
    this.map = map;
    this.renderer = renderer;
    this.styles = styles;
    this.me = me;
    this.group = L.layerGroup().addTo(map);
    this.items = [];      // {id, kind: 'operation'|'zone', owner, volume}
    this.offsetS = 0;     // slider position after now
    this.drawn = [];
    const Control = L.Control.extend({
      onAdd: () => {
        const label = h('span', { class: 'plans-time' });
        const slider = h('input', { type: 'range', min: 0, max: SLIDER_SPAN_S, step: 60, value: 0, 'aria-label': 'plans time' });
        slider.addEventListener('input', () => { this.offsetS = Number(slider.value); this.draw(); });
        this.label = label;
        const el = h('div', { class: 'plans-control' }, h('span', {}, 'plans at '), label, slider);
        L.DomEvent.disableClickPropagation(el);
        return el;
      },
    });
    new Control({ position: 'topright' }).addTo(map);
  }

  set(operations, zones) {
    this.items = [
      ...operations.flatMap((o) => (o.volumes || []).map((v) => ({ id: o.id, kind: 'operation', owner: this.me, state: o.state, volume: v }))),
      ...zones.flatMap((z) => (z.volumes || []).map((v) => ({ id: z.id, kind: 'zone', owner: z.owner, state: z.kind, volume: v }))),
    ];
    this.draw();
  }

  draw() {
    const t = Date.now() / 1000 + this.offsetS;
    if (this.label) this.label.textContent = this.offsetS ? `${utc(t)} (+${Math.round(this.offsetS / 60)} min)` : 'now';
    this.group.clearLayers();
    this.drawn = [];
    for (const it of this.items) {
      const v = it.volume;
      if (!(v.time_start <= t && t <= v.time_end)) continue;
      const colour = it.kind === 'zone' ? '#ff9f1c' : this.styles.of(it.owner).colour;
      const style = { renderer: this.renderer, color: colour, weight: 2, fillOpacity: 0.08, dashArray: it.kind === 'zone' ? '6 4' : null, interactive: true };
      let layer = null;
      if (v.outline_circle) layer = L.circle([v.outline_circle.center.lat, v.outline_circle.center.lng], { ...style, radius: v.outline_circle.radius });
      else if (v.outline_polygon) layer = L.polygon(v.outline_polygon.vertices.map((p) => [p.lat, p.lng]), style);
      if (!layer) continue;
      layer.bindTooltip(`${it.kind} ${it.id} (${it.state}) · ${Math.round(v.altitude_lower)}–${Math.round(v.altitude_upper)} m · ${utc(v.time_start)}–${utc(v.time_end)}`);
      layer.addTo(this.group);
      this.drawn.push(`${it.kind}/${it.id}`);
    }
  }
}
