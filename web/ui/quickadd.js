// Quick add: while typing, the line is sent to POST /quick-add?dry_run=true (debounced; only
// the answer to the latest text counts) and shown under the input with what the server
// recognised highlighted: a colour per kind plus a text for screen readers ("date: tomorrow").

import { el } from './dom.js';

const DEBOUNCE_MS = 200;
const KIND_LABEL = {
  date: 'date', time: 'time', recurrence: 'repeats', tag: 'tag', project: 'project',
  priority: 'priority', reminder: 'reminder',
};

/** Cut `text` at code-point offsets into plain and recognised pieces. */
export function segments(text, spans) {
  const cps = Array.from(text);
  const out = [];
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at || s.end > cps.length || s.end <= s.start) continue;
    if (s.start > at) out.push({ text: cps.slice(at, s.start).join('') });
    out.push({ text: cps.slice(s.start, s.end).join(''), kind: s.kind });
    at = s.end;
  }
  if (at < cps.length) out.push({ text: cps.slice(at).join('') });
  return out;
}

export class QuickAddPreview {
  /**
   * @param {HTMLInputElement} input
   * @param {HTMLElement} box          where the highlighted line goes
   * @param {(text: string) => Promise<{todo, spans}>} fetchPreview
   * @param {() => boolean} online     no previews while offline
   */
  constructor(input, box, fetchPreview, online) {
    this.input = input;
    this.box = box;
    this.fetchPreview = fetchPreview;
    this.online = online;
    this.latest = 0;
    this.timer = null;
    input.addEventListener('input', () => this.schedule());
  }

  schedule() {
    clearTimeout(this.timer);
    this.latest += 1; // an answer to an older text no longer counts
    const text = this.input.value;
    if (!text.trim()) {
      this.render(null);
      return;
    }
    this.timer = setTimeout(() => this.ask(text, this.latest), DEBOUNCE_MS);
  }

  async ask(text, ticket) {
    if (!this.online()) {
      this.render(null);
      return;
    }
    let answer;
    try {
      answer = await this.fetchPreview(text);
    } catch {
      answer = null; // a refused text (nothing left for the title) or no connection: no highlights
    }
    if (ticket !== this.latest || this.input.value !== text) return;
    this.render(answer && Array.isArray(answer.spans) && answer.spans.length ? { text, answer } : null);
  }

  /** The parsed todo of the last answer, if it is for `text`. */
  answerFor(text) {
    return this.last && this.last.text.trim() === text.trim() ? this.last.answer : null;
  }

  render(state) {
    this.last = state;
    if (!state) {
      this.box.replaceChildren();
      this.box.hidden = true;
      this.box.dataset.text = '';
      return;
    }
    const parts = segments(state.text, state.answer.spans).map((p) => (p.kind
      ? el('mark', { class: `qa qa-${p.kind}`, dataset: { kind: p.kind } },
        el('span', { class: 'sr-only' }, `${KIND_LABEL[p.kind] || p.kind}: `),
        el('span', { class: 'qa-text' }, p.text))
      : p.text));
    const title = state.answer.todo?.title;
    this.box.replaceChildren(...parts,
      title ? el('span', { class: 'qa-title' }, ' → ', el('span', { class: 'sr-only' }, 'title: '), title) : null);
    this.box.dataset.text = state.text;
    this.box.hidden = false;
  }

  clear() {
    clearTimeout(this.timer);
    this.latest += 1;
    this.render(null);
  }
}
