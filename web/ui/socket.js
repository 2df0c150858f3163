// The live connection: one WebSocket, reconnect with backoff, resume from the last sequence.

const MAX_DELAY_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * States (dispatched as 'state' events, detail {state, retryAt}):
 *  connecting  - opening the socket
 *  online      - welcome received, live
 *  resyncing   - the server closed with 4000; catching up over REST
 *  offline     - waiting to retry (retryAt: when)
 *  stopped     - signed out
 */
export class LiveSocket extends EventTarget {
  /**
   * @param {object} o
   * @param {(after: number|null) => string} o.url
   * @param {() => number|null} o.after           sequence to resume from (null: live only)
   * @param {(frame: object) => void} o.onFrame
   * @param {() => Promise<void>} o.resync        catch up after close 4000
   * @param {(closeCode: number) => Promise<void>} o.beforeConnect  e.g. refresh the token
   */
  constructor(o) {
    super();
    this.o = o;
    this.ws = null;
    this.state = 'stopped';
    this.attempt = 0;
    this.timer = null;
    this.retryAt = null;
    this.lastClose = 0;
    window.addEventListener('online', () => this.retryNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.retryNow();
    });
  }

  get isOpen() {
    return this.state === 'online' && this.ws?.readyState === WebSocket.OPEN;
  }

  start() {
    if (this.state !== 'stopped') return;
    this.connect();
  }

  stop() {
    this.setState('stopped');
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'bye');
  }

  /** Skip the remaining backoff (button, 'online' event, tab shown again). */
  retryNow() {
    if (this.state !== 'offline') return;
    clearTimeout(this.timer);
    this.connect();
  }

  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  setState(state, retryAt = null) {
    this.state = state;
    this.retryAt = retryAt;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryAt } }));
  }

  async connect() {
    clearTimeout(this.timer);
    this.setState('connecting');
    try {
      await this.o.beforeConnect(this.lastClose);
    } catch {
      // token refresh failed because the server is down, or we were signed out
      if (this.state === 'stopped') return;
      this.scheduleRetry();
      return;
    }
    if (this.state === 'stopped') return;
    let ws;
    try {
      ws = new WebSocket(this.o.url(this.o.after()));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    const watchdog = setTimeout(() => {
      if (ws.readyState === WebSocket.CONNECTING) ws.close();
    }, CONNECT_TIMEOUT_MS);

    ws.onmessage = (m) => {
      if (ws !== this.ws) return;
      let frame;
      try {
        frame = JSON.parse(m.data);
      } catch {
        return;
      }
      if (frame.type === 'welcome') {
        this.attempt = 0;
        this.setState('online');
      }
      this.o.onFrame(frame);
    };
    ws.onclose = (e) => {
      clearTimeout(watchdog);
      if (ws !== this.ws) return;
      this.ws = null;
      this.lastClose = e.code;
      if (this.state === 'stopped') return;
      if (e.code === 4000) {
        this.resync();
      } else {
        this.scheduleRetry();
      }
    };
  }

  async resync() {
    this.setState('resyncing');
    try {
      await this.o.resync();
      if (this.state === 'stopped') return;
      this.connect();
    } catch {
      this.scheduleRetry();
    }
  }

  scheduleRetry() {
    if (this.state === 'stopped') return;
    const base = Math.min(MAX_DELAY_MS, 500 * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    this.setState('offline', Date.now() + delay);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
