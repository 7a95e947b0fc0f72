import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium, startDevServer } from '../tests/browser/chromium.ts';
import type { ScoringPageApi } from '../tests/browser/scoringPage.ts';

/**
 * Scores a model folder in Debian Chromium's scoring worker (WASM, one thread) through the browser tests' page and
 * returns the texts per second of the scoring loop (model load excluded), or null when Chromium is missing.
 */
export async function browserWasmTextsPerSecond(root: string, folderUrl: string, texts: ReadonlyArray<{ index: number; text: string }>): Promise<number | null> {
  const executablePath = findChromium();
  if (executablePath === null) return null;
  const { server, origin } = await startDevServer(root);
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/tests/browser/scoring.html`);
    await page.locator('body[data-ready=true]').waitFor({ timeout: 60_000 });
    const request = { folder: folderUrl, paths: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'], texts, device: 'wasm' as const };
    const result = await page.evaluate((args) => (globalThis as unknown as { llmapScoring: ScoringPageApi }).llmapScoring.runScoring(args), request);
    if (result.error) throw new Error(`browser scoring failed: ${result.error.message}`);
    return texts.length / (result.scoreMs / 1000);
  } finally {
    await browser.close();
    await server.close();
  }
}
