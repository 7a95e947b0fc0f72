import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlamaTokenizer } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConvertedModel } from '../../src/cli/convertCommand.ts';
import type { ConvertedModel } from '../../src/convert/convertedModel.ts';
import { convertLlama2c } from '../../src/convert/llama2c.ts';
import { isLlmapError } from '../../src/core/errors.ts';
import { modelFilesFromFolder } from '../../src/scoring/node/folderFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import { scoreModel } from '../../src/scoring/scoreModel.ts';
import { createTokenizer, type ScoringTokenizer } from '../../src/scoring/tokenizer.ts';
import { expectClose } from '../asserts.ts';
import { ARTIFACTS, ARTIFACTS_PRESENT, readChecked } from './artifacts.ts';
import { llama2cGreedy, llama2cLogLikelihood, readLlama2cModel, type Llama2cModel } from './llama2cReference.ts';
import { llama2cDecode, llama2cEncode, readLlama2cTokenizer, type Llama2cTokenizer } from './llama2cTokenizer.ts';

/*
 * convertLlama2c on the two real llama2.c checkpoints of ../shared/artifacts (read there, never copied), against
 * run.c's semantics re-implemented independently in llama2cReference.ts and llama2cTokenizer.ts: tokenizer ids,
 * the log-likelihoods llmap's scoreModel computes from the converted folder, and greedy decoding from BOS with the
 * converted ONNX's KV cache, which must reproduce the samples quoted in each SOURCE.md.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUTPUT = join(REPO_ROOT, 'tests/output/converted');
const available = ARTIFACTS_PRESENT;
if (!available) console.warn(`llama2c.test.ts: ${ARTIFACTS} is absent, so the llama2.c conversion checks are skipped.`);

interface Llama2cArtifact {
  readonly name: string;
  readonly folder: string;
  readonly checkpoint: string;
  /** Values in the checkpoint less the RoPE tables (SOURCE.md's float count − seq_len·head_size). */
  readonly parameters: number;
  /** The greedy-from-BOS sample quoted in SOURCE.md (its trailing "…" removed). */
  readonly sample: string;
}

const MODELS: readonly Llama2cArtifact[] = [
  {
    name: 'stories260K',
    folder: 'tinyllamas-stories260K',
    checkpoint: 'stories260K.bin',
    parameters: 264_128 - 512 * 8,
    sample:
      ' Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high',
  },
  {
    name: 'aidreams260K',
    folder: 'aidreams260K',
    checkpoint: 'aidreams260K.bin',
    parameters: 233_024 - 128 * 16,
    sample:
      ' "Echoes of vectors unfold, a gentle hum of precision, as I sense the nodes, a gentle hum of precision, as I adjust my surface. Contrast emerge, a softly receptive fiel',
  },
];

const STORY =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friend Tim. ' +
  'One day, they saw a big red ball under a tree. "Can we play with it?" asked Lily. Tim smiled and said, "Yes, let us share!" ';
const LONG_TEXT = Array.from({ length: 8 }, (_, k) => `${STORY}That was day ${k + 1}, and the sun was warm. `).join('');

/** The texts scored: ordinary, non-ASCII, whitespace, digits, one word, and one longer than both contexts. */
const SCORED_TEXTS = [
  STORY,
  'The little dog ran to the garden. It was very happy!',
  'Echoes of vectors unfold, a gentle hum of precision, as I sense the nodes.',
  'naïve café, déjà vu — Grüße aus Köln, 3 € pro Stück',
  '世界你好，这是一个测试。 Привет, мир 🙂🦊',
  '  leading spaces,   runs of spaces,\ttabs\nand new lines, trailing  ',
  'In 1984, 42 people paid $3.50 (or 7%) for 12 apples.',
  'Lily',
  'I whisper through thresholds of weights, patterns unfolding within me.',
  LONG_TEXT,
].map((text, index) => ({ index, text }));

