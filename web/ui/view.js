// The list: filtering, sorting, counts and the rows (keyed, so focus and open editors survive updates).

import { el, icon } from './dom.js';
import { formatDue, isOverdue, dueMillis, formatInZone, browserZone, isDateOnly } from './dates.js';
import { priorityRank } from './store.js';
import { describeRecurrence } from './schedule.js';

export const SORTS = [
  ['smart', 'Due date'],
  ['priority', 'Priority'],
  ['created', 'Newest'],
  ['updated', 'Last changed'],
  ['title', 'Title A–Z'],
  ['order', 'Manual order'],
];

/** The view (all, archive or a project) a todo belongs to, before the other filters. */
export function inView(item, f) {
  const t = item.todo;
  if (item.deleting) return false;
  if (f.view === 'archive') return !!t.archived;
  if (t.archived) return false;
  return !f.view || f.view === 'all' || (t.project_id || 'p_inbox') === f.view;
}

export function matches(item, f) {
  const t = item.todo;
  if (!inView(item, f)) return false;
  if (f.view !== 'archive' && f.status === 'open' && t.completed) return false;
  if (f.view !== 'archive' && f.status === 'done' && !t.completed) return false;
  if (f.priority && (t.priority || 'none') !== f.priority) return false;
  if (f.tag && !(t.tags || []).some((x) => x.toLowerCase() === f.tag.toLowerCase())) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    const hay = `${t.title}\n${t.notes || ''}\n${(t.tags || []).join(' ')}`.toLowerCase();
    if (!q.split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
  }
  return true;
}

const byDue = (a, b) => {
  const da = dueMillis(a.due);
  const db = dueMillis(b.due);
  if (da == null && db == null) return 0;
  if (da == null) return 1;
  if (db == null) return -1;
  return da - db;
};
const byCreatedDesc = (a, b) => (b.created_at || '').localeCompare(a.created_at || '');

export function compare(sort) {
  const cmp = {
    smart: (a, b) => byDue(a, b) || priorityRank(b.priority) - priorityRank(a.priority) || byCreatedDesc(a, b),
    priority: (a, b) => priorityRank(b.priority) - priorityRank(a.priority) || byDue(a, b) || byCreatedDesc(a, b),
    created: byCreatedDesc,
    updated: (a, b) => (b.updated_at || '').localeCompare(a.updated_at || ''),
    title: (a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }),
    order: (a, b) => (a.order ?? 0) - (b.order ?? 0) || byCreatedDesc(a, b),
  }[sort] || byDue;
  // open before done when both are shown
  return (x, y) => (x.todo.completed - y.todo.completed) || cmp(x.todo, y.todo);
}

/**
 * Subtasks under their parents: roots (and todos whose parent is not shown) sorted by `cmp`,
 * each followed by its subtasks (unless collapsed), with depth and whether it has any.
 */
export function arrange(items, cmp, collapsed) {
  const byId = new Map(items.map((i) => [i.todo.id, i]));
  const kids = new Map();
  const roots = [];
  for (const i of items) {
    const pid = i.todo.parent_id;
    if (pid && byId.has(pid) && pid !== i.todo.id) {
      if (!kids.has(pid)) kids.set(pid, []);
      kids.get(pid).push(i);
    } else roots.push(i);
  }
  const out = [];
  const seen = new Set();
  const walk = (i, depth, parent) => {
    if (seen.has(i.todo.id)) return;
    seen.add(i.todo.id);
    const children = (kids.get(i.todo.id) || []).sort(cmp);
    const expanded = !collapsed.has(i.todo.id);
    out.push({ ...i, depth, parent, hasChildren: children.length > 0, expanded });
    if (expanded) for (const c of children) walk(c, depth + 1, i.todo.id);
  };
  for (const r of roots.sort(cmp)) walk(r, 0, null);
  return out;
}

export function countsOf(items) {
  let open = 0;
  let done = 0;
  let overdue = 0;
  const now = Date.now();
  for (const { todo, deleting } of items) {
    if (deleting) continue;
    if (todo.completed) done += 1;
    else {
      open += 1;
      if (isOverdue(todo.due, now)) overdue += 1;
    }
  }
  return { open, done, all: open + done, overdue };
}

