import { describe, expect, it } from 'vitest';
import { isLlmapError, type LlmapError, type LlmapErrorCode } from '../../src/core/errors.ts';
import { modelFilesFromEntries, type ModelFiles } from '../../src/scoring/modelFiles.ts';
import { nodeRuntime } from '../../src/scoring/node/nodeRuntime.ts';
import { memoryStore } from '../../src/scoring/records.ts';
import { runtimeError, type ScoringRuntime } from '../../src/scoring/runtime.ts';
import { openScorer, scoreModel, type ScoringText } from '../../src/scoring/scoreModel.ts';
import { webRuntime } from '../../src/scoring/webRuntime.ts';
import {
  configOf,
  folderContents,
  GIT_LFS_POINTER,
  inMemoryFolder,
  nanEmbeddingModel,
  outOfMemoryModel,
  randomBytes,
  renameValue,
  withConfig,
  without,
  withExternalData,
  withFiles,
  withModel,
  type FolderContents,
} from '../fixtures/brokenModels.ts';
import { ensureFixtureModels } from '../fixtures/makeModels.ts';
import { BYTE_VOCAB_SIZE } from '../fixtures/models/specs.ts';

/*
 * Every LlmapError that scoring a model folder can raise, each triggered by a real (broken) folder built in memory
 * from a good fixture, and each checked for its code and for a message that names the file or field and says what
 * to do.
 */

const FIXTURES = ensureFixtureModels();
const fixture = (name: string) => FIXTURES.find(({ spec }) => spec.name === name)!;
const byte = fixture('tiny-gpt2-byte');
const BYTE = folderContents(byte.folder);
const BPE = folderContents(fixture('tiny-gpt2-bpe').folder);
const MODEL = BYTE.get('onnx/model.onnx')!;

const TEXTS: ScoringText[] = ['The first text.', 'Hello, world!', 'naïve café', 'const x = 1;', 'more words here', 'the last one'].map((text, index) => ({ index, text }));

const RUNTIMES: ReadonlyArray<readonly [string, () => ScoringRuntime]> = [
  ['nodeRuntime()', () => nodeRuntime()],
  ["webRuntime({ device: 'wasm' })", () => webRuntime({ device: 'wasm' })],
];

const folder = (contents: FolderContents, label = 'broken-model') => inMemoryFolder(label, contents);

/**
 * Awaits `work`, expects an LlmapError with `code` whose message is a sentence that mentions each of `mentions`
 * (the file or field, the numbers that disagree) and matches `instruction` (what to do).
 */
