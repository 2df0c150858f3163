// The local model: todos as the server last told us (from the list, events and results),
// plus our own writes still in flight, which the view shows on top until their result arrives.

import { ApiError } from './client.js';
import * as queue from './queue.js';
import { overlayTodos, overlayProjects } from './overlay.js';
import { tempId, createdTempId, refsOf, replaceIds, replacePath, rewriteEntry, persisted } from './tempids.js';

const PRIORITY_RANK = { urgent: 4, high: 3, medium: 2, low: 1, none: 0 };

export function priorityRank(p) {
  return PRIORITY_RANK[p] ?? 0;
}

const noop = () => {};

export class Store extends EventTarget {
  constructor() {
    super();
    this.todos = new Map();      // id -> todo (server state)
    this.projects = new Map();   // id -> project (server state)
    this.user = null;            // whose queue and cache (IndexedDB) this is
    this.tombstones = new Set(); // deleted ids: a late list page or result must not bring them back
    this.pending = new Map();    // key -> {kind:'ws', frame, op, id, …} | {kind:'rest', method, path, body, …}
    this.lastSeq = null;         // highest event sequence applied; null: not synced
    this.loaded = false;
    this.buffer = null;          // events seen while a list reload is in flight
    this.created = new Map();    // temporary id (new:<key>) -> the real id its create was given
  }

  changed(reason) {
    this.dispatchEvent(new CustomEvent('change', { detail: { reason } }));
  }

  /** Replace the model with a fresh list; events that arrive meanwhile are re-applied after it. */
  async reload(fetchList, fetchProjects) {
    this.buffer = [];
    let items;
    let projects;
    try {
      [items, projects] = await Promise.all([fetchList(), fetchProjects ? fetchProjects() : null]);
    } catch (e) {
      this.buffer = null;
      throw e;
    }
    const buffered = this.buffer;
    this.buffer = null;
    this.todos = new Map();
    for (const t of items) this.upsert(t);
    if (projects) {
      this.projects = new Map();
      for (const p of projects) this.projects.set(p.id, p);
    }
    for (const ev of buffered) this.applyEventData(ev);
    this.loaded = true;
    this.changed('reload');
  }

  upsert(todo) {
    if (!todo || typeof todo.id !== 'string' || this.tombstones.has(todo.id)) return;
    const cur = this.todos.get(todo.id);
    if (!cur || (todo.version ?? 0) >= (cur.version ?? 0)) this.todos.set(todo.id, todo);
  }

  remove(id) {
    this.todos.delete(id);
    this.tombstones.add(id);
  }

  /** One CloudEvent from the socket or GET /events. Returns false for a duplicate. */
  applyEvent(ev) {
    if (typeof ev.sequence === 'number') {
      if (this.lastSeq != null && ev.sequence <= this.lastSeq) return false;
      if (this.lastSeq != null && ev.sequence > this.lastSeq + 1) {
        this.dispatchEvent(new CustomEvent('gap', { detail: { from: this.lastSeq, to: ev.sequence } }));
      }
      this.lastSeq = ev.sequence;
    }
    if (this.buffer) this.buffer.push(ev);
    this.applyEventData(ev);
    this.changed(ev.type);
    return true;
  }

  applyEventData(ev) {
    const data = ev.data || {};
    if (typeof ev.type === 'string' && ev.type.startsWith('project.')) {
      const id = data.id || ev.subject;
      if (ev.type === 'project.deleted') this.projects.delete(id);
      else if (typeof data.id === 'string' && 'name' in data) {
        const cur = this.projects.get(data.id);
        if (!cur || (data.version ?? 0) >= (cur.version ?? 0)) this.projects.set(data.id, data);
      }
    } else if (ev.type === 'todo.deleted') {
      this.remove(data.id || ev.subject);
    } else if (data && typeof data.id === 'string' && 'version' in data && 'title' in data) {
      // todo.created/updated/completed/reopened and any later type that carries the todo
      this.upsert(data);
    } else if (data && data.todo && typeof data.todo.id === 'string') {
      this.upsert(data.todo);
    }
  }

