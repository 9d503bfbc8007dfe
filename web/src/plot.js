// Predicted separation against time for the selected alert (uPlot): horizontal separation of the own
// aircraft and the intruder from their present states (straight-line projection on a local flat frame, as
// the alert view carries them), over the next five minutes, with the predicted closest approach marked.
import uPlot from 'uplot';
import { EARTH_RADIUS_M, nm } from './units.js';

export function separationSeries(own, other, horizonS = 300, stepS = 5) {
  const lat0 = (own.lat_deg * Math.PI) / 180;
  const east = (o) => ((o.lon_deg - own.lon_deg) * Math.PI / 180) * EARTH_RADIUS_M * Math.cos(lat0);
  const north = (o) => ((o.lat_deg - own.lat_deg) * Math.PI / 180) * EARTH_RADIUS_M;
  const vel = (o) => [o.gs_mps * Math.sin((o.trk_deg * Math.PI) / 180), o.gs_mps * Math.cos((o.trk_deg * Math.PI) / 180)];
  const dx = east(other), dy = north(other);
  const [ax, ay] = vel(own), [bx, by] = vel(other);
  const t = [], d = [];
  for (let s = 0; s <= horizonS; s += stepS) {
    t.push(s);
    d.push(nm(Math.hypot(dx + (bx - ax) * s, dy + (by - ay) * s)));
  }
  return [t, d];
}

export class AlertPlot {
  constructor(el) { this.el = el; this.u = null; }
  show(alert, ownTrack) {
    this.el.replaceChildren();
    this.u = null;
    if (!alert || !alert.intruder || !ownTrack) return;
    const [t, d] = separationSeries(ownTrack, alert.intruder);
    const css = getComputedStyle(document.documentElement);
    this.u = new uPlot({
      width: this.el.clientWidth || 300, height: 150,
      title: `${alert.own_aircraft} × ${alert.intruder.id}: predicted separation`,
      scales: { x: { time: false } },
      axes: [{ label: 's from now', stroke: css.getPropertyValue('--fg') }, { label: 'NM', stroke: css.getPropertyValue('--fg') }],
      series: [{}, { label: 'horizontal', stroke: alert.level === 'warning' ? '#ff3b3b' : '#ffb020', width: 2 }],
      legend: { show: false },
    }, [t, d], this.el);
  }
}
