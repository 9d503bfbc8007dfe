// An audible cue for a new warning (Web Audio: a short two-tone beep, no sound file), mutable by the user.
export class Cue {
  constructor() { this.muted = false; this.ctx = null; this.played = 0; }
  play() {
    this.played++;
    if (this.muted) return;
    try {
      this.ctx = this.ctx || new AudioContext();
      const t = this.ctx.currentTime;
      for (const [i, f] of [[0, 880], [1, 660]]) {
        const o = this.ctx.createOscillator(), g = this.ctx.createGain();
        o.frequency.value = f; g.gain.value = 0.15;
        o.connect(g).connect(this.ctx.destination);
        o.start(t + i * 0.18); o.stop(t + i * 0.18 + 0.15);
      }
    } catch { /* no audio device: the list and the map still show the warning */ }
  }
}
