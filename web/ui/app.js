// Actodo web UI: wiring of the modules (client, socket, store, view, editor, notices,
// projects, quick add, notifications, the offline queue).

import * as api from './client.js';
import { auth, describeProblem } from './client.js';
import { LiveSocket } from './socket.js';
import { Store } from './store.js';
import { ListView, SORTS, matches, inView, compare, arrange, countsOf, allTags } from './view.js';
import { buildEditor } from './editor.js';
import { toast, Reminders, notificationsSupported, askNotificationPermission } from './notices.js';
import { reminderForWrite, recurrenceForWrite } from './schedule.js';
import { el } from './dom.js';
import * as queue from './queue.js';
import { ProjectSidebar, INBOX, sortProjects } from './projects.js';
import { QuickAddPreview } from './quickadd.js';
import { NotificationBell } from './notifications.js';
import { reorderWrites } from './ordering.js';
import { browserZone } from './dates.js';

const $ = (id) => document.getElementById(id);
const PREFS_KEY = 'actodo.view';
const ME_KEY = 'actodo.me';           // the last account seen, to start offline from the cache
const FEATURES_KEY = 'actodo.features';

const store = new Store();
let features = { schedule: false };
let socket = null;
let connection = 0;     // counts socket sessions (welcome frames); a write is sent once per session
let everOnline = false;
let editingId = null;
let currentId = null;
let newEditor = null;
let registerMode = false;
let subtaskFor = null;  // the todo whose "add subtask" form is open
let arranged = [];      // the rows as last shown (tree order, with depth and parent)
let replaying = false;
const prefs = loadPrefs();

