import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoModel } from '../../scripts/demoModel/demoModelFolder.ts';
import { parseRecordLines } from '../../src/scoring/records.ts';
import { expectClose } from '../asserts.ts';
import { buildAppTestMap, HOSTILE_NAME, type AppTestMap } from './appMap.ts';
import { CHROMIUM_FLAGS, describeInChromium, startDevServer } from './chromium.ts';

/**
 * The app end to end in Debian Chromium on a Vite dev server, on a map the test builds (tests/browser/appMap.ts)
 * and serves in place of maps/default/: the map loads and lists its models; the demo model places, to the
 * neighbours `llmap place` finds for the vector the page exports, on WASM and on WebGPU (SwiftShader); a folder
 * through the file input and a drop place; broken folders show their sentence; stop + reload + resume; a shared
 * link shows the placement without scoring; keyboard-only use; hostile names stay text; nothing leaves localhost.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(repoRoot, 'tests', 'output', 'app-test');
const defaultMapJson = join(repoRoot, 'public', 'maps', 'default', 'map.json');

/** ORT's own warnings arrive as console errors in WebGPU runs ("Some nodes were not assigned…"): not the app's. */
const expectedConsoleError = /onnxruntime|VerifyEachNodeIsAssignedToAnEp|Failed to load resource: the server responded with a status of 404/;