  /** Queue a write; returns a promise of the server's answer body. `what`: how the person
   *  knows the todo (its title), for messages about the write. */
  command(op, { id = null, body, ifMatch = null, what = '' } = {}) {
    const rid = queue.newKey('ui');
    // a temporary id whose create was answered meanwhile: the real one
    if (id) id = this.created.get(id) ?? id;
    if (body !== undefined) body = replaceIds(body, this.created);
    const frame = { type: 'command', request_id: rid, op };
    if (id) frame.id = id;
    if (body !== undefined) frame.body = body;
    if (ifMatch != null) frame.if_match = ifMatch;
    return this.enqueue({ key: rid, kind: 'ws', frame, op, id: id || tempId(rid), what });
  }

  /** A REST write kept in the queue (made while offline): replayed with its Idempotency-Key. */
  restWrite(method, path, body, what = '', key = queue.newKey('ui'), optimistic = null) {
    path = replacePath(path, this.created);
    if (body !== undefined) body = replaceIds(body, this.created);
    if (optimistic) optimistic = replaceIds(optimistic, this.created);
    return this.enqueue({ key, kind: 'rest', method, path, body, what, optimistic });
  }

  /** Whether a write refers to a todo or project still queued for creation (so it must be
   *  queued behind it, not sent at once). */
  refersToPending(path, body) {
    return refsOf({ kind: 'rest', path, body }).size > 0;
  }

  /** Store the write in IndexedDB first, then show it and let it be sent. */
  enqueue(stored) {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    const entry = { ...stored, user: this.user, seq: queue.nextSeq(), at: Date.now() };
    const live = { ...entry, resolve, reject, sentOn: null, stored: false };
    this.pending.set(entry.key, live);
    this.changed('pending');
    // without IndexedDB (private mode in some browsers) the write is still sent, just not kept
    queue.putWrite(entry).catch(() => {}).then(() => {
      live.stored = true;
      if (this.pending.has(entry.key)) this.dispatchEvent(new CustomEvent('send'));
    });
    return promise;
  }

  /** After a reload: the writes still queued in IndexedDB. Nobody awaits their promises, so
   *  a refusal is announced as a 'refused' event (the page shows it). */
  async restore(user, { cache = false } = {}) {
    this.user = user;
    const [writes, cached] = await Promise.all([queue.loadWrites(user), cache ? queue.loadCache(user) : null]);
    if (cached && !this.loaded) {
      for (const t of cached.todos || []) this.upsert(t);
      for (const p of cached.projects || []) this.projects.set(p.id, p);
      this.fromCache = true; // shown until the server's list replaces it
      this.loaded = true;
    }
    for (const w of writes) {
      if (!this.pending.has(w.key)) {
        const live = { ...w, resolve: noop, sentOn: null, stored: true, restored: true };
        live.reject = (error) => this.dispatchEvent(new CustomEvent('refused', { detail: { entry: live, error } }));
        this.pending.set(w.key, live);
      }
    }
    this.changed('restore');
    if (writes.length) this.dispatchEvent(new CustomEvent('send'));
    return { writes: writes.length, cached: !!cached };
  }

  /** Keep the last server state for a reload while offline. */
  saveCache() {
    if (!this.user || !this.loaded) return;
    queue.saveCache(this.user, { todos: [...this.todos.values()], projects: [...this.projects.values()], at: Date.now() });
  }

  /** The outcome of a queued REST write (anything but a network failure). */
  settleRest(key, ok, value) {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.settle(entry, ok, ok ? value : null);
    if (ok) entry.resolve(value); else entry.reject(value);
    this.changed(ok ? 'confirmed' : 'rejected');
  }

  /** A write's outcome arrived: it leaves the queue, and the writes waiting for it (it was a
   *  create) are rewritten with the real id, or, when it was refused, refused too. */
  settle(entry, ok, body) {
    this.pending.delete(entry.key);
    const temp = createdTempId(entry);
    if (temp && ok && body && typeof body.id === 'string') this.mapId(temp, body.id);
    else if (temp && !ok) this.refuseDependents(entry);
    // after the rewritten dependents were put (IndexedDB runs the transactions in order), so a
    // reload in between finds them with the real id
    queue.deleteWrite(entry.key);
  }

  mapId(temp, real) {
    this.created.set(temp, real);
    const map = new Map([[temp, real]]);
    const key = temp.slice('new:'.length);
    for (const e of this.pending.values()) {
      if (!refsOf(e).has(key)) continue;
      rewriteEntry(e, map);
      queue.putWrite(persisted(e)).catch(() => {});
    }
    this.dispatchEvent(new CustomEvent('created', { detail: { temp, real } }));
    this.dispatchEvent(new CustomEvent('send'));
  }

