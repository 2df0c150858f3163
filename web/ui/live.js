// Live frames: what the socket delivers (welcome, events, results, reminders, notification
// counts), loading the list, the reminder cards and the notifications bell.

import * as api from './client.js';
import { toast, Reminders } from './notices.js';
import { NotificationBell } from './notifications.js';
import { $, app, store } from './state.js';
import { renderConn, replayRest } from './connection.js';
import { reveal } from './list.js';

export const bell = new NotificationBell({
  button: $('bell'), badge: $('bell-count'), panel: $('notif-panel'), list: $('notif-list'), markAll: $('notif-read'),
}, {
  load: () => api.notifications(),
  markRead: (upTo) => api.markNotificationsRead(upTo),
  error: (msg) => toast(msg, { kind: 'error' }),
});

export const reminders = new Reminders({
  snooze: (id, n, body) => api.snoozeReminder(id, n, body),
  dismiss: (id, n) => api.dismissReminder(id, n),
  show: (id) => reveal(id),
});

export function onFrame(frame) {
  switch (frame.type) {
    case 'welcome':
      app.connection += 1;
      app.everOnline = true;
      if (!store.loaded || store.fromCache || store.lastSeq == null || frame.sequence < store.lastSeq) {
        // first connection, or the server's log is behind ours (another data dir): start over
        store.lastSeq = frame.sequence;
        loadList();
      }
      store.flush((f) => app.socket.send(f), app.connection);
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

export async function loadList() {
  try {
    await store.reload(api.listAll, api.listProjects);
    store.fromCache = false;
    reminders.restore(store.todos.values());
    bell.refresh();
  } catch (e) {
    if (e.status !== 401) toast(`Couldn't load the list: ${e.message}`, { kind: 'error' });
  }
}
