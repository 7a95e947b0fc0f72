import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import { parseRecordLines, type ScoreRecord } from '../../src/scoring/records.ts';
import { scoreModel, type ScoringText } from '../../src/scoring/scoreModel.ts';
import { demoModelFiles } from '../../scripts/demoModel/demoModelFolder.ts';
import { bigramLogLikelihoodNats, trainByteBigram } from '../../scripts/demoModel/trainByteBigram.ts';
import { expectClose } from '../asserts.ts';
import { CHROMIUM_FLAGS, describeInChromium, startDevServer } from './chromium.ts';
import type { RunScoringRequest, RunScoringResult, ScoringPageApi } from './scoringPage.ts';

/**
 * The scoring worker in Debian Chromium, driven from tests/browser/scoring.html on a Vite dev server: the PyTorch
 * fixture scored on WASM and on WebGPU (SwiftShader) matches PyTorch and onnxruntime-node; cancel and resume across
 * a reload; a worker that cannot start rejects; nothing is fetched from beyond localhost.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtureFolder = resolve(repoRoot, 'tests', 'fixtures', 'torch-decoder');
const FIXTURE_URL = '/tests/fixtures/torch-decoder/';
const MODEL_PATHS = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

const texts: ScoringText[] = readFileSync(resolve(fixtureFolder, 'texts.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as ScoringText);
const torchRecords = parseRecordLines(readFileSync(resolve(fixtureFolder, 'torch-log-likelihoods.jsonl'), 'utf8'));

const logLikelihoods = (records: readonly ScoreRecord[]) => records.map((record) => record.logLikelihoodNats);

/** Largest |a − b| / |b| over two vectors, for the log line. */
function maxRelativeDifference(actual: readonly number[], expected: readonly number[]): number {
  return Math.max(...actual.map((value, j) => Math.abs(value - expected[j]) / Math.abs(expected[j])));
}

