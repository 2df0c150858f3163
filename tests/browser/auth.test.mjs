// Token mode: register through the page, tokens refreshed before they expire (short-lived
// access tokens here), the live socket survives the expiry of the token it was opened with,
// a reload keeps the session, sign-out revokes the refresh token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, row } from './lib/browser.mjs';

const USER = 'bob.smith';
const PASS = 'hunter2hunter2';

let server;
let browser;

before(async () => {
  server = await new Server({ auth: 'token', extraArgs: ['--access-ttl=6s'] }).start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

test('register, stay signed in across token expiry and reload, sign out', { timeout: 90_000 }, async () => {
  const { context, page } = await openPage(browser, `${server.url}/`);
  let refreshes = 0;
  page.on('response', (r) => {
    if (r.url().endsWith('/api/v1/auth/refresh') && r.status() === 200) refreshes += 1;
  });

  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill(PASS);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });

  const login = await new Api(server.url).ok('POST', '/auth/login', { username: USER, password: PASS });
  const api = new Api(server.url, login.access_token);
  assert.equal((await api.ok('GET', '/me')).username, USER);

  // outlive a few access tokens
  await eventually(() => refreshes >= 3, { timeout: 40_000, interval: 250, message: 'three token refreshes' });
  const fresh = await new Api(server.url).ok('POST', '/auth/login', { username: USER, password: PASS });
  api.token = fresh.access_token;
  await api.create({ title: 'after a few refreshes' });
  await row(page, 'after a few refreshes').waitFor({ timeout: 15_000 });
  await page.fill('#new-title', 'written with a refreshed token');
  await page.press('#new-title', 'Enter');
  await eventually(() => api.todoByTitle('written with a refreshed token'), { message: 'the write in REST' });

  await page.reload();
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await row(page, 'after a few refreshes').waitFor();
  assert.equal(await page.locator('#signin-view').isHidden(), true);

  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('actodo.tokens')));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signin-view').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('actodo.tokens')), null);
  const reuse = await new Api(server.url).call('POST', '/auth/refresh', { refresh_token: stored.refresh_token });
  assert.equal(reuse.status, 401, 'the refresh token is revoked by sign-out');

  assert.deepEqual(page.errors, []);
  await context.close();
});
