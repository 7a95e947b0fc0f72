import { encode as gpt2Encode } from 'gpt-3-encoder';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import { memoryStore, type ResultStore, type ScoreRecord } from '../../src/scoring/records.ts';
import type { ScoringRuntime } from '../../src/scoring/runtime.ts';
import { scoreModel, type ScoringProgress, type ScoringText } from '../../src/scoring/scoreModel.ts';
import { webRuntime } from '../../src/scoring/webRuntime.ts';
import { expectClose } from '../asserts.ts';
import { folderContents, inMemoryFolder, withMaxLength } from '../fixtures/brokenModels.ts';
import { ensureFixtureModels } from '../fixtures/makeModels.ts';
import { fixtureWeights, type FixtureModel } from '../fixtures/models/specs.ts';
import { gpt2ReferenceLogits, llamaReferenceLogits } from '../fixtures/referenceForward.ts';

/*
 * scoreModel on the four fixture decoders against the protocol computed independently: token ids by the known rule
 * (UTF-8 bytes, <|bos|> = 256 first for the Llama fixture, GPT-2 BPE from gpt-3-encoder), truncated to the
 * config's maximum length, the plain-TS float64 forward pass, log-softmax in float64, summed from t = 1.
 */

const FIXTURES = ensureFixtureModels();
const SHORT_MAX_LENGTH = 24; // every fixture says 1024, so a copy with 24 exercises truncation

const TEXT_STRINGS = [
  'The quick brown fox jumps over the lazy dog.',
  'Hello, world!',
  'a', // one token for the byte and BPE models (ℓ = 0); two with the Llama fixture's BOS
  '', // no tokens at all (ℓ = 0)
  'naïve café, déjà vu',
  'Grüße aus Köln — 3 € pro Stück',
  '世界你好，这是一个测试。',
  'Привет, мир 🙂',
  'emoji 🦊🐕 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters',
  'const x = 1;\n\tif (x) { return "y"; }',
  '  leading spaces,   runs of spaces, trailing  ',
  'In the beginning the Universe was created. This has made a lot of people very angry and been widely regarded as a bad move.',
];
const TEXTS: ScoringText[] = TEXT_STRINGS.map((text, k) => ({ index: 100 + k, text }));

const RUNTIMES: ReadonlyArray<readonly [string, () => ScoringRuntime]> = [
  ['nodeRuntime()', () => nodeRuntime()],
  ["webRuntime({ device: 'wasm' })", () => webRuntime({ device: 'wasm' })],
];

const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));

/** The model's token ids by the fixture's known rule, before truncation. */
function fixtureIds(spec: FixtureModel, text: string): number[] {
  if (spec.tokenizer.kind === 'gpt2-bpe') return gpt2Encode(text);
  return spec.tokenizer.addBos ? [256, ...utf8(text)] : utf8(text);
}

/** ℓ = Σ_{t=1}^{T−1} log p(ids_t | ids_<t) from the float64 reference logits. */
function referenceLogLikelihood(spec: FixtureModel, ids: readonly number[]): number {
  if (ids.length < 2) return 0;
  const built = fixtureWeights(spec);
  const logits = built.layout === 'gpt2' ? gpt2ReferenceLogits(built.weights, ids) : llamaReferenceLogits(built.weights, ids);
  const V = spec.shape.vocabSize;
  let logLikelihoodNats = 0;
  for (let t = 1; t < ids.length; t++) {
    const row = logits.subarray((t - 1) * V, t * V);
    let max = -Infinity;
    for (const value of row) max = Math.max(max, value);
    let total = 0;
    for (const value of row) total += Math.exp(value - max);
    logLikelihoodNats += row[ids[t]] - max - Math.log(total);
  }
  return logLikelihoodNats;
}

/** The records the protocol gives for `texts` on `spec` truncated at `maxLengthTokens`. */
function referenceRecords(spec: FixtureModel, texts: readonly ScoringText[], maxLengthTokens: number): ScoreRecord[] {
  return texts.map(({ index, text }) => {
    const full = fixtureIds(spec, text);
    const ids = full.slice(0, maxLengthTokens);
    return { index, numTokens: ids.length, logLikelihoodNats: referenceLogLikelihood(spec, ids), truncated: full.length > maxLengthTokens };
  });
}

