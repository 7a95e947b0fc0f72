import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, describeInChromium, startDevServer } from './chromium.ts';
import { HOSTILE_NAME } from './mapViewPoints.ts';

/**
 * The map view in Debian Chromium on tests/browser/mapView.html (Vite dev server): hover and its text-only tooltip,
 * click and keyboard selection, the animated layout switch, colour-by and its legend, placed models with ellipses
 * and KL links, and the SVG and PNG exports. Screenshots go to tests/output/.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outputDir = resolve(repoRoot, 'tests', 'output');
const HOSTILE_INDEX = 12;

describeInChromium('map view in Chromium', (executablePath) => {
  let server: ViteDevServer;
  let browser: Browser;
  let pageUrl: string;

  beforeAll(async () => {
    const started = await startDevServer(repoRoot);
    server = started.server;
    pageUrl = `${started.origin}/tests/browser/mapView.html`;
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh page with the small map mounted; page errors fail the test at close. */
  async function openSmallMap(
    options: { reducedMotion?: 'reduce' | 'no-preference'; deviceScaleFactor?: number } = {},
  ): Promise<{ page: Page; close: () => Promise<void> }> {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1020, height: 640 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      reducedMotion: options.reducedMotion ?? 'no-preference',
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.mapViewTest !== undefined);
    await page.evaluate(() => {
      window.mapViewTest.mount(window.mapViewTest.fixtures.smallMapPoints());
    });
    return {
      page,
      close: async () => {
        await context.close();
        expect(pageErrors).toEqual([]);
        expect(loads, 'the page reloaded during the test (Vite dependency optimisation?)').toBe(1);
      },
    };
  }

  /** Page coordinates of reference `index` (the canvas's offset plus the view's screen position). */
  async function pagePositionOf(page: Page, index: number): Promise<{ x: number; y: number }> {
    return page.evaluate((i) => {
      const canvas = document.querySelector('canvas') as HTMLCanvasElement;
      const rect = canvas.getBoundingClientRect();
      const position = window.mapViewTest.view?.screenPositionOf(i);
      if (position === null || position === undefined) throw new Error(`no position for ${i}`);
      return { x: rect.left + position.x, y: rect.top + position.y };
    }, index);
  }

  it('hover shows a tooltip with the name as text, never as markup', async () => {
    const { page, close } = await openSmallMap();
    try {
      const { x, y } = await pagePositionOf(page, HOSTILE_INDEX);
      await page.mouse.move(x, y);
      const tooltip = page.getByTestId('map-tooltip');
      await tooltip.waitFor({ state: 'visible' });
      expect(await tooltip.locator('.llmap-map-view__tooltip-name').textContent()).toBe(HOSTILE_NAME);
      expect(await tooltip.locator('img').count()).toBe(0);
      expect(await tooltip.textContent()).toContain('Family: unknown <b>family</b>');
      expect(await tooltip.textContent()).toContain('Mean log-likelihood: \u2212440 nats/text');
      expect(await tooltip.textContent()).toContain('Parameters: unknown');
      expect(await page.evaluate(() => window.pwned)).toBeUndefined();
      expect(await page.evaluate(() => window.mapViewTest.events)).toContainEqual({ event: 'hover', index: HOSTILE_INDEX });
      expect(await page.getByTestId('map-summary').textContent()).toContain(`13 models, coloured by Model family; hovered: ${HOSTILE_NAME}`);
      await page.mouse.move(2, 2);
      await tooltip.waitFor({ state: 'hidden' });
    } finally {
      await close();
    }
  });

  it('click selects a reference and fires select; a click on empty space clears it', async () => {
    const { page, close } = await openSmallMap();
    try {
      const { x, y } = await pagePositionOf(page, 3);
      await page.mouse.click(x, y);
      expect(await page.evaluate(() => window.mapViewTest.events.filter((e) => e.event === 'select'))).toEqual([{ event: 'select', index: 3 }]);
      expect(await page.getByTestId('map-summary').textContent()).toContain('selected: gpt2-xl');
      // Selected: its 3 neighbours are linked and labelled with KL in both units.
      const svg = await page.evaluate(() => window.mapViewTest.view?.toSvgString() ?? '');
      expect(svg.match(/class="link selected"/g)?.length).toBe(3);
      expect(svg).toMatch(/KL [0-9.]+ nats\/text · [0-9.]+ bits\/byte/);
      const canvasBox = await page.locator('canvas').boundingBox();
      await page.mouse.click(canvasBox!.x + canvasBox!.width - 5, canvasBox!.y + canvasBox!.height - 5);
      expect(await page.evaluate(() => window.mapViewTest.events.filter((e) => e.event === 'select').map((e) => e.index))).toEqual([3, null]);
    } finally {
      await close();
    }
  });

  it('setLayout animates the points to the PCA coordinates mapped to the screen', async () => {
    const { page, close } = await openSmallMap();
    try {
      const readPositions = () =>
        page.evaluate(() => window.mapViewTest.fixtures.smallMapPoints().map((_, i) => window.mapViewTest.view!.screenPositionOf(i)!));
      await page.evaluate(() => window.mapViewTest.mount(window.mapViewTest.fixtures.smallMapPoints(), { transitionMs: 2000 }));
      const before = await readPositions();
      await page.evaluate(() => window.mapViewTest.view!.setLayout('pca'));
      await page.waitForTimeout(600);
      const during = await readPositions();
      await page.waitForTimeout(2000);
      const after = await readPositions();
      const pca = await page.evaluate(() => window.mapViewTest.fixtures.smallMapPoints().map((p) => p.pca));
      expectScreenIsPcaFit(after, pca);
      // Animated: half-way, points are neither where they started nor where they end.
      const moved = (a: typeof before, b: typeof before) => Math.max(...a.map((p, i) => Math.hypot(p.x - b[i].x, p.y - b[i].y)));
      expect(moved(during, before)).toBeGreaterThan(5);
      expect(moved(during, after)).toBeGreaterThan(5);
      expect(Math.max(...after.map((p, i) => Math.hypot(p.x - before[i].x, p.y - before[i].y)))).toBeGreaterThan(50);
    } finally {
      await close();
    }
  });

  it('setLayout is instant when the user prefers reduced motion', async () => {
    const { page, close } = await openSmallMap({ reducedMotion: 'reduce' });
    try {
      const after = await page.evaluate(() => {
        window.mapViewTest.view!.setLayout('pca');
        return window.mapViewTest.fixtures.smallMapPoints().map((_, i) => window.mapViewTest.view!.screenPositionOf(i)!);
      });
      const pca = await page.evaluate(() => window.mapViewTest.fixtures.smallMapPoints().map((p) => p.pca));
      expectScreenIsPcaFit(after, pca);
    } finally {
      await close();
    }
  });

  it('setColourBy changes the legend: swatches for families, a titled ramp with range for parameters', async () => {
    const { page, close } = await openSmallMap();
    try {
      const legend = page.getByTestId('map-legend');
      expect(await legend.textContent()).toContain('Model family');
      expect(await legend.locator('circle').count()).toBe(5);
      expect(await legend.textContent()).toContain('unknown <b>family</b>');
      await page.evaluate(() => window.mapViewTest.view!.setColourBy({ kind: 'parameters' }));
      const text = await legend.textContent();
      expect(text).toContain('Parameters (log scale)');
      expect(text).toContain('number of weights');
      expect(text).toContain('range 70M to 13B');
      expect(text).toContain('no value');
      expect(await legend.locator('rect').count()).toBeGreaterThan(20);
      await page.evaluate(() => window.mapViewTest.view!.setColourBy({ kind: 'score', name: 'mmlu' }));
      expect(await legend.textContent()).toContain('Score: mmlu');
      expect(await page.getByTestId('map-summary').textContent()).toContain('coloured by Score: mmlu');
    } finally {
      await close();
    }
  });

  it('setPlaced draws the new model, its dashed provisional ellipse and KL-labelled links (SVG export)', async () => {
    const { page, close } = await openSmallMap();
    try {
      const result = await page.evaluate(() => {
        const view = window.mapViewTest.view!;
        view.setPlaced([window.mapViewTest.fixtures.smallPlacedModel(true)]);
        const svg = view.toSvgString();
        const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml');
        return {
          parseError: parsed.querySelector('parsererror')?.textContent ?? null,
          rootName: parsed.documentElement.nodeName,
          ellipseDash: parsed.querySelector('ellipse.uncertainty')?.getAttribute('stroke-dasharray') ?? null,
          stars: parsed.querySelectorAll('polygon.placed').length,
          links: parsed.querySelectorAll('g.link.placed').length,
          labels: Array.from(parsed.querySelectorAll('text.label tspan'), (t) => t.textContent),
        };
      });
      expect(result.parseError).toBeNull();
      expect(result.rootName).toBe('svg');
      expect(result.ellipseDash).toBe('6 4');
      expect(result.stars).toBe(1);
      expect(result.links).toBe(3);
      expect(result.labels).toContain('my-model (yours) (provisional)');
      expect(result.labels).toContain('KL 0.0412 nats/text \u00b7 0.00198 bits/byte');
      expect(result.labels).toContain('gpt2-large');
      const settled = await page.evaluate(() => {
        window.mapViewTest.view!.setPlaced([window.mapViewTest.fixtures.smallPlacedModel(false)]);
        return window.mapViewTest.view!.toSvgString();
      });
      expect(settled).toMatch(/<ellipse class="uncertainty"[^>]*\/>/);
      expect(settled).not.toContain('stroke-dasharray="6 4"');
      expect(await page.getByTestId('map-legend').textContent()).toContain('your model');
    } finally {
      await close();
    }
  });

  it('keyboard only: Tab to the canvas, arrows move between models, Enter selects, Escape clears', async () => {
    const { page, close } = await openSmallMap();
    try {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('CANVAS');
      expect(await page.locator('canvas').getAttribute('aria-label')).toBe('Map of 13 language models, coloured by Model family');
      await page.keyboard.press('ArrowRight');
      const first = await page.evaluate(() => window.mapViewTest.events.filter((e) => e.event === 'hover').at(-1)?.index ?? null);
      expect(first).not.toBeNull();
      await page.keyboard.press('ArrowRight');
      const second = await page.evaluate(() => window.mapViewTest.events.filter((e) => e.event === 'hover').at(-1)?.index ?? null);
      expect(second).not.toBeNull();
      expect(second).not.toBe(first);
      const [firstX, secondX] = await page.evaluate(
        ([a, b]) => [window.mapViewTest.view!.screenPositionOf(a!)!.x, window.mapViewTest.view!.screenPositionOf(b!)!.x],
        [first, second],
      );
      expect(secondX).toBeGreaterThan(firstX);
      expect(await page.getByTestId('map-tooltip').isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => window.mapViewTest.events.filter((e) => e.event === 'select').map((e) => e.index))).toEqual([second]);
      await page.keyboard.press('n');
      await page.keyboard.press('Escape');
      expect(await page.evaluate(() => window.mapViewTest.events.filter((e) => e.event === 'select').map((e) => e.index))).toEqual([second, null]);
      // + zooms in around the centre; 0 resets.
      const before = await page.evaluate(() => window.mapViewTest.view!.screenPositionOf(0)!);
      await page.keyboard.press('+');
      const zoomed = await page.evaluate(() => window.mapViewTest.view!.screenPositionOf(0)!);
      expect(zoomed).not.toEqual(before);
      await page.keyboard.press('0');
      await page.waitForTimeout(700);
      const reset = await page.evaluate(() => window.mapViewTest.view!.screenPositionOf(0)!);
      expect(reset.x).toBeCloseTo(before.x, 3);
      expect(reset.y).toBeCloseTo(before.y, 3);
    } finally {
      await close();
    }
  });

  it('toSvgString is valid SVG with the hostile name as text; toPngBlob gives a PNG', async () => {
    const { page, close } = await openSmallMap({ deviceScaleFactor: 2 });
    try {
      const result = await page.evaluate(async (hostileIndex) => {
        const view = window.mapViewTest.view!;
        view.setPlaced([window.mapViewTest.fixtures.smallPlacedModel(true)]);
        view.select(hostileIndex);
        const svg = view.toSvgString();
        const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml');
        const blob = await view.toPngBlob();
        const bytes = Array.from(new Uint8Array(await blob.arrayBuffer()).slice(0, 8));
        const bitmap = await createImageBitmap(blob);
        return {
          parseError: parsed.querySelector('parsererror')?.textContent ?? null,
          images: parsed.querySelectorAll('img, image, foreignObject, script').length,
          selectedLabel: parsed.querySelector('text.label.selected')?.textContent ?? null,
          legendText: parsed.querySelector('g.legend')?.textContent ?? '',
          type: blob.type,
          bytes,
          size: [bitmap.width, bitmap.height],
          canvasSize: [(document.querySelector('canvas') as HTMLCanvasElement).width, (document.querySelector('canvas') as HTMLCanvasElement).height],
        };
      }, HOSTILE_INDEX);
      expect(result.parseError).toBeNull();
      expect(result.images).toBe(0);
      expect(result.selectedLabel).toBe(HOSTILE_NAME);
      expect(result.legendText).toContain('Model family');
      expect(await page.evaluate(() => window.pwned)).toBeUndefined();
      expect(result.type).toBe('image/png');
      expect(result.bytes).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      expect(result.size[1]).toBe(result.canvasSize[1]); // device pixels: devicePixelRatio 2 honoured
      expect(result.size[0]).toBeGreaterThan(result.canvasSize[0]);
    } finally {
      await close();
    }
  });

  it('looks right: a screenshot with a placed model and a selection (tests/output/map-view.png)', async () => {
    const { page, close } = await openSmallMap();
    try {
      await page.evaluate(() => {
        const view = window.mapViewTest.view!;
        view.setPlaced([window.mapViewTest.fixtures.smallPlacedModel(true)]);
        view.select(8);
      });
      const { x, y } = await pagePositionOf(page, 5);
      await page.mouse.move(x, y);
      await page.getByTestId('map-tooltip').waitFor({ state: 'visible' });
      mkdirSync(outputDir, { recursive: true });
      await page.locator('#map').screenshot({ path: resolve(outputDir, 'map-view.png') });
      const svg = await page.evaluate(() => window.mapViewTest.view!.toSvgString());
      writeFileSync(resolve(outputDir, 'map-view.svg'), svg);
      const png = await page.evaluate(async () => {
        const blob = await window.mapViewTest.view!.toPngBlob();
        return Array.from(new Uint8Array(await blob.arrayBuffer()));
      });
      writeFileSync(resolve(outputDir, 'map-view-export.png'), Uint8Array.from(png));
    } finally {
      await close();
    }
  });

  it('focus(index) pans and zooms the point to the middle; a placed model outside the view gets an edge pointer', async () => {
    const { page, close } = await openSmallMap({ reducedMotion: 'reduce' });
    try {
      const result = await page.evaluate(() => {
        const view = window.mapViewTest.view!;
        view.setPlaced([window.mapViewTest.fixtures.smallPlacedModel(false)]);
        view.focus(9);
        const canvas = document.querySelector('canvas') as HTMLCanvasElement;
        return { position: view.screenPositionOf(9)!, width: canvas.clientWidth, height: canvas.clientHeight, svg: view.toSvgString() };
      });
      expect(result.position.x).toBeCloseTo(result.width / 2, 3);
      expect(result.position.y).toBeCloseTo(result.height / 2, 3);
      expect(result.svg).toContain('class="pointer"');
      expect(result.svg).toContain('my-model (yours) (outside the view)');
      await page.keyboard.press('Tab');
      await page.locator('#map').screenshot({ path: resolve(outputDir, 'map-view-focused.png') });
    } finally {
      await close();
    }
  });

  it('PCA layout coloured by mean log-likelihood (tests/output/map-view-pca.png)', async () => {
    const { page, close } = await openSmallMap({ reducedMotion: 'reduce' });
    try {
      await page.evaluate(() => {
        const view = window.mapViewTest.view!;
        view.setLayout('pca');
        view.setColourBy({ kind: 'meanLogLikelihood' });
        view.setPlaced([window.mapViewTest.fixtures.smallPlacedModel(false)]);
      });
      await page.waitForTimeout(50);
      await page.locator('#map').screenshot({ path: resolve(outputDir, 'map-view-pca.png') });
      expect(await page.getByTestId('map-legend').textContent()).toContain('nats/text');
    } finally {
      await close();
    }
  });

  it('100,000 points coloured by parameters: hover still finds a point (tests/output/map-view-100k.png)', async () => {
    const { page, close } = await openSmallMap();
    try {
      await page.evaluate(() => {
        const points = window.mapViewTest.fixtures.syntheticMapPoints(100_000);
        const view = window.mapViewTest.mount(points, { colourBy: { kind: 'parameters' } });
        view.select(42);
      });
      const { x, y } = await pagePositionOf(page, 777);
      await page.mouse.move(x, y);
      await page.getByTestId('map-tooltip').waitFor({ state: 'visible' });
      expect(await page.getByTestId('map-tooltip').locator('.llmap-map-view__tooltip-name').textContent()).toMatch(/^synthetic-\d+-\d+$/);
      await page.locator('#map').screenshot({ path: resolve(outputDir, 'map-view-100k.png') });
      expect(await page.getByTestId('map-summary').textContent()).toContain('100000 models');
    } finally {
      await close();
    }
  });
});

/** Screen positions are an equal-scale, y-flipped affine image of the PCA coordinates (fitted from two points). */
function expectScreenIsPcaFit(screen: ReadonlyArray<{ x: number; y: number }>, pca: ReadonlyArray<readonly [number, number]>): void {
  const scale = (screen[1].x - screen[0].x) / (pca[1][0] - pca[0][0]);
  const offsetX = screen[0].x - scale * pca[0][0];
  const offsetY = screen[0].y + scale * pca[0][1];
  expect(scale).toBeGreaterThan(0);
  for (let i = 0; i < screen.length; i++) {
    expect(screen[i].x).toBeCloseTo(offsetX + scale * pca[i][0], 2);
    expect(screen[i].y).toBeCloseTo(offsetY - scale * pca[i][1], 2);
  }
}
