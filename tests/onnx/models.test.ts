import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env as transformersEnv } from '@huggingface/transformers';
import { encode as gpt3Encode } from 'gpt-3-encoder';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGpt2Model, type Gpt2Weights } from '../../src/onnx/index.ts';
import { DEFAULT_MODELS_DIR, ensureFixtureModels } from '../fixtures/makeModels.ts';
import { randomGpt2Weights } from '../fixtures/models/randomWeights.ts';
import { FIXTURE_MODELS, fixtureWeights, type FixtureModel, type FixtureWeights } from '../fixtures/models/specs.ts';
import { gpt2ReferenceLogits, llamaReferenceLogits } from '../fixtures/referenceForward.ts';
import {
  createSession,
  emptyPast,
  firstStepFeeds,
  logitsRows,
  maxAbsDifference,
  positionIds,
  type CacheShape,
  type DecoderSession,
  type PlainTensor,
  type RuntimeName,
} from './decoderRuns.ts';

const TOLERANCE = 1e-5; // absolute, on logits of order 1–10
const RUNTIMES: RuntimeName[] = ['onnxruntime-node', 'onnxruntime-web'];
const TEXTS = ['Grüße, 世界! The quick brown fox.', 'naïve café'];
const BPE_TEXTS = [
  ...TEXTS,
  'Hello world',
  ' leading space,  two spaces',
  'Привет, мир 🙂',
  'const x = 1;\n\tif (x) {}',
];
const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));

/** The ids the model's own tokenizer should give (the checks below pin transformers.js to them). */
function expectedIds(spec: FixtureModel, text: string): number[] {
  if (spec.tokenizer.kind === 'gpt2-bpe') return gpt3Encode(text);
  return spec.tokenizer.addBos ? [256, ...utf8(text)] : utf8(text);
}

const padId = (spec: FixtureModel) => (spec.tokenizer.kind === 'byte' ? 258 : 50256);

function cacheShape(spec: FixtureModel): CacheShape {
  return spec.layout === 'gpt2'
    ? { layers: spec.shape.layers, kvHeads: spec.shape.heads, headDim: spec.shape.hiddenSize / spec.shape.heads }
    : { layers: spec.shape.layers, kvHeads: spec.shape.kvHeads, headDim: spec.shape.headDim };
}

function referenceLogits(built: FixtureWeights, ids: readonly number[]): Float64Array {
  return built.layout === 'gpt2' ? gpt2ReferenceLogits(built.weights, ids) : llamaReferenceLogits(built.weights, ids);
}

const measured: string[] = [];
function record(label: string, difference: number): number {
  measured.push(`${label.padEnd(62)} max |Δlogit| ${difference.toExponential(2)}`);
  return difference;
}

/** One more token per row after a first step: fed `present.*` as past, or recomputed from scratch. */
async function secondStep(session: DecoderSession, rows: number[][], next: number[], pad: number, cache: CacheShape) {
  const first = firstStepFeeds(session, rows, pad, cache);
  const firstOut = await session.run(first);
  const [B, T0] = first.input_ids.dims;
  const grow = (t: PlainTensor, values: number[]): PlainTensor => {
    const data = new BigInt64Array(B * (T0 + 1));
    for (let b = 0; b < B; b++) {
      data.set((t.data as BigInt64Array).subarray(b * T0, (b + 1) * T0), b * (T0 + 1));
      data[b * (T0 + 1) + T0] = BigInt(values[b]);
    }
    return { type: 'int64', data, dims: [B, T0 + 1] };
  };
  const mask = grow(
    first.attention_mask,
    next.map(() => 1),
  );
  const past: Record<string, PlainTensor> = {};
  for (const [name, value] of Object.entries(firstOut)) {
    if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = { type: 'float32', ...value };
  }
  const cached = await session.run({
    input_ids: { type: 'int64', data: BigInt64Array.from(next.map(BigInt)), dims: [B, 1] },
    attention_mask: mask,
    position_ids: positionIds(mask, 1),
    ...past,
  });
  const recomputed = await session.run({
    input_ids: grow(first.input_ids, next),
    attention_mask: mask,
    position_ids: positionIds(mask, T0 + 1),
    ...emptyPast(B, cache),
  });
  const V = cached.logits.dims[2];
  return rows.map((_, b) => ({
    cached: logitsRows(cached.logits, b, 0, 1),
    recomputed: logitsRows(recomputed.logits, b, T0, 1),
    pastLength: past['past_key_values.0.key'].dims[2],
    vocab: V,
  }));
}

beforeAll(() => {
  ensureFixtureModels();
});

afterAll(() => {
  console.info(`fixture decoders against the TS reference:\n${measured.join('\n')}`);
});

