// The local model: todos as the server last told us (from the list, events and results),
// plus our own writes still in flight, which the view shows on top until their result arrives.

import { ApiError } from './client.js';

const PRIORITY_RANK = { urgent: 4, high: 3, medium: 2, low: 1, none: 0 };

export function priorityRank(p) {
  return PRIORITY_RANK[p] ?? 0;
}

function newRequestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class Store extends EventTarget {
  constructor() {
    super();
    this.todos = new Map();      // id -> todo (server state)
    this.tombstones = new Set(); // deleted ids: a late list page or result must not bring them back
    this.pending = new Map();    // request_id -> {frame, op, id, resolve, reject, sentOn}
    this.lastSeq = null;         // highest event sequence applied; null: not synced
    this.loaded = false;
    this.buffer = null;          // events seen while a list reload is in flight
  }

  changed(reason) {
    this.dispatchEvent(new CustomEvent('change', { detail: { reason } }));
  }

  /** Replace the model with a fresh list; events that arrive meanwhile are re-applied after it. */
  async reload(fetchList) {
    this.buffer = [];
    let items;
    try {
      items = await fetchList();
    } catch (e) {
      this.buffer = null;
      throw e;
    }
    const buffered = this.buffer;
    this.buffer = null;
    this.todos = new Map();
    for (const t of items) this.upsert(t);
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
    if (ev.type === 'todo.deleted') {
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
    const rid = newRequestId();
    const frame = { type: 'command', request_id: rid, op };
    if (id) frame.id = id;
    if (body !== undefined) frame.body = body;
    if (ifMatch != null) frame.if_match = ifMatch;
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    this.pending.set(rid, {
      frame, op, id: id || `new:${rid}`, resolve, reject, sentOn: null, at: Date.now(),
    });
    this.changed('pending');
    this.dispatchEvent(new CustomEvent('send'));
    return promise;
  }

  /** Send every write not yet sent on this connection. Resending is safe: the
   *  server treats a command's request_id as its idempotency key. */
  flush(send, connection) {
    for (const entry of this.pending.values()) {
      if (entry.sentOn === connection) continue;
      if (!send(entry.frame)) return;
      entry.sentOn = connection;
    }
  }

  /** A `result` or `error` frame. Results of other sessions' commands update the model too. */
  applyResult(frame) {
    const entry = frame.request_id ? this.pending.get(frame.request_id) : null;
    const ok = frame.type === 'result' && frame.status >= 200 && frame.status < 300;
    const body = frame.type === 'result' ? frame.body : frame.problem;
    if (ok && body && typeof body.id === 'string' && 'version' in body) this.upsert(body);
    if (!entry) {
      if (ok || body) this.changed('result');
      return;
    }
    this.pending.delete(frame.request_id);
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
      if (op === 'create') {
        const now = new Date(entry.at).toISOString();
        out.set(entry.id, {
          todo: {
            notes: '', priority: 'none', tags: [], due: null, completed: false, completed_at: null,
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