describeInChromium('the app in Chromium: placing models', (executablePath) => {
  let server: ViteDevServer;
  let browser: Browser;
  let origin: string;
  let testMap: AppTestMap;
  const requestedUrls: string[] = [];
  const problems: string[] = [];
  /** The demo model's nearest reference ids on WASM (set by the first placement test). */
  let demoNearestIds: string[] = [];
  let demoShareUrl = '';

  beforeAll(async () => {
    buildDemoModel(repoRoot);
    testMap = await buildAppTestMap(repoRoot, work);
    const broken = join(work, 'broken');
    rmSync(broken, { recursive: true, force: true });
    const good = join(repoRoot, 'tests', 'output', 'models', 'tiny-gpt2-byte');
    cpSync(good, join(broken, 'no-tokenizer'), { recursive: true });
    rmSync(join(broken, 'no-tokenizer', 'tokenizer.json'));
    cpSync(good, join(broken, 'corrupt-onnx'), { recursive: true });
    writeFileSync(join(broken, 'corrupt-onnx', 'onnx', 'model.onnx'), 'this is not an ONNX model, only some text that a broken download left behind\n'.repeat(20));
    ({ server, origin } = await startDevServer(repoRoot));
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * The app in a fresh context with maps/default/ served from `mapFolder` (the test map unless null: then the
   * shipped one), every request recorded and any beyond this origin refused.
   */
  async function openApp(options: { mapFolder?: string | null; url?: string; context?: BrowserContext; on?: Browser } = {}): Promise<{ page: Page; context: BrowserContext; close: () => Promise<void> }> {
    const context = options.context ?? (await (options.on ?? browser).newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
    if (options.context === undefined) {
      context.on('request', (request) => requestedUrls.push(request.url()));
      await context.route((url) => url.origin !== origin && url.protocol !== 'blob:' && url.protocol !== 'data:', (route) => route.abort('blockedbyclient'));
      const mapFolder = options.mapFolder === undefined ? testMap.folder : options.mapFolder;
      if (mapFolder !== null) {
        await context.route(`${origin}/maps/default/**`, async (route) => {
          const name = new URL(route.request().url()).pathname.slice('/maps/default/'.length);
          const file = join(mapFolder, name);
          if (!/^[\w.-]+$/.test(name) || !existsSync(file)) return route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' });
          await route.fulfill({ status: 200, contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', body: readFileSync(file) });
        });
      }
    }
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !expectedConsoleError.test(message.text())) problems.push(`console error: ${message.text()}`);
    });
    await page.goto(options.url ?? `${origin}/`);
    await page.locator('[data-testid=map-status][data-state=loaded]').waitFor({ timeout: 30_000 });
    return { page, context, close: () => context.close() };
  }

  /** Waits for the run to end; fails with the alert's sentence when it failed. */
  async function runOutcome(page: Page): Promise<string> {
    await page
      .locator('[data-testid=run-status][data-state=complete], [data-testid=run-status][data-state=stopped], [data-testid=run-status][data-state=failed]')
      .waitFor({ state: 'attached', timeout: 60_000 });
    return (await page.getByTestId('run-status').getAttribute('data-state')) ?? '';
  }

  /** Keeps every text the result status shows, in order (states that last a few milliseconds included). */
  async function recordStatuses(page: Page): Promise<void> {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as { llmapStatusesSeen?: string[] }).llmapStatusesSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid=result-status]')?.textContent ?? '';
        if (text !== '' && text !== seen.at(-1)) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  const nearestIds = (page: Page) => page.locator('[data-testid=nearest-table] tbody tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.referenceId ?? ''));

  /** Saves what clicking `testId` downloads and returns its path. */
  async function download(page: Page, testId: string, name: string): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const path = join(work, name);
    await file.saveAs(path);
    return path;
  }

  it('loads the map it is given and lists its models; search and colour-by know them', async () => {
    const { page, close } = await openApp();
    try {
      expect(await page.getByTestId('map-status').textContent()).toBe('App test map: 8 reference models on 44 texts.');
      expect(await page.getByTestId('map-view').locator('canvas').count()).toBe(1);
      const colours = await page.getByTestId('colour-by').locator('option').allTextContents();
      expect(colours).toEqual(['Family', 'Parameters', 'Mean log-likelihood', 'Primary text category', 'Score: toy score (known, else predicted)']);
      await page.getByTestId('model-search').fill('bigram');
      const options = page.locator('[data-testid=model-search-results] [role=option]');
      expect(await options.count()).toBe(4);
      await page.getByTestId('model-search').fill('fixture');
      expect(await options.count()).toBe(4);
      expect(await page.getByTestId('try-demo').isVisible()).toBe(true);
    } finally {
      await close();
    }
  });

  it('"Try the demo model" places it (WASM), refining from a provisional LS placement; its nearest models are what llmap place finds for the exported vector', async () => {
    const { page, close } = await openApp();
    try {
      await page.getByTestId('device-choice').selectOption('wasm');
      await recordStatuses(page);
      await page.getByTestId('try-demo').click();
      expect(await runOutcome(page)).toBe('complete');
      // It showed a provisional LS placement first, then refined to the final one.
      const statuses = await page.evaluate(() => (window as { llmapStatusesSeen?: string[] }).llmapStatusesSeen ?? []);
      expect(statuses.some((status) => status.startsWith('Provisional placement from') && status.includes('importance-weighted'))).toBe(true);
      expect(statuses.at(-1)).toContain('Final placement from all 44 texts');
      expect(await page.getByTestId('run-device').textContent()).toBe('Running on WASM.');
      const progress = page.getByTestId('run-progress');
      expect([await progress.getAttribute('aria-valuenow'), await progress.getAttribute('aria-valuemax')]).toEqual(['44', '44']);
      expect(await page.getByTestId('run-progress-text').textContent()).toMatch(/^44 of 44 texts · [\d.,]+ tokens\/s · done · WASM · finished$/);
      expect(await page.getByTestId('result-status').textContent()).toContain('Final placement from all 44 texts');
      demoNearestIds = await nearestIds(page);
      expect(demoNearestIds.length).toBe(8);

      const vectorPath = await download(page, 'export-vector', 'demo-from-page.jsonl');
      const lines = readFileSync(vectorPath, 'utf8').trim().split('\n');
      expect(lines.length).toBe(44);
      expect(Object.keys(JSON.parse(lines[0]))).toEqual(['index', 'num-tokens', 'log-likelihood']);
      const cli = spawnSync(process.execPath, [join(repoRoot, 'bin/llmap.js'), 'place', '--map', testMap.folder, '--scores', vectorPath, '--json'], { cwd: repoRoot, encoding: 'utf8' });
      expect(cli.status, cli.stderr).toBe(0);
      const placed = JSON.parse(cli.stdout) as { nearest: Array<{ id: string; klNatsPerText: number }> };
      expect(demoNearestIds).toEqual(placed.nearest.map((near) => near.id));
      const results = JSON.parse(readFileSync(await download(page, 'export-results', 'demo-results.json'), 'utf8')) as { nearest: Array<{ id: string; klNatsPerText: number }>; predictedScores: unknown[] };
      expectClose(results.nearest.map((near) => near.klNatsPerText), placed.nearest.map((near) => near.klNatsPerText), { relative: 1e-9 });
      expect(results.predictedScores.length).toBe(1);

      // Predicted scores with their cross-validated error, the domain profile with its explanation, the map exports.
      expect(await page.getByTestId('predicted-scores').textContent()).toContain('toy score');
      expect(await page.getByTestId('profile-chart').locator('rect').count()).toBeGreaterThan(3);
      expect(await page.locator('.profile-explanation').textContent()).toContain('Relative to the reference models');
      expect(readFileSync(await download(page, 'export-svg', 'map.svg'), 'utf8')).toContain('<svg');
      expect(readFileSync(await download(page, 'export-png', 'map.png')).subarray(1, 4).toString()).toBe('PNG');

      // The hostile reference name is listed as text; nothing ran.
      expect(await page.getByTestId('nearest-table').textContent()).toContain(HOSTILE_NAME);
      expect(await page.evaluate(() => [(window as { pwned?: number }).pwned ?? null, document.querySelectorAll('img').length])).toEqual([null, 0]);

      demoShareUrl = page.url();
      expect(demoShareUrl).toMatch(/#map=app-test&placed=/);
      await page.getByTestId('result-name').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(repoRoot, 'tests', 'output', 'app-placed.png'), fullPage: true });
    } finally {
      await close();
    }
  });

  it('the WebGPU path (SwiftShader) places the demo model to the same neighbours as WASM', async () => {
    const { page, close } = await openApp();
    try {
      await page.getByTestId('device-choice').selectOption('webgpu');
      await page.getByTestId('try-demo').click();
      expect(await runOutcome(page)).toBe('complete');
      expect(await page.getByTestId('run-device').textContent()).toBe('Running on WebGPU. WebGPU on a software (fallback) adapter.');
      expect(await nearestIds(page)).toEqual(demoNearestIds);
    } finally {
      await close();
    }
  });

  it('a shared link shows the same placement without scoring again; a hostile label in a link stays text', async () => {
    const before = requestedUrls.length;
    const { page, close } = await openApp({ url: demoShareUrl });
    try {
      await page.getByTestId('nearest-table').waitFor();
      expect(await nearestIds(page)).toEqual(demoNearestIds);
      expect(await page.getByTestId('result-status').textContent()).toContain('Shown from a link');
      expect(requestedUrls.slice(before).filter((url) => url.includes('/models/'))).toEqual([]);
    } finally {
      await close();
    }
    const hostileLink = demoShareUrl.replace(/placed=[^&]*/, `placed=${Buffer.from(JSON.stringify([1, [[HOSTILE_NAME, [0, 0], [0, 0], [[0, 1, null]], 0, 44, 44]]])).toString('base64url')}`);
    const shared = await openApp({ url: hostileLink });
    try {
      expect(await shared.page.getByTestId('result-name').textContent()).toBe(HOSTILE_NAME);
      expect(await shared.page.evaluate(() => [(window as { pwned?: number }).pwned ?? null, document.querySelectorAll('img').length])).toEqual([null, 0]);
    } finally {
      await shared.close();
    }
  });

  it('a folder set through the folder input scores and places: the KV-cache twin lands on its reference at KL 0', async () => {
    const { page, close } = await openApp();
    try {
      await page.getByTestId('device-choice').selectOption('wasm');
      await page.getByTestId('folder-input').setInputFiles(join(repoRoot, 'tests', 'output', 'models', 'tiny-gpt2-byte-kv'));
      expect(await runOutcome(page)).toBe('complete');
      expect(await page.getByTestId('result-name').textContent()).toBe('tiny-gpt2-byte-kv');
      expect((await nearestIds(page))[0]).toBe('tiny-gpt2-byte');
      const nearestKl = (await page.locator('[data-testid=nearest-table] tbody tr').first().locator('td').nth(3).textContent()) ?? '';
      expect(Number.parseFloat(nearestKl)).toBeLessThan(1e-6);
    } finally {
      await close();
    }
  });

  it('a dropped set of loose files (model.onnx at the top) scores and places, as the demo folder does', async () => {
    const { page, close } = await openApp();
    try {
      await page.getByTestId('device-choice').selectOption('wasm');
      await page.evaluate(async () => {
        const transfer = new DataTransfer();
        for (const path of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
          const blob = await (await fetch(`/models/demo-bigram/${path}`)).blob();
          transfer.items.add(new File([blob], path.split('/').at(-1)!));
        }
        document.querySelector('[data-testid=drop-zone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      });
      expect(await runOutcome(page)).toBe('complete');
      expect(await page.getByTestId('result-name').textContent()).toBe('config.json');
      expect(await nearestIds(page)).toEqual(demoNearestIds);
    } finally {
      await close();
    }
  });

  it('broken folders show the scorer’s sentence in the alert, never a stack trace', async () => {
    const { page, close } = await openApp();
    try {
      const cases: Array<[string, RegExp]> = [
        ['no-tokenizer', /^The model folder "no-tokenizer" has no tokenizer\.json\. /],
        ['corrupt-onnx', /^onnx\/model\.onnx in "corrupt-onnx" is not a valid ONNX model \(.+\)\. Re-export or re-download it/],
      ];
      for (const [folder, sentence] of cases) {
        await page.getByTestId('folder-input').setInputFiles(join(work, 'broken', folder));
        await page.locator('[data-testid=run-status][data-state=failed]').waitFor({ state: 'attached', timeout: 30_000 });
        const alert = (await page.getByRole('alert').textContent()) ?? '';
        expect(alert).toMatch(sentence);
        expect(alert).not.toMatch(/\n\s+at |\.ts:\d+/);
      }
    } finally {
      await close();
    }
  });

  it('stop, reload, and "Resume" finishes the run from the texts kept in IndexedDB, to the uninterrupted vector', async () => {
    const { page, close } = await openApp();
    const folder = join(repoRoot, 'tests', 'output', 'models', 'tiny-gpt2-bpe');
    try {
      await page.getByTestId('device-choice').selectOption('wasm');
      await page.getByTestId('folder-input').setInputFiles(folder);
      // Stop once a few texts are in (a placement needs at least 2), well before the 44.
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=run-progress]')?.getAttribute('aria-valuenow')) >= 3, undefined, { polling: 'raf', timeout: 30_000 });
      await page.getByTestId('run-stop').click();
      expect(await runOutcome(page)).toBe('stopped');
      const kept = Number(await page.getByTestId('run-progress').getAttribute('aria-valuenow'));
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(44);
      expect(await page.getByTestId('result-status').textContent()).toContain('scoring stopped; resume to refine it');

      await page.reload();
      await page.locator('[data-testid=map-status][data-state=loaded]').waitFor();
      expect(await page.getByTestId('device-choice').inputValue()).toBe('wasm');
      const unfinished = page.getByTestId('unfinished-runs');
      expect(await unfinished.textContent()).toContain(`Unfinished: “tiny-gpt2-bpe”, ${kept} of 44 texts scored.`);
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), unfinished.getByTestId('resume-unfinished').click()]);
      await chooser.setFiles(folder);
      await page.getByTestId('resume-offer').waitFor();
      expect(await page.getByTestId('resume-offer').textContent()).toContain(`${kept} of 44 texts are kept in this browser`);
      await page.getByTestId('resume-yes').click();
      expect(await runOutcome(page)).toBe('complete');
      expect(Number(await page.getByTestId('run-status').getAttribute('data-resumed-from'))).toBe(kept);
      expect(await page.getByTestId('result-status').textContent()).toContain('Final placement from all 44 texts');
      expect(await unfinished.textContent()).toBe('');
      // The resumed vector is the model's own: it equals what onnxruntime-node gave when the map was built.
      expect((await nearestIds(page))[0]).toBe('tiny-gpt2-bpe');
      const resumed = parseRecordLines(readFileSync(await download(page, 'export-vector', 'resumed.jsonl'), 'utf8'));
      const reference = testMap.recordsById['tiny-gpt2-bpe'];
      expect(resumed.map((record) => [record.index, record.numTokens])).toEqual(reference.map((record) => [record.index, record.numTokens]));
      expectClose(resumed.map((record) => record.logLikelihoodNats), reference.map((record) => record.logLikelihoodNats), { relative: 1e-4 });
    } finally {
      await close();
    }
  });

  it('keyboard only: Tab reaches every control, the search works with arrows and Enter, the demo button with Enter', async () => {
    const { page, close } = await openApp();
    try {
      const focusedIds: string[] = [];
      for (let step = 0; step < 14; step++) {
        await page.keyboard.press('Tab');
        focusedIds.push(
          await page.evaluate(() => {
            const element = document.activeElement as HTMLElement | null;
            if (element === null) return '';
            return element.dataset.testid || element.id || element.className || element.tagName;
          }),
        );
      }
      for (const control of ['layout-tsne', 'colour-by', 'model-search', 'choose-folder', 'choose-files', 'try-demo', 'device-choice']) {
        expect(focusedIds, `Tab order: ${focusedIds.join(', ')}`).toContain(control);
      }
      expect(focusedIds.some((id) => id.includes('llmap-map-view__canvas'))).toBe(true);
      expect(focusedIds.some((id) => id.includes('llmap-map-view__reset'))).toBe(true);

      // The layout switch: arrow keys move between t-SNE and PCA.
      await page.getByTestId('layout-tsne').focus();
      await page.keyboard.press('ArrowRight');
      expect(await page.getByTestId('layout-pca').isChecked()).toBe(true);

      // Search: type, arrow down to the second match, Enter selects and focuses it.
      await page.getByTestId('model-search').focus();
      await page.keyboard.type('bigram-');
      await page.keyboard.press('ArrowDown');
      const active = await page.getByTestId('model-search').getAttribute('aria-activedescendant');
      const chosenName = await page.locator(`#${active}`).locator('.search-name').textContent();
      await page.keyboard.press('Enter');
      expect(await page.getByTestId('reference-name').textContent()).toBe(chosenName);
      expect(await page.locator('[data-testid=reference-neighbours] tbody tr').count()).toBe(7);
      expect(await page.getByTestId('model-search-results').isHidden()).toBe(true);

      // The demo button with the keyboard, then the results' controls are reachable with Tab.
      await page.getByTestId('device-choice').selectOption('wasm');
      await page.getByTestId('try-demo').focus();
      await page.keyboard.press('Enter');
      expect(await runOutcome(page)).toBe('complete');
      await page.getByTestId('device-choice').focus();
      const later: string[] = [];
      for (let step = 0; step < 12; step++) {
        await page.keyboard.press('Tab');
        later.push(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid || (document.activeElement?.textContent ?? '')));
      }
      for (const control of ['Details', 'Remove', 'export-vector', 'export-results', 'export-png', 'export-svg', 'copy-link']) {
        expect(later, `Tab order: ${later.join(', ')}`).toContain(control);
      }
      // Every focused control shows a visible focus ring.
      await page.getByTestId('copy-link').focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    } finally {
      await close();
    }
  });

  it.runIf(existsSync(defaultMapJson))('on the shipped default map, the demo model places from the shipped files alone', async () => {
    const { page, close } = await openApp({ mapFolder: null });
    try {
      await page.getByTestId('device-choice').selectOption('wasm');
      await page.getByTestId('try-demo').click();
      expect(await runOutcome(page)).toBe('complete');
      expect(await page.getByTestId('no-predictions').textContent()).toContain('This map predicts no scores');
      // The default map's tiny models are far apart: the demo's nearest KL is far outside the approximation's range.
      expect(await page.getByTestId('kl-range-warning').textContent()).toContain('are not divergences');
      mkdirSync(join(repoRoot, 'tests', 'output'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'tests', 'output', 'app-placed-default-map.png'), fullPage: true });
    } finally {
      await close();
    }
  }, 120_000);

  it('makes no request beyond localhost, and logs no unexpected errors', () => {
    expect(requestedUrls.length).toBeGreaterThan(0);
    const foreign = requestedUrls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requestedUrls.some((url) => /ort-wasm[^/]*\.wasm(\?|$)/.test(url))).toBe(true);
    expect(problems).toEqual([]);
  });
});