  /** The create `cause` was refused: every write that waits for it is refused as well. */
  refuseDependents(cause) {
    const key = cause.key;
    const name = cause.kind === 'ws' ? cause.frame?.body?.title : cause.body?.name ?? cause.body?.text;
    for (const e of [...this.pending.values()]) {
      if (!this.pending.has(e.key) || !refsOf(e).has(key)) continue;
      this.refuse(e, `it refers to “${name || cause.what || 'a new item'}”, which could not be created`);
    }
  }

  /** Refuse a queued write without sending it (what it refers to will never exist). */
  refuse(entry, detail) {
    this.settle(entry, false, null);
    // after the refusal of what it depends on, which its caller reports right after this
    queueMicrotask(() => entry.reject(new ApiError(409, { title: 'Not sent', detail })));
    this.changed('rejected');
  }

  /** 'wait': it refers to a create still queued; 'orphan': to one that is gone unanswered. */
  blocked(entry) {
    let state = null;
    for (const k of refsOf(entry)) {
      if (this.pending.has(k)) state = 'wait';
      else if (!this.created.has(tempId(k))) return 'orphan';
    }
    return state;
  }

  isPending(key) {
    return this.pending.has(key);
  }

  restWrites() {
    return [...this.pending.values()].filter((e) => e.kind === 'rest');
  }

  /** Send every write not yet sent on this connection. Resending is safe: the
   *  server treats a command's request_id as its idempotency key. */
  flush(send, connection) {
    const held = new Set(); // todos with an earlier write still waiting: theirs wait too
    for (const entry of [...this.pending.values()]) {
      if (entry.kind !== 'ws' || entry.sentOn === connection || !this.pending.has(entry.key)) continue;
      if (!entry.stored) return; // kept in IndexedDB first; 'send' comes again once it is
      const b = this.blocked(entry);
      if (b === 'orphan') {
        this.refuse(entry, 'it refers to a todo or project that was never created');
        continue;
      }
      if (b === 'wait' || held.has(entry.id)) {
        held.add(entry.id);
        continue;
      }
      if (!send(entry.frame)) return;
      entry.sentOn = connection;
    }
  }

  /** A `result` or `error` frame. Results of other sessions' commands update the model too. */
  applyResult(frame) {
    // our command frames by request id; our REST writes by their Idempotency-Key, whose
    // result may come here before the HTTP answer does
    const key = frame.request_id && this.pending.has(frame.request_id) ? frame.request_id
      : frame.type === 'result' && this.pending.get(frame.idempotency_key)?.kind === 'rest' ? frame.idempotency_key
        : null;
    const entry = key ? this.pending.get(key) : null;
    const ok = frame.type === 'result' && frame.status >= 200 && frame.status < 300;
    const body = frame.type === 'result' ? frame.body : frame.problem;
    // every command of the user is answered on every socket, project writes (REST) too
    if (ok && body && typeof body.id === 'string' && 'version' in body) {
      if ('title' in body) this.upsert(body);
      else if ('name' in body) {
        const cur = this.projects.get(body.id);
        if (!cur || (body.version ?? 0) >= (cur.version ?? 0)) this.projects.set(body.id, body);
      }
    }
    if (!entry) {
      if (ok || body) this.changed('result');
      return;
    }
    this.settle(entry, ok, ok ? body : null);
    if (ok) {
      if (entry.op === 'delete') this.remove(entry.id);
      entry.resolve(body);
    } else {
      entry.reject(new ApiError(frame.status, normaliseProblem(body)));
    }
    this.changed(ok ? 'confirmed' : 'rejected');
  }

  pendingCount() {
    return this.pending.size;
  }

  /** Todos as the person should see them: server state with our writes in flight applied. */
  items() {
    return overlayTodos(this);
  }

  /** Projects as the person should see them: server state with queued REST writes applied. */
  projectItems() {
    return overlayProjects(this);
  }

  hasPendingFor(id) {
    for (const e of this.pending.values()) if (e.id === id || createdTempId(e) === id) return true;
    return false;
  }
}

/** Socket problems name body fields as `body/title`; the editor knows them as `title`. */
export function normaliseProblem(p) {
  if (!p || typeof p !== 'object') return { detail: String(p ?? 'rejected') };
  const field = typeof p.field === 'string' ? p.field.replace(/^body\//, '') : p.field;
  return { ...p, field };
}
