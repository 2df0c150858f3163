// The local model: todos as the server last told us (from the list, events and results),
// plus our own writes still in flight, which the view shows on top until their result arrives.

import { ApiError } from './client.js';
import * as queue from './queue.js';

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

  /** Queue a write; returns a promise of the server's answer body. */
  command(op, { id = null, body, ifMatch = null } = {}) {
    const rid = queue.newKey('ui');
    const frame = { type: 'command', request_id: rid, op };
    if (id) frame.id = id;
    if (body !== undefined) frame.body = body;
    if (ifMatch != null) frame.if_match = ifMatch;
    return this.enqueue({ key: rid, kind: 'ws', frame, op, id: id || `new:${rid}` });
  }

  /** A REST write kept in the queue (made while offline): replayed with its Idempotency-Key. */
  restWrite(method, path, body, what = '', key = queue.newKey('ui'), optimistic = null) {
    return this.enqueue({ key, kind: 'rest', method, path, body, what, optimistic });
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

  /** After a reload: the writes still queued in IndexedDB (their promises nobody awaits). */
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
        this.pending.set(w.key, { ...w, resolve: noop, reject: noop, sentOn: null, stored: true });
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
    this.pending.delete(key);
    queue.deleteWrite(key);
    if (ok) entry.resolve(value); else entry.reject(value);
    this.changed(ok ? 'confirmed' : 'rejected');
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
    for (const entry of this.pending.values()) {
      if (entry.kind !== 'ws' || entry.sentOn === connection) continue;
      if (!entry.stored) return; // kept in IndexedDB first; 'send' comes again once it is
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
    this.pending.delete(key);
    queue.deleteWrite(key);
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
    const out = new Map();
    for (const [id, t] of this.todos) out.set(id, { todo: t, pending: null, deleting: false });
    for (const entry of this.pending.values()) {
      const { op, frame } = entry;
      if (entry.kind === 'rest' && entry.path === '/quick-add' && entry.optimistic) {
        const now = new Date(entry.at).toISOString();
        out.set(`new:${entry.key}`, {
          todo: {
            notes: '', priority: 'none', tags: [], due: null, completed: false, completed_at: null,
            project_id: null, parent_id: null, archived: false, order: 0, created_at: now, updated_at: now,
            version: 0, ...entry.optimistic, id: `new:${entry.key}`,
          },
          pending: 'create',
          deleting: false,
        });
      }
      if (entry.kind !== 'ws') continue;
      if (op === 'create') {
        const now = new Date(entry.at).toISOString();
        out.set(entry.id, {
          todo: {
            notes: '', priority: 'none', tags: [], due: null, completed: false, completed_at: null,
            project_id: null, parent_id: null, archived: false,
            order: 0, created_at: now, updated_at: now, version: 0, ...frame.body, id: entry.id,
          },
          pending: 'create',
          deleting: false,
        });
      } else if (op === 'update') {
        const item = out.get(entry.id);
        if (!item) continue;
        const todo = { ...item.todo, ...frame.body };
        if ('completed' in frame.body && frame.body.completed !== item.todo.completed) {
          todo.completed_at = frame.body.completed ? new Date(entry.at).toISOString() : null;
        }
        out.set(entry.id, { todo, pending: 'update', deleting: false });
      } else if (op === 'delete') {
        const item = out.get(entry.id);
        if (item) out.set(entry.id, { ...item, pending: 'delete', deleting: true });
      }
    }
    return [...out.values()];
  }

  /** Projects as the person should see them: server state with queued REST writes applied. */
  projectItems() {
    const out = new Map();
    for (const [id, p] of this.projects) out.set(id, { project: p, pending: null });
    for (const e of this.pending.values()) {
      if (e.kind !== 'rest') continue;
      const m = /^\/projects(?:\/([^/?]+))?/.exec(e.path);
      if (!m) continue;
      const id = m[1] && decodeURIComponent(m[1]);
      if (e.method === 'POST' && !id) {
        out.set(`new:${e.key}`, {
          project: { color: null, order: 0, archived: false, version: 0, ...e.body, id: `new:${e.key}` },
          pending: 'create',
        });
      } else if (e.method === 'PATCH' && out.has(id)) {
        out.set(id, { project: { ...out.get(id).project, ...e.body }, pending: 'update' });
      } else if (e.method === 'DELETE') out.delete(id);
    }
    return [...out.values()];
  }

  hasPendingFor(id) {
    for (const e of this.pending.values()) if (e.id === id) return true;
    return false;
  }
}

/** Socket problems name body fields as `body/title`; the editor knows them as `title`. */
export function normaliseProblem(p) {
  if (!p || typeof p !== 'object') return { detail: String(p ?? 'rejected') };
  const field = typeof p.field === 'string' ? p.field.replace(/^body\//, '') : p.field;
  return { ...p, field };
}
