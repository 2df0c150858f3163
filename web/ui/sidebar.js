// The projects controller: the sidebar's callbacks (select a view, create, rename, colour,
// reorder, archive and restore projects) and the drawer below 760 px. Project writes are REST
// writes with an Idempotency-Key, queued in IndexedDB while offline.

import * as api from './client.js';
import { describeProblem } from './client.js';
import { toast } from './notices.js';
import * as queue from './queue.js';
import { ProjectSidebar, INBOX, sortProjects } from './projects.js';
import { reorderWrites } from './ordering.js';
import { $, app, store, prefs, savePrefs } from './state.js';
import { render } from './list.js';

export const sidebar = new ProjectSidebar({
  list: $('project-list'), archived: $('archived-project-list'), archivedCount: $('archived-project-count'), views: $('views'),
}, {
  select: (id) => selectView(id),
  rename: (id, name) => projectWrite('PATCH', id, { name }, name),
  color: (id, color) => projectWrite('PATCH', id, { color }, 'the colour'),
  move: (id, delta) => moveProject(id, delta),
  drop: (from, target, after) => dropProject(from, target, after),
  archive: (id) => archiveProject(id),
  restore: (id) => projectWrite('PATCH', id, { archived: false }, 'the project'),
  rerender: () => render(),
});

export function selectView(id) {
  prefs.view = id;
  savePrefs();
  closeDrawer();
  render();
  $('list').focus({ preventScroll: true });
}

/** A project write over REST (Idempotency-Key, Prefer: wait); queued in IndexedDB while
 *  offline or while the project is itself still queued for creation. */
async function projectWrite(method, id, body, what) {
  const path = id ? `/projects/${encodeURIComponent(id)}` : '/projects';
  const key = queue.newKey('ui');
  const fail = (e) => toast(`Couldn't save “${what}”: ${describeProblem(e.problem, e.status)}`, { kind: 'error' });
  // a project still queued for creation: the write waits behind its create, in the queue
  if (app.socket?.isOpen && !store.refersToPending(path, body)) {
    try {
      const p = await api.idempotentWrite(method, path, body, key);
      if (p && typeof p.id === 'string' && 'name' in p) {
        const cur = store.projects.get(p.id);
        if (!cur || (p.version ?? 0) >= (cur.version ?? 0)) store.projects.set(p.id, p);
        store.changed('project');
      }
      return p;
    } catch (e) {
      if (e.status !== 0) {
        fail(e);
        return null;
      }
      // the connection went: keep it, with the same key, so a request that did arrive counts once
    }
  }
  return store.restWrite(method, path, body, what, key).catch((e) => { fail(e); return null; });
}

function createProject(ev) {
  ev.preventDefault();
  const input = $('new-project');
  const name = input.value.trim();
  if (!name) {
    input.focus();
    return;
  }
  input.value = '';
  projectWrite('POST', null, { name }, name).then((p) => {
    if (p?.id) selectView(p.id);
  });
}

function activeProjects() {
  return sortProjects(store.projectItems().filter((i) => !i.project.archived && i.pending !== 'create'))
    .filter((i) => i.project.id !== INBOX).map((i) => ({ id: i.project.id, order: i.project.order ?? 0 }));
}

function writeProjectOrders(writes) {
  for (const w of writes) projectWrite('PATCH', w.id, { order: w.order }, 'the order');
}

function moveProject(id, delta) {
  const list = activeProjects();
  const from = list.findIndex((x) => x.id === id);
  if (from < 0) return;
  writeProjectOrders(reorderWrites(list, from, from + delta));
}

function dropProject(from, target, after) {
  const list = activeProjects();
  const i = list.findIndex((x) => x.id === from);
  if (i < 0) return;
  const without = list.filter((x) => x.id !== from);
  const t = without.findIndex((x) => x.id === target);
  const to = t < 0 ? 0 : t + (after ? 1 : 0); // dropped on the Inbox: first after it
  writeProjectOrders(reorderWrites(list, i, to));
}

function archiveProject(id) {
  if (prefs.view === id) selectView('all');
  projectWrite('PATCH', id, { archived: true }, store.projects.get(id)?.name || 'the project');
}

export function openDrawer() {
  document.body.classList.add('drawer-open');
  $('sidebar-toggle').setAttribute('aria-expanded', 'true');
  $('sidebar').querySelector('button[aria-current], button')?.focus();
}

export function closeDrawer() {
  if (!document.body.classList.contains('drawer-open')) return;
  document.body.classList.remove('drawer-open');
  $('sidebar-toggle').setAttribute('aria-expanded', 'false');
}

/** The new-project form, the views, the drawer's toggle and close buttons. */
export function wireSidebar() {
  $('project-form').addEventListener('submit', createProject);
  $('views').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-view]');
    if (b) selectView(b.dataset.view);
  });
  $('sidebar-toggle').addEventListener('click', () => {
    if (document.body.classList.contains('drawer-open')) closeDrawer(); else openDrawer();
  });
  $('drawer-close').addEventListener('click', () => {
    closeDrawer();
    $('sidebar-toggle').focus();
  });
}
