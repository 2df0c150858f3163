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