describeInChromium('scoring worker in Chromium', (executablePath) => {
  let server: ViteDevServer;
  let browser: Browser;
  let origin: string;
  let nodeRecords: ScoreRecord[];
  /** Every URL any page or worker of these tests requested. */
  const requestedUrls: string[] = [];

  beforeAll(async () => {
    nodeRecords = await scoreModel(modelFilesFromFolder(fixtureFolder), texts, { runtime: nodeRuntime() });
    ({ server, origin } = await startDevServer(repoRoot));
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The test page in a fresh context of `on`, with every request recorded and foreign ones refused. */
  async function openPage(on: Browser = browser): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await on.newContext();
    context.on('request', (request) => requestedUrls.push(request.url()));
    await context.route(
      (url) => url.origin !== origin && url.protocol !== 'blob:' && url.protocol !== 'data:',
      (route) => route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${origin}/tests/browser/scoring.html`);
    await page.locator('body[data-ready=true]').waitFor({ timeout: 30_000 });
    return { page, close: () => context.close() };
  }

  function runScoring(page: Page, request: Omit<RunScoringRequest, 'folder' | 'paths' | 'texts'>): Promise<RunScoringResult> {
    const full: RunScoringRequest = { folder: FIXTURE_URL, paths: MODEL_PATHS, texts, ...request };
    return page.evaluate((args) => (globalThis as unknown as { llmapScoring: ScoringPageApi }).llmapScoring.runScoring(args), full);
  }

  /** Records match PyTorch (indices, token counts, ℓ to 1e-4 relative) and onnxruntime-node (ℓ to 1e-4 relative). */
  function expectFixtureVector(result: RunScoringResult, what: string): ScoreRecord[] {
    expect(result.error).toBeUndefined();
    const records = result.records ?? [];
    expect(records.map((record) => record.index)).toEqual(torchRecords.map((record) => record.index));
    expect(records.map((record) => record.numTokens)).toEqual(torchRecords.map((record) => record.numTokens));
    expectClose(logLikelihoods(records), logLikelihoods(torchRecords), { relative: 1e-4 });
    expectClose(logLikelihoods(records), logLikelihoods(nodeRecords), { relative: 1e-4 });
    const textsPerSecond = (texts.length / result.scoreMs) * 1000;
    console.log(
      `${what}: open ${result.openMs.toFixed(0)} ms, ${textsPerSecond.toFixed(1)} texts/s; max rel. diff vs PyTorch ` +
        `${maxRelativeDifference(logLikelihoods(records), logLikelihoods(torchRecords)).toExponential(2)}, vs onnxruntime-node ` +
        `${maxRelativeDifference(logLikelihoods(records), logLikelihoods(nodeRecords)).toExponential(2)}`,
    );
    return records;
  }

  it('score() on WASM in the worker matches PyTorch and onnxruntime-node to 1e-4 relative', async () => {
    const { page, close } = await openPage();
    try {
      const result = await runScoring(page, { device: 'wasm', maxBatchSize: 1 });
      expect(result.model?.device).toEqual({ backend: 'wasm', note: '', threads: 1 });
      expect(result.model?.maxLengthTokens).toBe(128);
      expectFixtureVector(result, 'WASM');
    } finally {
      await close();
    }
  }, 30_000);

  it("openModel({ device: 'auto' }) runs on WebGPU (SwiftShader, reported as a fallback adapter) and matches to 1e-4", async () => {
    const { page, close } = await openPage();
    try {
      const result = await runScoring(page, { device: 'auto' });
      expect(result.model?.device.backend).toBe('webgpu');
      expect(result.model?.device.note).toBe('WebGPU on a software (fallback) adapter.');
      expectFixtureVector(result, 'WebGPU (SwiftShader)');
    } finally {
      await close();
    }
  }, 30_000);

  it('logits far from zero (GPT-2 sits near −100) score the same on WebGPU and WASM as the model’s own log-probabilities', async () => {
    // A bigram whose every logit is its log-probability minus 120: the softmax is unchanged, and a log-sum-exp that
    // does not subtract the maximum would underflow to log(0).
    const bigram = trainByteBigram([new TextEncoder().encode('the map of models places each model near its kin. ')], 0.5);
    const shifted = { ...bigram, logProbsByPrevious: bigram.logProbsByPrevious.map((value) => value - 120) };
    const folder = resolve(repoRoot, 'tests', 'output', 'models', 'shifted-bigram');
    for (const [path, bytes] of demoModelFiles(shifted, { files: 1, bytes: 50 })) {
      mkdirSync(dirname(resolve(folder, path)), { recursive: true });
      writeFileSync(resolve(folder, path), bytes);
    }
    const expected = texts.map(({ text }) => bigramLogLikelihoodNats(bigram, new TextEncoder().encode(text)));
    const { page, close } = await openPage();
    try {
      for (const device of ['webgpu', 'wasm'] as const) {
        const request = { folder: '/tests/output/models/shifted-bigram/', paths: MODEL_PATHS, texts, device };
        const result = await page.evaluate((args) => (globalThis as unknown as { llmapScoring: ScoringPageApi }).llmapScoring.runScoring(args), request);
        expect(result.error, device).toBeUndefined();
        expect(result.model?.device.backend).toBe(device);
        expectClose(logLikelihoods(result.records!), expected, { relative: 1e-4 });
      }
    } finally {
      await close();
    }
  }, 60_000);

  it("openModel({ device: 'auto' }) without WebGPU falls back to WASM and says why", async () => {
    const flags = CHROMIUM_FLAGS.filter((flag) => flag !== '--enable-unsafe-webgpu');
    const noWebGpu = await chromium.launch({ executablePath, headless: true, args: flags });
    try {
      const { page, close } = await openPage(noWebGpu);
      try {
        const result = await runScoring(page, { device: 'auto' });
        expect(result.model?.device.backend).toBe('wasm');
        expect(result.model?.device.note).toMatch(/^WebGPU is not available \(.+\), so WASM runs the model\.$/);
        expectFixtureVector(result, 'auto without WebGPU');
      } finally {
        await close();
      }
    } finally {
      await noWebGpu.close();
    }
  }, 30_000);

  it('cancel() rejects with LlmapError "cancelled"; after a reload the same storeKey resumes to the uninterrupted vector; clearStored() forgets', async () => {
    const { page, close } = await openPage();
    try {
      const storeKey = 'test:torch-decoder:resume';
      await page.evaluate((key) => (globalThis as unknown as { llmapScoring: ScoringPageApi }).llmapScoring.clearStored(key), storeKey);
      const uninterrupted = await runScoring(page, { device: 'wasm', maxBatchSize: 1 });
      expect(uninterrupted.error).toBeUndefined();

      const cancelled = await runScoring(page, { device: 'wasm', maxBatchSize: 1, storeKey, cancelAfterTextsDone: 5 });
      expect(cancelled.error).toMatchObject({ isLlmapError: true, name: 'LlmapError', code: 'cancelled' });
      expect(cancelled.error?.message).toMatch(/^Scoring was cancelled after \d+ of 60 texts/);
      const doneBeforeCancel = Math.max(...cancelled.textsDoneSeen);
      expect(doneBeforeCancel).toBeGreaterThanOrEqual(5);
      expect(doneBeforeCancel).toBeLessThan(texts.length);

      await page.reload();
      await page.locator('body[data-ready=true]').waitFor();
      const resumed = await runScoring(page, { device: 'wasm', maxBatchSize: 1, storeKey });
      expect(resumed.error).toBeUndefined();
      // The first progress event already counts the stored texts: only the rest were scored.
      expect(resumed.textsDoneSeen[0]).toBeGreaterThanOrEqual(doneBeforeCancel);
      expect(resumed.textsDoneSeen[0]).toBeLessThan(texts.length);
      expect(resumed.textsDoneSeen.length).toBe(texts.length - resumed.textsDoneSeen[0] + 1);
      expect(resumed.records).toEqual(uninterrupted.records);

      // clearStored(key) forgets them: the next run starts from nothing.
      await page.evaluate((key) => (globalThis as unknown as { llmapScoring: ScoringPageApi }).llmapScoring.clearStored(key), storeKey);
      const fresh = await runScoring(page, { device: 'wasm', maxBatchSize: 1, storeKey });
      expect(fresh.textsDoneSeen[0]).toBe(0);
      expect(fresh.records).toEqual(uninterrupted.records);
    } finally {
      await close();
    }
  }, 30_000);

  it('a worker that fails to load or start rejects the call with an LlmapError instead of hanging', async () => {
    const { page, close } = await openPage();
    try {
      const open = (url: string) =>
        page.evaluate((workerUrl) => (globalThis as unknown as { llmapScoring: ScoringPageApi }).llmapScoring.openWithFailingWorker(workerUrl), url);
      const missing = await open(`${origin}/workers/no-such.worker.js`);
      expect(missing.error).toMatchObject({ isLlmapError: true, code: 'runtime-failure', details: { reason: 'worker-load-failed' } });
      expect(missing.error?.message).toContain('The scoring worker could not be loaded');
      const throwing = await open(`${origin}/tests/browser/failingWorker.ts`);
      expect(throwing.error).toMatchObject({ isLlmapError: true, code: 'runtime-failure', details: { reason: 'worker-script-error' } });
      expect(throwing.error?.message).toContain('this test worker fails on purpose while starting');
    } finally {
      await close();
    }
  }, 30_000);

  it('makes no request beyond localhost: ORT’s .wasm comes from this origin', () => {
    expect(requestedUrls.length).toBeGreaterThan(0);
    const foreign = requestedUrls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    const wasm = requestedUrls.filter((url) => /ort-wasm[^/]*\.wasm(\?|$)/.test(url));
    expect(wasm.length).toBeGreaterThan(0);
    expect(wasm.every((url) => url.startsWith(`${origin}/`))).toBe(true);
  });
});