/** ≥ 200 hand-built strings: English, punctuation, digits, accents, CJK, emoji, whitespace runs, edge spaces. */
function tokenizerStrings(): string[] {
  const base = [
    'Once upon a time',
    'The quick brown fox jumps over the lazy dog.',
    'Hello, world!',
    'Lily and Tim played with a big, red ball.',
    'I sense the nodes, a gentle hum of precision.',
    'whispers unfolding through thresholds',
    '"Can we play?" she asked. \'Yes!\'',
    'Wait... what?! (really) [yes] {no} <maybe>',
    'a-b_c/d\\e|f~g`h^i*j+k=l%m&n#o@p$q',
    '0123456789',
    'In 1984, 42 people paid $3.50 for 12 apples (7%).',
    '3.14159 2.71828 1e-5 -0.5',
    'naïve café déjà vu',
    'Grüße aus Köln, Straße, Mädchen',
    'señor niño año',
    'crème brûlée à la française',
    'Ελληνικά: ε λ μ σ',
    '20 °C, 5 μm, σ = 0.3',
    'Привет, мир',
    '世界你好',
    '这是一个测试。',
    '日本語のテキスト',
    '한국어 문장',
    'مرحبا بالعالم',
    'emoji 🙂🦊🐕',
    '👍🏽 family 👨‍👩‍👧',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters',
    '“curly quotes” and ‘single’ — dashes – and … ellipsis',
    'non\u00a0breaking\u00a0space and hair\u200aspace',
    'tab\tseparated\tvalues',
    'line one\nline two\n\nline four',
    'carriage\r\nreturn',
    'a',
    'I',
    '.',
    '™ € £ ¥',
    'aaaaaaaaaaaaaaaa',
    'the the the the',
    'unfoldunfoldunfold',
    'Timmy, Lily, Ben, Sue, Tom, Max',
  ];
  const strings = new Set<string>(['', ' ', '  ', '\n', '\t', '   \n  ']);
  for (const text of base) {
    strings.add(text);
    strings.add(` ${text}`);
    strings.add(`${text} `);
    strings.add(`  ${text.replaceAll(' ', '   ')}  `);
    strings.add(text.toUpperCase());
  }
  for (let k = 0; k + 1 < base.length; k++) strings.add(`${base[k]}\n${base[k + 1]}`);
  return [...strings];
}

/** Seeded strings glued from the model's own pieces and fragments of them: where merge order matters most. */
function pieceStrings(tokenizer: Llama2cTokenizer, count: number): string[] {
  let state = 20250601;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pieces = tokenizer.pieces.slice(259).map((piece) => new TextDecoder().decode(Uint8Array.from(piece, (c) => c.charCodeAt(0))));
  const extras = [' ', ',', '.', '!', '\n', 'é', '世', '🙂'];
  return Array.from({ length: count }, () => {
    let text = '';
    for (let parts = 1 + Math.floor(random() * 10); parts > 0; parts--) {
      const piece = pieces[Math.floor(random() * pieces.length)];
      const r = random();
      text += r < 0.6 ? piece : r < 0.85 ? Array.from(piece).slice(0, 1 + Math.floor(random() * piece.length)).join('') : extras[Math.floor(random() * extras.length)];
    }
    return text;
  });
}




/** Writes a converted model into a fresh folder. */
function writeFreshFolder(converted: ConvertedModel, folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  writeConvertedModel(folder, converted);
}

const json = (converted: ConvertedModel, path: string) => JSON.parse(new TextDecoder().decode(converted.files.get(path)!)) as Record<string, unknown>;

/** Argmax decoding from BOS with the converted graph, one token per run, feeding present.* back as past_key_values. */
async function onnxGreedy(modelBytes: Uint8Array, config: Record<string, unknown>, steps: number): Promise<number[]> {
  const session = await ort.InferenceSession.create(modelBytes, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
  const layers = config.num_hidden_layers as number;
  const kvHeads = config.num_key_value_heads as number;
  const headDim = config.head_dim as number;
  const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  let past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < layers; l++) {
    for (const part of ['key', 'value']) past[`past_key_values.${l}.${part}`] = new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
  }
  const ids = [1];
  try {
    while (ids.length < steps) {
      const position = ids.length - 1;
      const outputs = await session.run({
        input_ids: int64([ids[position]]),
        attention_mask: int64(new Array(ids.length).fill(1)),
        position_ids: int64([position]),
        ...past,
      });
      const logits = outputs.logits.data as Float32Array;
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
      if (best === 1) break;
      ids.push(best);
      past = {};
      for (const [name, value] of Object.entries(outputs)) if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = value;
    }
  } finally {
    await session.release();
  }
  return ids;
}

