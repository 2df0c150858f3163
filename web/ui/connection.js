// The connection indicator, the offline banner (what is waiting to be sent) and the queue
// wiring: queued writes sent when the socket is open (commands as frames, REST writes replayed
// with their Idempotency-Key), refusals of writes restored after a reload shown, temporary ids
// replaced once their create is answered, and the cache of the server's state in IndexedDB.

import * as api from './client.js';
import { $, app, store, prefs, savePrefs } from './state.js';
import { scheduleRender } from './list.js';
import { loadList } from './live.js';
import { listView } from './rows.js';
import { toast } from './notices.js';
import { describeWrite, refusalOf } from './pending.js';

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

// A write restored from IndexedDB was refused: nobody else will say so.
store.addEventListener('refused', (e) => toast(refusalOf(e.detail.entry, e.detail.error, names()), { kind: 'error' }));

// A todo or project made here was created: what pointed at its temporary id follows it.
store.addEventListener('created', (e) => {
  const { temp, real } = e.detail;
  listView.rekey(temp, real);
  if (prefs.view === temp) prefs.view = real;
  if (prefs.collapsed.includes(temp)) prefs.collapsed = prefs.collapsed.map((id) => (id === temp ? real : id));
  savePrefs();
  for (const k of ['editingId', 'currentId', 'subtaskFor']) if (app[k] === temp) app[k] = real;
});

/** Titles and project names as shown now (queued writes applied). */
function names() {
  const todos = new Map(store.items().map((i) => [i.todo.id, i.todo.title]));
  const projects = new Map(store.projectItems().map((i) => [i.project.id, i.project.name]));
  return { todo: (id) => todos.get(id), project: (id) => projects.get(id) };
}

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

/** The body of an accepted request once it is done (undefined while it is still pending after
 *  a few seconds); an ApiError when it failed. */
async function outcomeOf(requestId) {
  for (let i = 0; i < 20; i += 1) {
    const r = await api.request('GET', `/requests/${encodeURIComponent(requestId)}`);
    if (r?.state === 'done') return r.body;
    if (r?.state === 'failed') throw new api.ApiError(r.status || 409, r.body || { detail: 'failed' });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** One pass over the queued REST writes; false when the network failed. */
async function replayOnce() {
  for (const e of store.restWrites()) {
    if (!e.stored) break; // kept in IndexedDB first; 'send' comes again once it is
    if (!store.isPending(e.key)) continue; // settled meanwhile by its result frame
    const blocked = store.blocked(e);
    if (blocked === 'wait') continue; // sent once the create it refers to is answered
    if (blocked === 'orphan') {
      store.refuse(e, 'it refers to a todo or project that was never created');
      continue;
    }
    try {
      let body = await api.idempotentWrite(e.method, e.path, e.body, e.key);
      if (body && typeof body.id !== 'string' && typeof body.request_id === 'string') {
        // accepted, not yet applied (202: the wait ran out, or a node that answers every
        // write asynchronously): what it created comes with its outcome
        body = await outcomeOf(body.request_id);
        if (body === undefined) continue; // still pending: asked again on the next pass
      }
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
  if (!banner.hidden) renderPendingList();
  clearInterval(connTimer);
  if (state === 'offline') connTimer = setInterval(() => setConn(app.socket?.state || 'signedout'), 1000);
}

const LIST_MAX = 30;
let listShown = '';
let toggledByHand = false;
$('pending-details').querySelector('summary').addEventListener('click', () => { toggledByHand = true; });

/** The banner's list of what is waiting, in the order it was made: open while short (at most
 *  3), else collapsed to its count unless the person opened it. Outside the live region, so a
 *  change is not read out item by item. */
function renderPendingList() {
  const entries = [...store.pending.values()];
  const n = names();
  const texts = entries.slice(0, LIST_MAX).map((e) => describeWrite(e, n));
  if (entries.length > LIST_MAX) texts.push(`and ${entries.length - LIST_MAX} more`);
  const key = texts.join('\n');
  const details = $('pending-details');
  details.hidden = entries.length === 0;
  if (!toggledByHand) details.open = entries.length <= 3;
  if (key === listShown) return;
  listShown = key;
  $('pending-count').textContent = String(entries.length);
  $('pending-list').replaceChildren(...texts.map((t) => {
    const li = document.createElement('li');
    li.textContent = t;
    return li;
  }));
}
