// Row actions: the keyed list's callbacks and the todo writes behind them (complete, delete
// with undo, subtasks, archive and restore, manual order by keyboard and drag and drop).

import { refusalText } from './pending.js';
import { ListView } from './view.js';
import { toast } from './notices.js';
import { reminderForWrite, recurrenceForWrite } from './schedule.js';
import { reorderWrites } from './ordering.js';
import { $, app, store, prefs, savePrefs } from './state.js';
import { render, focusRow, syncFilterControls } from './list.js';
import { openEditor } from './editing.js';

export const listView = new ListView($('list'), {
  toggle: (id) => toggle(id),
  edit: (id) => openEditor(id),
  remove: (id) => removeTodo(id),
  collapse: (id) => toggleCollapsed(id),
  addSubtask: (id) => openSubtask(id),
  closeSubtask: (id) => closeSubtask(id, true),
  createSubtask: (id, title) => createSubtask(id, title),
  archive: (id) => setArchived(id, true),
  restore: (id) => setArchived(id, false),
  move: (id, delta) => moveTodo(id, delta),
  drop: (from, target, after) => dropTodo(from, target, after),
});

/** A todo command (a socket frame, queued); a refusal is shown as a toast. A write to a todo
 *  still waiting to be created is queued behind its create (see tempids.js). */
export function write(op, args, what) {
  const p = store.command(op, { ...args, what });
  p.catch((e) => toast(refusalText(op, what, e), { kind: 'error' }));
  return p;
}

export function findItem(id) {
  return store.items().find((i) => i.todo.id === id) || null;
}

export function toggle(id) {
  const item = findItem(id);
  if (!item) return;
  write('update', { id, body: { completed: !item.todo.completed } }, item.todo.title);
}

export function removeTodo(id) {
  const item = findItem(id);
  if (!item) return;
  const t = item.todo;
  const li = listView.row(id);
  const next = li?.nextElementSibling || li?.previousElementSibling;
  write('delete', { id }, t.title);
  toast(`Deleted “${t.title}”.`, {
    action: { label: 'Undo', run: () => write('create', { body: recreateBody(t) }, t.title) },
    timeout: 8000,
  });
  if (next?.dataset.id) focusRow(next.dataset.id);
}

/** The writable fields of a deleted todo, to add it again (Undo). */
function recreateBody(t) {
  const body = { title: t.title, priority: t.priority || 'none', tags: t.tags || [], order: t.order ?? 0 };
  if (t.notes) body.notes = t.notes;
  if (t.due) body.due = t.due;
  if (t.completed) body.completed = true;
  if (app.features.schedule) {
    if (t.time_zone) body.time_zone = t.time_zone;
    if (Array.isArray(t.reminders) && t.reminders.length) body.reminders = t.reminders.map(reminderForWrite);
    if (t.recurrence) body.recurrence = recurrenceForWrite(t.recurrence);
  }
  return body;
}

// ---------------------------------------------------------------- subtasks, archive, order

function toggleCollapsed(id) {
  const set = new Set(prefs.collapsed);
  if (set.has(id)) set.delete(id); else set.add(id);
  prefs.collapsed = [...set];
  savePrefs();
  render();
  listView.row(id)?.querySelector('.twisty')?.focus();
}

export function openSubtask(id) {
  const item = findItem(id);
  if (!item) return;
  app.subtaskFor = id;
  render();
}

function closeSubtask(id, refocus) {
  app.subtaskFor = null;
  render();
  if (refocus) listView.row(id)?.querySelector('.subtask')?.focus();
}

function createSubtask(parentId, title) {
  const parent = findItem(parentId)?.todo;
  if (!parent) return;
  if (prefs.collapsed.includes(parentId)) toggleCollapsed(parentId);
  write('create', { body: { title, parent_id: parentId } }, title);
  closeSubtask(parentId, true);
}

export function setArchived(id, archived) {
  const item = findItem(id);
  if (!item) return;
  const li = listView.row(id);
  const next = li?.nextElementSibling || li?.previousElementSibling;
  write('update', { id, body: { archived } }, item.todo.title);
  toast(archived ? `Archived “${item.todo.title}”.` : `Restored “${item.todo.title}”.`, {
    action: { label: 'Undo', run: () => write('update', { id, body: { archived: !archived } }, item.todo.title) },
  });
  if (next?.dataset.id) focusRow(next.dataset.id);
}

/** The shown siblings of a todo (same parent), in the order shown. */
function siblingsOf(id) {
  const me = app.arranged.find((i) => i.todo.id === id);
  if (!me) return [];
  return app.arranged.filter((i) => i.parent === me.parent && i.depth === me.depth)
    .map((i) => ({ id: i.todo.id, order: i.todo.order ?? 0 }));
}

function writeOrders(writes) {
  for (const w of writes) {
    const t = findItem(w.id)?.todo;
    write('update', { id: w.id, body: { order: w.order } }, t?.title || 'the order');
  }
}

function ensureManualOrder() {
  if (prefs.sort === 'order') return;
  prefs.sort = 'order';
  syncFilterControls();
  savePrefs();
  render();
  toast('Sorted by manual order.');
}

export function moveTodo(id, delta) {
  ensureManualOrder();
  const sib = siblingsOf(id);
  const from = sib.findIndex((x) => x.id === id);
  writeOrders(reorderWrites(sib, from, from + delta));
  queueMicrotask(() => {
    const grip = listView.row(id)?.querySelector('.grip');
    if (grip && document.activeElement?.classList.contains('grip')) grip.focus();
    else focusRow(id);
  });
}

function dropTodo(from, target, after) {
  const sib = siblingsOf(target);
  const i = sib.findIndex((x) => x.id === from);
  if (i < 0) {
    toast('Drop a todo among its siblings to reorder it.');
    return;
  }
  const without = sib.filter((x) => x.id !== from);
  const to = without.findIndex((x) => x.id === target) + (after ? 1 : 0);
  writeOrders(reorderWrites(sib, i, to));
}