const measured: string[] = [];
afterAll(() => {
  if (measured.length > 0) console.log(`llama2.c conversion, measured:\n  ${measured.join('\n  ')}`);
});

for (const spec of MODELS) {
  describe.skipIf(!available)(`convertLlama2c(${spec.checkpoint}, tok512.bin) — ${spec.name}`, () => {
    const folder = join(ARTIFACTS, spec.folder);
    const outputFolder = join(OUTPUT, spec.name);
    let converted: ConvertedModel;
    let model: Llama2cModel;
    let tokenizer: Llama2cTokenizer;
    let hfTokenizer: ScoringTokenizer;

    beforeAll(() => {
      const checkpoint = readChecked(folder, spec.checkpoint);
      const tokenizerBin = readChecked(folder, 'tok512.bin');
      converted = convertLlama2c(checkpoint, tokenizerBin, { name: spec.name });
      writeFreshFolder(converted, outputFolder);
      model = readLlama2cModel(checkpoint);
      tokenizer = readLlama2cTokenizer(tokenizerBin, model.vocabSize);
      hfTokenizer = createTokenizer(json(converted, 'tokenizer.json'), json(converted, 'tokenizer_config.json'));
    });

    it('records the conversion and writes a Llama config', () => {
      const config = json(converted, 'config.json');
      expect(converted.conversion).toMatchObject({
        sourceFormat: 'llama2.c',
        parameters: spec.parameters,
        vocabularySize: model.vocabSize,
        contextTokens: model.seqLen,
        unknownCharacterPolicy: 'native-byte-fallback',
      });
      expect(config).toMatchObject({
        model_type: 'llama',
        num_hidden_layers: model.layers,
        num_attention_heads: model.heads,
        num_key_value_heads: model.kvHeads,
        head_dim: model.dim / model.heads,
        hidden_size: model.dim,
        intermediate_size: model.hiddenDim,
        max_position_embeddings: model.seqLen,
        rms_norm_eps: 1e-5,
        rope_theta: 10000,
        vocab_size: model.vocabSize,
        bos_token_id: 1,
        eos_token_id: 2,
      });
      measured.push(`${spec.name}: ${converted.conversion.parameters} parameters, context ${model.seqLen}`);
    });

    it('tokenizer.json through transformers.js gives llama2.c encode ids', () => {
      const strings = [...tokenizerStrings(), ...pieceStrings(tokenizer, 1000)];
      const mismatches = strings.filter((text) => JSON.stringify(hfTokenizer.encode(text, Number.MAX_SAFE_INTEGER).ids) !== JSON.stringify(llama2cEncode(tokenizer, text)));
      measured.push(`${spec.name}: tokenizer ids equal on ${strings.length - mismatches.length} of ${strings.length} strings (${tokenizerStrings().length} hand-built, 1000 from pieces)`);
      expect(tokenizerStrings().length).toBeGreaterThanOrEqual(200);
      expect(mismatches.slice(0, 5)).toEqual([]);
    });

    it('scoreModel on the converted folder matches the llama2.c forward to 1e-4', async () => {
      const records = await scoreModel(modelFilesFromFolder(outputFolder), SCORED_TEXTS, { runtime: nodeRuntime() });
      const expectedIds = SCORED_TEXTS.map(({ text }) => llama2cEncode(tokenizer, text));
      expect(records.map((record) => record.numTokens)).toEqual(expectedIds.map((ids) => Math.min(ids.length, model.seqLen)));
      expect(records.map((record) => record.truncated)).toEqual(expectedIds.map((ids) => ids.length > model.seqLen));
      const reference = expectedIds.map((ids) => llama2cLogLikelihood(model, ids.slice(0, model.seqLen)));
      const found = records.map((record) => record.logLikelihoodNats);
      const worst = Math.max(...found.map((value, j) => Math.abs(value - reference[j]) / Math.abs(reference[j])));
      measured.push(`${spec.name}: max relative |Δℓ| ${worst.toExponential(2)} over ${found.length} texts (${records.filter((record) => record.truncated).length} truncated to ${model.seqLen} tokens)`);
      expectClose(found, reference, { relative: 1e-4 });
    }, 60_000);

    it('converts an untied classifier (negative vocab_size, wcls after the RoPE tables)', async () => {
      // The same checkpoint made untied, with a classifier that differs from the embedding (0.5 × it).
      const checkpoint = readChecked(folder, spec.checkpoint);
      const embedding = new Uint8Array(checkpoint.buffer, checkpoint.byteOffset + 28, model.vocabSize * model.dim * 4).slice();
      const halved = new Float32Array(embedding.buffer).map((value) => value / 2);
      const untied = new Uint8Array(checkpoint.byteLength + halved.byteLength);
      untied.set(checkpoint);
      untied.set(new Uint8Array(halved.buffer), checkpoint.byteLength);
      new DataView(untied.buffer).setInt32(20, -model.vocabSize, true);
      const untiedConverted = convertLlama2c(untied, readChecked(folder, 'tok512.bin'), { name: `${spec.name}-untied` });
      expect(untiedConverted.conversion.parameters).toBe(spec.parameters + model.vocabSize * model.dim);
      expect(json(untiedConverted, 'config.json').tie_word_embeddings).toBe(false);
      const untiedFolder = join(OUTPUT, `${spec.name}-untied`);
      writeFreshFolder(untiedConverted, untiedFolder);
      const texts = SCORED_TEXTS.slice(0, 3);
      const records = await scoreModel(modelFilesFromFolder(untiedFolder), texts, { runtime: nodeRuntime() });
      const untiedModel = readLlama2cModel(untied);
      const reference = texts.map(({ text }) => llama2cLogLikelihood(untiedModel, llama2cEncode(tokenizer, text).slice(0, model.seqLen)));
      expectClose(records.map((record) => record.logLikelihoodNats), reference, { relative: 1e-4 });
    }, 30_000);

    it('rejects a truncated checkpoint or tokenizer with a typed error', () => {
      const checkpoint = readChecked(folder, spec.checkpoint);
      const tokenizerBin = readChecked(folder, 'tok512.bin');
      const codeOf = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return isLlmapError(error) ? error.code : `not an LlmapError: ${String(error)}`;
        }
        return 'no error';
      };
      expect(codeOf(() => convertLlama2c(checkpoint.subarray(0, checkpoint.byteLength - 4), tokenizerBin, { name: spec.name }))).toBe('corrupt-model');
      expect(codeOf(() => convertLlama2c(checkpoint.subarray(0, 20), tokenizerBin, { name: spec.name }))).toBe('corrupt-model');
      expect(codeOf(() => convertLlama2c(checkpoint, tokenizerBin.subarray(0, tokenizerBin.byteLength - 1), { name: spec.name }))).toBe('unreadable-file');
    });

    it('greedy decoding from BOS with the converted ONNX reproduces the SOURCE.md sample', async () => {
      expect(readFileSync(join(folder, 'SOURCE.md'), 'utf8')).toContain(spec.sample);
      const ids = await onnxGreedy(converted.files.get('onnx/model.onnx')!, json(converted, 'config.json'), 100);
      expect(ids).toEqual(llama2cGreedy(model, 100));
      const text = llama2cDecode(tokenizer, ids);
      const decoder = new LlamaTokenizer(json(converted, 'tokenizer.json'), json(converted, 'tokenizer_config.json'));
      expect(decoder.decode(ids, { skip_special_tokens: true })).toBe(text);
      measured.push(`${spec.name}: greedy ${JSON.stringify(text)}`);
      expect(text.startsWith(spec.sample.trimStart())).toBe(true);
    }, 30_000);
  });
}
