// Toasts (results, errors, undo) and the reminder cards with snooze/dismiss,
// mirrored as browser notifications when the person allowed them.

import { el, icon } from './dom.js';
import { formatInstant } from './dates.js';

const toastRegion = () => document.getElementById('toasts');
const reminderRegion = () => document.getElementById('reminders');

/**
 * Show a toast. kind: 'info' | 'error'. action: {label, run}.
 * Errors stay until closed (or 12 s); info goes after 5 s.
 */
export function toast(message, { kind = 'info', action = null, timeout } = {}) {
  const region = toastRegion();
  const close = () => node.remove();
  const node = el('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : null },
    el('p', { class: 'toast-text' }, message),
    action && el('button', {
      type: 'button', class: 'btn btn-small',
      onclick: () => { close(); action.run(); },
    }, action.label),
    el('button', { type: 'button', class: 'btn btn-icon', 'aria-label': 'Close message', onclick: close }, '×'),
  );
  region.append(node);
  while (region.children.length > 4) region.firstElementChild.remove();
  setTimeout(close, timeout ?? (kind === 'error' ? 12_000 : 5_000));
  return node;
}

export function notificationsSupported() {
  return typeof window.Notification === 'function';
}

/** Ask for permission; only ever called from a click handler. */
export async function askNotificationPermission() {
  if (!notificationsSupported()) return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Reminder cards keyed by "todoId:n". */
export class Reminders {
  /** @param {{snooze:(id,n,body)=>Promise, dismiss:(id,n)=>Promise, show:(id)=>void}} actions */
  constructor(actions) {
    this.actions = actions;
    this.cards = new Map();
  }

  key(todoId, n) {
    return `${todoId}:${n}`;
  }

  /** A `reminder` frame: {todo_id, reminder, title, scheduled, fired_at}. */
  fire(frame, { notify = true } = {}) {
    const key = this.key(frame.todo_id, frame.reminder);
    this.cards.get(key)?.remove();
    const when = frame.scheduled ? formatInstant(frame.scheduled) : '';
    const busy = (card, on) => card.querySelectorAll('button').forEach((b) => { b.disabled = on; });
    const act = async (fn, card) => {
      busy(card, true);
      try {
        await fn();
        this.drop(frame.todo_id, frame.reminder);
      } catch (e) {
        busy(card, false);
        toast(`Couldn't update the reminder: ${e.message}`, { kind: 'error' });
      }
    };
    const card = el('article', { class: 'reminder-card', 'data-key': key, 'aria-label': `Reminder: ${frame.title}` },
      el('p', { class: 'reminder-title' }, icon('bell'), ' ', frame.title || 'Reminder'),
      when && el('p', { class: 'reminder-when' }, `Reminder for ${when}`),
      el('div', { class: 'reminder-actions' },
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => act(() => this.actions.snooze(frame.todo_id, frame.reminder, { for: 'PT10M' }), card) }, 'Snooze 10 min'),
        el('button', { type: 'button', class: 'btn btn-small', onclick: () => act(() => this.actions.snooze(frame.todo_id, frame.reminder, { for: 'PT1H' }), card) }, 'Snooze 1 h'),
        el('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: () => act(() => this.actions.dismiss(frame.todo_id, frame.reminder), card) }, 'Dismiss'),
        el('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => this.actions.show(frame.todo_id) }, 'Show'),
      ),
    );
    this.cards.set(key, card);
    reminderRegion().append(card);
    if (notify) this.notify(frame);
  }

  drop(todoId, n) {
    const key = this.key(todoId, n);
    this.cards.get(key)?.remove();
    this.cards.delete(key);
  }

  /** Keep the cards in line with the model: a reminder dismissed or snoozed elsewhere goes away. */
  sync(todosById) {
    for (const key of [...this.cards.keys()]) {
      const i = key.lastIndexOf(':');
      const id = key.slice(0, i);
      const n = Number(key.slice(i + 1));
      const todo = todosById.get(id);
      if (!todo) {
        this.drop(id, n);
        continue;
      }
      const r = Array.isArray(todo.reminders) ? todo.reminders[n] : null;
      if (todo.completed || (r && r.state && r.state !== 'fired')) this.drop(id, n);
    }
  }

  /** On load: reminders that fired while the page was closed and are not yet dismissed. */
  restore(todos) {
    for (const todo of todos) {
      if (todo.completed || !Array.isArray(todo.reminders)) continue;
      todo.reminders.forEach((r, n) => {
        if (r.state === 'fired' && !this.cards.has(this.key(todo.id, n))) {
          this.fire({ todo_id: todo.id, reminder: n, title: todo.title, scheduled: r.next || r.at || todo.due, fired_at: r.fired_at }, { notify: false });
        }
      });
    }
  }

  notify(frame) {
    if (!notificationsSupported() || Notification.permission !== 'granted') return;
    if (document.visibilityState === 'visible' && document.hasFocus()) return; // the card is enough
    try {
      const n = new Notification('Actodo reminder', {
        body: frame.title || 'Reminder', tag: this.key(frame.todo_id, frame.reminder), icon: 'icon.svg',
      });
      n.onclick = () => {
        window.focus();
        this.actions.show(frame.todo_id);
        n.close();
      };
    } catch { /* some browsers only allow notifications from a service worker */ }
  }
}
