// The connection indicator, the offline banner and the queue wiring: queued writes sent when
// the socket is open (commands as frames, REST writes replayed with their Idempotency-Key),
// and the cache of the server's state kept in IndexedDB.

import * as api from './client.js';
import { $, app, store } from './state.js';
import { scheduleRender } from './list.js';
import { loadList } from './live.js';

let replaying = false;
let replayAgain = false; // a write was queued during a replay
let connTimer = null;
let cacheTimer = null;

// The cache of the server's state: written at once after a list load, at most every 300 ms
// after other changes (throttled, not debounced: a stream of changes must not starve it).
function saveCacheSoon(now) {
  if (store.fromCache) return;
  if (now) {
    clearTimeout(cacheTimer);
    cacheTimer = null;
    store.saveCache();
  } else if (!cacheTimer) {
    cacheTimer = setTimeout(() => {
      cacheTimer = null;
      if (!store.fromCache) store.saveCache();
    }, 300);
  }
}
store.addEventListener('change', (e) => {
  scheduleRender();
  if (e.detail.reason !== 'pending') saveCacheSoon(e.detail.reason === 'reload');
});
window.addEventListener('pagehide', () => saveCacheSoon(true));
store.addEventListener('send', () => {
  if (app.socket?.isOpen) {
    store.flush((f) => app.socket.send(f), app.connection);
    replayRest();
  }
  renderConn();
});
store.addEventListener('gap', () => loadList());

/** Send the queued REST writes, oldest first, each once (its Idempotency-Key). A write
 *  queued while a replay is running is picked up by that replay before it ends. */
export async function replayRest() {
  if (replaying) {
    replayAgain = true;
    return;
  }
  replaying = true;
  try {
    do {
      replayAgain = false;
      if (!(await replayOnce())) break; // offline: the next connection tries again
    } while (replayAgain);
  } finally {
    replaying = false;
  }
}

/** One pass over the queued REST writes; false when the network failed. */
async function replayOnce() {
  for (const e of store.restWrites()) {
    if (!e.stored) break; // kept in IndexedDB first; 'send' comes again once it is
    if (!store.isPending(e.key)) continue; // settled meanwhile by its result frame
    try {
      const body = await api.idempotentWrite(e.method, e.path, e.body, e.key);
      if (body && typeof body.id === 'string' && 'name' in body) store.projects.set(body.id, body);
      if (body && typeof body.id === 'string' && 'title' in body && 'version' in body) store.upsert(body);
      store.settleRest(e.key, true, body);
    } catch (ex) {
      if (ex.status === 0) return false;
      store.settleRest(e.key, false, ex);
    }
  }
  return true;
}

export function renderConn() {
  const state = app.socket ? app.socket.state : 'signedout';
  setConn(state);
}

export function setConn(state) {
  const box = $('conn');
  const text = $('conn-text');
  const detail = $('conn-detail');
  const pending = store.pendingCount();
  box.dataset.state = state === 'online' ? 'online' : state === 'signedout' ? 'signedout' : app.everOnline ? 'offline' : 'connecting';
  const label = {
    online: 'Live',
    signedout: 'Signed out',
  }[state] || (app.everOnline ? 'Offline' : 'Connecting…');
  if (text.textContent !== label) text.textContent = label;
  let d = '';
  if (state === 'offline' && app.socket?.retryAt) {
    const s = Math.max(0, Math.ceil((app.socket.retryAt - Date.now()) / 1000));
    d = `reconnecting in ${s} s`;
  } else if (state === 'connecting' && app.everOnline) d = 'reconnecting…';
  else if (state === 'resyncing') d = 'catching up…';
  if (pending) d = `${d ? `${d} · ` : ''}${pending} unsaved`;
  detail.textContent = d;
  $('conn-retry').hidden = state !== 'offline';
  const banner = $('offline-banner');
  banner.hidden = state === 'online' || state === 'signedout' || !app.everOnline;
  const waiting = pending === 0 ? 'No changes waiting to be sent.'
    : `${pending} change${pending === 1 ? '' : 's'} waiting to be sent.`;
  if ($('pending-text').textContent !== waiting) $('pending-text').textContent = waiting;
  banner.dataset.pending = String(pending);
  clearInterval(connTimer);
  if (state === 'offline') connTimer = setInterval(() => setConn(app.socket?.state || 'signedout'), 1000);
}
