// Rendering the list: the shown rows (filtered, sorted, nested), the counts in the sidebar and
// the status switch, the tag filter, the empty state; the filter controls and the current row.

import { SORTS, matches, inView, compare, arrange, countsOf, allTags } from './view.js';
import { toast } from './notices.js';
import { el } from './dom.js';
import { INBOX } from './projects.js';
import { $, app, store, prefs, savePrefs } from './state.js';
import { listView, findItem } from './rows.js';
import { sidebar } from './sidebar.js';
import { reminders } from './live.js';
import { renderConn } from './connection.js';

let renderQueued = false;
export function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  Promise.resolve().then(() => {
    renderQueued = false;
    render();
  });
}

export function render() {
  if ($('app-view').hidden) return;
  const all = store.items();
  const projectItems = store.projectItems();
  if (prefs.view !== 'all' && prefs.view !== 'archive' && !projectItems.some((i) => i.project.id === prefs.view && !i.project.archived)) {
    if (store.loaded && !store.fromCache) prefs.view = 'all';
  }
  const items = all.filter((i) => inView(i, prefs));
  const counts = countsOf(items);
  const perProject = new Map();
  for (const i of all) {
    if (i.deleting || i.todo.archived || i.todo.completed) continue;
    const pid = i.todo.project_id || INBOX;
    perProject.set(pid, (perProject.get(pid) || 0) + 1);
  }
  sidebar.render(projectItems, prefs.view, perProject);
  $('view-count-all').textContent = String(all.filter((i) => !i.deleting && !i.todo.archived && !i.todo.completed).length);
  $('view-count-archive').textContent = String(all.filter((i) => !i.deleting && i.todo.archived).length);
  const viewName = prefs.view === 'all' ? 'All todos' : prefs.view === 'archive' ? 'Archive'
    : projectItems.find((i) => i.project.id === prefs.view)?.project.name || 'Project';
  if ($('view-title').textContent !== viewName) $('view-title').textContent = viewName;
  $('app-view').dataset.view = prefs.view === 'archive' ? 'archive' : 'list';
  $('count-open').textContent = counts.open;
  $('count-done').textContent = counts.done;
  $('count-all').textContent = counts.all;

  renderTagOptions(items);

  if (app.editingId && !items.some((i) => i.todo.id === app.editingId && !i.deleting)) {
    toast('The todo you were editing was deleted.', { kind: 'error' });
    app.editingId = null;
  }
  const shown = items.filter((i) => i.todo.id === app.editingId || matches(i, prefs));
  const manual = prefs.sort === 'order' && prefs.view !== 'archive';
  app.arranged = arrange(shown, compare(prefs.sort), new Set(prefs.collapsed)).map((i) => ({
    ...i, archiveView: prefs.view === 'archive', draggable: manual, subtaskOpen: i.todo.id === app.subtaskFor,
  }));
  const visible = app.arranged;
  listView.render(visible, app.editingId);
  if (app.currentId && !listView.row(app.currentId)) app.currentId = null;
  listView.setCurrent(app.currentId || visible[0]?.todo.id || null);

  const filtered = prefs.priority || prefs.tag || prefs.q;
  const summary = [];
  if (store.loaded && counts.all) {
    summary.push(`${visible.length} shown`);
    if (counts.overdue) summary.push(`${counts.overdue} overdue`);
  }
  $('summary').textContent = summary.join(' · ');
  renderEmpty(visible.length, counts, filtered);
  reminders.sync(store.todos);
  renderConn();
}

function renderTagOptions(items) {
  const sel = $('filter-tag');
  const tags = allTags(items);
  if (prefs.tag && !tags.some((t) => t.toLowerCase() === prefs.tag.toLowerCase())) tags.push(prefs.tag);
  const key = tags.join('\u0000');
  if (sel.dataset.key === key) return;
  sel.dataset.key = key;
  sel.replaceChildren(el('option', { value: '' }, 'Any'), ...tags.map((t) => el('option', { value: t }, `#${t}`)));
  sel.value = prefs.tag;
}

