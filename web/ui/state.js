// The state the wiring modules share: the store, the view preferences (kept in localStorage)
// and the session's mutable fields. Imports no wiring module, so every module may use it
// while it is being evaluated.

import { Store } from './store.js';

export const $ = (id) => document.getElementById(id);
const PREFS_KEY = 'actodo.view';

export const store = new Store();

export const app = {
  features: { schedule: false },
  socket: null,
  connection: 0,      // counts socket sessions (welcome frames); a write is sent once per session
  everOnline: false,
  editingId: null,
  currentId: null,
  subtaskFor: null,   // the todo whose "add subtask" form is open
  arranged: [],       // the rows as last shown (tree order, with depth and parent)
};

export const prefs = loadPrefs();

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

export function savePrefs() {
  const { q, ...rest } = prefs;
  localStorage.setItem(PREFS_KEY, JSON.stringify(rest));
}

/** The project new todos go to: the selected one (not the "all" and archive views). */
export function currentProject() {
  return prefs.view && prefs.view !== 'all' && prefs.view !== 'archive' ? prefs.view : null;
}
