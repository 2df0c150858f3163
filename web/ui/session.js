// Sign-in and the session: boot (or, when the server cannot be reached, the last account's
// cached view), the sign-in / register form, starting the app (features, the live socket)
// and signing out.

import * as api from './client.js';
import { auth, describeProblem } from './client.js';
import { LiveSocket } from './socket.js';
import { toast, notificationsSupported, askNotificationPermission } from './notices.js';
import * as queue from './queue.js';
import { $, app, store } from './state.js';
import { onFrame } from './live.js';
import { renderConn, setConn } from './connection.js';
import { render } from './list.js';
import { listView } from './rows.js';

const ME_KEY = 'actodo.me';           // the last account seen, to start offline from the cache
const FEATURES_KEY = 'actodo.features';

let registerMode = false;

export async function boot() {
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
  if (offline) app.everOnline = true; // show "Offline" and the banner, not "Connecting…"
  await store.restore(userKey(me), { cache: true });
  if (offline) {
    try {
      app.features = JSON.parse(localStorage.getItem(FEATURES_KEY) || '{}').schedule ? { schedule: true } : app.features;
    } catch { /* defaults */ }
  } else {
    app.features = await api.detectFeatures();
    localStorage.setItem(FEATURES_KEY, JSON.stringify(app.features));
  }
  app.socket = new LiveSocket({
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
  app.socket.addEventListener('state', () => renderConn());
  app.socket.start();
  render();
}

async function signOut() {
  app.socket?.stop();
  app.socket = null;
  if (store.user) await queue.forget(store.user);
  localStorage.removeItem(ME_KEY);
  await api.signOut();
  store.todos.clear();
  store.projects.clear();
  store.pending.clear();
  store.user = null;
  store.lastSeq = null;
  store.loaded = false;
  app.everOnline = false;
  app.editingId = null;
  $('reminders').replaceChildren();
  listView.render([], null);
  showSignIn();
}

auth.addEventListener('signedout', () => {
  if (!app.socket) return;
  app.socket.stop();
  app.socket = null;
  toast('Your session has ended. Please sign in again.', { kind: 'error' });
  showSignIn();
});

function updateNotifyButton() {
  const b = $('notify-btn');
  b.hidden = !notificationsSupported() || Notification.permission !== 'default';
}

/** The sign-in form, sign-out, "Retry" and the notifications switch. */
export function wireSession() {
  $('signin-form').addEventListener('submit', onSignIn);
  $('signin-switch').addEventListener('click', () => setRegisterMode(!registerMode));
  $('signout-btn').addEventListener('click', signOut);
  $('conn-retry').addEventListener('click', () => app.socket?.retryNow());
  $('notify-btn').addEventListener('click', async () => {
    const answer = await askNotificationPermission();
    updateNotifyButton();
    toast(answer === 'granted' ? 'Reminders will also show as notifications.' : 'Notifications stay off; reminders show on this page.');
  });
}
