// Quick add wiring: the add form's preview (POST /quick-add?dry_run=true) and Enter, which
// creates the todo through POST /quick-add in the project shown (unless the text names one
// with +name). Offline the same write is queued and the server parses the text when it gets
// it (so "tomorrow" means the day after it arrives).

import * as api from './client.js';
import { describeProblem } from './client.js';
import { toast } from './notices.js';
import * as queue from './queue.js';
import { QuickAddPreview } from './quickadd.js';
import { browserZone } from './dates.js';
import { $, app, store, prefs, currentProject } from './state.js';
import { syncFilterControls } from './list.js';
import { selectView } from './sidebar.js';
import { openNewEditor } from './editing.js';

/** The quick-add body: the project shown goes along as project_id (the text's +name wins). */
function quickAddBody(text, project) {
  const body = { text, time_zone: browserZone() };
  if (project) body.project_id = project;
  return body;
}

// each answer remembers the project it was asked for: it stands for the todo only there
const preview = new QuickAddPreview($('new-title'), $('qa-preview'), async (text) => {
  const project = currentProject();
  return { ...(await api.quickAddPreview(quickAddBody(text, project))), project };
}, () => !!app.socket?.isOpen);

/** Enter in the new-todo input: POST /quick-add (parsed by the server), queued like any REST
 *  write; offline it waits in the queue, shown with the text as its title. */
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
  // queued like any REST write (IndexedDB, Idempotency-Key) and sent when the connection is
  // open (and a project still being created has its id); shown meanwhile as the last preview
  // (for this project) parsed it, or, with no preview (offline), with the text as the title
  const answer = app.socket?.isOpen ? preview.answerFor(text) : null;
  const parsed = answer && (answer.project ?? null) === project ? answer.todo : null;
  const optimistic = { ...(parsed || { title: text }) };
  if (project && !optimistic.project_id) optimistic.project_id = project;
  try {
    await store.restWrite('POST', '/quick-add', quickAddBody(text, project), text, queue.newKey('qa'), optimistic);
  } catch (ex) {
    toast(`Couldn't add “${text}”: ${describeProblem(ex.problem, ex.status)}`, { kind: 'error' });
  }
}

/** The add form: Enter (quick add) and "More…" (the new-todo editor). */
export function wireAdding() {
  $('add-form').addEventListener('submit', quickAdd);
  $('add-more').addEventListener('click', openNewEditor);
}