const referenceCache = new Map<string, ScoreRecord[]>();
function cachedReference(spec: FixtureModel, maxLengthTokens: number): ScoreRecord[] {
  const key = `${spec.name}/${maxLengthTokens}`;
  let records = referenceCache.get(key);
  if (records === undefined) referenceCache.set(key, (records = referenceRecords(spec, TEXTS, maxLengthTokens)));
  return records;
}

function maxRelativeDifference(actual: readonly ScoreRecord[], expected: readonly ScoreRecord[]): number {
  let worst = 0;
  actual.forEach((record, k) => {
    const reference = expected[k].logLikelihoodNats;
    const difference = Math.abs(record.logLikelihoodNats - reference);
    worst = Math.max(worst, reference === 0 ? difference : difference / Math.abs(reference));
  });
  return worst;
}

const measured: string[] = [];
afterAll(() => {
  console.info(`scoreModel against the float64 reference (max relative |Δℓ|):\n${measured.join('\n')}`);
});

function expectMatchesReference(label: string, records: readonly ScoreRecord[], expected: readonly ScoreRecord[]): void {
  expect(records.map((r) => r.index)).toEqual(expected.map((r) => r.index));
  expect(records.map((r) => r.numTokens)).toEqual(expected.map((r) => r.numTokens));
  expect(records.map((r) => r.truncated)).toEqual(expected.map((r) => r.truncated));
  measured.push(`${label.padEnd(72)} ${maxRelativeDifference(records, expected).toExponential(2)}`);
  expectClose(
    records.map((r) => r.logLikelihoodNats),
    expected.map((r) => r.logLikelihoodNats),
    { relative: 1e-5 },
  );
}

describe.each(FIXTURES)('scoreModel on $spec.name', ({ spec, folder }) => {
  it.each(RUNTIMES)('scoreModel(folder, texts, { runtime: %s }) matches the float64 reference ℓ to 1e-5 relative', async (runtimeName, makeRuntime) => {
    const records = await scoreModel(modelFilesFromFolder(folder), TEXTS, { runtime: makeRuntime() });
    const expected = cachedReference(spec, 1024);
    expect(expected.some((r) => r.truncated)).toBe(false);
    expectMatchesReference(`${spec.name} ${runtimeName}`, records, expected);
  });

  it.each(RUNTIMES)(`scoreModel with config max length ${SHORT_MAX_LENGTH} truncates to the first ${SHORT_MAX_LENGTH} tokens on %s`, async (runtimeName, makeRuntime) => {
    const files = inMemoryFolder(`${spec.name}-ctx${SHORT_MAX_LENGTH}`, withMaxLength(folderContents(folder), SHORT_MAX_LENGTH));
    const records = await scoreModel(files, TEXTS, { runtime: makeRuntime() });
    const expected = cachedReference(spec, SHORT_MAX_LENGTH);
    expect(expected.filter((r) => r.truncated).length).toBeGreaterThanOrEqual(1);
    expect(expected.filter((r) => !r.truncated).length).toBeGreaterThanOrEqual(4);
    expectMatchesReference(`${spec.name} max length ${SHORT_MAX_LENGTH}, ${runtimeName}`, records, expected);
  });

  it('scoreModel gives the same ℓ with maxBatchSize 1, 8 and a small maxBatchTokens (to 1e-9 relative)', async () => {
    const files = modelFilesFromFolder(folder);
    const runtime = nodeRuntime();
    const batchCounts: number[] = [];
    const run = async (options: { maxBatchSize: number; maxBatchTokens?: number }) => {
      let batches = -1; // the first scoring event comes before any batch
      const records = await scoreModel(files, TEXTS, { runtime, ...options, onProgress: (event) => void (event.kind === 'scoring' && batches++) });
      batchCounts.push(batches);
      return records;
    };
    const one = await run({ maxBatchSize: 1 });
    const eight = await run({ maxBatchSize: 8 });
    const small = await run({ maxBatchSize: 8, maxBatchTokens: 40 });
    expect(batchCounts[0]).toBe(TEXTS.length);
    expect(batchCounts[1]).toBe(2);
    expect(batchCounts[2]).toBeGreaterThan(2);
    expect(batchCounts[2]).toBeLessThan(TEXTS.length);
    for (const [label, batched] of [['maxBatchSize 8', eight], ['maxBatchTokens 40', small]] as const) {
      expect(batched.map((r) => [r.index, r.numTokens, r.truncated])).toEqual(one.map((r) => [r.index, r.numTokens, r.truncated]));
      measured.push(`${`${spec.name} nodeRuntime() ${label} vs maxBatchSize 1`.padEnd(72)} ${maxRelativeDifference(batched, one).toExponential(2)}`);
      expectClose(
        batched.map((r) => r.logLikelihoodNats),
        one.map((r) => r.logLikelihoodNats),
        { relative: 1e-9 },
      );
    }
  });
});

