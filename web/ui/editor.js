// The inline editor of one todo (or of a new one): fields, due date/time with zone,
// reminders, recurrence with a preview of the next occurrences.

import { el, uid, debounce } from './dom.js';
import {
  browserZone, isValidZone, knownZones, splitDue, zonedToRfc3339, toLocalInput, fromLocalInput,
  formatInstant, isDateOnly, describeOffset, todayIso,
} from './dates.js';
import {
  PRESETS, OFFSETS, presetOfRule, reminderForWrite, recurrenceForWrite,
} from './schedule.js';
import { describeProblem } from './client.js';

const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'];

let zoneList = null;
function zoneDatalist() {
  if (!zoneList) {
    zoneList = el('datalist', { id: 'zone-list' }, knownZones().map((z) => el('option', { value: z })));
    document.body.append(zoneList);
  }
  return 'zone-list';
}

function field(labelText, control, hint) {
  const hintId = hint ? uid('hint') : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el('div', { class: 'field' },
    el('label', { for: control.id }, labelText),
    control,
    hint && el('p', { class: 'hint', id: hintId }, hint));
}

function sameTags(a, b) {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function sameDue(a, b) {
  if (!a || !b) return !a && !b;
  if (isDateOnly(a) || isDateOnly(b)) return a === b;
  return Date.parse(a) === Date.parse(b);
}

/**
 * @param {object} o
 * @param {object|null} o.todo       null for a new todo
 * @param {{schedule:boolean}} o.features
 * @param {(changes: object) => void} o.onSave  a full body (new) or a patch (only what changed)
 * @param {() => void} o.onCancel
 * @param {(q: object) => Promise<{items: Array}>} o.preview
 */
export function buildEditor({ todo, features, onSave, onCancel, preview }) {
  const isNew = !todo;
  const t = todo || { title: '', notes: '', priority: 'none', tags: [], due: null };
  const zone = (t.time_zone && isValidZone(t.time_zone)) ? t.time_zone : browserZone();
  const dueParts = splitDue(t.due, zone);
  const id = uid('ed');

  const title = el('input', { id: `${id}-title`, name: 'title', type: 'text', required: true, maxlength: 500, value: t.title, autocomplete: 'off' });
  const notes = el('textarea', { id: `${id}-notes`, name: 'notes', rows: 2, maxlength: 10000 });
  notes.value = t.notes || '';
  const priority = el('select', { id: `${id}-priority`, name: 'priority' },
    PRIORITIES.map((p) => el('option', { value: p, selected: p === (t.priority || 'none') }, p === 'none' ? 'No priority' : p[0].toUpperCase() + p.slice(1))));
  const tags = el('input', { id: `${id}-tags`, name: 'tags', type: 'text', value: (t.tags || []).join(', '), autocomplete: 'off' });
  const date = el('input', { id: `${id}-date`, name: 'due-date', type: 'date', value: dueParts.date });
  const time = el('input', { id: `${id}-time`, name: 'due-time', type: 'time', value: dueParts.time });
  const tz = el('input', { id: `${id}-zone`, name: 'time-zone', type: 'text', value: zone, list: zoneDatalist(), autocomplete: 'off', spellcheck: 'false' });
  const clearDue = el('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { date.value = ''; time.value = ''; changed(); } }, 'Clear due');
  const errorBox = el('p', { class: 'form-error', role: 'alert', hidden: true });

  // ----- reminders
  const reminders = (Array.isArray(t.reminders) ? t.reminders : []).map((r) => ({
    kind: r.at ? 'at' : 'offset', offset: r.offset || '-PT15M', at: r.at ? toLocalInput(r.at, zone) : '',
    misfire: r.misfire || 'fire_once', state: r.state || null, next: r.next || null,
  }));
  let remindersDirty = false;
  const remList = el('ul', { class: 'rem-list' });
  const addReminder = el('button', { type: 'button', class: 'btn btn-small', onclick: () => {
    if (reminders.length >= 10) return;
    const hasTime = date.value && time.value;
    reminders.push({ kind: hasTime || date.value ? 'offset' : 'at', offset: '-PT15M', at: '', misfire: 'fire_once', state: null });
    remindersDirty = true;
    renderReminders();
    remList.lastElementChild?.querySelector('select')?.focus();
  } }, '+ Add reminder');

  function renderReminders() {
    remList.replaceChildren(...reminders.map((r, i) => {
      const rid = `${id}-rem${i}`;
      const kind = el('select', { id: `${rid}-kind`, 'aria-label': `Reminder ${i + 1} type`, onchange: () => { r.kind = kind.value; remindersDirty = true; renderReminders(); } },
        el('option', { value: 'offset', selected: r.kind === 'offset' }, 'Relative to due'),
        el('option', { value: 'at', selected: r.kind === 'at' }, 'At a time'));
      let value;
      if (r.kind === 'offset') {
        const opts = OFFSETS.some(([v]) => v === r.offset) ? OFFSETS : [...OFFSETS, [r.offset, describeOffset(r.offset)]];
        value = el('select', { id: `${rid}-offset`, 'aria-label': `Reminder ${i + 1} when`, onchange: () => { r.offset = value.value; remindersDirty = true; } },
          opts.map(([v, label]) => el('option', { value: v, selected: v === r.offset }, label)));
      } else {
        value = el('input', { id: `${rid}-at`, type: 'datetime-local', value: r.at, 'aria-label': `Reminder ${i + 1} date and time`,
          oninput: () => { r.at = value.value; remindersDirty = true; } });
      }
      const misfire = el('select', { id: `${rid}-misfire`, 'aria-label': `Reminder ${i + 1} if missed`, onchange: () => { r.misfire = misfire.value; remindersDirty = true; } },
        el('option', { value: 'fire_once', selected: r.misfire !== 'skip' }, 'If missed: remind once'),
        el('option', { value: 'skip', selected: r.misfire === 'skip' }, 'If missed: skip'));
      const stateText = r.state && !remindersDirty ? `${r.state}${r.next ? ` · next ${formatInstant(r.next)}` : ''}` : '';
      return el('li', { class: 'rem-row' }, kind, value, misfire,
        stateText && el('span', { class: `rem-state rem-${r.state}` }, stateText),
        el('button', { type: 'button', class: 'btn btn-icon', 'aria-label': `Remove reminder ${i + 1}`, onclick: () => {
          reminders.splice(i, 1); remindersDirty = true; renderReminders(); addReminder.focus();
        } }, '×'));
    }));
    addReminder.disabled = reminders.length >= 10;
  }

  // ----- recurrence
  const rec = t.recurrence || null;
  const recPreset = rec ? (rec.preset || presetOfRule(rec.rrule) || 'custom') : 'none';
  let recurrenceDirty = false;
  const repeat = el('select', { id: `${id}-repeat`, name: 'repeat' },
    el('option', { value: 'none', selected: recPreset === 'none' }, 'Does not repeat'),
    PRESETS.map(([v, label]) => el('option', { value: v, selected: v === recPreset }, label)),
    el('option', { value: 'custom', selected: recPreset === 'custom' }, 'Custom rule (RRULE)…'));
  const rrule = el('input', { id: `${id}-rrule`, name: 'rrule', type: 'text', value: rec?.rrule || '', placeholder: 'FREQ=WEEKLY;BYDAY=MO,WE', autocomplete: 'off', spellcheck: 'false' });
  const mode = el('select', { id: `${id}-mode`, name: 'mode' },
    el('option', { value: 'from_due', selected: (rec?.mode || 'from_due') === 'from_due' }, 'From the due date'),
    el('option', { value: 'from_completion', selected: rec?.mode === 'from_completion' }, 'From when completed'));
  const exdates = el('input', { id: `${id}-exdates`, name: 'exdates', type: 'text', value: (rec?.exdates || []).join(', '), placeholder: 'e.g. 2026-12-24, 2026-12-31', autocomplete: 'off' });
  const previewBox = el('div', { class: 'preview', 'aria-live': 'polite', id: `${id}-preview` });
  const rruleField = field('Rule', rrule, 'RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYMONTHDAY=1');
  const modeField = field('Next one counts', mode);
  const exField = field('Skip dates', exdates, 'Dates (YYYY-MM-DD) to leave out, separated by commas');

  function currentDue() {
    if (!date.value) return null;
    if (!time.value) return date.value;
    const zoneName = tz.value.trim() || browserZone();
    if (!isValidZone(zoneName)) return null;
    return zonedToRfc3339(date.value, time.value, zoneName);
  }

  function currentRecurrence() {
    const v = repeat.value;
    if (v === 'none') return null;
    const out = v === 'custom' ? { rrule: rrule.value.trim() } : { preset: v };
    const ex = exdates.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (ex.length) out.exdates = ex;
    out.mode = mode.value;
    return out;
  }

  let previewSeq = 0;
  const refreshPreview = debounce(async () => {
    const seq = ++previewSeq;
    const r = currentRecurrence();
    rrule.removeAttribute('aria-invalid');
    if (!r) {
      previewBox.replaceChildren();
      return;
    }
    const due = currentDue();
    if (!due) {
      previewBox.replaceChildren(el('p', { class: 'hint' }, 'A repeating todo needs a due date.'));
      return;
    }
    if (r.rrule === '') {
      previewBox.replaceChildren(el('p', { class: 'hint' }, 'Enter a rule to see the next dates.'));
      return;
    }
    previewBox.replaceChildren(el('p', { class: 'hint' }, 'Computing the next dates…'));
    try {
      const ans = await preview({ rrule: r.rrule, preset: r.preset, due, timeZone: tz.value.trim() || browserZone(), limit: 5 });
      if (seq !== previewSeq) return;
      const items = ans?.items || [];
      previewBox.replaceChildren(
        el('p', { class: 'preview-title' }, items.length ? 'Next dates' : 'No further dates'),
        items.length ? el('ol', { class: 'preview-list' }, items.map((o) => el('li', {}, formatInstant(o.due)))) : null);
    } catch (e) {
      if (seq !== previewSeq) return;
      if (e.field && /rrule|preset/.test(e.field)) rrule.setAttribute('aria-invalid', 'true');
      previewBox.replaceChildren(el('p', { class: 'preview-error' }, e.status === 404 ? 'Preview unavailable on this server.' : describeProblem(e.problem, e.status)));
    }
  }, 250);

  function syncRecurrenceUi() {
    const v = repeat.value;
    modeField.hidden = v === 'none';
    exField.hidden = v === 'none';
    rruleField.hidden = v !== 'custom';
    refreshPreview();
  }

  function changed() {
    if (features.schedule) refreshPreview();
  }

  for (const c of [repeat, rrule, mode, exdates]) {
    c.addEventListener('input', () => { recurrenceDirty = true; syncRecurrenceUi(); });
    c.addEventListener('change', () => { recurrenceDirty = true; syncRecurrenceUi(); });
  }
  for (const c of [date, time, tz]) c.addEventListener('input', changed);

  const zoneHintId = uid('hint');
  tz.setAttribute('aria-describedby', zoneHintId);
  const dueSet = el('fieldset', { class: 'group' },
    el('legend', {}, 'Due'),
    el('div', { class: 'row' },
      field('Date', date),
      field('Time (optional)', time),
      field('Time zone', tz),
      el('div', { class: 'field field-button' }, clearDue)),
    el('p', { class: 'hint', id: zoneHintId }, 'A due time is kept in this time zone (IANA name, e.g. Europe/Berlin); reminders and repeats follow it.'));

  const scheduleSets = features.schedule ? [
    el('fieldset', { class: 'group' }, el('legend', {}, 'Reminders'), remList, addReminder),
    el('fieldset', { class: 'group' }, el('legend', {}, 'Repeat'),
      el('div', { class: 'row' }, field('Repeats', repeat), modeField), rruleField, exField, previewBox),
  ] : [el('p', { class: 'hint' }, 'Reminders and repeating todos are not available on this server yet.')];

  const form = el('form', { class: 'editor', novalidate: true, 'aria-label': isNew ? 'New todo' : `Edit “${t.title}”` },
    field('Title', title),
    field('Notes', notes),
    el('div', { class: 'row' },
      field('Priority', priority),
      field('Tags', tags, 'Separate tags with commas')),
    dueSet,
    ...scheduleSets,
    errorBox,
    el('div', { class: 'editor-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? 'Add todo' : 'Save'),
      el('button', { type: 'button', class: 'btn', onclick: () => onCancel() }, 'Cancel'),
      el('span', { class: 'hint' }, 'Ctrl+Enter saves, Esc cancels')));

  function fail(msg, control) {
    errorBox.textContent = msg;
    errorBox.hidden = false;
    form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    }
  }

  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const titleV = title.value.trim();
    if (!titleV) return fail('A title is needed.', title);
    const tagList = [];
    for (const tag of tags.value.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!tagList.some((x) => x.toLowerCase() === tag.toLowerCase())) tagList.push(tag);
    }
    const zoneName = tz.value.trim() || browserZone();
    if (time.value && !date.value) return fail('A time needs a date.', date);
    if (date.value && time.value && !isValidZone(zoneName)) return fail(`Unknown time zone “${zoneName}”.`, tz);
    const due = currentDue();

    const body = {};
    if (isNew || titleV !== t.title) body.title = titleV;
    const notesV = notes.value;
    if (isNew ? notesV : notesV !== (t.notes || '')) body.notes = notesV === '' ? null : notesV;
    if (isNew ? priority.value !== 'none' : priority.value !== (t.priority || 'none')) body.priority = priority.value;
    if (isNew ? tagList.length : !sameTags(tagList, t.tags || [])) body.tags = tagList;
    const dueChanged = !sameDue(due, t.due);
    if (dueChanged) body.due = due;
    if (features.schedule && due && (dueChanged || (t.time_zone || null) !== zoneName) &&
        (dueChanged || !isDateOnly(due))) {
      body.time_zone = zoneName;
    }

    if (features.schedule && remindersDirty) {
      const list = [];
      for (const r of reminders) {
        if (r.kind === 'offset') {
          if (!due) return fail('A reminder relative to the due date needs a due date.', date);
          list.push({ offset: r.offset, misfire: r.misfire });
        } else {
          if (!r.at) return fail('Pick a date and time for the reminder.', remList.querySelector('input[type="datetime-local"]:placeholder-shown, input[type="datetime-local"]'));
          list.push({ at: fromLocalInput(r.at, zoneName), misfire: r.misfire });
        }
      }
      body.reminders = list;
      if (list.length && !body.time_zone && due) body.time_zone = zoneName;
    }
    if (features.schedule && recurrenceDirty) {
      const r = currentRecurrence();
      if (r && !due) return fail('A repeating todo needs a due date.', date);
      if (r && r.rrule === '') return fail('Enter a rule, or pick a preset.', rrule);
      if (r && r.exdates && r.exdates.some((d) => !isDateOnly(d))) return fail('Skip dates are written YYYY-MM-DD.', exdates);
      body.recurrence = r;
      if (r && !body.time_zone) body.time_zone = zoneName;
    }
    if (isNew && features.schedule && due && !body.time_zone) body.time_zone = zoneName;
    onSave(body);
  });

  renderReminders();
  syncRecurrenceUi();

  form.focusFirst = () => title.focus();
  form.defaultDate = () => { if (!date.value) date.value = todayIso(); };
  return form;
}

export { reminderForWrite, recurrenceForWrite };
