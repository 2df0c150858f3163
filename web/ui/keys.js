// Keyboard shortcuts (n, /, j/k, x, e/Enter, Delete, 1/2/3, s, a, Alt+↑/↓, p, b, ?, Esc) and the
// shortcuts help dialog.

import { $, app, prefs } from './state.js';
import { render, focusRow, moveFocus, setStatus } from './list.js';
import { toggle, removeTodo, openSubtask, setArchived, moveTodo } from './rows.js';
import { openEditor } from './editing.js';
import { openDrawer, closeDrawer } from './sidebar.js';
import { bell } from './live.js';

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
        if (app.currentId) focusRow(app.currentId);
      }
    }
    return;
  }
  const onControl = t.tagName === 'BUTTON' || t.tagName === 'A' || t.tagName === 'INPUT';
  const inEditor = t.closest && t.closest('.editor');
  if (inEditor) return;
  const currentId = app.currentId;
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

/** The shortcuts and the "Shortcuts ?" button. */
export function wireKeys() {
  $('help-btn').addEventListener('click', () => $('help-dialog').showModal());
  document.addEventListener('keydown', onKey);
}
