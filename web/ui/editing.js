// The editors: the inline editor of a row (saved as an update, with If-Match when it started
// from confirmed state) and the "More…" editor of a new todo under the add form.

import * as api from './client.js';
import { buildEditor } from './editor.js';
import { el } from './dom.js';
import { $, app, store, prefs, currentProject } from './state.js';
import { render, focusRow, syncFilterControls } from './list.js';
import { listView, findItem, write } from './rows.js';

export function openEditor(id) {
  const item = findItem(id);
  if (!item) return;
  if (app.editingId && app.editingId !== id) closeEditor(false);
  closeNewEditor();
  app.editingId = id;
  render();
  const li = listView.row(id);
  if (!li) return;
  const base = item.todo;
  const cleanBase = !item.pending && !store.hasPendingFor(id);
  const form = buildEditor({
    todo: base,
    features: app.features,
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
  const id = app.editingId;
  app.editingId = null;
  render();
  if (refocus && id) focusRow(id);
}

export function openNewEditor() {
  if (app.editingId) closeEditor(false);
  closeNewEditor();
  const holder = $('new-editor');
  const title = $('new-title').value.trim();
  const newEditor = buildEditor({
    todo: null,
    features: app.features,
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
      // A todo made while a project is shown goes into it.
      const project = currentProject();
      if (project && !body.project_id) body.project_id = project;
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
}
