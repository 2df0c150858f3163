// 2. Two browser contexts of the same user (token mode, both signed in through the page):
//    a change in one appears in the other within 1 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, row } from './lib/browser.mjs';

const USER = 'alice';
const PASS = 'correct horse battery';
const LIVE_BOUND_MS = 1000; // the bound

let server;
let browser;
let api;

before(async () => {
  server = await new Server({ auth: 'token' }).start();
  browser = await launch();
  api = await Api.account(server.url, USER, PASS);
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

async function signedInPage() {
  const { context, page } = await openPage(browser, `${server.url}/`);
  await page.locator('#signin-view').waitFor();
  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill(PASS);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await page.locator('#user-name', { hasText: USER }).waitFor();
  return { context, page };
}

test('changes in one tab show up in another tab of the same user within 1 s', { timeout: 60_000 }, async () => {
  const a = await signedInPage();
  const b = await signedInPage();

  // create in A -> appears in B
  await a.page.fill('#new-title', 'shared shopping list');
  let t0 = Date.now();
  await a.page.press('#new-title', 'Enter');
  await row(b.page, 'shared shopping list').waitFor({ timeout: LIVE_BOUND_MS });
  const created = await eventually(() => api.todoByTitle('shared shopping list'));
  console.log(`create A->B visible after ${Date.now() - t0} ms`);

  // complete in B -> A moves it out of the open list and counts it as done
  t0 = Date.now();
  await row(b.page, 'shared shopping list').getByRole('checkbox').click();
  await row(a.page, 'shared shopping list').waitFor({ state: 'detached', timeout: LIVE_BOUND_MS });
  assert.equal(await a.page.locator('#count-done').innerText(), '1');
  console.log(`complete B->A visible after ${Date.now() - t0} ms`);
  assert.equal((await api.ok('GET', `/todos/${created.id}`)).completed, true);

  // a change through the API (another device) reaches both
  await a.page.locator('label[for="status-all"]').click();
  await b.page.locator('label[for="status-all"]').click();
  t0 = Date.now();
  await api.update(created.id, { title: 'renamed on the phone' });
  await Promise.all([
    row(a.page, 'renamed on the phone').waitFor({ timeout: LIVE_BOUND_MS }),
    row(b.page, 'renamed on the phone').waitFor({ timeout: LIVE_BOUND_MS }),
  ]);

  // delete in A -> gone in B
  t0 = Date.now();
  await row(a.page, 'renamed on the phone').getByRole('button', { name: 'Delete renamed on the phone' }).click();
  await row(b.page, 'renamed on the phone').waitFor({ state: 'detached', timeout: LIVE_BOUND_MS });
  console.log(`delete A->B visible after ${Date.now() - t0} ms`);
  assert.equal((await api.call('GET', `/todos/${created.id}`)).status, 404);

  assert.deepEqual(a.page.errors, []);
  assert.deepEqual(b.page.errors, []);
  await a.context.close();
  await b.context.close();
});

test('a wrong password is refused on the sign-in form', { timeout: 30_000 }, async () => {
  const { context, page } = await openPage(browser, `${server.url}/`);
  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signin-error', { hasText: 'Wrong username or password' }).waitFor();
  assert.equal(await page.locator('#app-view').isHidden(), true);
  await context.close();
});
