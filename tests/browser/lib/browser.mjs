// Debian's Chromium through playwright-core, headless; page errors are collected so tests can assert none.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = path.resolve(process.env.ACTODO_SCREENSHOTS || path.join(here, '..', 'screenshots'));

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** A new context + page on `url`; page.errors collects uncaught errors and console errors. */
export async function openPage(browser, url, { viewport = { width: 1100, height: 800 }, ...options } = {}) {
  const context = await browser.newContext({ viewport, timezoneId: 'Europe/Berlin', locale: 'en-GB', ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // a refused socket while the server is down is expected; everything else is not
    if (m.type() === 'error' && !/WebSocket connection|Failed to load resource|ERR_CONNECTION_REFUSED/.test(m.text())) {
      page.errors.push(`console: ${m.text()}`);
    }
  });
  await page.goto(url);
  return { context, page };
}

export async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // a full-page shot with the sticky header where it belongs
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** The list row of a todo by its exact title. */
export function row(page, title) {
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('li.todo', { has: page.locator('.todo-title', { hasText: exact }) });
}

/** The page's queued writes in IndexedDB (`{key, kind}` each). */
export function queuedWrites(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('actodo');
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('queue')) { resolve([]); return; }
      const get = db.transaction('queue').objectStore('queue').getAll();
      get.onsuccess = () => resolve(get.result.map((e) => ({ key: e.key, kind: e.kind })));
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
}

/** A context whose network the test switches: offline() closes every socket and refuses new
 *  ones, and aborts every REST call (/api/v1/**); online() lets them through again. */
export async function switchedContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  let offline = false;
  const open = new Set();
  await context.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
    if (offline) {
      ws.close({ code: 4999, reason: 'offline (test)' });
      return;
    }
    open.add({ ws, upstream: ws.connectToServer() });
  });
  const abortRest = (route) => route.abort('internetdisconnected').catch(() => {});
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    async offline() {
      offline = true;
      await context.route('**/api/v1/**', abortRest);
      for (const s of open) {
        s.upstream.close();
        s.ws.close({ code: 4999, reason: 'offline (test)' });
      }
      open.clear();
      await page.locator('#conn[data-state="offline"]').waitFor({ timeout: 15_000 });
    },
    async online() {
      await context.unroute('**/api/v1/**', abortRest);
      offline = false;
      if (await page.locator('#conn-retry').isVisible()) await page.locator('#conn-retry').click();
      await page.locator('#conn[data-state="online"]').waitFor({ timeout: 30_000 });
    },
  };
}
