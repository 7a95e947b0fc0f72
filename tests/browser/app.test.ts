import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, describeInChromium, startDevServer } from './chromium.ts';

/**
 * The app shell in Debian Chromium against a real Vite dev server, with map.json answered by the test (so these hold
 * whether or not public/maps/default/ is built): without a map it says so plainly, stays on its own origin, logs no
 * unexpected errors, and reports unreadable or unknown-version maps instead of crashing. The app with a map:
 * appPlacement.test.ts.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outputDir = resolve(repoRoot, 'tests', 'output');
const heading = 'llmap — where does this language model sit among the others?';
const statusSelector = '[data-testid=map-status]';
/** What Vite's dev server answers for a file that is not there: its index.html, status 200. */
const noMapAnswer = { status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><head><title>llmap</title></head><body></body></html>' };

/** What one page did: every request and websocket URL, every console error and uncaught page error. */
interface PageRecord {
  readonly requestUrls: string[];
  readonly consoleErrors: ConsoleMessage[];
  readonly pageErrors: Error[];
}

function recordPage(page: Page): PageRecord {
  const record: PageRecord = { requestUrls: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (request) => record.requestUrls.push(request.url()));
  page.on('websocket', (socket) => record.requestUrls.push(socket.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message);
  });
  page.on('pageerror', (error) => record.pageErrors.push(error));
  return record;
}

describeInChromium('app shell in Chromium', (executablePath) => {
  let server: ViteDevServer;
  let browser: Browser;
  let origin: string;
  let appUrl: string;
  let mapUrl: string;

  beforeAll(async () => {
    ({ server, origin } = await startDevServer(repoRoot));
    appUrl = `${origin}/`;
    mapUrl = `${origin}/maps/default/map.json`;
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the app in a fresh context with map.json answered as given (default: no map shipped), and waits for a verdict. */
  async function openApp(
    mapAnswer: { status: number; contentType: string; body: string } = noMapAnswer,
  ): Promise<{ page: Page; record: PageRecord; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
    const page = await context.newPage();
    const record = recordPage(page);
    await page.route(mapUrl, (route) => route.fulfill(mapAnswer));
    await page.goto(appUrl);
    await page.locator(`${statusSelector}:not([data-state=loading])`).waitFor({ timeout: 15_000 });
    return { page, record, close: () => context.close() };
  }

  /** Console errors other than Chromium's own line for a 404 on map.json (the one expected failure). */
  function unexpectedConsoleErrors(record: PageRecord): string[] {
    return record.consoleErrors
      .filter(
        (message) =>
          !(
            message.text() === 'Failed to load resource: the server responded with a status of 404 (Not Found)' &&
            message.location().url === mapUrl
          ),
      )
      .map((message) => `${message.text()} (${message.location().url})`);
  }

  it('says plainly that no default map is shipped, with nothing invented', async () => {
    const { page, record, close } = await openApp();
    try {
      const status = page.locator(statusSelector);
      expect(await status.getAttribute('data-state')).toBe('missing');
      expect(await status.textContent()).toContain('No default map is shipped yet.');
      expect(await status.textContent()).toContain('nothing here is invented');
      // Vite's dev server answers a missing file with index.html: the page must read that as missing.
      expect(await page.getByTestId('map-next-step').textContent()).toContain('HTML page instead of the file');
      mkdirSync(outputDir, { recursive: true });
      await page.screenshot({ path: resolve(outputDir, 'app-empty.png'), fullPage: true });
      expect(record.pageErrors.map(String)).toEqual([]);
      expect(unexpectedConsoleErrors(record)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('makes no request beyond its own origin', async () => {
    const { page, record, close } = await openApp();
    try {
      await page.getByTestId('map-recheck').click();
      await page.locator(`${statusSelector}[data-state=missing]`).waitFor();
      expect(record.requestUrls.length).toBeGreaterThan(0);
      expect(record.requestUrls).toContain(mapUrl);
      const foreign = record.requestUrls.filter(
        (url) => !url.startsWith(`${origin}/`) && !url.startsWith(`ws://127.0.0.1:${new URL(origin).port}/`),
      );
      expect(foreign).toEqual([]);
    } finally {
      await close();
    }
  });

  it('is cross-origin isolated (COOP + COEP from the dev server)', async () => {
    const { page, close } = await openApp();
    try {
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    } finally {
      await close();
    }
  });

  it('has a title, one h1 and banner, main and contentinfo landmarks', async () => {
    const { page, close } = await openApp();
    try {
      expect(await page.title()).toBe(heading);
      const headings = page.getByRole('heading', { level: 1 });
      expect(await headings.count()).toBe(1);
      expect(await headings.textContent()).toBe(heading);
      expect(await page.getByRole('banner').count()).toBe(1);
      expect(await page.getByRole('main').count()).toBe(1);
      expect(await page.getByRole('contentinfo').count()).toBe(1);
      expect(await page.getByRole('status').textContent()).toContain('No default map is shipped yet.');
    } finally {
      await close();
    }
  });

  it('moves keyboard focus with Tab to the skip link, then to a visibly focused "Check again" button', async () => {
    const { page, record, close } = await openApp();
    try {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to main content');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement;
        if (!(element instanceof HTMLElement)) return null;
        return { testId: element.dataset.testid, outlineStyle: getComputedStyle(element).outlineStyle };
      });
      expect(focused).toEqual({ testId: 'map-recheck', outlineStyle: 'solid' });
      await page.keyboard.press('Enter');
      await page.locator(`${statusSelector}[data-state=missing]`).waitFor();
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe(
        'map-recheck',
      );
      expect(record.requestUrls.filter((url) => url === mapUrl).length).toBe(2);
    } finally {
      await close();
    }
  });

  it('reads a 404 for map.json as missing; the 404 line is the only console error', async () => {
    const { page, record, close } = await openApp({ status: 404, contentType: 'text/plain', body: 'Not Found' });
    try {
      expect(await page.locator(statusSelector).getAttribute('data-state')).toBe('missing');
      expect(await page.getByTestId('map-next-step').textContent()).toContain('HTTP 404');
      expect(record.consoleErrors.length).toBe(1);
      expect(unexpectedConsoleErrors(record)).toEqual([]);
      expect(record.pageErrors.map(String)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('says a map with an unknown formatVersion cannot be read, rather than crashing', async () => {
    const { page, record, close } = await openApp({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ formatVersion: 999, models: [{ id: 'must-not-appear' }] }),
    });
    try {
      const status = page.locator(statusSelector);
      expect(await status.getAttribute('data-state')).toBe('unknown-format-version');
      expect(await status.textContent()).toContain('format version 999, which this version of llmap cannot read');
      expect(await page.locator('body').textContent()).not.toContain('must-not-appear');
      expect(record.pageErrors.map(String)).toEqual([]);
      expect(unexpectedConsoleErrors(record)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('says a map.json that is not valid JSON could not be read', async () => {
    const { page, record, close } = await openApp({
      status: 200,
      contentType: 'application/json',
      body: '{"formatVersion": 1, "models": [',
    });
    try {
      const status = page.locator(statusSelector);
      expect(await status.getAttribute('data-state')).toBe('unreadable');
      expect(await status.textContent()).toContain('present but could not be read');
      expect(await page.getByTestId('map-next-step').textContent()).toContain('not valid JSON');
      expect(record.pageErrors.map(String)).toEqual([]);
      expect(unexpectedConsoleErrors(record)).toEqual([]);
    } finally {
      await close();
    }
  });
});
