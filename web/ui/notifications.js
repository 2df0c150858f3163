// The notifications bell: the unread count (from `notifications` frames and
// GET /notifications), a panel listing them, and "Mark all read".

import { el } from './dom.js';
import { formatInstant } from './dates.js';

const KIND_TEXT = {
  reminder: 'Reminder', 'series.ended': 'Series ended', 'job.done': 'Import finished',
  'job.failed': 'Import failed', 'webhook.disabled': 'Webhook disabled',
};

export class NotificationBell {
  /**
   * @param {{button: HTMLButtonElement, badge: HTMLElement, panel: HTMLElement, list: HTMLElement, markAll: HTMLButtonElement}} els
   * @param {{load: () => Promise<object>, markRead: (upTo: number) => Promise<object>, error: (msg: string) => void}} api
   */
  constructor(els, api) {
    this.els = els;
    this.api = api;
    this.unread = 0;
    this.items = [];
    els.button.addEventListener('click', () => this.toggle());
    els.markAll.addEventListener('click', () => this.markAll());
    els.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.close();
      }
    });
    this.render();
  }

  get isOpen() {
    return !this.els.panel.hidden;
  }

  /** A `notifications` frame: {unread, latest}. */
  onFrame(frame) {
    if (typeof frame.unread === 'number') this.unread = frame.unread;
    if (frame.latest && typeof frame.latest.id === 'number' && !this.items.some((n) => n.id === frame.latest.id)) {
      this.items.unshift(frame.latest);
    }
    this.render();
  }

  async refresh() {
    try {
      const answer = await this.api.load();
      this.items = answer.items || [];
      this.unread = answer.unread ?? this.items.filter((n) => !n.read).length;
      this.render();
    } catch { /* offline: keep what we have */ }
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  open() {
    this.els.panel.hidden = false;
    this.els.button.setAttribute('aria-expanded', 'true');
    this.refresh();
    this.els.panel.focus();
  }

  close() {
    this.els.panel.hidden = true;
    this.els.button.setAttribute('aria-expanded', 'false');
    this.els.button.focus();
  }

  async markAll() {
    const newest = this.items.reduce((m, n) => Math.max(m, n.id || 0), 0);
    if (!newest) return;
    this.els.markAll.disabled = true;
    try {
      const answer = await this.api.markRead(newest);
      this.unread = answer.unread ?? 0;
      for (const n of this.items) if (n.id <= newest) n.read = true;
      this.render();
    } catch (e) {
      this.api.error(`Couldn't mark the notifications read: ${e.message}`);
    } finally {
      this.els.markAll.disabled = false;
    }
  }

  render() {
    const { button, badge, list, markAll } = this.els;
    badge.textContent = this.unread > 99 ? '99+' : String(this.unread);
    badge.hidden = this.unread === 0;
    button.setAttribute('aria-label', `Notifications, ${this.unread} unread`);
    markAll.disabled = this.unread === 0;
    if (!this.items.length) {
      list.replaceChildren(el('li', { class: 'notif-empty' }, 'No notifications.'));
      return;
    }
    list.replaceChildren(...this.items.map((n) => el('li', { class: `notif${n.read ? '' : ' unread'}`, dataset: { id: String(n.id) } },
      el('p', { class: 'notif-title' },
        el('span', { class: 'notif-kind' }, `${KIND_TEXT[n.kind] || n.kind}: `), n.title || n.subject || ''),
      el('p', { class: 'notif-when' }, n.created_at ? formatInstant(n.created_at) : '',
        n.read ? '' : el('span', { class: 'sr-only' }, ' (unread)')))));
  }
}