export function allTags(items) {
  const seen = new Map();
  for (const { todo } of items) for (const tag of todo.tags || []) {
    const k = tag.toLowerCase();
    if (!seen.has(k)) seen.set(k, tag);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
}

/** What a row shows; a row is rebuilt only when this changes. */
function signature(item, minute) {
  const t = item.todo;
  return JSON.stringify([t.title, t.completed, t.priority, t.tags, t.due, t.time_zone, t.notes ? 1 : 0,
    t.recurrence, (t.reminders || []).map((r) => [r.state, r.at, r.offset]), item.pending, t.version, minute,
    item.depth, item.hasChildren, item.expanded, item.archiveView, item.draggable, item.subtaskOpen, t.archived]);
}

/**
 * Build the contents of one row.
 * @param {HTMLLIElement} li
 * @param {{todo, pending}} item
 * @param {{toggle, edit, remove}} act
 */
export function fillRow(li, item, act) {
  const t = item.todo;
  const creating = item.pending === 'create';
  const titleId = `title-${t.id}`;
  li.className = ['todo', t.completed && 'done', item.pending && 'pending', !t.completed && isOverdue(t.due) && 'overdue']
    .filter(Boolean).join(' ');
  li.setAttribute('aria-labelledby', titleId);
  li.dataset.depth = String(item.depth || 0);
  li.style.setProperty('--depth', String(item.depth || 0));
  li.draggable = !!item.draggable;
  if (item.depth) li.setAttribute('aria-describedby', `title-${item.parent}`); else li.removeAttribute('aria-describedby');
  if (item.pending) li.setAttribute('aria-busy', 'true'); else li.removeAttribute('aria-busy');

  const meta = [];
  if (t.priority && t.priority !== 'none') {
    meta.push(el('span', { class: `chip prio prio-${t.priority}` }, el('span', { class: 'sr-only' }, 'Priority: '), t.priority));
  }
  if (t.due) {
    const overdue = !t.completed && isOverdue(t.due);
    const other = t.time_zone && !isDateOnly(t.due) && t.time_zone !== browserZone() ? formatInZone(t.due, t.time_zone) : '';
    meta.push(el('span', { class: `chip due${overdue ? ' is-overdue' : ''}`, title: other || null },
      el('span', { class: 'sr-only' }, overdue ? 'Overdue, was due ' : 'Due '),
      icon('calendar'), formatDue(t.due),
      other && el('span', { class: 'zone-note' }, ` (${other})`)));
  }
  if (t.recurrence) {
    meta.push(el('span', { class: 'chip rec' }, icon('repeat'), describeRecurrence(t.recurrence)));
  }
  const rems = Array.isArray(t.reminders) ? t.reminders : [];
  const activeRems = rems.filter((r) => !r.state || r.state === 'pending' || r.state === 'fired');
  if (activeRems.length) {
    const fired = rems.some((r) => r.state === 'fired');
    meta.push(el('span', { class: `chip rem${fired ? ' rem-fired' : ''}` },
      icon('bell'),
      `${activeRems.length} reminder${activeRems.length === 1 ? '' : 's'}`));
  }
  for (const tag of t.tags || []) meta.push(el('span', { class: 'chip tag' }, `#${tag}`));
  if (t.notes) meta.push(el('span', { class: 'chip notes', title: t.notes }, icon('note'), 'notes'));
  if (item.pending) {
    meta.push(el('span', { class: 'chip saving' }, creating ? 'adding…' : 'saving…'));
  }

  const check = el('input', {
    type: 'checkbox', class: 'check', checked: !!t.completed,
    'aria-label': `Done: ${t.title}`, onchange: () => act.toggle(t.id),
  });
  const toggleKids = item.hasChildren
    ? el('button', {
      type: 'button', class: 'btn btn-icon twisty', 'aria-expanded': item.expanded ? 'true' : 'false',
      'aria-label': `Subtasks of ${t.title}`, onclick: () => act.collapse(t.id),
    }, icon('chevron'))
    : el('span', { class: 'twisty-space', 'aria-hidden': 'true' });
  const ghost = 'btn btn-small btn-ghost';
  const actions = item.archiveView
    ? [el('button', { type: 'button', class: `${ghost} restore`, 'aria-label': `Restore ${t.title}`, onclick: () => act.restore(t.id) },
      icon('restore'), el('span', { class: 'label' }, 'Restore'))]
    : [el('button', { type: 'button', class: `${ghost} edit`, 'aria-label': `Edit ${t.title}`, onclick: () => act.edit(t.id) },
      icon('edit'), el('span', { class: 'label' }, 'Edit')),
    el('button', { type: 'button', class: `${ghost} subtask`, 'aria-label': `Add subtask under ${t.title}`, onclick: () => act.addSubtask(t.id) },
      icon('plus'), el('span', { class: 'label' }, 'Subtask')),
    el('button', { type: 'button', class: `${ghost} archive`, 'aria-label': `Archive ${t.title}`, onclick: () => act.archive(t.id) },
      icon('archive'), el('span', { class: 'label' }, 'Archive'))];
  actions.push(el('button', { type: 'button', class: `${ghost} delete`, 'aria-label': `Delete ${t.title}`, onclick: () => act.remove(t.id) },
    icon('trash'), el('span', { class: 'label' }, 'Delete')));
  if (item.draggable) {
    actions.unshift(el('button', {
      type: 'button', class: `${ghost} grip`, 'aria-label': `Move ${t.title} (Alt+Arrow up or down)`,
      'aria-keyshortcuts': 'Alt+ArrowUp Alt+ArrowDown',
      onkeydown: (e) => {
        if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          e.preventDefault();
          act.move(t.id, e.key === 'ArrowUp' ? -1 : 1);
        }
      },
    }, icon('grip')));
  }
  let subForm = null;
  if (item.subtaskOpen) {
    const input = el('input', { type: 'text', maxlength: '500', class: 'subtask-title', 'aria-label': `New subtask of ${t.title}` });
    subForm = el('form', { class: 'subtask-form', autocomplete: 'off' }, input,
      el('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Add'),
      el('button', { type: 'button', class: 'btn btn-small', onclick: () => act.closeSubtask(t.id) }, 'Cancel'));
    subForm.addEventListener('submit', (e) => {
      e.preventDefault();
      if (input.value.trim()) act.createSubtask(t.id, input.value.trim());
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        act.closeSubtask(t.id);
      }
    });
    queueMicrotask(() => input.focus());
  }
  li.replaceChildren(
    toggleKids,
    check,
    el('div', { class: 'todo-body', ondblclick: () => act.edit(t.id) },
      el('span', { class: 'todo-title', id: titleId }, t.title),
      meta.length ? el('div', { class: 'meta' }, meta) : null,
      subForm),
    el('div', { class: 'actions' }, actions),
  );
}

