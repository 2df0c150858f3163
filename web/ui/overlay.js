// What the person sees: the server's state (the store's todos and projects) with our queued
// writes applied on top (optimistic), in the order they were made. A write to a todo or
// project still queued for creation applies to its temporary `new:<key>` row.

import { tempId } from './tempids.js';

function newTodo(at, fields, id) {
  const now = new Date(at).toISOString();
  return {
    notes: '', priority: 'none', tags: [], due: null, completed: false, completed_at: null,
    project_id: null, parent_id: null, archived: false, order: 0, created_at: now, updated_at: now,
    version: 0, ...fields, id,
  };
}

/** @returns {{todo, pending: null|'create'|'update'|'delete', deleting: boolean}[]} */
export function overlayTodos(store) {
  const out = new Map();
  for (const [id, t] of store.todos) out.set(id, { todo: t, pending: null, deleting: false });
  for (const entry of store.pending.values()) {
    const { op, frame } = entry;
    if (entry.kind === 'rest' && entry.path === '/quick-add' && entry.optimistic) {
      const id = tempId(entry.key);
      out.set(id, { todo: newTodo(entry.at, entry.optimistic, id), pending: 'create', deleting: false });
    }
    if (entry.kind !== 'ws') continue;
    if (op === 'create') {
      // a subtask is in its parent's project (the server puts it there)
      const parent = frame.body.parent_id ? out.get(frame.body.parent_id)?.todo : null;
      const fields = parent && !frame.body.project_id ? { ...frame.body, project_id: parent.project_id } : frame.body;
      out.set(entry.id, { todo: newTodo(entry.at, fields, entry.id), pending: 'create', deleting: false });
    } else if (op === 'update') {
      const item = out.get(entry.id);
      if (!item) continue;
      const todo = { ...item.todo, ...frame.body };
      if ('completed' in frame.body && frame.body.completed !== item.todo.completed) {
        todo.completed_at = frame.body.completed ? new Date(entry.at).toISOString() : null;
      }
      // a todo still being created stays "adding…" while changes to it wait behind the create
      out.set(entry.id, { todo, pending: item.pending === 'create' ? 'create' : 'update', deleting: false });
    } else if (op === 'delete') {
      const item = out.get(entry.id);
      if (item) out.set(entry.id, { ...item, pending: 'delete', deleting: true });
    }
  }
  return [...out.values()];
}

/** @returns {{project, pending: null|'create'|'update'}[]} */
export function overlayProjects(store) {
  const out = new Map();
  for (const [id, p] of store.projects) out.set(id, { project: p, pending: null });
  for (const e of store.pending.values()) {
    if (e.kind !== 'rest') continue;
    const m = /^\/projects(?:\/([^/?]+))?/.exec(e.path);
    if (!m) continue;
    const id = m[1] && decodeURIComponent(m[1]);
    if (e.method === 'POST' && !id) {
      out.set(tempId(e.key), {
        project: { color: null, order: 0, archived: false, version: 0, ...e.body, id: tempId(e.key) },
        pending: 'create',
      });
    } else if (e.method === 'PATCH' && out.has(id)) {
      const cur = out.get(id);
      out.set(id, { project: { ...cur.project, ...e.body }, pending: cur.pending === 'create' ? 'create' : 'update' });
    } else if (e.method === 'DELETE') out.delete(id);
  }
  return [...out.values()];
}