function renderEmpty(shown, counts, filtered) {
  const box = $('empty');
  if (shown || !store.loaded) {
    box.hidden = !!shown;
    if (!shown) box.replaceChildren(el('p', {}, 'Loading your todos…'));
    return;
  }
  box.hidden = false;
  let parts;
  if (prefs.view === 'archive') {
    parts = [el('p', { class: 'empty-title' }, 'The archive is empty')];
  } else if (counts.all === 0) {
    parts = [el('p', { class: 'empty-title' }, 'Nothing to do yet'),
      el('p', {}, 'Add your first todo above — press ', el('kbd', {}, 'n'), ' to start typing.')];
  } else if (filtered) {
    parts = [el('p', { class: 'empty-title' }, 'No todos match these filters'),
      el('button', { type: 'button', class: 'btn', onclick: clearFilters }, 'Clear filters')];
  } else if (prefs.status === 'open') {
    parts = [el('p', { class: 'empty-title' }, 'All done!'),
      el('p', {}, `${counts.done} completed todo${counts.done === 1 ? '' : 's'}. `,
        el('button', { type: 'button', class: 'btn btn-link', onclick: () => setStatus('done') }, 'Show them'))];
  } else {
    parts = [el('p', { class: 'empty-title' }, 'Nothing completed yet')];
  }
  box.replaceChildren(...parts);
}

// ---------------------------------------------------------------- filters and focus

export function setStatus(status) {
  prefs.status = status;
  syncFilterControls();
  savePrefs();
  render();
}

function clearFilters() {
  prefs.priority = '';
  prefs.tag = '';
  prefs.q = '';
  syncFilterControls();
  savePrefs();
  render();
  $('search').focus();
}

export function syncFilterControls() {
  $(`status-${prefs.status}`).checked = true;
  $('filter-priority').value = prefs.priority;
  $('filter-tag').value = prefs.tag;
  $('sort').value = prefs.sort;
  $('search').value = prefs.q;
}

export function focusRow(id) {
  const li = listView.row(id);
  if (!li) return;
  app.currentId = id;
  listView.setCurrent(id);
  li.focus();
  li.scrollIntoView({ block: 'nearest' });
}

export function moveFocus(delta) {
  const rows = [...$('list').children].filter((li) => li.dataset.id);
  if (!rows.length) return;
  let i = rows.findIndex((li) => li.dataset.id === app.currentId);
  i = i < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + delta));
  focusRow(rows[i].dataset.id);
}

/** Make a todo visible (e.g. from a reminder) and focus it. */
export function reveal(id) {
  const item = findItem(id);
  if (!item) return;
  if (!matches(item, prefs)) {
    prefs.status = item.todo.completed ? 'done' : 'open';
    prefs.priority = '';
    prefs.tag = '';
    prefs.q = '';
    syncFilterControls();
    render();
  }
  focusRow(id);
}

/** The sort options, the search box, the filters, the current row; a re-render once a minute. */
export function wireList() {
  $('sort').replaceChildren(...SORTS.map(([v, label]) => el('option', { value: v }, label)));
  syncFilterControls();
  $('search').addEventListener('input', (e) => {
    prefs.q = e.target.value.trim();
    render();
  });
  $('status-filter').addEventListener('change', (e) => setStatus(e.target.value));
  $('filter-priority').addEventListener('change', (e) => {
    prefs.priority = e.target.value;
    savePrefs();
    render();
  });
  $('filter-tag').addEventListener('change', (e) => {
    prefs.tag = e.target.value;
    savePrefs();
    render();
  });
  $('sort').addEventListener('change', (e) => {
    prefs.sort = e.target.value;
    savePrefs();
    render();
  });
  $('list').addEventListener('focusin', (e) => {
    const li = e.target.closest('li.todo');
    if (li?.dataset.id && li.dataset.id !== app.currentId) {
      app.currentId = li.dataset.id;
      listView.setCurrent(app.currentId);
    }
  });
  // re-render once a minute so "overdue" and "Today" stay true
  setInterval(() => render(), 60_000);
}