const listView = new ListView($('list'), {
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

const sidebar = new ProjectSidebar({
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

const bell = new NotificationBell({
  button: $('bell'), badge: $('bell-count'), panel: $('notif-panel'), list: $('notif-list'), markAll: $('notif-read'),
}, {
  load: () => api.notifications(),
  markRead: (upTo) => api.markNotificationsRead(upTo),
  error: (msg) => toast(msg, { kind: 'error' }),
});

const preview = new QuickAddPreview($('new-title'), $('qa-preview'),
  (text) => api.quickAddPreview(text, browserZone()), () => !!socket?.isOpen);

const reminders = new Reminders({
  snooze: (id, n, body) => api.snoozeReminder(id, n, body),
  dismiss: (id, n) => api.dismissReminder(id, n),
  show: (id) => reveal(id),
});

// ---------------------------------------------------------------- preferences

function loadPrefs() {
  const def = { status: 'open', priority: '', tag: '', q: '', sort: 'smart', view: 'all', collapsed: [] };
  try {
    const p = { ...def, ...JSON.parse(localStorage.getItem(PREFS_KEY) || '{}'), q: '' };
    if (!Array.isArray(p.collapsed)) p.collapsed = [];
    return p;
  } catch {
    return def;
  }
}

function savePrefs() {
  const { q, ...rest } = prefs;
  localStorage.setItem(PREFS_KEY, JSON.stringify(rest));
}

// ---------------------------------------------------------------- boot and sign-in

async function boot() {
  setupStaticUi();
  let me;
  try {
    me = await api.detectSession();
  } catch (e) {
    // offline: start from the cached list and the queued writes (IndexedDB) of the last account
    const cached = readCachedMe();
    if (cached && (cached.auth === 'local' || auth.tokens)) {
      auth.mode = cached.auth === 'local' ? 'local' : 'token';
      auth.user = cached;
      startApp(cached, { offline: true });
      return;
    }
    $('boot').textContent = `The server cannot be reached (${e.message}). Retrying…`;
    setTimeout(boot, 3000);
    return;
  }
  if (me) startApp(me);
  else showSignIn();
}

function readCachedMe() {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY) || 'null');
  } catch {
    return null;
  }
}

function userKey(me) {
  return `${auth.mode}:${me.id || me.username}`;
}

function showSignIn() {
  $('boot').hidden = true;
  $('app-view').hidden = true;
  $('signin-view').hidden = false;
  $('user-name').hidden = true;
  $('signout-btn').hidden = true;
  setConn('signedout');
  $('signin-user').focus();
}

function setRegisterMode(on) {
  registerMode = on;
  $('signin-heading').textContent = on ? 'Create an account' : 'Sign in';
  $('signin-submit').textContent = on ? 'Create account' : 'Sign in';
  $('signin-switch').textContent = on ? 'I have an account' : 'Create an account';
  $('signin-pass').autocomplete = on ? 'new-password' : 'current-password';
  $('signin-pass-hint').hidden = !on;
  $('signin-error').hidden = true;
}

async function onSignIn(e) {
  e.preventDefault();
  const user = $('signin-user').value.trim().toLowerCase();
  const pass = $('signin-pass').value;
  const err = $('signin-error');
  const fail = (msg, input) => {
    err.textContent = msg;
    err.hidden = false;
    for (const i of [$('signin-user'), $('signin-pass')]) i.removeAttribute('aria-invalid');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  };
  if (!/^[a-z0-9._-]{3,64}$/.test(user)) return fail('Usernames are 3–64 characters: letters, digits, “.”, “_” or “-”.', $('signin-user'));
  if (registerMode ? pass.length < 8 : !pass) return fail(registerMode ? 'Passwords have at least 8 characters.' : 'Enter your password.', $('signin-pass'));
  $('signin-submit').disabled = true;
  try {
    const me = registerMode ? await api.register(user, pass) : await api.signIn(user, pass);
    $('signin-pass').value = '';
    err.hidden = true;
    startApp(me);
  } catch (ex) {
    if (ex.status === 401) fail('Wrong username or password.', $('signin-pass'));
    else if (ex.status === 409) fail('That username is taken.', $('signin-user'));
    else if (ex.status === 0) fail('The server cannot be reached. Try again in a moment.');
    else fail(describeProblem(ex.problem, ex.status), ex.field === 'password' ? $('signin-pass') : ex.field === 'username' ? $('signin-user') : null);
  } finally {
    $('signin-submit').disabled = false;
  }
}

async function startApp(me, { offline = false } = {}) {
  $('boot').hidden = true;
  $('signin-view').hidden = true;
  $('app-view').hidden = false;
  if (auth.mode === 'token') {
    $('user-name').textContent = me.username || me.id;
    $('user-name').hidden = false;
    $('signout-btn').hidden = false;
  }
  updateNotifyButton();
  if (!offline) localStorage.setItem(ME_KEY, JSON.stringify({ ...me, auth: auth.mode }));
  if (offline) everOnline = true; // show "Offline" and the banner, not "Connecting…"
  await store.restore(userKey(me), { cache: true });
  if (offline) {
    try {
      features = JSON.parse(localStorage.getItem(FEATURES_KEY) || '{}').schedule ? { schedule: true } : features;
    } catch { /* defaults */ }
  } else {
    features = await api.detectFeatures();
    localStorage.setItem(FEATURES_KEY, JSON.stringify(features));
  }
  socket = new LiveSocket({
    url: (after) => api.wsUrl(after),
    after: () => (store.loaded && store.lastSeq != null ? store.lastSeq : null),
    onFrame,
    resync: async () => {
      const events = await api.eventsAfter(store.lastSeq ?? 0);
      for (const ev of events) store.applyEvent(ev);
    },
    beforeConnect: async () => {
      if (auth.mode === 'token') await auth.fresh();
    },
  });
  socket.addEventListener('state', () => renderConn());
  socket.start();
  render();
}

async function signOut() {
  socket?.stop();
  socket = null;
  if (store.user) await queue.forget(store.user);
  localStorage.removeItem(ME_KEY);
  await api.signOut();
  store.todos.clear();
  store.projects.clear();
  store.pending.clear();
  store.user = null;
  store.lastSeq = null;
  store.loaded = false;
  everOnline = false;
  editingId = null;
  $('reminders').replaceChildren();
  listView.render([], null);
  showSignIn();
}

auth.addEventListener('signedout', () => {
  if (!socket) return;
  socket.stop();
  socket = null;
  toast('Your session has ended. Please sign in again.', { kind: 'error' });
  showSignIn();
});

// ---------------------------------------------------------------- live frames

function onFrame(frame) {
  switch (frame.type) {
    case 'welcome':
      connection += 1;
      everOnline = true;
      if (!store.loaded || store.fromCache || store.lastSeq == null || frame.sequence < store.lastSeq) {
        // first connection, or the server's log is behind ours (another data dir): start over
        store.lastSeq = frame.sequence;
        loadList();
      }
      store.flush((f) => socket.send(f), connection);
      replayRest();
      renderConn();
      break;
    case 'notifications':
      bell.onFrame(frame);
      break;
    case 'event':
      store.applyEvent(frame.event);
      if (frame.event?.type === 'todo.reminder.due') reminderFromEvent(frame.event);
      break;
    case 'result':
    case 'error':
      store.applyResult(frame);
      break;
    case 'reminder':
      if (!reminders.cards.has(reminders.key(frame.todo_id, frame.reminder))) reminders.fire(frame);
      break;
    default:
      break;
  }
}

function reminderFromEvent(ev) {
  const d = ev.data || {};
  const id = d.todo_id || ev.subject || d.id;
  const n = typeof d.reminder === 'number' ? d.reminder : d.index;
  if (typeof n !== 'number' || reminders.cards.has(reminders.key(id, n))) return;
  const todo = store.todos.get(id);
  reminders.fire({ todo_id: id, reminder: n, title: d.title || todo?.title, scheduled: d.scheduled, fired_at: d.fired_at });
}

async function loadList() {
  try {
    await store.reload(api.listAll, api.listProjects);
    store.fromCache = false;
    reminders.restore(store.todos.values());
    bell.refresh();
  } catch (e) {
    if (e.status !== 401) toast(`Couldn't load the list: ${e.message}`, { kind: 'error' });
  }
}

// The cache of the server's state: written at once after a list load, at most every 300 ms
// after other changes (throttled, not debounced: a stream of changes must not starve it).
let cacheTimer = null;
function saveCacheSoon(now) {
  if (store.fromCache) return;
  if (now) {
    clearTimeout(cacheTimer);
    cacheTimer = null;
    store.saveCache();
  } else if (!cacheTimer) {
    cacheTimer = setTimeout(() => {
      cacheTimer = null;
      if (!store.fromCache) store.saveCache();
    }, 300);
  }
}
store.addEventListener('change', (e) => {
  scheduleRender();
  if (e.detail.reason !== 'pending') saveCacheSoon(e.detail.reason === 'reload');
});
window.addEventListener('pagehide', () => saveCacheSoon(true));
store.addEventListener('send', () => {
  if (socket?.isOpen) {
    store.flush((f) => socket.send(f), connection);
    replayRest();
  }
  renderConn();
});
store.addEventListener('gap', () => loadList());

// ---------------------------------------------------------------- writes

function write(op, args, what) {
  const verb = { create: 'add', update: 'save', delete: 'delete' }[op];
  const p = store.command(op, args);
  p.catch((e) => {
    const reason = e.status === 412 ? 'it was changed elsewhere in the meantime, so your change was not applied'
      : describeProblem(e.problem, e.status);
    toast(`Couldn't ${verb} “${what}”: ${reason}`, { kind: 'error' });
  });
  return p;
}

function findItem(id) {
  return store.items().find((i) => i.todo.id === id) || null;
}

function toggle(id) {
  const item = findItem(id);
  if (!item || item.pending === 'create') return;
  write('update', { id, body: { completed: !item.todo.completed } }, item.todo.title);
}

function removeTodo(id) {
  const item = findItem(id);
  if (!item || item.pending === 'create') return;
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
  if (features.schedule) {
    if (t.time_zone) body.time_zone = t.time_zone;
    if (Array.isArray(t.reminders) && t.reminders.length) body.reminders = t.reminders.map(reminderForWrite);
    if (t.recurrence) body.recurrence = recurrenceForWrite(t.recurrence);
  }
  return body;
}

/** The project new todos go to: the selected one (not the "all" and archive views). */
function currentProject() {
  return prefs.view && prefs.view !== 'all' && prefs.view !== 'archive' ? prefs.view : null;
}

/** Enter in the new-todo input: POST /quick-add (parsed by the server), or, offline, a plain
 *  create through the queue with the text as the title. */
async function quickAdd(e) {
  e.preventDefault();
  const input = $('new-title');
  const text = input.value.trim();
  if (!text) {
    input.focus();
    return;
  }
  input.value = '';
  preview.clear();
  if (prefs.status === 'done') {
    prefs.status = 'open';
    syncFilterControls();
  }
  if (prefs.view === 'archive') selectView('all');
  const project = currentProject();
  if (!socket?.isOpen) {
    // offline: no parsing; a plain create through the queue, the whole text as the title
    write('create', { body: project ? { title: text, project_id: project } : { title: text } }, text);
    return;
  }
  // queued like any REST write (IndexedDB, Idempotency-Key) and sent at once; shown meanwhile
  // as the last preview parsed it
  const parsed = preview.answerFor(text)?.todo;
  const optimistic = { ...(parsed || { title: text }) };
  if (project && !optimistic.project_id) optimistic.project_id = project;
  try {
    const todo = await store.restWrite('POST', '/quick-add', { text, time_zone: browserZone() }, text, queue.newKey('qa'), optimistic);
    // no "+project" in the text: the todo belongs where it was typed
    if (todo?.id && project && (todo.project_id || INBOX) === INBOX && project !== INBOX) {
      write('update', { id: todo.id, body: { project_id: project } }, todo.title);
    }
  } catch (ex) {
    toast(`Couldn't add “${text}”: ${describeProblem(ex.problem, ex.status)}`, { kind: 'error' });
  }
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

function openSubtask(id) {
  const item = findItem(id);
  if (!item || item.pending === 'create') return;
  subtaskFor = id;
  render();
}

function closeSubtask(id, refocus) {
  subtaskFor = null;
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

function setArchived(id, archived) {
  const item = findItem(id);
  if (!item || item.pending === 'create') return;
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
  const me = arranged.find((i) => i.todo.id === id);
  if (!me) return [];
  return arranged.filter((i) => i.parent === me.parent && i.depth === me.depth)
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

function moveTodo(id, delta) {
  if (findItem(id)?.pending === 'create') return;
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

// ---------------------------------------------------------------- projects

function selectView(id) {
  prefs.view = id;
  savePrefs();
  closeDrawer();
  render();
  $('list').focus({ preventScroll: true });
}

/** A project write over REST (Idempotency-Key, Prefer: wait); queued in IndexedDB while offline. */
async function projectWrite(method, id, body, what) {
  const path = id ? `/projects/${encodeURIComponent(id)}` : '/projects';
  const key = queue.newKey('ui');
  const fail = (e) => toast(`Couldn't save “${what}”: ${describeProblem(e.problem, e.status)}`, { kind: 'error' });
  if (socket?.isOpen) {
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

/** Send the queued REST writes, oldest first, each once (its Idempotency-Key). */
async function replayRest() {
  if (replaying) return;
  replaying = true;
  try {
    for (const e of store.restWrites()) {
      if (!e.stored) break;
      try {
        const body = await api.idempotentWrite(e.method, e.path, e.body, e.key);
        if (body && typeof body.id === 'string' && 'name' in body) store.projects.set(body.id, body);
        if (body && typeof body.id === 'string' && 'title' in body && 'version' in body) store.upsert(body);
        store.settleRest(e.key, true, body);
      } catch (ex) {
        if (ex.status === 0) break; // still offline: try again on the next connection
        store.settleRest(e.key, false, ex);
      }
    }
  } finally {
    replaying = false;
  }
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

function openDrawer() {
  document.body.classList.add('drawer-open');
  $('sidebar-toggle').setAttribute('aria-expanded', 'true');
  $('sidebar').querySelector('button[aria-current], button')?.focus();
}

function closeDrawer() {
  if (!document.body.classList.contains('drawer-open')) return;
  document.body.classList.remove('drawer-open');
  $('sidebar-toggle').setAttribute('aria-expanded', 'false');
}

// ---------------------------------------------------------------- editor

function openEditor(id) {
  const item = findItem(id);
  if (!item || item.pending === 'create') return;
  if (editingId && editingId !== id) closeEditor(false);
  closeNewEditor();
  editingId = id;
  render();
  const li = listView.row(id);
  if (!li) return;
  const base = item.todo;
  const cleanBase = !store.hasPendingFor(id);
  const form = buildEditor({
    todo: base,
    features,
    preview: api.previewOccurrences,
    onCancel: () => closeEditor(true),
    onSave: (patch) => {
      closeEditor(true);
      if (Object.keys(patch).length === 0) return;
      // If-Match only when the editor started from confirmed state: a conflict is then real.
      write('update', { id, body: patch, ifMatch: cleanBase ? base.version : null }, patch.title || base.title);
    },
  });
  li.classList.add('editing');
  li.replaceChildren(form);
  form.focusFirst();
}

function closeEditor(refocus) {
  const id = editingId;
  editingId = null;
  render();
  if (refocus && id) focusRow(id);
}

function openNewEditor() {
  if (editingId) closeEditor(false);
  closeNewEditor();
  const holder = $('new-editor');
  const title = $('new-title').value.trim();
  newEditor = buildEditor({
    todo: null,
    features,
    preview: api.previewOccurrences,
    onCancel: () => {
      closeNewEditor();
      $('add-more').focus();
    },
    onSave: (body) => {
      closeNewEditor();
      $('new-title').value = '';
      if (prefs.status === 'done') {
        prefs.status = 'open';
        syncFilterControls();
      }
      write('create', { body }, body.title);
      $('new-title').focus();
    },
  });
  if (title) newEditor.querySelector('input[name="title"]').value = title;
  holder.replaceChildren(el('h2', { class: 'editor-heading' }, 'New todo'), newEditor);
  holder.hidden = false;
  newEditor.focusFirst();
}

function closeNewEditor() {
  const holder = $('new-editor');
  holder.replaceChildren();
  holder.hidden = true;
  newEditor = null;
}

// ---------------------------------------------------------------- rendering

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  Promise.resolve().then(() => {
    renderQueued = false;
    render();
  });
}

function render() {
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

  if (editingId && !items.some((i) => i.todo.id === editingId && !i.deleting)) {
    toast('The todo you were editing was deleted.', { kind: 'error' });
    editingId = null;
  }
  const shown = items.filter((i) => i.todo.id === editingId || matches(i, prefs));
  const manual = prefs.sort === 'order' && prefs.view !== 'archive';
  arranged = arrange(shown, compare(prefs.sort), new Set(prefs.collapsed)).map((i) => ({
    ...i, archiveView: prefs.view === 'archive', draggable: manual, subtaskOpen: i.todo.id === subtaskFor,
  }));
  const visible = arranged;
  listView.render(visible, editingId);
  if (currentId && !listView.row(currentId)) currentId = null;
  listView.setCurrent(currentId || visible[0]?.todo.id || null);

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

let connTimer = null;
function renderConn() {
  const state = socket ? socket.state : 'signedout';
  setConn(state);
}

function setConn(state) {
  const box = $('conn');
  const text = $('conn-text');
  const detail = $('conn-detail');
  const pending = store.pendingCount();
  box.dataset.state = state === 'online' ? 'online' : state === 'signedout' ? 'signedout' : everOnline ? 'offline' : 'connecting';
  const label = {
    online: 'Live',
    signedout: 'Signed out',
  }[state] || (everOnline ? 'Offline' : 'Connecting…');
  if (text.textContent !== label) text.textContent = label;
  let d = '';
  if (state === 'offline' && socket?.retryAt) {
    const s = Math.max(0, Math.ceil((socket.retryAt - Date.now()) / 1000));
    d = `reconnecting in ${s} s`;
  } else if (state === 'connecting' && everOnline) d = 'reconnecting…';
  else if (state === 'resyncing') d = 'catching up…';
  if (pending) d = `${d ? `${d} · ` : ''}${pending} unsaved`;
  detail.textContent = d;
  $('conn-retry').hidden = state !== 'offline';
  const banner = $('offline-banner');
  banner.hidden = state === 'online' || state === 'signedout' || !everOnline;
  const waiting = pending === 0 ? 'No changes waiting to be sent.'
    : `${pending} change${pending === 1 ? '' : 's'} waiting to be sent.`;
  if ($('pending-text').textContent !== waiting) $('pending-text').textContent = waiting;
  banner.dataset.pending = String(pending);
  clearInterval(connTimer);
  if (state === 'offline') connTimer = setInterval(() => setConn(socket?.state || 'signedout'), 1000);
}

// ---------------------------------------------------------------- filters and focus

function setStatus(status) {
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

function syncFilterControls() {
  $(`status-${prefs.status}`).checked = true;
  $('filter-priority').value = prefs.priority;
  $('filter-tag').value = prefs.tag;
  $('sort').value = prefs.sort;
  $('search').value = prefs.q;
}

function focusRow(id) {
  const li = listView.row(id);
  if (!li) return;
  currentId = id;
  listView.setCurrent(id);
  li.focus();
  li.scrollIntoView({ block: 'nearest' });
}

function moveFocus(delta) {
  const rows = [...$('list').children].filter((li) => li.dataset.id);
  if (!rows.length) return;
  let i = rows.findIndex((li) => li.dataset.id === currentId);
  i = i < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + delta));
  focusRow(rows[i].dataset.id);
}

/** Make a todo visible (e.g. from a reminder) and focus it. */
function reveal(id) {
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

// ---------------------------------------------------------------- keyboard

function isTyping(t) {
  if (!t || !t.tagName) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  return t.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(t.type);
}

function onKey(e) {
  if (e.defaultPrevented || $('app-view').hidden || $('help-dialog').open) return;
  const t = e.target;
  // Alt+ArrowUp/Down on a row (or on one of its buttons): move the todo among its siblings
  if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
    const li = t.closest?.('li.todo');
    if (li?.dataset.id && !isTyping(t)) {
      e.preventDefault();
      moveTodo(li.dataset.id, e.key === 'ArrowUp' ? -1 : 1);
    }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape' && document.body.classList.contains('drawer-open')) {
    closeDrawer();
    $('sidebar-toggle').focus();
    return;
  }
  if (isTyping(t)) {
    if (e.key === 'Escape' && (t.id === 'search' || t.id === 'new-title')) {
      if (t.id === 'search' && t.value) {
        t.value = '';
        prefs.q = '';
        render();
      } else {
        t.blur();
        if (currentId) focusRow(currentId);
      }
    }
    return;
  }
  const onControl = t.tagName === 'BUTTON' || t.tagName === 'A' || t.tagName === 'INPUT';
  const inEditor = t.closest && t.closest('.editor');
  if (inEditor) return;
  switch (e.key) {
    case 'n':
      e.preventDefault();
      $('new-title').focus();
      break;
    case '/':
      e.preventDefault();
      $('search').focus();
      $('search').select();
      break;
    case 'j':
    case 'k':
      e.preventDefault();
      moveFocus(e.key === 'j' ? 1 : -1);
      break;
    case 'x':
      if (currentId) {
        e.preventDefault();
        toggle(currentId);
      }
      break;
    case 'e':
      if (currentId) {
        e.preventDefault();
        openEditor(currentId);
      }
      break;
    case 'Enter':
      if (!onControl && currentId) {
        e.preventDefault();
        openEditor(currentId);
      }
      break;
    case 'Delete':
      if (currentId) {
        e.preventDefault();
        removeTodo(currentId);
      }
      break;
    case '?':
      e.preventDefault();
      $('help-dialog').showModal();
      break;
    case 's':
      if (currentId) {
        e.preventDefault();
        openSubtask(currentId);
      }
      break;
    case 'a':
      if (currentId) {
        e.preventDefault();
        setArchived(currentId, prefs.view !== 'archive');
      }
      break;
    case 'p':
      e.preventDefault();
      if (getComputedStyle($('sidebar-toggle')).display !== 'none') openDrawer();
      else ($('sidebar').querySelector('button[aria-current]') || $('views').querySelector('button'))?.focus();
      break;
    case 'b':
      e.preventDefault();
      bell.open();
      break;
    case '1':
    case '2':
    case '3':
      setStatus(['open', 'done', 'all'][Number(e.key) - 1]);
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------- static controls

function updateNotifyButton() {
  const b = $('notify-btn');
  b.hidden = !notificationsSupported() || Notification.permission !== 'default';
}

function setupStaticUi() {
  $('sort').replaceChildren(...SORTS.map(([v, label]) => el('option', { value: v }, label)));
  syncFilterControls();
  $('signin-form').addEventListener('submit', onSignIn);
  $('signin-switch').addEventListener('click', () => setRegisterMode(!registerMode));
  $('signout-btn').addEventListener('click', signOut);
  $('help-btn').addEventListener('click', () => $('help-dialog').showModal());
  $('conn-retry').addEventListener('click', () => socket?.retryNow());
  $('notify-btn').addEventListener('click', async () => {
    const answer = await askNotificationPermission();
    updateNotifyButton();
    toast(answer === 'granted' ? 'Reminders will also show as notifications.' : 'Notifications stay off; reminders show on this page.');
  });
  $('add-form').addEventListener('submit', quickAdd);
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
  $('add-more').addEventListener('click', openNewEditor);
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
    if (li?.dataset.id && li.dataset.id !== currentId) {
      currentId = li.dataset.id;
      listView.setCurrent(currentId);
    }
  });
  document.addEventListener('keydown', onKey);
  // re-render once a minute so "overdue" and "Today" stay true
  setInterval(() => render(), 60_000);
}

boot();
