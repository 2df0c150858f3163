// 6. Projects, subtasks, quick add, reordering and the notifications bell, each checked
//    against the REST API: a project made in the sidebar and a subtask made under a todo;
//    quick add with highlighted spans; drag and drop (and Alt+Arrow) writing `order`;
//    the bell counting a fired reminder and "Mark all read".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, row, screenshot } from './lib/browser.mjs';

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

async function openApp(options) {
  const { context, page } = await openPage(browser, `${server.url}/`, options);
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  return { context, page };
}

async function clearTodos() {
  for (const t of await api.todos()) {
    if (!t.parent_id) await api.call('DELETE', `/todos/${t.id}`, undefined, { Prefer: 'wait=5' });
  }
  for (const t of (await api.ok('GET', '/todos?archived=true&limit=500')).items) {
    await api.call('DELETE', `/todos/${t.id}`, undefined, { Prefer: 'wait=5' });
  }
}

const projectByName = async (name) => (await api.ok('GET', '/projects?archived=true')).items
  .concat((await api.ok('GET', '/projects')).items).find((p) => p.name === name) || null;

test('a project made in the sidebar, todos in it, a subtask under a todo', { timeout: 90_000 }, async () => {
  await clearTodos();
  const { context, page } = await openApp();
  await page.locator('#project-list li', { hasText: 'Inbox' }).waitFor();

  await page.getByLabel('New project name').fill('Garden');
  await page.getByRole('button', { name: 'Add project' }).click();
  const garden = await eventually(() => projectByName('Garden'), { message: 'the project in REST' });
  // the new project is selected: the list shows it, and todos made here belong to it
  await page.locator('#project-list button[aria-current="page"]', { hasText: 'Garden' }).waitFor();
  await page.locator('#view-title', { hasText: 'Garden' }).waitFor();

  await page.fill('#new-title', 'plant tulips');
  await page.press('#new-title', 'Enter');
  const parent = await eventually(async () => {
    const t = await api.todoByTitle('plant tulips');
    return t?.project_id === garden.id && t;
  }, { message: 'the todo in the project (REST)' });

  await row(page, 'plant tulips').getByRole('button', { name: 'Add subtask under plant tulips' }).click();
  const input = page.getByLabel('New subtask of plant tulips');
  await input.fill('buy bulbs');
  await input.press('Enter');
  const child = await eventually(() => api.todoByTitle('buy bulbs'), { message: 'the subtask in REST' });
  assert.equal(child.parent_id, parent.id);
  assert.equal(child.project_id, garden.id);
  // nested under its parent, collapsible
  const childRow = row(page, 'buy bulbs');
  await childRow.and(page.locator('[data-depth="1"]')).waitFor();
  const twisty = row(page, 'plant tulips').getByRole('button', { name: 'Subtasks of plant tulips' });
  assert.equal(await twisty.getAttribute('aria-expanded'), 'true');
  await twisty.click();
  await childRow.waitFor({ state: 'detached' });
  assert.equal(await twisty.getAttribute('aria-expanded'), 'false');
  await twisty.click();
  await childRow.waitFor();

  // the server's depth rule (4 levels): the refusal's detail is shown
  const l3 = await api.create({ title: 'level 3', parent_id: child.id });
  await api.create({ title: 'level 4', parent_id: l3.id });
  await row(page, 'level 4').getByRole('button', { name: 'Add subtask under level 4' }).click();
  await page.getByLabel('New subtask of level 4').fill('level 5');
  await page.getByLabel('New subtask of level 4').press('Enter');
  const err = page.locator('.toast-error', { hasText: 'level 5' });
  await err.waitFor();
  assert.match(await err.innerText(), /4 levels|field: parent_id/);
  assert.equal(await api.todoByTitle('level 5'), null);

  // rename and colour the project
  await page.getByRole('button', { name: 'Rename project Garden' }).click();
  await page.getByLabel('New name of project Garden').fill('Backyard');
  await page.getByLabel('New name of project Garden').press('Enter');
  await eventually(async () => (await api.ok('GET', `/projects/${garden.id}`)).name === 'Backyard', { message: 'the rename in REST' });
  await page.getByLabel('Colour of project Backyard').fill('#aa3300');
  await eventually(async () => (await api.ok('GET', `/projects/${garden.id}`)).color === '#aa3300', { message: 'the colour in REST' });

  // the "All todos" view shows everything; the Inbox view only the Inbox's todos
  await page.locator('#views button[data-view="all"]').click();
  await row(page, 'plant tulips').waitFor();
  await page.locator('#project-list button', { hasText: 'Inbox' }).click();
  await row(page, 'plant tulips').waitFor({ state: 'detached' });
  // project writes answered on the socket (result frames) are not todos
  assert.equal(await page.locator('li.todo').count(), 0);
  await page.locator('#project-list button', { hasText: 'Backyard' }).click();
  await row(page, 'buy bulbs').waitFor();
  await screenshot(page, '14-projects-subtasks');

  // archive the project, then restore it from "Archived projects"
  await page.locator('#project-list button', { hasText: 'Backyard' }).click();
  await page.getByRole('button', { name: 'Archive project Backyard' }).click();
  await eventually(async () => (await api.ok('GET', `/projects/${garden.id}`)).archived === true, { message: 'the project archived' });
  await page.locator('.archived-projects summary').click();
  await page.getByRole('button', { name: 'Restore project Backyard' }).click();
  await eventually(async () => (await api.ok('GET', `/projects/${garden.id}`)).archived === false, { message: 'the project restored' });
  await page.locator('#project-list li', { hasText: 'Backyard' }).waitFor();

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('archive a todo and restore it from the Archive view', { timeout: 60_000 }, async () => {
  await clearTodos();
  const todo = await api.create({ title: 'old stuff' });
  const { context, page } = await openApp();
  await page.locator('#views button[data-view="all"]').click();
  await row(page, 'old stuff').getByRole('button', { name: 'Archive old stuff' }).click();
  await eventually(async () => (await api.ok('GET', `/todos/${todo.id}`)).archived === true, { message: 'archived in REST' });
  await row(page, 'old stuff').waitFor({ state: 'detached' });
  await page.locator('#views button[data-view="archive"]').click();
  await row(page, 'old stuff').getByRole('button', { name: 'Restore old stuff' }).click();
  await eventually(async () => (await api.ok('GET', `/todos/${todo.id}`)).archived === false, { message: 'restored in REST' });
  await row(page, 'old stuff').waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('quick add: highlighted spans while typing, Enter creates the parsed todo', { timeout: 60_000 }, async () => {
  await clearTodos();
  const { context, page } = await openApp();
  await page.locator('#views button[data-view="all"]').click();
  const text = 'buy milk tomorrow #home !high';
  await page.locator('#new-title').pressSequentially(text, { delay: 15 });
  // only the answer for the latest text counts
  await page.locator(`#qa-preview[data-text="${text}"]`).waitFor();
  const spans = await page.locator('#qa-preview mark').evaluateAll((ms) => ms.map((m) => [m.dataset.kind, m.querySelector('.qa-text').textContent, m.textContent]));
  assert.deepEqual(spans.map(([k, t]) => [k, t]), [['date', 'tomorrow'], ['tag', '#home'], ['priority', '!high']]);
  // the accessible text names the kind
  assert.equal(spans[0][2], 'date: tomorrow');
  await screenshot(page, '15-quick-add');
  await page.press('#new-title', 'Enter');

  const todo = await eventually(() => api.todoByTitle('buy milk'), { message: 'the quick-added todo in REST' });
  assert.deepEqual(todo.tags, ['home']);
  assert.equal(todo.priority, 'high');
  const tomorrow = await page.evaluate(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date()).split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  });
  assert.equal(todo.due, tomorrow);
  assert.equal(todo.time_zone, 'Europe/Berlin');
  await row(page, 'buy milk').and(page.locator(':not(.pending)')).waitFor();
  assert.equal(await page.locator('#qa-preview').isHidden(), true);
  assert.equal((await api.todos()).filter((t) => t.title === 'buy milk').length, 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a quick add made while the previous one is still in flight is sent too', { timeout: 60_000 }, async () => {
  await clearTodos();
  const { context, page } = await openApp();
  await page.locator('#views button[data-view="all"]').click();
  // hold the first create's request until the second one is queued behind it
  let release;
  const held = new Promise((r) => { release = r; });
  let creates = 0;
  await page.route('**/api/v1/quick-add', async (route) => {
    if (route.request().url().includes('dry_run=true')) return route.continue();
    creates += 1;
    if (creates === 1) await held;
    return route.continue();
  });
  await page.fill('#new-title', 'first in flight');
  await page.press('#new-title', 'Enter');
  await eventually(async () => creates === 1, { message: 'the first create sent' });
  await page.fill('#new-title', 'queued behind it');
  await page.press('#new-title', 'Enter');
  await page.locator('#offline-banner[data-pending="2"]').waitFor({ state: 'attached' });
  release();
  const titles = async () => (await api.todos()).map((t) => t.title).sort();
  await eventually(async () => (await titles()).length === 2, { message: 'both quick adds in REST' });
  assert.deepEqual(await titles(), ['first in flight', 'queued behind it']);
  await page.locator('#offline-banner[data-pending="0"]').waitFor({ state: 'attached' });
  assert.equal(creates, 2);
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** The events of the user's log whose subject is `id` (paged through GET /events). */
async function eventsOf(id) {
  const out = [];
  for (let after = 0; ;) {
    const { items } = await api.ok('GET', `/events?after=${after}&limit=1000`);
    if (!items.length) return out;
    out.push(...items.filter((e) => e.subject === id));
    after = items[items.length - 1].sequence;
  }
}

test('quick add in a selected project: one write into it, a +name in the text wins', { timeout: 60_000 }, async () => {
  await clearTodos();
  for (const name of ['Errands', 'Work']) {
    if (!await projectByName(name)) await api.ok('POST', '/projects', { name }, { Prefer: 'wait=5' });
  }
  const errands = await projectByName('Errands');
  const work = await projectByName('Work');
  const { context, page } = await openApp();
  const sent = []; // every quick-add request the page makes: dry runs and creates
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/quick-add') sent.push({ dryRun: r.url().includes('dry_run=true'), body: r.postDataJSON() });
  });
  await page.locator('#project-list button', { hasText: 'Errands' }).click();
  await page.locator('#view-title', { hasText: 'Errands' }).waitFor();

  // without +name: the todo lands in the selected project with a single write
  const text = 'call the plumber tomorrow !high';
  await page.locator('#new-title').pressSequentially(text, { delay: 15 });
  await page.locator(`#qa-preview[data-text="${text}"]`).waitFor();
  await page.press('#new-title', 'Enter');
  const todo = await eventually(async () => {
    const t = await api.todoByTitle('call the plumber');
    return t?.project_id === errands.id && t;
  }, { message: 'the quick-added todo in the selected project (REST)' });
  assert.equal(todo.priority, 'high');
  await row(page, 'call the plumber').and(page.locator(':not(.pending)')).waitFor();
  await page.locator('#offline-banner[data-pending="0"]').waitFor({ state: 'attached' });
  await page.waitForTimeout(300); // room for a second write, should the page send one
  const evs = await eventsOf(todo.id);
  // exactly one todo.created, no todo.updated (nor anything else): a single write
  assert.deepEqual(evs.map((e) => e.type), ['todo.created']);
  assert.equal((await api.ok('GET', `/todos/${todo.id}`)).version, todo.version);

  // +work in the text wins over the selected project
  const other = 'book flights +work';
  await page.locator('#new-title').pressSequentially(other, { delay: 15 });
  await page.locator(`#qa-preview[data-text="${other}"]`).waitFor();
  assert.deepEqual(await page.locator('#qa-preview mark').evaluateAll((ms) => ms.map((m) => m.dataset.kind)), ['project']);
  await page.press('#new-title', 'Enter');
  const booked = await eventually(() => api.todoByTitle('book flights'), { message: 'the +work todo in REST' });
  assert.equal(booked.project_id, work.id);
  await page.locator('#offline-banner[data-pending="0"]').waitFor({ state: 'attached' });
  await page.waitForTimeout(300);
  assert.deepEqual((await eventsOf(booked.id)).map((e) => e.type), ['todo.created']);
  assert.equal((await api.ok('GET', `/todos/${booked.id}`)).project_id, work.id);
  // shown under Work, not under Errands
  assert.equal(await row(page, 'book flights').count(), 0);
  await page.locator('#project-list button', { hasText: 'Work' }).click();
  await row(page, 'book flights').waitFor();

  // every quick-add request (previews and creates) carried the selected project
  const creates = sent.filter((r) => !r.dryRun);
  assert.deepEqual(creates.map((r) => [r.body.text, r.body.project_id]), [[text, errands.id], [other, errands.id]]);
  const previews = sent.filter((r) => r.dryRun);
  assert.ok(previews.length >= 2, `previews asked: ${previews.length}`);
  for (const r of previews) assert.equal(r.body.project_id, errands.id, `preview of “${r.body.text}”`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('reorder by drag and drop and with Alt+Arrow writes order', { timeout: 60_000 }, async () => {
  await clearTodos();
  for (const title of ['one', 'two', 'three']) await api.create({ title });
  const { context, page } = await openApp();
  await page.locator('#views button[data-view="all"]').click();
  await page.selectOption('#sort', 'order');
  // all at order 0: newest first
  await row(page, 'one').waitFor();
  const shown = () => page.locator('li.todo .todo-title').allInnerTexts();
  assert.deepEqual(await shown(), ['three', 'two', 'one']);

  const byOrder = async () => (await api.todos()).sort((a, b) => a.order - b.order).map((t) => t.title);
  await row(page, 'one').dragTo(row(page, 'three'), { targetPosition: { x: 40, y: 4 } });
  await eventually(async () => JSON.stringify(await byOrder()) === '["one","three","two"]', { message: 'order one, three, two in REST' });
  const orders = (await api.todos()).map((t) => t.order);
  assert.equal(new Set(orders).size, 3, `distinct order values: ${orders}`);
  await eventually(async () => JSON.stringify(await shown()) === '["one","three","two"]', { message: 'the page in the new order' });

  // keyboard: Alt+ArrowUp on "two" puts it before "three" (the midpoint of its neighbours)
  const oneOrder = (await api.todoByTitle('one')).order;
  const threeOrder = (await api.todoByTitle('three')).order;
  await page.locator('li.todo .todo-body').first().click();
  await row(page, 'two').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await eventually(async () => JSON.stringify(await byOrder()) === '["one","two","three"]', { message: 'order one, two, three in REST' });
  assert.equal((await api.todoByTitle('two')).order, (oneOrder + threeOrder) / 2);
  assert.deepEqual(page.errors, []);
  await context.close();
});

const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

test('the bell counts a fired reminder; "Mark all read" clears it', { timeout: 60_000 }, async () => {
  const { context, page } = await openApp();
  const before = (await api.ok('GET', '/notifications')).unread;
  assert.equal(before, 0);
  await api.create({ title: 'Ring the bell', reminders: [{ at: inSeconds(3) }] });
  await page.locator('#bell-count:not([hidden])', { hasText: '1' }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#bell').getAttribute('aria-label'), /1 unread/);
  await page.locator('#bell').click();
  await page.locator('#notif-list li', { hasText: 'Ring the bell' }).waitFor();
  await screenshot(page, '16-notifications');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.locator('#bell-count').waitFor({ state: 'hidden' });
  await eventually(async () => {
    const r = await api.ok('GET', '/notifications?unread=true');
    return r.items.length === 0 && r.unread === 0;
  }, { message: 'no unread notifications in REST' });
  await page.keyboard.press('Escape');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('phone width: the sidebar is a drawer', { timeout: 60_000 }, async () => {
  const { context, page } = await openApp({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  assert.equal(await page.locator('#sidebar').isVisible(), false);
  await page.getByRole('button', { name: 'Projects' }).click();
  await page.locator('#sidebar').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#sidebar-toggle').getAttribute('aria-expanded'), 'true');
  await page.waitForTimeout(400); // the slide-in
  await screenshot(page, '17-phone-drawer');
  await page.locator('#views button[data-view="archive"]').click();
  await page.locator('#view-title', { hasText: 'Archive' }).waitFor();
  await eventually(async () => !(await page.locator('#sidebar').isVisible()), { message: 'the drawer closed' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (${overflow} px)`);
  assert.deepEqual(page.errors, []);
  await context.close();
});
