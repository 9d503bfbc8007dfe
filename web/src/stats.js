// Plots where people would rather look than read (uPlot): the acknowledgement delay of each counterparty for
// the notices this party sent (delivered -> acknowledged), and the last hour's alerts begun per 5 minutes
// with the number of aircraft on the map (sampled by this page each second since it opened).
import uPlot from 'uplot';

export const BIN_S = 300;

// {party: [[sent_at_s, delay_s], ...]} from the outbox.
export function ackDelays(notices, me) {
  const out = {};
  for (const n of notices) {
    if (n.sender !== me) continue;
    for (const r of n.recipients || []) {
      if (r.state !== 'acknowledged' || r.acknowledged_at_s == null) continue;
      const from = r.delivered_at_s ?? r.queued_at_s;
      (out[r.party] = out[r.party] || []).push([n.created_at_s, Math.max(0, r.acknowledged_at_s - from)]);
    }
  }
  return out;
}

// Alerts begun per BIN_S over the hour before nowS: [bin starts, counts].
export function alertsPerBin(alerts, nowS) {
  const start = Math.floor((nowS - 3600) / BIN_S) * BIN_S;
  const xs = [], ys = [];
  for (let t = start; t <= nowS; t += BIN_S) { xs.push(t); ys.push(0); }
  for (const a of alerts) {
    const i = Math.floor((a.began_at_s - start) / BIN_S);
    if (i >= 0 && i < ys.length) ys[i]++;
  }
  return [xs, ys];
}

const COLOURS = ['#4da3ff', '#ff6b6b', '#3ddc84', '#ffb020', '#c77dff', '#4dd0e1'];

export class StatsView {
  constructor(ackEl, trafficEl) { this.ackEl = ackEl; this.trafficEl = trafficEl; this.samples = [[], []]; }

  sample(nowS, aircraft) {
    this.samples[0].push(nowS); this.samples[1].push(aircraft);
    while (this.samples[0].length && nowS - this.samples[0][0] > 3600) { this.samples[0].shift(); this.samples[1].shift(); }
  }

  render(notices, alerts, me, nowS) {
    const width = this.ackEl.clientWidth || 400;
    const fg = getComputedStyle(document.documentElement).getPropertyValue('--fg');
    const delays = ackDelays(notices, me);
    this.delays = delays;
    const parties = Object.keys(delays).sort();
    this.ackEl.replaceChildren();
    if (parties.length) {
      // One x axis (send times of all points), one series per counterparty with gaps elsewhere.
      const xs = [...new Set(parties.flatMap((p) => delays[p].map(([t]) => t)))].sort((a, b) => a - b);
      const series = parties.map((p) => xs.map((x) => { const hit = delays[p].find(([t]) => t === x); return hit ? hit[1] : null; }));
      new uPlot({
        width, height: 170, title: 'acknowledgement delay of our notices (s)',
        series: [{}, ...parties.map((p, i) => ({ label: p, stroke: COLOURS[i % COLOURS.length], width: 0, points: { show: true, size: 7 } }))],
        axes: [{ stroke: fg }, { stroke: fg }],
      }, [xs, ...series], this.ackEl);
    } else {
      this.ackEl.textContent = 'No acknowledged notice of ours yet.';
    }
    const [bx, by] = alertsPerBin(alerts, nowS);
    this.alertBins = by;
    const traffic = bx.map((t) => {
      let v = null;
      for (let i = 0; i < this.samples[0].length; i++) if (this.samples[0][i] <= t + BIN_S) v = this.samples[1][i];
      return v;
    });
    this.trafficEl.replaceChildren();
    new uPlot({
      width, height: 170, title: 'last hour: alerts begun per 5 min, aircraft on the map',
      scales: { n: { auto: true }, a: { auto: true } },
      series: [{}, { label: 'alerts', stroke: '#ffb020', fill: 'rgba(255,176,32,.25)', scale: 'n', paths: uPlot.paths.stepped({ align: 1 }) },
        { label: 'aircraft', stroke: '#4da3ff', scale: 'a' }],
      axes: [{ stroke: fg }, { scale: 'n', stroke: fg }, { scale: 'a', side: 1, stroke: fg }],
    }, [bx, by, traffic], this.trafficEl);
  }
}