const byteFolder = FIXTURES.find(({ spec }) => spec.name === 'tiny-gpt2-byte')!;
const bosFolder = FIXTURES.find(({ spec }) => spec.tokenizer.kind === 'byte' && spec.tokenizer.addBos)!;

describe('scoreModel and the first token', () => {
  it('scoreModel never scores the BOS token: ℓ("a") = log p("a" | <|bos|>) on the Llama fixture, 0 on the byte GPT-2', async () => {
    const texts = [{ index: 0, text: 'a' }];
    const [withBos] = await scoreModel(modelFilesFromFolder(bosFolder.folder), texts, { runtime: nodeRuntime() });
    expect(withBos.numTokens).toBe(2);
    expect(withBos.logLikelihoodNats).toBeLessThan(0);
    expectClose(withBos.logLikelihoodNats, referenceLogLikelihood(bosFolder.spec, [256, 97]), { relative: 1e-5 });
    const [noBos] = await scoreModel(modelFilesFromFolder(byteFolder.folder), texts, { runtime: nodeRuntime() });
    expect(noBos).toEqual({ index: 0, numTokens: 1, logLikelihoodNats: 0, truncated: false });
  });
});

describe('scoreModel progress', () => {
  it.each(RUNTIMES)('scoreModel reports loading stages, then scoring up to textsDone = textsTotal with a finite ETA and the device, on %s', async (runtimeName, makeRuntime) => {
    const events: ScoringProgress[] = [];
    await scoreModel(modelFilesFromFolder(byteFolder.folder), TEXTS, { runtime: makeRuntime(), maxBatchSize: 3, onProgress: (event) => events.push(event) });
    const stages = events.flatMap((event) => (event.kind === 'loading' ? [event.stage] : []));
    expect(stages).toEqual(['reading-files', 'creating-session', 'tokenizing']);
    const scoring = events.flatMap((event) => (event.kind === 'scoring' ? [event] : []));
    expect(scoring.length).toBeGreaterThanOrEqual(1 + Math.ceil(TEXTS.length / 3));
    expect(scoring.every((event) => event.textsTotal === TEXTS.length)).toBe(true);
    const done = scoring.map((event) => event.textsDone);
    expect(done[0]).toBe(0);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const last = scoring[scoring.length - 1];
    expect(last.textsDone).toBe(TEXTS.length);
    expect(Number.isFinite(last.etaSeconds)).toBe(true);
    expect(last.etaSeconds).toBe(0);
    expect(last.tokensPerSecond).toBeGreaterThan(0);
    expect(last.device.backend).toBe(runtimeName.startsWith('node') ? 'onnxruntime-node' : 'wasm');
    expect(last.device.threads).toBeGreaterThanOrEqual(1);
  });
});

describe('scoreModel resume', () => {
  it('scoreModel with a memoryStore holding half the records scores only the other half and returns the same vector', async () => {
    const files = modelFilesFromFolder(byteFolder.folder);
    const runtime = nodeRuntime();
    const full = await scoreModel(files, TEXTS, { runtime, maxBatchSize: 1 });
    const seeded = full.filter((_, k) => k % 2 === 0);
    const store = memoryStore(seeded);
    const appended: number[][] = [];
    const countingStore: ResultStore = {
      load: () => store.load(),
      append: async (records) => {
        appended.push(records.map((r) => r.index));
        await store.append(records);
      },
    };
    const scoringDone: number[] = [];
    const resumed = await scoreModel(files, TEXTS, {
      runtime,
      maxBatchSize: 1,
      store: countingStore,
      onProgress: (event) => {
        if (event.kind === 'scoring') scoringDone.push(event.textsDone);
      },
    });
    const rest = full.filter((_, k) => k % 2 === 1).map((r) => r.index);
    expect(appended.flat().sort((a, b) => a - b)).toEqual(rest);
    expect(appended.length).toBe(rest.length); // one append per batch of one
    expect(scoringDone).toEqual(Array.from({ length: rest.length + 1 }, (_, k) => seeded.length + k));
    expect(store.records.map((r) => r.index).sort((a, b) => a - b)).toEqual(full.map((r) => r.index));
    expect(resumed).toEqual(full);
  });
});