describe.each(FIXTURE_MODELS.map((spec) => [spec.name, spec] as const))('fixture model %s', (name, spec) => {
  const built = fixtureWeights(spec);
  const rows = TEXTS.map((text) => expectedIds(spec, text));
  const references = rows.map((ids) => referenceLogits(built, ids));
  const modelPath = () => join(DEFAULT_MODELS_DIR, name, 'onnx/model.onnx');

  it.each(RUNTIMES)(`${name} on %s: logits of a right-padded batch of 2 equal the TS reference`, async (runtime) => {
    const session = await createSession(runtime, readFileSync(modelPath()));
    const out = await session.run(firstStepFeeds(session, rows, padId(spec), cacheShape(spec)));
    const difference = Math.max(
      ...rows.map((ids, b) => maxAbsDifference(logitsRows(out.logits, b, 0, ids.length), references[b])),
    );
    expect(record(`${name} / ${runtime} / batch of 2`, difference)).toBeLessThanOrEqual(TOLERANCE);
    await session.release();
  });

  if (!spec.kvCache) return;

  it(`${name}: declares Optimum's KV inputs and outputs with symbolic dims`, async () => {
    const session = await ortNode.InferenceSession.create(readFileSync(modelPath()));
    const { headDim, kvHeads, layers } = cacheShape(spec);
    const pastNames = Array.from({ length: layers }, (_, i) => [
      `past_key_values.${i}.key`,
      `past_key_values.${i}.value`,
    ]);
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'position_ids', ...pastNames.flat()]);
    const shapes = (metadata: readonly ortNode.InferenceSession.ValueMetadata[]) =>
      Object.fromEntries(metadata.map((value) => [value.name, value.isTensor ? value.shape : []]));
    expect(shapes(session.inputMetadata)['past_key_values.0.key']).toEqual([
      'batch_size',
      kvHeads,
      'past_sequence_length',
      headDim,
    ]);
    expect(shapes(session.outputMetadata)[`present.${layers - 1}.value`]).toEqual([
      'batch_size',
      kvHeads,
      'past_sequence_length + sequence_length',
      headDim,
    ]);
    await session.release();
  });

  it.each(RUNTIMES)(`${name} on %s: a second step fed present.* equals full recompute`, async (runtime) => {
    const session = await createSession(runtime, readFileSync(modelPath()));
    const next = [101, 33];
    const steps = await secondStep(session, rows, next, padId(spec), cacheShape(spec));
    let difference = 0;
    steps.forEach((step, b) => {
      const extended = referenceLogits(built, [...rows[b], next[b]]);
      const expected = extended.subarray(rows[b].length * step.vocab);
      difference = Math.max(
        difference,
        maxAbsDifference(step.cached, expected),
        maxAbsDifference(step.recomputed, expected),
      );
      expect(step.pastLength).toBe(Math.max(...rows.map((ids) => ids.length)));
    });
    expect(record(`${name} / ${runtime} / KV step vs recompute`, difference)).toBeLessThanOrEqual(TOLERANCE);
    await session.release();
  });
});

describe('transformers.js loads the fixture folders', () => {
  beforeAll(() => {
    transformersEnv.allowRemoteModels = false;
    transformersEnv.localModelPath = `${DEFAULT_MODELS_DIR}/`;
  });

  it.each(FIXTURE_MODELS.map((spec) => [spec.name, spec] as const))(
    'AutoTokenizer.from_pretrained(%s) gives the expected ids and decodes them back',
    async (name, spec) => {
      const tokenizer = await AutoTokenizer.from_pretrained(name);
      for (const text of spec.tokenizer.kind === 'gpt2-bpe' ? BPE_TEXTS : TEXTS) {
        expect(tokenizer.encode(text), text).toEqual(expectedIds(spec, text));
        expect(tokenizer.decode(expectedIds(spec, text), { skip_special_tokens: true })).toBe(text);
      }
    },
  );

  it.each(FIXTURE_MODELS.map((spec) => [spec.name, spec] as const))(
    'AutoModelForCausalLM.from_pretrained(%s) logits equal onnxruntime-node on the same batch',
    async (name, spec) => {
      const tokenizer = await AutoTokenizer.from_pretrained(name);
      const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device: 'cpu' });
      const encoded = tokenizer(TEXTS, { padding: true }); // tensors by default (the option is `return_tensor`)
      const logits = (await model(encoded)).logits;

      const session = await createSession(
        'onnxruntime-node',
        readFileSync(join(DEFAULT_MODELS_DIR, name, 'onnx/model.onnx')),
      );
      const rows = TEXTS.map((text) => expectedIds(spec, text));
      const feeds = firstStepFeeds(session, rows, padId(spec), cacheShape(spec));
      expect(encoded.input_ids.data).toEqual(feeds.input_ids.data);
      expect(encoded.attention_mask.data).toEqual(feeds.attention_mask.data);
      const out = await session.run(feeds);
      expect(logits.dims).toEqual(out.logits.dims);
      const difference = maxAbsDifference(logits.data as Float32Array, out.logits.data);
      expect(record(`${name} / transformers.js vs onnxruntime-node`, difference)).toBeLessThanOrEqual(TOLERANCE);
      await Promise.all([session.release(), model.dispose()]);
    },
  );
});

describe('buildGpt2Model with ALiBi positions', () => {
  const shape = { vocabSize: 259, hiddenSize: 32, layers: 2, heads: 4, innerSize: 128, layerNormEpsilon: 1e-5 };
  const weights: Gpt2Weights = randomGpt2Weights(shape, { kind: 'alibi' }, true, 4004);
  const built: FixtureWeights = { layout: 'gpt2', weights };
  const cache: CacheShape = { layers: 2, kvHeads: 4, headDim: 8 };
  const rows = TEXTS.map(utf8);

  it('buildGpt2Model(alibi) logits and a cached second step equal the TS reference', async () => {
    const session = await createSession('onnxruntime-node', buildGpt2Model(weights, { kvCache: true }));
    const out = await session.run(firstStepFeeds(session, rows, 258, cache));
    let difference = Math.max(
      ...rows.map((ids, b) => maxAbsDifference(logitsRows(out.logits, b, 0, ids.length), referenceLogits(built, ids))),
    );
    const next = [120, 10];
    const steps = await secondStep(session, rows, next, 258, cache);
    steps.forEach((step, b) => {
      const expected = referenceLogits(built, [...rows[b], next[b]]).subarray(rows[b].length * step.vocab);
      difference = Math.max(
        difference,
        maxAbsDifference(step.cached, expected),
        maxAbsDifference(step.recomputed, expected),
      );
    });
    expect(record('gpt2-alibi (tied head) / onnxruntime-node / batch + KV step', difference)).toBeLessThanOrEqual(
      TOLERANCE,
    );
    await session.release();
  });
});
