// The project sidebar: views (all todos, archive), the projects (Inbox first) with
// create, rename, colour, reorder (drag and drop, or Alt+ArrowUp/Down and the move
// buttons), archive, and the archived projects to restore. A drawer on phones.

import { el } from './dom.js';

export const INBOX = 'p_inbox';

export function sortProjects(items) {
  return items.slice().sort((a, b) => {
    if (a.project.id === INBOX) return -1;
    if (b.project.id === INBOX) return 1;
    return (a.project.order ?? 0) - (b.project.order ?? 0)
      || a.project.name.localeCompare(b.project.name, undefined, { sensitivity: 'base' });
  });
}

/** A colour dot (CSSOM, which the Content-Security-Policy allows; a style attribute it would not). */
export function swatch(color) {
  const s = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  if (color) s.style.setProperty('--swatch', color);
  return s;
}

export class ProjectSidebar {
  /**
   * @param {{list, archived, archivedCount, views}} els
   * @param {{select, rename, color, move, drop, archive, restore}} act
   */
  constructor(els, act) {
    this.els = els;
    this.act = act;
    this.renaming = null;
    this.dragId = null;
  }

  /** @param {{project, pending}[]} items  @param {string} selected  @param {Map} counts */
  render(items, selected, counts) {
    const active = sortProjects(items.filter((i) => !i.project.archived));
    const archived = sortProjects(items.filter((i) => i.project.archived));
    const focused = document.activeElement;
    const focusKey = focused && this.els.list.contains(focused) ? [focused.closest('li')?.dataset.id, focused.dataset.role] : null;

    for (const b of this.els.views.querySelectorAll('button[data-view]')) {
      if (b.dataset.view === selected) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
    }
    this.els.list.replaceChildren(...active.map((item, i) => this.row(item, i, active.length, selected, counts)));
    this.els.archived.replaceChildren(...archived.map(({ project: p }) => el('li', { class: 'project archived', dataset: { id: p.id } },
      swatch(p.color),
      el('span', { class: 'project-name' }, p.name),
      el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Restore project ${p.name}`, onclick: () => this.act.restore(p.id) }, 'Restore'))));
    this.els.archivedCount.textContent = String(archived.length);
    if (focusKey && focusKey[0]) {
      const li = this.els.list.querySelector(`li[data-id="${CSS.escape(focusKey[0])}"]`);
      const target = li && (li.querySelector(`[data-role="${focusKey[1]}"]`) || li.querySelector('[data-role="select"]'));
      target?.focus();
    }
  }

  row({ project: p, pending }, index, count, selected, counts) {
    const isSel = p.id === selected;
    const creating = pending === 'create';
    const li = el('li', {
      class: `project${isSel ? ' selected' : ''}${pending ? ' pending' : ''}`,
      dataset: { id: p.id }, draggable: creating ? null : 'true',
    });
    if (this.renaming === p.id) {
      const input = el('input', { type: 'text', value: p.name, maxlength: '120', 'aria-label': `New name of project ${p.name}`, dataset: { role: 'rename' } });
      const form = el('form', { class: 'project-rename' }, input,
        el('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Save'),
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => this.stopRename(p.id) }, 'Cancel'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const name = input.value.trim();
        this.renaming = null;
        if (name && name !== p.name) this.act.rename(p.id, name);
        else this.stopRename(p.id);
      });
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          this.stopRename(p.id);
        }
      });
      li.append(form);
      queueMicrotask(() => { input.focus(); input.select(); });
      return li;
    }
    const n = counts.get(p.id) || 0;
    const select = el('button', {
      type: 'button', class: 'project-select', dataset: { role: 'select' },
      'aria-current': isSel ? 'page' : null, 'aria-keyshortcuts': 'Alt+ArrowUp Alt+ArrowDown',
      onclick: () => this.act.select(p.id),
    },
    swatch(p.color),
    el('span', { class: 'project-name' }, p.name),
    el('span', { class: 'count', 'aria-label': `${n} open` }, String(n)));
    select.addEventListener('keydown', (e) => {
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        this.act.move(p.id, e.key === 'ArrowUp' ? -1 : 1);
      }
    });
    li.append(select);
    if (isSel) { // (a project still being created too: its writes wait behind the create)
      li.append(el('div', { class: 'project-actions' },
        el('input', {
          type: 'color', value: p.color || '#2f55d4', 'aria-label': `Colour of project ${p.name}`, dataset: { role: 'color' },
          onchange: (e) => this.act.color(p.id, e.target.value),
        }),
        el('button', { type: 'button', class: 'btn btn-small', dataset: { role: 'rename-btn' }, 'aria-label': `Rename project ${p.name}`, onclick: () => this.startRename(p.id) }, 'Rename'),
        el('button', { type: 'button', class: 'btn btn-small', dataset: { role: 'up' }, disabled: creating || index <= 1 || p.id === 'p_inbox', 'aria-label': `Move project ${p.name} up`, onclick: () => this.act.move(p.id, -1) }, '↑'),
        el('button', { type: 'button', class: 'btn btn-small', dataset: { role: 'down' }, disabled: creating || index >= count - 1 || p.id === 'p_inbox', 'aria-label': `Move project ${p.name} down`, onclick: () => this.act.move(p.id, 1) }, '↓'),
        p.id === INBOX ? null : el('button', { type: 'button', class: 'btn btn-small', dataset: { role: 'archive' }, 'aria-label': `Archive project ${p.name}`, onclick: () => this.act.archive(p.id) }, 'Archive')));
    }
    // drag and drop among the projects (the Inbox stays first)
    li.addEventListener('dragstart', (e) => {
      this.dragId = p.id;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', p.id);
    });
    li.addEventListener('dragover', (e) => {
      if (this.dragId && this.dragId !== p.id) e.preventDefault();
    });
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      const from = this.dragId;
      this.dragId = null;
      if (!from || from === p.id) return;
      const r = li.getBoundingClientRect();
      this.act.drop(from, p.id, e.clientY > r.top + r.height / 2);
    });
    li.addEventListener('dragend', () => { this.dragId = null; });
    return li;
  }

  startRename(id) {
    this.renaming = id;
    this.act.rerender();
  }

  stopRename(id) {
    this.renaming = null;
    this.act.rerender();
    this.els.list.querySelector(`li[data-id="${CSS.escape(id)}"] [data-role="select"]`)?.focus();
  }
}
