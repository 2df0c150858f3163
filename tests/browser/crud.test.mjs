// 1. Add, edit inline, complete and delete through the page; a rejected write is rolled back;
//    keyboard shortcuts. Every outcome is checked against the REST API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, row } from './lib/browser.mjs';

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

async function openApp() {
  const { context, page } = await openPage(browser, `${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  return { context, page };
}

test('add, edit, complete and delete through the page', { timeout: 60_000 }, async () => {
  const { context, page } = await openApp();

  await page.fill('#new-title', 'Buy milk');
  await page.press('#new-title', 'Enter');
  const created = await eventually(() => api.todoByTitle('Buy milk'), { message: 'the todo in the REST list' });
  assert.equal(created.completed, false);
  await row(page, 'Buy milk').and(page.locator(':not(.pending)')).waitFor();

  await row(page, 'Buy milk').getByRole('button', { name: 'Edit Buy milk' }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.getByLabel('Title', { exact: true }).fill('Buy oat milk');
  await form.getByLabel('Notes').fill('the barista one');
  await form.getByLabel('Priority').selectOption('high');
  await form.getByLabel('Tags').fill('shop, home');
  await form.getByLabel('Date', { exact: true }).fill('2026-12-01');
  await form.getByLabel('Time (optional)').fill('09:30');
  await form.getByRole('button', { name: 'Save' }).click();

  const edited = await eventually(async () => {
    const t = (await api.ok('GET', `/todos/${created.id}`));
    return t.title === 'Buy oat milk' && t;
  }, { message: 'the edit in REST' });
  assert.equal(edited.priority, 'high');
  assert.equal(edited.notes, 'the barista one');
  assert.deepEqual(edited.tags, ['shop', 'home']);
  // the browser runs in Europe/Berlin: 09:30 there on 1 Dec is 08:30 UTC
  assert.equal(Date.parse(edited.due), Date.parse('2026-12-01T08:30:00Z'));
  if ('time_zone' in edited) assert.equal(edited.time_zone, 'Europe/Berlin');
  await row(page, 'Buy oat milk').locator('.chip.tag', { hasText: '#shop' }).waitFor();

  await row(page, 'Buy oat milk').getByRole('checkbox').click();
  await eventually(async () => (await api.ok('GET', `/todos/${created.id}`)).completed === true,
    { message: 'completed in REST' });
  // the default filter shows open todos only
  await row(page, 'Buy oat milk').waitFor({ state: 'detached' });
  assert.equal(await page.locator('#count-done').innerText(), '1');

  await page.locator('label[for="status-done"]').click();
  await row(page, 'Buy oat milk').getByRole('button', { name: 'Delete Buy oat milk' }).click();
  await eventually(async () => (await api.call('GET', `/todos/${created.id}`)).status === 404,
    { message: 'the todo gone from REST' });
  await row(page, 'Buy oat milk').waitFor({ state: 'detached' });

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a rejected write is rolled back and the reason shown', { timeout: 60_000 }, async () => {
  const todo = await api.create({ title: 'Keep my tags', tags: ['ok'] });
  const { context, page } = await openApp();
  await row(page, 'Keep my tags').waitFor();

  await row(page, 'Keep my tags').getByRole('button', { name: 'Edit Keep my tags' }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.getByLabel('Tags').fill(`ok, ${'x'.repeat(51)}`);
  await form.getByRole('button', { name: 'Save' }).click();

  const error = page.locator('.toast-error');
  await error.waitFor();
  const text = await error.innerText();
  assert.match(text, /Keep my tags/);
  assert.match(text, /field: tags/);
  // rolled back: the row shows the server's tags again and nothing is pending
  await page.locator('li.todo.pending').waitFor({ state: 'detached' });
  assert.equal(await row(page, 'Keep my tags').locator('.chip.tag').count(), 1);
  const after = await api.ok('GET', `/todos/${todo.id}`);
  assert.deepEqual(after.tags, ['ok']);
  assert.equal(after.version, todo.version);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('keyboard shortcuts: n, j/k, x, e, Delete, ?', { timeout: 60_000 }, async () => {
  for (const t of await api.todos()) await api.remove(t.id);
  const { context, page } = await openApp();

  await page.keyboard.press('n');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-title');
  await page.keyboard.type('first by keyboard');
  await page.keyboard.press('Enter');
  await page.keyboard.type('second by keyboard');
  await page.keyboard.press('Enter');
  await eventually(async () => (await api.todos()).length === 2, { message: 'two todos in REST' });
  // REST reads can run ahead of the commit; the page acts on a todo only
  // once its create is confirmed (result frame), so wait for that.
  await page.locator('li.todo.pending').waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');

  // newest first when nothing is due: j selects "second", j again "first", k back to "second"
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const current = await page.evaluate(() => document.activeElement.querySelector('.todo-title')?.textContent);
  assert.equal(current, 'second by keyboard');

  await page.keyboard.press('x');
  await eventually(async () => (await api.todoByTitle('second by keyboard'))?.completed === true,
    { message: 'x completed the current todo' });

  await page.keyboard.press('j');
  await page.keyboard.press('e');
  const title = page.locator('li.todo.editing').getByLabel('Title', { exact: true });
  await title.waitFor();
  await title.fill('first, renamed');
  await page.keyboard.press('Control+Enter');
  await eventually(() => api.todoByTitle('first, renamed'), { message: 'the rename in REST' });

  await row(page, 'first, renamed').focus();
  await page.keyboard.press('Delete');
  await eventually(async () => !(await api.todoByTitle('first, renamed')), { message: 'Delete removed it' });

  await page.keyboard.press('?');
  await page.locator('#help-dialog[open]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#help-dialog[open]').waitFor({ state: 'detached' });

  assert.deepEqual(page.errors, []);
  await context.close();
});
