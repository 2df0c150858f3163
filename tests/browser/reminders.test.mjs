// 4. A reminder due in a few seconds shows up in the page, and snooze/dismiss from the
//    card reach the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, screenshot } from './lib/browser.mjs';

let server;
let browser;
let api;

before(async () => {
  server = await new Server().start();
  browser = await launch();
  api = new Api(server.url);
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Create a todo with reminders; null when the server does not know the field. */
async function createWithReminder(body) {
  const r = await api.call('POST', '/todos', body, { Prefer: 'wait=5' });
  if (r.status === 400 && /^(reminders|time_zone)/.test(r.body?.field || '')) return null;
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

test('a reminder due in a few seconds shows up in the page; snooze and dismiss', { timeout: 90_000 }, async () => {
  const { context, page } = await openPage(browser, `${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });

  const due = inSeconds(4);
  const todo = await createWithReminder({
    title: 'Stretch your legs', due, time_zone: 'Europe/Berlin', reminders: [{ offset: 'PT0M' }],
  });
  assert.ok(todo, 'the server accepts a todo with reminders');

  const card = page.locator('.reminder-card', { hasText: 'Stretch your legs' });
  await card.waitFor({ timeout: 30_000 });
  await screenshot(page, 'reminder-toast');

  await card.getByRole('button', { name: 'Snooze 10 min' }).click();
  await card.waitFor({ state: 'detached' });
  const snoozed = await eventually(async () => {
    const r = (await api.ok('GET', `/todos/${todo.id}`)).reminders?.[0];
    return r && r.next && Date.parse(r.next) > Date.now() + 5 * 60_000 && r;
  }, { message: 'the reminder snoozed by about 10 minutes' });
  assert.notEqual(snoozed.state, 'dismissed');

  const second = await createWithReminder({
    title: 'Water the plants', reminders: [{ at: inSeconds(3) }],
  });
  const card2 = page.locator('.reminder-card', { hasText: 'Water the plants' });
  await card2.waitFor({ timeout: 30_000 });
  await card2.getByRole('button', { name: 'Dismiss' }).click();
  await card2.waitFor({ state: 'detached' });
  await eventually(async () => (await api.ok('GET', `/todos/${second.id}`)).reminders?.[0]?.state === 'dismissed',
    { message: 'the reminder dismissed in REST' });

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('reminders and a recurrence set in the editor reach the server', { timeout: 60_000 }, async () => {
  const probe = await createWithReminder({ title: 'probe', due: '2026-12-01', reminders: [] });
  assert.ok(probe, 'the server accepts a todo with reminders');
  await api.remove(probe.id);
  const todo = await api.create({ title: 'Team meeting' });
  const { context, page } = await openPage(browser, `${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Edit Team meeting' }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.getByLabel('Date', { exact: true }).fill('2026-12-07');
  await form.getByLabel('Time (optional)').fill('10:00');
  await form.getByRole('button', { name: '+ Add reminder' }).click();
  await form.getByLabel('Reminder 1 when').selectOption('-PT15M');
  // an invalid custom rule: the preview names the problem (400 from GET /occurrences)
  await form.getByLabel('Repeats').selectOption('custom');
  await form.getByLabel('Rule', { exact: true }).fill('FREQ=NEVER');
  await form.locator('.preview-error', { hasText: 'field: rrule' }).waitFor();
  assert.equal(await form.getByLabel('Rule', { exact: true }).getAttribute('aria-invalid'), 'true');
  await form.getByLabel('Repeats').selectOption('weekly');
  await form.locator('.preview-list li').first().waitFor();
  assert.equal(await form.locator('.preview-list li').count(), 5);
  await form.getByRole('button', { name: 'Save' }).click();

  const saved = await eventually(async () => {
    const x = await api.ok('GET', `/todos/${todo.id}`);
    return x.recurrence && x;
  }, { message: 'the recurrence in REST' });
  assert.equal(Date.parse(saved.due), Date.parse('2026-12-07T09:00:00Z'));
  assert.equal(saved.time_zone, 'Europe/Berlin');
  assert.equal(saved.reminders.length, 1);
  assert.equal(saved.reminders[0].offset, '-PT15M');
  assert.match(saved.recurrence.rrule, /FREQ=WEEKLY/);
  assert.deepEqual(page.errors, []);
  await context.close();
});
