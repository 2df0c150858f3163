// 5. Screenshots of the main states, saved to $ACTODO_SCREENSHOTS (default ./screenshots):
//    sign-in, list, filters, editor with recurrence preview, shortcuts, phone, offline.
//    (The reminder toast is taken by reminders.test.mjs, the offline state also by reconnect.test.mjs.)
//    Each state is also checked, so the test fails when a state cannot be reached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api } from './lib/api.mjs';
import { launch, openPage, row, screenshot, SCREENSHOTS } from './lib/browser.mjs';

const USER = 'sam';
const PASS = 'a long enough password';

let server;
let browser;

before(async () => {
  server = await new Server({ auth: 'token' }).start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

function isoDay(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400_000);
  return d.toISOString().slice(0, 10);
}

async function seed(api) {
  await api.create({ title: 'Renew passport', priority: 'urgent', tags: ['admin'], due: isoDay(-2) });
  await api.create({ title: 'Prepare the quarterly report', priority: 'high', tags: ['work'], due: `${isoDay(1)}T09:00:00+01:00`, notes: 'numbers from finance' });
  await api.create({ title: 'Book dentist appointment', priority: 'medium', tags: ['health'], due: isoDay(5) });
  await api.create({ title: 'Call the plumber about the kitchen sink that keeps dripping every night', priority: 'low', tags: ['home'] });
  await api.create({ title: 'Read “Designing Data-Intensive Applications”', tags: ['books', 'work'] });
  const done = await api.create({ title: 'Pay electricity bill', tags: ['home'] });
  await api.update(done.id, { completed: true });
}

async function signIn(page, { register = false } = {}) {
  await page.locator('#signin-view').waitFor();
  if (register) await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(USER);
  await page.getByLabel('Password').fill(PASS);
  await page.getByRole('button', { name: register ? 'Create account' : 'Sign in' }).click();
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
}

test('screenshots of the main states', { timeout: 120_000 }, async (t) => {
  t.diagnostic(`screenshots in ${SCREENSHOTS}`);
  const { context, page } = await openPage(browser, `${server.url}/`);
  await page.locator('#signin-view').waitFor();
  await screenshot(page, '01-sign-in');

  await signIn(page, { register: true });
  const login = await new Api(server.url).ok('POST', '/auth/login', { username: USER, password: PASS });
  const api = new Api(server.url, login.access_token);
  await page.locator('#empty', { hasText: 'Nothing to do yet' }).waitFor();
  await screenshot(page, '02-empty');

  await seed(api);
  await row(page, 'Renew passport').waitFor();
  await row(page, 'Read “Designing Data-Intensive Applications”').waitFor();
  assert.equal(await page.locator('#count-open').innerText(), '5');
  assert.equal(await page.locator('#count-done').innerText(), '1');
  await screenshot(page, '03-list');

  await page.getByLabel('Tag').selectOption('work');
  await page.locator('#search').fill('report');
  await page.locator('li.todo').first().waitFor();
  assert.equal(await page.locator('li.todo').count(), 1);
  await screenshot(page, '04-filters');
  await page.locator('#search').fill('no such thing');
  await page.locator('#empty', { hasText: 'No todos match' }).waitFor();
  await screenshot(page, '05-filters-empty');
  await page.getByRole('button', { name: 'Clear filters' }).click();

  await page.getByRole('button', { name: 'Edit Prepare the quarterly report' }).click();
  const form = page.locator('li.todo.editing form.editor');
  await form.waitFor();
  const scheduling = await form.getByLabel('Repeats').count() > 0;
  if (scheduling) {
    await form.getByRole('button', { name: '+ Add reminder' }).click();
    await form.getByLabel('Repeats').selectOption('weekdays');
    await form.locator('.preview-list li').first().waitFor();
  } else {
    t.diagnostic('the server has no recurrence API yet: the editor screenshot shows no preview');
  }
  await screenshot(page, '06-editor-recurrence', { fullPage: true });
  await form.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Add with details' }).click();
  await page.locator('#new-editor form.editor').waitFor();
  await screenshot(page, '07-new-with-details');
  await page.keyboard.press('Escape');

  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('?');
  await page.locator('#help-dialog[open]').waitFor();
  await screenshot(page, '08-shortcuts');
  await page.keyboard.press('Escape');

  // a rejected write: the toast with the reason
  await page.getByRole('button', { name: 'Edit Book dentist appointment' }).click();
  await page.locator('li.todo.editing').getByLabel('Tags').fill('x'.repeat(60));
  await page.locator('li.todo.editing').getByRole('button', { name: 'Save' }).click();
  await page.locator('.toast-error').waitFor();
  await screenshot(page, '09-rejected-write');

  // phone
  const phone = await openPage(browser, `${server.url}/`, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await signIn(phone.page);
  await row(phone.page, 'Renew passport').waitFor();
  await screenshot(phone.page, '10-phone-list');
  await phone.page.getByRole('button', { name: 'Edit Prepare the quarterly report' }).click();
  await phone.page.locator('li.todo.editing form.editor').waitFor();
  await screenshot(phone.page, '11-phone-editor');

  // offline
  await server.stop();
  await page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
  await phone.page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
  await screenshot(page, '12-offline');
  await phone.page.getByRole('button', { name: 'Cancel' }).click();
  await screenshot(phone.page, '13-phone-offline');

  assert.deepEqual(page.errors, []);
  assert.deepEqual(phone.page.errors, []);
  await phone.context.close();
  await context.close();
});
