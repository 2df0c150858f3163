// Words for queued writes: what the offline banner lists ("add “buy milk”", "new project
// “Home”") and the message shown when the server refuses one.

import { describeProblem } from './client.js';

const q = (s) => `“${s}”`;

/** Why a write was refused, for a person. */
export function reasonOf(e) {
  return e?.status === 412 ? 'it was changed elsewhere in the meantime, so your change was not applied'
    : describeProblem(e?.problem, e?.status);
}

/** The message for a refused todo command. */
export function refusalText(op, what, e) {
  const verb = { create: 'add', update: 'save', delete: 'delete' }[op] || op;
  return `Couldn't ${verb} ${q(what || 'the todo')}: ${reasonOf(e)}`;
}

/** The message for a refused queued write whose caller is gone (restored after a reload). */
export function refusalOf(entry, e, names) {
  if (entry.kind === 'ws') return refusalText(entry.op, entry.what || names.todo(entry.id) || entry.frame?.body?.title, e);
  if (entry.path === '/quick-add') return `Couldn't add ${q(entry.body?.text || entry.what)}: ${reasonOf(e)}`;
  return `Couldn't save ${q(entry.what || entry.body?.name || 'the project')}: ${reasonOf(e)}`;
}

/**
 * A short description of a queued write, for the banner.
 * @param {object} entry  a queued write (store.pending)
 * @param {{todo: (id) => string|undefined, project: (id) => string|undefined}} names  as shown now
 */
export function describeWrite(entry, names) {
  if (entry.kind === 'ws') {
    const body = entry.frame?.body || {};
    const t = q(names.todo(entry.id) || entry.what || body.title || 'a todo');
    if (entry.op === 'create') return `${body.parent_id ? 'add subtask' : 'add'} ${q(body.title)}`;
    if (entry.op === 'delete') return `delete ${t}`;
    if (entry.op !== 'update') return `${entry.op} a reminder of ${t}`;
    const keys = Object.keys(body);
    if (keys.length === 1 && keys[0] === 'completed') return `${body.completed ? 'complete' : 'reopen'} ${t}`;
    if (keys.length === 1 && keys[0] === 'archived') return `${body.archived ? 'archive' : 'restore'} ${t}`;
    if (keys.length === 1 && keys[0] === 'order') return `reorder ${t}`;
    return `edit ${t}`;
  }
  if (entry.path === '/quick-add') return `add ${q(entry.body?.text || entry.what)}`;
  const m = /^\/projects(?:\/([^/?]+))?/.exec(entry.path || '');
  if (m && !m[1]) return `new project ${q(entry.body?.name || entry.what)}`;
  if (m) {
    const name = q(names.project(decodeURIComponent(m[1])) || entry.what || 'a project');
    const body = entry.body || {};
    if ('archived' in body) return `${body.archived ? 'archive' : 'restore'} project ${name}`;
    if ('name' in body && Object.keys(body).length === 1) return `rename project to ${q(body.name)}`;
    if ('order' in body) return `reorder project ${name}`;
    return `change project ${name}`;
  }
  return entry.what || `${entry.method} ${entry.path}`;
}
