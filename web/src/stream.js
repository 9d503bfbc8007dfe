// The party's live stream (GET /v1/stream, Server-Sent Events). The browser's EventSource resends
// Last-Event-ID itself when it reconnects; when the connection is closed for good (an HTTP error), we open a
// new one with ?last_event_id= of the last event handled, so nothing is lost or repeated. Events at or below
// the last id are ignored (a resumed stream never repeats, but be strict). onState(true|false) tells whether
// the picture is live.
export const EVENT_TYPES = ['alert', 'notice', 'notice_state', 'escalation', 'distress', 'distress_cancelled',
  'zone', 'operation_conflict', 'operation_state', 'agreement', 'revoked', 'error'];

export class LiveStream {
  constructor({ onEvent, onState, retryMs = 1000 }) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.retryMs = retryMs;
    this.lastId = 0;
    this.es = null;
    this.timer = null;
    this.closed = false;
    this.live = false;
    this.opened = 0;  // connections opened (a resumed stream is a new one)
  }

  start() {
    this.closed = false;
    this.open();
  }

  open() {
    if (this.closed) return;
    const url = this.lastId > 0 ? `/v1/stream?last_event_id=${this.lastId}` : '/v1/stream';
    const es = new EventSource(url, { withCredentials: true });
    this.opened++;
    this.es = es;
    es.onopen = () => this.setLive(true);
    es.onerror = () => {
      this.setLive(false);
      if (es.readyState === EventSource.CLOSED) this.reopenLater();
    };
    for (const type of EVENT_TYPES) es.addEventListener(type, (ev) => this.handle(type, ev));
  }

  handle(type, ev) {
    const id = Number(ev.lastEventId || 0);
    if (id && id <= this.lastId) return;
    if (id) this.lastId = id;
    let data = null;
    try { data = JSON.parse(ev.data); } catch { data = { raw: ev.data }; }
    this.setLive(true);
    this.onEvent(type, data, id);
    if (type === 'revoked') this.stop();
  }

  reopenLater() {
    if (this.es) this.es.close();
    this.es = null;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), this.retryMs);
  }

  // Drops the connection (tests use it to check the resume); it reconnects by itself.
  drop() {
    this.setLive(false);
    this.reopenLater();
  }

  setLive(live) {
    if (live === this.live) return;
    this.live = live;
    this.onState(live);
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.es) this.es.close();
    this.es = null;
    this.setLive(false);
  }
}
