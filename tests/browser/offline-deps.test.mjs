// 8. Offline writes that depend on each other: with the socket and every REST route cut, a
//    project is made and selected, a todo is quick-added in it (parsed by the server when it
//    arrives), edited and given a subtask that is completed, and an older todo is edited. The
//    banner lists them; they survive a reload; once the connection is back each create waits
//    for the one it refers to and every change lands exactly once. Writes restored after a
//    reload that the server refuses (and those that depend on a refused create) are shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, queuedWrites, row, switchedContext } from './lib/browser.mjs';

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

/** The number of the page's queued writes in IndexedDB. */
const queued = async (page) => (await queuedWrites(page)).length;

const TEXT = 'pay rent every month on the 1st at 9am #home !high';

test('writes to a project and todos made offline wait for their creates and land once', { timeout: 120_000 }, async () => {
  const bob = await api.create({ title: 'call Bob' });
  const net = await switchedContext(browser);
  const { page } = net;
  await page.goto(`${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await row(page, 'call Bob').waitFor();

  await net.offline();
  // a project, selected while it is still waiting to be created
  await page.getByLabel('New project name').fill('Home');
  await page.getByRole('button', { name: 'Add project' }).click();
  const pendingProject = page.locator('#project-list li.pending', { hasText: 'Home' });
  await pendingProject.locator('[data-role="select"]').click();
  await page.locator('#view-title', { hasText: 'Home' }).waitFor();

  // a quick add in it: shown with its text until the server parses it
  await page.fill('#new-title', TEXT);
  await page.press('#new-title', 'Enter');
  await row(page, TEXT).and(page.locator('.pending')).waitFor();

  // the new todo can be edited, given a subtask, and that subtask completed
  await row(page, TEXT).getByRole('button', { name: `Edit ${TEXT}` }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.getByLabel('Title', { exact: true }).fill('pay the rent');
  await form.getByRole('button', { name: 'Save' }).click();
  await row(page, 'pay the rent').and(page.locator('.pending')).waitFor();
  await row(page, 'pay the rent').getByRole('button', { name: 'Add subtask under pay the rent' }).click();
  await page.getByLabel('New subtask of pay the rent').fill('find the bank details');
  await page.getByLabel('New subtask of pay the rent').press('Enter');
  // (done: it leaves the open todos)
  await row(page, 'find the bank details').getByLabel('Done: find the bank details').click();
  await row(page, 'find the bank details').waitFor({ state: 'detached' });

  // and an older todo edited
  await page.locator('#views button[data-view="all"]').click();
  await row(page, 'call Bob').getByRole('button', { name: 'Edit call Bob' }).click();
  await form.getByLabel('Title', { exact: true }).fill('call Bob back');
  await form.getByRole('button', { name: 'Save' }).click();
  await row(page, 'call Bob back').and(page.locator('.pending')).waitFor();

  // the banner says what is waiting: six changes, collapsed to a disclosure
  const expected = ['new project “Home”', `add “${TEXT}”`, 'edit “pay the rent”',
    'add subtask “find the bank details”', 'complete “find the bank details”', 'edit “call Bob back”'];
  const banner = page.locator('#offline-banner');
  await banner.locator('summary', { hasText: 'What is waiting (6)' }).waitFor();
  assert.equal(await banner.locator('details').getAttribute('open'), null, 'six changes: collapsed');
  await banner.locator('summary').click();
  assert.deepEqual(await page.locator('#pending-list li').allTextContents(), expected);
  assert.equal(await queued(page), 6);

  // usable on a phone: no horizontal scrolling, the list inside the viewport
  await page.setViewportSize({ width: 360, height: 740 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal scroll at 360 px');
  const box = await page.locator('#pending-list').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 360, `the list fits: ${JSON.stringify(box)}`);
  await page.setViewportSize({ width: 1100, height: 800 });

  // reload while offline: everything is still queued, shown and listed
  await page.reload();
  await page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
  await banner.locator('summary', { hasText: 'What is waiting (6)' }).waitFor();
  await banner.locator('summary').click();
  assert.deepEqual(await page.locator('#pending-list li').allTextContents(), expected);
  await page.locator('#views button[data-view="all"]').click();
  await row(page, 'pay the rent').and(page.locator('.pending')).waitFor();
  await row(page, 'call Bob back').and(page.locator('.pending')).waitFor();
  assert.equal(await queued(page), 6);
  assert.equal((await api.ok('GET', '/projects')).items.some((p) => p.name === 'Home'), false, 'nothing sent yet');
  assert.equal((await api.todos()).length, 1, 'nothing sent yet');

  await net.online();
  await eventually(async () => (await queued(page)) === 0, { timeout: 20_000, message: 'the queue emptied' });
  await page.locator('li.todo.pending').waitFor({ state: 'detached' });
  await new Promise((r) => setTimeout(r, 500));

  const homes = (await api.ok('GET', '/projects')).items.filter((p) => p.name === 'Home');
  assert.equal(homes.length, 1, 'the project exactly once');
  const todos = await api.todos();
  assert.equal(todos.length, 3, `three todos: ${todos.map((t) => t.title)}`);
  const rent = todos.find((t) => t.title === 'pay the rent');
  assert.ok(rent, `the quick-added todo with its edited title: ${JSON.stringify(todos)}`);
  assert.equal(rent.project_id, homes[0].id, 'in the project made offline');
  assert.deepEqual(rent.tags, ['home']);
  assert.equal(rent.priority, 'high');
  assert.match(rent.recurrence?.rrule || '', /FREQ=MONTHLY/);
  assert.match(rent.due || '', /T09:00:00/);
  const sub = todos.find((t) => t.title === 'find the bank details');
  assert.equal(sub?.parent_id, rent.id, 'the subtask under it');
  assert.equal(sub.project_id, homes[0].id);
  assert.equal(sub.completed, true, 'the subtask completed');
  const bobNow = await api.ok('GET', `/todos/${bob.id}`);
  assert.equal(bobNow.title, 'call Bob back');
  assert.equal(bobNow.version, bob.version + 1, 'the edit applied once');
  assert.equal(await page.locator('.toast-error').count(), 0, 'nothing refused');

  // a second page sees them
  const other = await openPage(browser, `${server.url}/`);
  await other.page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await other.page.locator('#project-list li', { hasText: 'Home' }).locator('[data-role="select"]').click();
  await row(other.page, 'pay the rent').waitFor();
  await other.page.locator('#views button[data-view="all"]').click();
  await row(other.page, 'call Bob back').waitFor();

  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.page.errors, []);
  await other.context.close();
  await net.context.close();
});

test('a restored write the server refuses is shown, with the writes that depend on it', { timeout: 90_000 }, async () => {
  const target = await api.create({ title: 'stale edit' });
  await api.ok('POST', '/projects', { name: 'Taken' }, { Prefer: 'wait=5' });
  const net = await switchedContext(browser);
  const { page } = net;
  await page.goto(`${server.url}/`);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await row(page, 'stale edit').waitFor();
  await page.locator('#views button[data-view="all"]').click();

  await net.offline();
  await row(page, 'stale edit').getByRole('button', { name: 'Edit stale edit' }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.getByLabel('Title', { exact: true }).fill('stale edit, mine');
  await form.getByRole('button', { name: 'Save' }).click();
  await row(page, 'stale edit, mine').and(page.locator('.pending')).waitFor();
  // a project whose name is taken (ignoring case), and a todo added in it
  await page.getByLabel('New project name').fill('taken');
  await page.getByRole('button', { name: 'Add project' }).click();
  await page.locator('#project-list li.pending', { hasText: 'taken' }).locator('[data-role="select"]').click();
  await page.fill('#new-title', 'lost with its project');
  await page.press('#new-title', 'Enter');
  await row(page, 'lost with its project').waitFor();
  // meanwhile the todo is changed elsewhere: the queued edit (If-Match) is now stale
  await api.update(target.id, { title: 'changed elsewhere' });

  await page.reload();
  await page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
  await page.locator('#offline-banner', { hasText: '3 changes waiting to be sent' }).waitFor();
  await net.online();

  const toasts = page.locator('.toast-error');
  await toasts.filter({ hasText: 'Couldn\'t save “stale edit, mine”: it was changed elsewhere' }).waitFor({ timeout: 15_000 });
  await toasts.filter({ hasText: 'Couldn\'t save “taken”' }).waitFor();
  await toasts.filter({ hasText: 'Couldn\'t add “lost with its project”: it refers to “taken”, which could not be created' }).waitFor();
  await eventually(async () => (await queued(page)) === 0, { message: 'the queue emptied' });
  assert.equal(await toasts.count(), 3, 'one message per refused write');
  assert.equal((await api.ok('GET', `/todos/${target.id}`)).title, 'changed elsewhere');
  assert.equal(await api.todoByTitle('lost with its project'), null);
  assert.deepEqual(page.errors, []);
  await net.context.close();
});
