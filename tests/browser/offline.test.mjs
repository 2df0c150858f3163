// 7. The offline queue (IndexedDB): with the socket and every REST route cut, a quick add, an
//    edit and a new project are queued; they survive a reload (shown, and counted and listed
//    in the banner), are sent once the connection is back, land on the server exactly once
//    (the quick add parsed by the server when it arrives), and a second page sees them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, queuedWrites, row, screenshot, switchedContext } from './lib/browser.mjs';

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

const queued = queuedWrites;

test('writes made offline survive a reload and land exactly once', { timeout: 120_000 }, async () => {
  const target = await api.create({ title: 'edit me' });
  const { context, page, offline: goOffline, online: goOnline } = await switchedContext(browser);
  await page.goto(`${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await row(page, 'edit me').waitFor();

  await goOffline();
  // REST really fails too
  assert.equal(await page.evaluate(() => fetch('/api/v1/todos').then(() => 'ok', () => 'failed')), 'failed');

  await page.fill('#new-title', 'added offline tomorrow');
  await page.press('#new-title', 'Enter');
  await row(page, 'added offline tomorrow').and(page.locator('.pending')).waitFor();

  await row(page, 'edit me').getByRole('button', { name: 'Edit edit me' }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.getByLabel('Title', { exact: true }).fill('edited offline');
  await form.getByRole('button', { name: 'Save' }).click();
  await row(page, 'edited offline').and(page.locator('.pending')).waitFor();

  await page.getByLabel('New project name').fill('Offline project');
  await page.getByRole('button', { name: 'Add project' }).click();
  await page.locator('#project-list li.pending', { hasText: 'Offline project' }).waitFor();

  await page.locator('#offline-banner', { hasText: '3 changes waiting to be sent' }).waitFor();
  assert.deepEqual(await page.locator('#pending-list li').allTextContents(),
    ['add “added offline tomorrow”', 'edit “edited offline”', 'new project “Offline project”']);
  await eventually(async () => (await queued(page)).length === 3, { message: 'three writes in IndexedDB' });

  // reload while offline: the page starts from its cache and shows the queued changes
  await page.reload();
  await page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
  await row(page, 'added offline tomorrow').and(page.locator('.pending')).waitFor();
  await row(page, 'edited offline').and(page.locator('.pending')).waitFor();
  await page.locator('#project-list li.pending', { hasText: 'Offline project' }).waitFor();
  await page.locator('#offline-banner', { hasText: '3 changes waiting to be sent' }).waitFor();
  await screenshot(page, '18-offline-queue-after-reload');
  // nothing reached the server yet
  assert.equal(await api.todoByTitle('added offline tomorrow'), null);
  assert.equal(await api.todoByTitle('added offline'), null);
  assert.equal((await api.ok('GET', `/todos/${target.id}`)).title, 'edit me');

  await goOnline();

  await eventually(async () => (await api.ok('GET', `/todos/${target.id}`)).title === 'edited offline', { message: 'the edit in REST' });
  await eventually(() => api.todoByTitle('added offline'), { message: 'the offline todo in REST' });
  await eventually(async () => (await api.ok('GET', '/projects')).items.some((p) => p.name === 'Offline project'), { message: 'the project in REST' });
  await eventually(async () => (await queued(page)).length === 0, { message: 'the queue emptied' });
  await page.locator('li.todo.pending').waitFor({ state: 'detached' });
  await new Promise((r) => setTimeout(r, 500));
  const todos = await api.todos();
  assert.equal(todos.filter((t) => /^added offline/.test(t.title)).length, 1, 'the offline todo exactly once');
  // the queued quick add was parsed by the server when it arrived: "tomorrow" is its due date
  assert.notEqual(todos.find((t) => t.title === 'added offline').due, null);
  assert.equal((await api.ok('GET', `/todos/${target.id}`)).version, target.version + 1, 'the edit applied once');
  assert.equal((await api.ok('GET', '/projects')).items.filter((p) => p.name === 'Offline project').length, 1);

  // a second page of the same (local) user sees them
  const other = await openPage(browser, `${server.url}/`);
  await other.page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await other.page.locator('#views button[data-view="all"]').click();
  await row(other.page, 'added offline').waitFor();
  await row(other.page, 'edited offline').waitFor();
  await other.page.locator('#project-list li', { hasText: 'Offline project' }).waitFor();

  // a reload when online shows no leftovers
  await page.reload();
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('li.todo.pending').count(), 0);

  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.page.errors, []);
  await other.context.close();
  await context.close();
});

test('a write whose answer was lost is replayed with the same id and applied once', { timeout: 90_000 }, async () => {
  const target = await api.create({ title: 'answer lost' });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  // the server gets every command, but while `dropResults` the page hears no `result` frames
  let dropResults = false;
  await context.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
    const upstream = ws.connectToServer();
    upstream.onMessage((m) => {
      if (dropResults && /"type":"result"/.test(String(m))) return;
      ws.send(m);
    });
  });
  // and a project create reaches the server, but its answer is cut
  const cutAnswer = async (route) => {
    try {
      if (route.request().method() !== 'POST') return await route.continue();
      await route.fetch();
      return await route.abort('connectionreset');
    } catch { /* the page went away (reload) while the request was in flight */ }
  };
  await context.route('**/api/v1/projects', cutAnswer);

  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await row(page, 'answer lost').waitFor();

  dropResults = true;
  await row(page, 'answer lost').getByRole('button', { name: 'Edit answer lost' }).click();
  await page.locator('li.todo.editing').getByLabel('Title', { exact: true }).fill('answer lost, renamed');
  await page.locator('li.todo.editing').getByRole('button', { name: 'Save' }).click();
  // (the row shows the rename while it is pending)
  await row(page, 'answer lost, renamed').getByRole('button', { name: 'Add subtask under answer lost, renamed' }).click();
  await page.getByLabel('New subtask of answer lost, renamed').fill('child without answer');
  await page.getByLabel('New subtask of answer lost, renamed').press('Enter');
  await page.getByLabel('New project name').fill('Unanswered project');
  await page.getByRole('button', { name: 'Add project' }).click();

  // applied on the server, still pending (and queued) in the page
  await eventually(async () => (await api.ok('GET', `/todos/${target.id}`)).title === 'answer lost, renamed', { message: 'the rename on the server' });
  await eventually(() => api.todoByTitle('child without answer'), { message: 'the subtask on the server' });
  await eventually(async () => (await api.ok('GET', '/projects')).items.some((p) => p.name === 'Unanswered project'), { message: 'the project on the server' });
  await eventually(async () => (await queued(page)).length === 3, { message: 'three writes still queued' });

  // reload with answers flowing again: the queue is replayed with the same ids and keys
  dropResults = false;
  await context.unroute('**/api/v1/projects', cutAnswer);
  await page.reload();
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 15_000 });
  await eventually(async () => (await queued(page)).length === 0, { message: 'the queue emptied' });
  await page.locator('li.todo.pending').waitFor({ state: 'detached' });
  await page.locator('#project-list li.pending').waitFor({ state: 'detached' });

  const todos = await api.todos();
  assert.equal(todos.filter((t) => t.title === 'child without answer').length, 1, 'the subtask exactly once');
  assert.equal((await api.ok('GET', `/todos/${target.id}`)).version, target.version + 1, 'the rename applied once');
  assert.equal((await api.ok('GET', '/projects')).items.filter((p) => p.name === 'Unanswered project').length, 1, 'the project exactly once');
  // (a project made here is selected once its answer arrives: back to every todo)
  await page.locator('#views button[data-view="all"]').click();
  await row(page, 'child without answer').waitFor();
  assert.equal(await row(page, 'child without answer').count(), 1, 'shown once');
  assert.deepEqual(page.errors, []);
  await context.close();
});
