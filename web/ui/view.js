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

export function matches(item, f) {
  const t = item.todo;
  if (item.deleting) return false;
  if (f.status === 'open' && t.completed) return false;
  if (f.status === 'done' && !t.completed) return false;
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
    t.recurrence, (t.reminders || []).map((r) => [r.state, r.at, r.offset]), item.pending, t.version, minute]);
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
    type: 'checkbox', class: 'check', checked: !!t.completed, disabled: creating,
    'aria-label': `Done: ${t.title}`, onchange: () => act.toggle(t.id),
  });
  li.replaceChildren(
    check,
    el('div', { class: 'todo-body', ondblclick: () => !creating && act.edit(t.id) },
      el('span', { class: 'todo-title', id: titleId }, t.title),
      meta.length ? el('div', { class: 'meta' }, meta) : null),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'btn btn-small btn-ghost edit', disabled: creating, 'aria-label': `Edit ${t.title}`, onclick: () => act.edit(t.id) },
        icon('edit'), el('span', { class: 'label' }, 'Edit')),
      el('button', { type: 'button', class: 'btn btn-small btn-ghost delete', disabled: creating, 'aria-label': `Delete ${t.title}`, onclick: () => act.remove(t.id) },
        icon('trash'), el('span', { class: 'label' }, 'Delete'))),
  );
}

/** Keyed reconciliation of the <ul>: reuse rows, rebuild only changed ones, keep editors open. */
export class ListView {
  constructor(ul, act) {
    this.ul = ul;
    this.act = act;
    this.rows = new Map(); // id -> {li, sig}
  }

  render(items, editingId) {
    const minute = Math.floor(Date.now() / 60000);
    const focused = document.activeElement;
    const focusedRow = focused && this.ul.contains(focused) ? focused.closest('li.todo') : null;
    const focusedId = focusedRow?.dataset.id;
    const focusedClass = focused && focused !== focusedRow ? [...focused.classList].find((c) => ['check', 'edit', 'delete'].includes(c)) : null;

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

  /** Roving tabindex: the current row is the list's one tab stop. */
  setCurrent(id) {
    for (const [rid, row] of this.rows) row.li.tabIndex = rid === id ? 0 : -1;
  }
}
