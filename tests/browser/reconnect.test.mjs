// 3. The server is killed and started again (same port, same data dir) while the page is open:
//    the page shows that it is offline, keeps a write made meanwhile, reconnects, resumes
//    from its last sequence number and shows the changes made through the API in between.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from './lib/server.mjs';
import { Api, eventually } from './lib/api.mjs';
import { launch, openPage, row, screenshot } from './lib/browser.mjs';

let server;
let browser;
let api;

before(async () => {
  // a small queue: a resume more than 8 events behind is refused with close 4000,
  // so the page must catch up through GET /api/v1/events
  server = await new Server({ extraArgs: ['--ws-queue-limit=16'] }).start();
  browser = await launch();
  api = new Api(server.url);
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

test('the page reconnects after a server restart and shows what changed meanwhile', { timeout: 90_000 }, async (t) => {
  const before = await api.create({ title: 'there before the restart' });
  const { context, page } = await openPage(browser, `${server.url}/`);
  const sockets = [];
  let tooFarBehind = 0;
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framereceived', (f) => { if (/"type":"error"/.test(String(f.payload))) tooFarBehind += 1; });
  });
  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 10_000 });
  await row(page, 'there before the restart').waitFor();

  await server.stop('SIGKILL');
  await page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
  await page.locator('#offline-banner').waitFor();

  // a write while offline is shown as pending and kept
  await page.fill('#new-title', 'written while offline');
  await page.press('#new-title', 'Enter');
  await row(page, 'written while offline').and(page.locator('.pending')).waitFor();
  await screenshot(page, 'offline-indicator');

  await server.start();
  assert.equal(server.url, api.base, 'same port after the restart');
  await api.update(before.id, { title: 'renamed while the page was away' });
  const made = [];
  for (let i = 1; i <= 12; i += 1) made.push(await api.create({ title: `made meanwhile ${i}` }));

  await page.locator('#conn[data-state="online"]').waitFor({ timeout: 30_000 });
  await row(page, 'renamed while the page was away').waitFor({ timeout: 15_000 });
  for (const t of made) await row(page, t.title).waitFor({ timeout: 15_000 });
  assert.equal(await row(page, 'there before the restart').count(), 0);

  // the offline write went through exactly once
  await eventually(async () => (await api.todos()).filter((t) => t.title === 'written while offline').length === 1,
    { message: 'the offline write in REST' });
  await row(page, 'written while offline').and(page.locator(':not(.pending)')).waitFor();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await api.todos()).filter((t) => t.title === 'written while offline').length, 1);

  // reconnects resumed from a sequence number instead of starting over
  assert.ok(sockets.length >= 2, `reconnected (${sockets.length} sockets)`);
  assert.ok(sockets.slice(1).some((u) => /[?&]after=\d+/.test(u)), `resume with ?after=N: ${sockets.join(' ')}`);

  t.diagnostic(`${sockets.length} sockets; error frames (resume too far behind, close 4000): ${tooFarBehind}`);

  // and the page stays live after all that
  await api.create({ title: 'after the reconnect' });
  await row(page, 'after the reconnect').waitFor({ timeout: 1000 });

  assert.deepEqual(page.errors, []);
  await context.close();
});
