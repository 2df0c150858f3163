// Actodo web UI: wiring of the modules (client, socket, store, view, editor, notices).

import * as api from './client.js';
import { auth, describeProblem } from './client.js';
import { LiveSocket } from './socket.js';
import { Store } from './store.js';
import { ListView, SORTS, matches, compare, countsOf, allTags } from './view.js';
import { buildEditor } from './editor.js';
import { toast, Reminders, notificationsSupported, askNotificationPermission } from './notices.js';
import { reminderForWrite, recurrenceForWrite } from './schedule.js';
import { el } from './dom.js';

const $ = (id) => document.getElementById(id);
const PREFS_KEY = 'actodo.view';

const store = new Store();
let features = { schedule: false };
let socket = null;
let connection = 0;     // counts socket sessions (welcome frames); a write is sent once per session
let everOnline = false;
let editingId = null;
let currentId = null;
let newEditor = null;
let registerMode = false;
const prefs = loadPrefs();

const listView = new ListView($('list'), {
  toggle: (id) => toggle(id),
  edit: (id) => openEditor(id),
  remove: (id) => removeTodo(id),
});

const reminders = new Reminders({
  snooze: (id, n, body) => api.snoozeReminder(id, n, body),
  dismiss: (id, n) => api.dismissReminder(id, n),
  show: (id) => reveal(id),
});

// ---------------------------------------------------------------- preferences

function loadPrefs() {
  const def = { status: 'open', priority: '', tag: '', q: '', sort: 'smart' };
  try {
    return { ...def, ...JSON.parse(localStorage.getItem(PREFS_KEY) || '{}'), q: '' };
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
    $('boot').textContent = `The server cannot be reached (${e.message}). Retrying…`;
    setTimeout(boot, 3000);
    return;
  }
  if (me) startApp(me);
  else showSignIn();
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

async function startApp(me) {
  $('boot').hidden = true;
  $('signin-view').hidden = true;
  $('app-view').hidden = false;
  if (auth.mode === 'token') {
    $('user-name').textContent = me.username || me.id;
    $('user-name').hidden = false;
    $('signout-btn').hidden = false;
  }
  updateNotifyButton();
  features = await api.detectFeatures();
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
  await api.signOut();
  store.todos.clear();
  store.pending.clear();
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
      if (!store.loaded || store.lastSeq == null || frame.sequence < store.lastSeq) {
        // first connection, or the server's log is behind ours (another data dir): start over
        store.lastSeq = frame.sequence;
        loadList();
      }
      store.flush((f) => socket.send(f), connection);
      renderConn();
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
    await store.reload(api.listAll);
    reminders.restore(store.todos.values());
  } catch (e) {
    if (e.status !== 401) toast(`Couldn't load the list: ${e.message}`, { kind: 'error' });
  }
}

store.addEventListener('change', () => scheduleRender());
store.addEventListener('send', () => {
  if (socket?.isOpen) store.flush((f) => socket.send(f), connection);
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

function quickAdd(e) {
  e.preventDefault();
  const input = $('new-title');
  const title = input.value.trim();
  if (!title) {
    input.focus();
    return;
  }
  input.value = '';
  const body = { title };
  if (prefs.status === 'done') {
    prefs.status = 'open';
    syncFilterControls();
  }
  write('create', { body }, title);
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
  const items = store.items();
  const counts = countsOf(items);
  $('count-open').textContent = counts.open;
  $('count-done').textContent = counts.done;
  $('count-all').textContent = counts.all;

  renderTagOptions(items);

  if (editingId && !items.some((i) => i.todo.id === editingId && !i.deleting)) {
    toast('The todo you were editing was deleted.', { kind: 'error' });
    editingId = null;
  }
  const visible = items.filter((i) => i.todo.id === editingId || matches(i, prefs)).sort(compare(prefs.sort));
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
  if (counts.all === 0) {
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
  $('offline-banner').hidden = state === 'online' || state === 'signedout' || !everOnline;
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
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  if ($('app-view').hidden || $('help-dialog').open) return;
  const t = e.target;
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