async function expectLlmapError(work: Promise<unknown>, code: LlmapErrorCode, mentions: ReadonlyArray<string | RegExp>, instruction: RegExp): Promise<LlmapError> {
  let caught: unknown;
  try {
    await work;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an LlmapError '${code}'`).toBeDefined();
  if (!isLlmapError(caught)) throw caught;
  expect({ code: caught.code, message: caught.message }).toMatchObject({ code });
  const { message } = caught;
  expect(message).toMatch(/^["A-Za-z0-9]/);
  expect(message).toMatch(/[.)]$/);
  for (const mention of mentions) {
    if (typeof mention === 'string') expect(message).toContain(mention);
    else expect(message).toMatch(mention);
  }
  expect(message).toMatch(instruction);
  return caught;
}

const score = (files: ModelFiles, options: { runtime?: ScoringRuntime } = {}) => scoreModel(files, TEXTS, { runtime: options.runtime ?? nodeRuntime() });

describe('readModelFolder: files and config', () => {
  it('scoreModel on a folder without config.json fails with missing-file naming config.json', async () => {
    await expectLlmapError(score(folder(without(BYTE, 'config.json'))), 'missing-file', ['config.json', '"broken-model"'], /Export the model|copy its Hugging Face config\.json/);
  });

  it('scoreModel on a folder without tokenizer.json fails with missing-file naming tokenizer.json', async () => {
    await expectLlmapError(score(folder(without(BYTE, 'tokenizer.json'))), 'missing-file', ['tokenizer.json'], /save it with tokenizer\.save_pretrained\(\)/);
  });

  it('scoreModel on a folder without tokenizer_config.json fails with missing-file naming tokenizer_config.json', async () => {
    await expectLlmapError(score(folder(without(BYTE, 'tokenizer_config.json'))), 'missing-file', ['tokenizer_config.json'], /Save it with tokenizer\.save_pretrained\(\)/);
  });

  it('scoreModel with a config.json that is not JSON (or not an object) fails with unreadable-file', async () => {
    for (const text of ['{"model_type": "gpt2", "n_positions": 10', '<!DOCTYPE html><html>Not found</html>', '[1, 2]']) {
      await expectLlmapError(score(folder(withFiles(BYTE, { 'config.json': text }))), 'unreadable-file', ['config.json', 'not valid JSON'], /Replace it with the file the model was exported with/);
    }
  });

  it('scoreModel when a file cannot be read (a dropped File that went away) fails with unreadable-file naming it', async () => {
    const entries = [...BYTE].map(([path, bytes]) => ({
      path,
      read: async () => {
        if (path === 'tokenizer.json') throw new Error('NotReadableError: the file changed on disk');
        return bytes;
      },
    }));
    await expectLlmapError(score(modelFilesFromEntries('vanished', entries)), 'unreadable-file', ['tokenizer.json', 'NotReadableError'], /Check the file is complete and readable/);
  });

  it('scoreModel with a tokenizer.json transformers.js cannot build fails with unreadable-file', async () => {
    await expectLlmapError(score(folder(withFiles(BYTE, { 'tokenizer.json': '{}' }))), 'unreadable-file', ['tokenizer', '"model"'], /Check tokenizer\.json and tokenizer_config\.json come from the same export/);
  });

  it('scoreModel with a config.json without model_type fails with unsupported-model-type', async () => {
    const contents = withConfig(BYTE, ({ model_type: _dropped, ...rest }) => rest);
    expect(configOf(contents).model_type).toBeUndefined();
    await expectLlmapError(score(folder(contents)), 'unsupported-model-type', ['config.json', 'model_type'], /Use the config\.json the model was exported with/);
  });

  it('scoreModel on an encoder-only model (model_type bert) fails with not-a-causal-lm', async () => {
    await expectLlmapError(score(folder(withConfig(BYTE, (config) => ({ ...config, model_type: 'bert', architectures: ['BertForMaskedLM'] })))), 'not-a-causal-lm', ['config.json', 'model_type "bert"', 'encoder-only'], /choose one whose config\.json names a …ForCausalLM architecture/);
  });

  it('scoreModel on a sequence-to-sequence model (model_type t5, or is_encoder_decoder true) fails with not-a-causal-lm', async () => {
    await expectLlmapError(score(folder(withConfig(BYTE, (config) => ({ ...config, model_type: 't5' })))), 'not-a-causal-lm', ['model_type "t5"', 'encoder–decoder'], /choose a decoder-only model/);
    await expectLlmapError(score(folder(withConfig(BYTE, (config) => ({ ...config, model_type: 'my-seq2seq', is_encoder_decoder: true })))), 'not-a-causal-lm', ['is_encoder_decoder true', 'my-seq2seq'], /choose a decoder-only model/);
  });

  it('scoreModel on a folder with only onnx/encoder_model.onnx and onnx/decoder_model.onnx fails with not-a-causal-lm', async () => {
    const contents = withFiles(without(BYTE, 'onnx/model.onnx'), { 'onnx/encoder_model.onnx': MODEL, 'onnx/decoder_model.onnx': MODEL });
    await expectLlmapError(score(folder(contents)), 'not-a-causal-lm', ['onnx/encoder_model.onnx', 'onnx/decoder_model.onnx'], /Export the causal LM as one graph \(optimum-cli export onnx/);
  });

  it('scoreModel on a folder with no .onnx file fails with missing-file listing the names it looks for', async () => {
    await expectLlmapError(score(folder(without(BYTE, 'onnx/model.onnx'))), 'missing-file', ['onnx/model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_q4.onnx'], /Add the model's ONNX export under onnx\//);
  });
});

describe('readModelFolder: ONNX variants (dtype)', () => {
  it("openScorer on a folder with only onnx/model_quantized.onnx loads it as dtype 'q8' and scores", async () => {
    const contents = withModel(BYTE, MODEL, 'onnx/model_quantized.onnx');
    const scorer = await openScorer(folder(contents), { runtime: nodeRuntime() });
    try {
      expect(scorer.model).toMatchObject({ dtype: 'q8', onnxPath: 'onnx/model_quantized.onnx', vocabularySize: BYTE_VOCAB_SIZE });
      const records = await scorer.score(TEXTS);
      expect(records).toEqual(await score(inMemoryFolder('fp32', BYTE)));
    } finally {
      await scorer.release();
    }
  });

  it("openScorer with dtype 'fp16' on a folder without model_fp16.onnx fails with missing-file naming onnx/model_fp16.onnx", async () => {
    const contents = withModel(BYTE, MODEL, 'onnx/model_quantized.onnx');
    const error = await expectLlmapError(openScorer(folder(contents), { runtime: nodeRuntime(), dtype: 'fp16' }), 'missing-file', ['onnx/model_fp16.onnx', 'It has onnx/model_quantized.onnx'], /Choose a dtype the folder has, or add onnx\/model_fp16\.onnx/);
    expect(error.details).toMatchObject({ path: 'onnx/model_fp16.onnx' });
  });
});

describe('readModelFolder: damaged ONNX files', () => {
  const damaged: ReadonlyArray<readonly [string, Uint8Array | string]> = [
    ['a download cut in half', MODEL.subarray(0, MODEL.length >> 1)],
    ['a download missing its last byte', MODEL.subarray(0, MODEL.length - 1)],
    ['4 KiB of random bytes', randomBytes(4096, 7)],
    ['a Git LFS pointer (a text file named .onnx)', GIT_LFS_POINTER],
    ['an HTML error page saved as .onnx', '<!DOCTYPE html><html><body>404 Not Found</body></html>'],
    ['an empty file', new Uint8Array(0)],
  ];
  it.each(damaged)('scoreModel on %s fails with corrupt-model naming onnx/model.onnx', async (_what, bytes) => {
    await expectLlmapError(score(folder(withFiles(BYTE, { 'onnx/model.onnx': bytes }))), 'corrupt-model', ['onnx/model.onnx', 'not a valid ONNX model'], /Re-export or re-download it/);
  });
});

describe('readModelFolder: external data', () => {
  const { model, data } = withExternalData(MODEL, 'model.onnx_data');
  const external = withFiles(BYTE, { 'onnx/model.onnx': model, 'onnx/model.onnx_data': data });

  it('withExternalData moves the weights out of the graph file', () => {
    expect(model.length).toBeLessThan(MODEL.length / 10);
    expect(data.length).toBeGreaterThan(MODEL.length * 0.9);
  });

  it('scoreModel on a graph whose external data file is missing fails with missing-external-data naming it', async () => {
    const error = await expectLlmapError(score(folder(without(external, 'onnx/model.onnx_data'))), 'missing-external-data', ['onnx/model.onnx', 'model.onnx_data'], /Add onnx\/model\.onnx_data \(drop the whole folder/);
    expect(error.details).toMatchObject({ path: 'onnx/model.onnx_data' });
  });

  it.each(RUNTIMES)('scoreModel with the external data file present gives the embedded-weights ℓ on %s', async (_name, makeRuntime) => {
    const embedded = await score(inMemoryFolder('embedded', BYTE), { runtime: makeRuntime() });
    const records = await score(folder(external, 'external'), { runtime: makeRuntime() });
    expect(records).toEqual(embedded);
  });
});

describe('readModelFolder: graph interface', () => {
  it("scoreModel on a graph whose output is last_hidden_state, not logits, fails with no-logits-output", async () => {
    const contents = withModel(BYTE, renameValue(MODEL, 'logits', 'last_hidden_state'));
    await expectLlmapError(score(folder(contents)), 'no-logits-output', ["'logits'", 'last_hidden_state', 'onnx/model.onnx'], /Export it with a language-modelling head, e\.g\. optimum-cli export onnx --task text-generation/);
  });

  it('scoreModel on an encoder-style graph without input_ids (it takes pixel_values) fails with not-a-causal-lm', async () => {
    const contents = withModel(BYTE, renameValue(MODEL, 'input_ids', 'pixel_values'));
    await expectLlmapError(score(folder(contents)), 'not-a-causal-lm', ['no input_ids input', 'pixel_values', 'onnx/model.onnx'], /Export the causal LM with optimum-cli export onnx --task text-generation/);
  });

  it('scoreModel on the decoder of an encoder–decoder model (it takes encoder_hidden_states) fails with not-a-causal-lm', async () => {
    const contents = withModel(BYTE, renameValue(MODEL, 'attention_mask', 'encoder_hidden_states'));
    await expectLlmapError(score(folder(contents)), 'not-a-causal-lm', ['encoder_hidden_states', 'onnx/model.onnx'], /choose a decoder-only model/);
  });

  it('scoreModel on a graph with an input llmap cannot feed fails with unsupported-model-type naming it', async () => {
    const contents = withModel(BYTE, renameValue(MODEL, 'attention_mask', 'image_embeds'));
    await expectLlmapError(score(folder(contents)), 'unsupported-model-type', ['"image_embeds"'], /llmap feeds input_ids, attention_mask, position_ids/);
  });

  it('scoreModel with the GPT-2 BPE tokenizer on a byte-vocabulary model fails with vocabulary-mismatch giving both sizes', async () => {
    const contents = withFiles(BYTE, { 'tokenizer.json': BPE.get('tokenizer.json')!, 'tokenizer_config.json': BPE.get('tokenizer_config.json')! });
    const error = await expectLlmapError(score(folder(contents)), 'vocabulary-mismatch', ['50257 tokens', `logits have ${BYTE_VOCAB_SIZE}`], /Use the tokenizer\.json the model was trained with/);
    expect(error.details).toMatchObject({ tokenizerVocabularySize: 50257, logitsWidth: BYTE_VOCAB_SIZE });
  });
});

describe('scoring failures at run time', () => {
  it.each(RUNTIMES)('scoreModel on a model with NaN weights fails with non-finite-logits naming the text, on %s', async (_name, makeRuntime) => {
    // Byte 0x41 ('A') has a NaN embedding: only text 7 contains it.
    const contents = withModel(BYTE, nanEmbeddingModel(byte.spec, 0x41));
    const texts = [...TEXTS, { index: 7, text: 'An apple' }];
    const error = await expectLlmapError(scoreModel(folder(contents), texts, { runtime: makeRuntime(), maxBatchSize: 4 }), 'non-finite-logits', ['text 7', 'NaN'], /try the fp32 variant/);
    expect(error.details).toMatchObject({ index: 7 });
  });

  it.each(RUNTIMES)('scoreModel on a graph that asks for an impossible allocation fails with out-of-memory and its advice, on %s', async (_name, makeRuntime) => {
    const contents = withModel(BYTE, outOfMemoryModel(BYTE_VOCAB_SIZE));
    const error = await expectLlmapError(score(folder(contents), { runtime: makeRuntime() }), 'out-of-memory', ['Ran out of memory on texts'], /Try a smaller variant \(model_fp16\.onnx or model_quantized\.onnx\) or a smaller batch/);
    expect(error.message).not.toContain('\n');
  });

  it('scoreModel aborted after its first batch fails with cancelled, keeps the finished records, and resumes from them', async () => {
    const store = memoryStore();
    const controller = new AbortController();
    const files = inMemoryFolder('cancel-me', BYTE);
    const cancelled = scoreModel(files, TEXTS, {
      runtime: nodeRuntime(),
      maxBatchSize: 2,
      store,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'scoring' && event.textsDone > 0) controller.abort();
      },
    });
    await expectLlmapError(cancelled, 'cancelled', ['cancelled after 2 of 6 texts', 'finished ones are kept'], /a new run resumes from them/);
    expect(store.records).toHaveLength(2);
    const resumed = await scoreModel(files, TEXTS, { runtime: nodeRuntime(), maxBatchSize: 2, store });
    expect(store.records).toHaveLength(TEXTS.length);
    expect(resumed).toEqual(await scoreModel(files, TEXTS, { runtime: nodeRuntime(), maxBatchSize: 2 }));
  });
});

describe('webRuntime devices in Node (no navigator.gpu)', () => {
  it("scoreModel with webRuntime({ device: 'webgpu' }) fails with webgpu-unavailable", async () => {
    expect((globalThis.navigator as { gpu?: unknown } | undefined)?.gpu).toBeUndefined();
    await expectLlmapError(score(folder(BYTE), { runtime: webRuntime({ device: 'webgpu' }) }), 'webgpu-unavailable', ['WebGPU is not available', 'navigator.gpu'], /Use a browser with WebGPU enabled, or choose WASM/);
  });

  it("openScorer with webRuntime({ device: 'auto' }) falls back to WASM with a note saying why", async () => {
    const scorer = await openScorer(folder(BYTE), { runtime: webRuntime({ device: 'auto' }) });
    try {
      expect(scorer.model.device.backend).toBe('wasm');
      expect(scorer.model.device.note).toMatch(/^WebGPU is not available \(.*navigator\.gpu\), so WASM runs the model\.$/);
      expect(await scorer.score(TEXTS)).toEqual(await score(folder(BYTE), { runtime: webRuntime({ device: 'wasm' }) }));
    } finally {
      await scorer.release();
    }
  });
});

describe('runtimeError', () => {
  // As onnxruntime 1.30 words them: node's BFC arena, WASM's failed malloc, WASM's size check for tensors ≥ 4 GiB.
  const outOfMemory = [
    "Non-zero status code returned while running ConstantOfShape node. Name:'ConstantOfShape_node_8' Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:360 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*) Failed to allocate memory for requested buffer of size 800000000000\n",
    'failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc',
    'failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: /onnxruntime/core/framework/op_kernel.cc:83 virtual OrtValue *onnxruntime::OpKernelContext::OutputMLValue(int, const TensorShape &) [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Tensor shape is too large\n',
  ];
  const otherFailures = [
    'Load model from /models/bloom-560m/model.onnx failed: Protobuf parsing failed.',
    "Non-zero status code returned while running Reshape node. Name:'/vision/zoom/Reshape' Status Message: invalid shape",
  ];

  it('runtimeError reads the messages onnxruntime gives when memory runs out as out-of-memory, trimmed', () => {
    for (const text of outOfMemory) {
      const error = runtimeError(new Error(text), 'on texts 3, 4');
      expect(error.code).toBe('out-of-memory');
      expect(error.message).toMatch(/^Ran out of memory on texts 3, 4 \(.*\)\. Try a smaller variant/s);
      expect(error.message).not.toContain('\n');
    }
  });

  it("runtimeError does not read 'bloom' or 'zoom' as OOM", () => {
    for (const text of otherFailures) expect(runtimeError(new Error(text), 'while loading onnx/model.onnx').code).toBe('runtime-failure');
  });
});