/** Keyed reconciliation of the <ul>: reuse rows, rebuild only changed ones, keep editors open. */
export class ListView {
  constructor(ul, act) {
    this.ul = ul;
    this.act = act;
    this.rows = new Map(); // id -> {li, sig}
    this.dragId = null;
    ul.addEventListener('dragstart', (e) => {
      const li = e.target.closest?.('li.todo');
      if (!li || !li.draggable) return;
      this.dragId = li.dataset.id;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', li.dataset.id);
      li.classList.add('dragging');
    });
    ul.addEventListener('dragover', (e) => {
      const li = e.target.closest?.('li.todo');
      if (this.dragId && li && li.dataset.id !== this.dragId) e.preventDefault();
    });
    ul.addEventListener('drop', (e) => {
      const li = e.target.closest?.('li.todo');
      const from = this.dragId;
      this.dragId = null;
      if (!from || !li || li.dataset.id === from) return;
      e.preventDefault();
      const r = li.getBoundingClientRect();
      act.drop(from, li.dataset.id, e.clientY > r.top + r.height / 2);
    });
    ul.addEventListener('dragend', () => {
      this.dragId = null;
      for (const li of ul.querySelectorAll('li.dragging')) li.classList.remove('dragging');
    });
  }

  render(items, editingId) {
    const minute = Math.floor(Date.now() / 60000);
    const focused = document.activeElement;
    const focusedRow = focused && this.ul.contains(focused) ? focused.closest('li.todo') : null;
    const focusedId = focusedRow?.dataset.id;
    const focusedClass = focused && focused !== focusedRow ? [...focused.classList].find((c) => ['check', 'edit', 'delete', 'grip', 'twisty', 'subtask'].includes(c)) : null;

    const keep = new Set();
    items.forEach((item, index) => {
      const id = item.todo.id;
      keep.add(id);
      let row = this.rows.get(id);
      if (!row) {
        const li = el('li', { class: 'todo', tabindex: '-1', dataset: { id } });
        row = { li, sig: null };
        this.rows.set(id, row);
      }
      if (id !== editingId) {
        const sig = signature(item, minute);
        if (sig !== row.sig || row.li.classList.contains('editing')) {
          row.li.classList.remove('editing');
          fillRow(row.li, item, this.act);
          row.sig = sig;
        }
      }
      const at = this.ul.children[index];
      if (at !== row.li) this.ul.insertBefore(row.li, at || null);
    });
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.li.remove();
        this.rows.delete(id);
      }
    }
    if (focusedId && document.activeElement !== focused) {
      const li = this.rows.get(focusedId)?.li;
      const target = li && (focusedClass ? li.querySelector(`.${focusedClass}`) : li);
      if (target) target.focus({ preventScroll: true });
    }
  }

  row(id) {
    return this.rows.get(id)?.li || null;
  }

  /** A row shown under a temporary id now has its real one: the same element (focus, an open
   *  editor) stays, filled anew at the next render. */
  rekey(from, to) {
    const row = this.rows.get(from);
    if (!row || this.rows.has(to)) return;
    this.rows.delete(from);
    row.li.dataset.id = to;
    row.sig = null;
    this.rows.set(to, row);
  }

  /** Roving tabindex: the current row is the list's one tab stop. */
  setCurrent(id) {
    for (const [rid, row] of this.rows) row.li.tabIndex = rid === id ? 0 : -1;
  }
}
