import { LlmapError } from '../core/errors.ts';
import { byteFallbackFloorLogits } from '../onnx/byteFallbackFloor.ts';
import { GraphBuilder, int64Tensor } from '../onnx/graphBuilder.ts';
import { dimension, scalar, unsqueeze } from '../onnx/layers.ts';
import { BYTE_FALLBACK_MASS, charTokenizerFiles } from './charTokenizer.ts';
import { jsonFile, type ConvertedModel } from './convertedModel.ts';

/*
 * textgenrnn (minimaxir/textgenrnn, Keras 2.1.5 HDF5 weights) → a Hugging Face-layout ONNX folder.
 *
 * The model: the last 40 tokens, left-padded with id 0 → Embedding [V, 100] → LSTM 128 → LSTM 128 (CuDNNLSTM weights)
 * → concat [embedding, lstm1, lstm2] (356 per step) → AttentionWeightedAverage over the 40 steps → Dense [356, V]
 * softmax. Vocabulary: textgenrnn_vocab.json, characters at ids 1..V−2, `<s>` at V−1, 0 = padding/unknown.
 *
 * The graph recomputes the 40-token window for every position (positions are independent, so any length is valid):
 * `input_ids` [B, T] → window ids [B·T, 40] (Gather over in-graph indices, Where for the left padding) → both LSTMs
 * over [40, B·T] → attention → Dense → the 463 character logits → llmap's byte-fallback floor.
 */

/** Tokens the model sees: each next character depends on at most this many previous tokens. */
export const TEXTGENRNN_WINDOW_TOKENS = 40;
/** textgenrnn's start (and end) of text token. */
export const TEXTGENRNN_META_TOKEN = '<s>';
/** The model input given to llmap's byte-fallback tokens: 0, textgenrnn's own id for an unknown character. */
export const UNKNOWN_CHARACTER_INPUT_ID = 0;
/** AttentionWeightedAverage divides by Σ exp + K.epsilon() (Keras' default 1e-7). */
const ATTENTION_EPSILON = 1e-7;
/** The converted model claims this context, as the window makes any length valid. */
const MAX_POSITION_EMBEDDINGS = 4096;

/** A float32 dataset of the weights file: row-major values and shape. */
export interface Hdf5Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The weights as stored (CuDNNLSTM layout for the two LSTMs: kernel [in, 4H], recurrent [H, 4H], bias [8H]). */
export interface TextgenrnnWeights {
  readonly embedding: Hdf5Tensor;
  readonly lstm: readonly [CudnnLstmTensors, CudnnLstmTensors];
  readonly attention: Hdf5Tensor;
  readonly outputKernel: Hdf5Tensor;
  readonly outputBias: Hdf5Tensor;
}

export interface CudnnLstmTensors {
  readonly kernel: Hdf5Tensor;
  readonly recurrentKernel: Hdf5Tensor;
  readonly bias: Hdf5Tensor;
}

/**
 * Reads the weights of a textgenrnn `.hdf5` file with h5wasm (loaded on first use). Datasets are matched on their
 * outer group and leaf name, as the inner group names vary between files (`rnn_1/rnn_1` against `rnn_1/rnn_1_3`).
 */
export async function readTextgenrnnWeights(hdf5: Uint8Array, label = 'the weights file'): Promise<TextgenrnnWeights> {
  const datasets = await readFloat32Datasets(hdf5, label);
  const find = (group: string, leaf: string): Hdf5Tensor => {
    const matches = [...datasets.keys()].filter((path) => path.startsWith(`/${group}/`) && path.endsWith(`/${leaf}`));
    if (matches.length !== 1) {
      const found = [...datasets.keys()].map((path) => path.slice(1)).join(', ') || 'no float32 datasets';
      throw new LlmapError('corrupt-model', `${label} should hold exactly one ${group}/…/${leaf} dataset but has ${matches.length} (it has ${found}). Use a textgenrnn weights file (model.save_weights, Keras 2).`, { group, leaf });
    }
    return datasets.get(matches[0])!;
  };
  const lstm = (group: string): CudnnLstmTensors => ({ kernel: find(group, 'kernel:0'), recurrentKernel: find(group, 'recurrent_kernel:0'), bias: find(group, 'bias:0') });
  return {
    embedding: find('embedding', 'embeddings:0'),
    lstm: [lstm('rnn_1'), lstm('rnn_2')],
    attention: find('attention', 'attention_W:0'),
    outputKernel: find('output', 'kernel:0'),
    outputBias: find('output', 'bias:0'),
  };
}

let nextScratchFile = 0;

async function readFloat32Datasets(hdf5: Uint8Array, label: string): Promise<Map<string, Hdf5Tensor>> {
  const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (hdf5.length < 8 || HDF5_SIGNATURE.some((byte, k) => hdf5[k] !== byte)) {
    throw new LlmapError('corrupt-model', `${label} is not an HDF5 file (its first bytes are not the HDF5 signature). Pass the textgenrnn .hdf5 weights file.`);
  }
  const storedLength = superblockEndOfFile(hdf5);
  if (storedLength !== undefined && storedLength > hdf5.length) {
    throw new LlmapError('corrupt-model', `${label} is truncated: it has ${hdf5.length} bytes, but its HDF5 superblock says ${storedLength}. Download the weights file again.`, { bytes: hdf5.length, expectedBytes: storedLength });
  }
  const { default: h5wasm } = await import('h5wasm');
  const { FS } = await h5wasm.ready;
  const path = `llmap-textgenrnn-${nextScratchFile++}.hdf5`;
  FS.writeFile(path, hdf5);
  const datasets = new Map<string, Hdf5Tensor>();
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(path, 'r');
    for (const name of file.paths()) {
      const entity = file.get(name);
      if (!(entity instanceof h5wasm.Dataset)) continue;
      const value = entity.value;
      if (value instanceof Float32Array) datasets.set(name.startsWith('/') ? name : `/${name}`, { shape: entity.shape ?? [], data: Float32Array.from(value) });
    }
  } catch (error) {
    throw new LlmapError('corrupt-model', `${label} could not be read as HDF5 (${error instanceof Error ? error.message : String(error)}). Re-download the weights file; a partial download looks like this.`);
  } finally {
    file?.close();
    FS.unlink(path);
  }
  return datasets;
}

/** The end-of-file address an HDF5 superblock (versions 0–3, 8-byte offsets, file at offset 0) records, if readable. */
function superblockEndOfFile(hdf5: Uint8Array): number | undefined {
  const version = hdf5[8];
  const offsetSize = version <= 1 ? hdf5[13] : hdf5[9];
  const position = version === 0 ? 40 : version === 1 ? 44 : version <= 3 ? 28 : -1;
  if (offsetSize !== 8 || position < 0 || hdf5.length < position + 8) return undefined;
  return Number(new DataView(hdf5.buffer, hdf5.byteOffset + position, 8).getBigUint64(0, true));
}

/**
 * One CuDNNLSTM layer as ONNX LSTM inputs W [1, 4H, in], R [1, 4H, H], B [1, 8H] (ONNX gate order i, o, f, c).
 * CuDNN keeps each gate's matrices as [H, in] row-major buffers; Keras 2 saved them into the [in, 4H] kernel's
 * column blocks, so the row-major bytes of column block g, read as [H, in], are ONNX's block for that gate (this is
 * what Keras' `convert_lstm_weights` undoes with `K_g.T.reshape(K_g.shape, order='F')`, and, for the square
 * recurrent kernel, with `K_g.T`). The bias is the sum of CuDNN's two halves (input and recurrent), kept in W's half
 * of B. Keras/CuDNN gate order is i, f, c, o; no forget-bias offset.
 */
export function cudnnLstmToOnnx(layer: CudnnLstmTensors): { W: Float32Array; R: Float32Array; B: Float32Array; inputSize: number; units: number } {
  const [inputSize, width] = layer.kernel.shape;
  const units = width / 4;
  const checks: Array<[string, readonly number[], readonly number[]]> = [
    ['recurrent_kernel', layer.recurrentKernel.shape, [units, 4 * units]],
    ['bias', layer.bias.shape, [8 * units]],
  ];
  for (const [name, actual, expected] of checks) {
    if (!Number.isInteger(units) || actual.join(',') !== expected.join(',')) {
      throw new LlmapError('shape-mismatch', `The CuDNNLSTM ${name} has shape [${actual.join(', ')}], but a kernel of shape [${layer.kernel.shape.join(', ')}] needs [${expected.join(', ')}]. The file is not a textgenrnn CuDNNLSTM model.`);
    }
  }
  const KERAS_GATE_FOR_ONNX_GATE = [0, 3, 1, 2]; // ONNX i, o, f, c ← Keras i, f, c, o
  const gateBlocks = (matrix: Hdf5Tensor, rows: number): Float32Array => {
    const out = new Float32Array(4 * units * rows);
    KERAS_GATE_FOR_ONNX_GATE.forEach((kerasGate, onnxGate) => {
      // Row-major bytes of the [rows, H] column block, in order: element m sits at (⌊m/H⌋, m mod H).
      for (let m = 0; m < units * rows; m++) out[onnxGate * units * rows + m] = matrix.data[Math.floor(m / units) * 4 * units + kerasGate * units + (m % units)];
    });
    return out;
  };
  const B = new Float32Array(8 * units);
  KERAS_GATE_FOR_ONNX_GATE.forEach((kerasGate, onnxGate) => {
    for (let u = 0; u < units; u++) B[onnxGate * units + u] = layer.bias.data[kerasGate * units + u] + layer.bias.data[4 * units + kerasGate * units + u];
  });
  return { W: gateBlocks(layer.kernel, inputSize), R: gateBlocks(layer.recurrentKernel, units), B, inputSize, units };
}

/** textgenrnn_vocab.json: characters → ids 1..C, `<s>` the last id; returns the characters in id order. */
export function textgenrnnCharacters(vocabJson: string, modelVocabularySize: number): string[] {
  let vocab: unknown;
  try {
    vocab = JSON.parse(vocabJson);
  } catch (error) {
    throw new LlmapError('unreadable-file', `textgenrnn_vocab.json is not valid JSON (${error instanceof Error ? error.message : String(error)}). Use the vocabulary file the model was trained with.`);
  }
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) throw new LlmapError('unreadable-file', 'textgenrnn_vocab.json is not a JSON object of character → id.');
  const byId = new Map<number, string>();
  for (const [character, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || byId.has(id)) throw new LlmapError('unreadable-file', `textgenrnn_vocab.json gives ${JSON.stringify(character)} the id ${JSON.stringify(id)}; ids must be distinct integers from 1.`);
    byId.set(id, character);
  }
  const metaId = modelVocabularySize - 1;
  if (byId.size !== metaId || byId.get(metaId) !== TEXTGENRNN_META_TOKEN) {
    const metaFound = [...byId].find(([, character]) => character === TEXTGENRNN_META_TOKEN)?.[0];
    const where = metaFound === undefined ? `no ${TEXTGENRNN_META_TOKEN}` : `${TEXTGENRNN_META_TOKEN} at id ${metaFound}`;
    throw new LlmapError('vocabulary-mismatch', `textgenrnn_vocab.json has ${byId.size} entries and ${where}, but the weights predict ${modelVocabularySize} classes (ids 1..${metaId}, ${TEXTGENRNN_META_TOKEN} = ${metaId}, 0 = padding). Use the vocabulary file that belongs to these weights.`);
  }
  return Array.from({ length: metaId - 1 }, (_, k) => byId.get(k + 1)!);
}

/**
 * Converts a textgenrnn weights file and its vocabulary into a Hugging Face-layout ONNX folder that llmap scores like
 * any causal LM. Tokens: the 463 characters, 256 byte-fallback tokens, `<s>` (prepended by the tokenizer).
 */
export async function convertTextgenrnn(hdf5: Uint8Array, vocabJson: string, options: { name: string }): Promise<ConvertedModel> {
  const weights = await readTextgenrnnWeights(hdf5, `${options.name} (HDF5 weights)`);
  const [modelVocabularySize, embeddingSize] = weights.embedding.shape;
  const characters = textgenrnnCharacters(vocabJson, modelVocabularySize);
  const tokenizer = charTokenizerFiles(characters, { bos: TEXTGENRNN_META_TOKEN, maxLengthTokens: MAX_POSITION_EMBEDDINGS });
  // Token id → model input id: character k → k + 1; byte tokens → 0 (unknown); BOS → `<s>`.
  const modelIdOfToken = Array.from({ length: tokenizer.vocabularySize }, (_, token) =>
    token < characters.length ? token + 1 : token === tokenizer.bosTokenId ? modelVocabularySize - 1 : UNKNOWN_CHARACTER_INPUT_ID,
  );
  const lstm = weights.lstm.map(cudnnLstmToOnnx);
  const featureSize = embeddingSize + lstm[0].units + lstm[1].units;
  const expectShape = (what: string, actual: readonly number[], expected: readonly number[]) => {
    if (actual.join(',') !== expected.join(',')) throw new LlmapError('shape-mismatch', `${options.name}: ${what} has shape [${actual.join(', ')}], expected [${expected.join(', ')}] for a textgenrnn model with embedding [${weights.embedding.shape.join(', ')}].`);
  };
  expectShape('rnn_1 kernel', weights.lstm[0].kernel.shape, [embeddingSize, 4 * lstm[0].units]);
  expectShape('rnn_2 kernel', weights.lstm[1].kernel.shape, [lstm[0].units, 4 * lstm[1].units]);
  expectShape('attention_W', weights.attention.shape, [featureSize, 1]);
  expectShape('output kernel', weights.outputKernel.shape, [featureSize, modelVocabularySize]);
  expectShape('output bias', weights.outputBias.shape, [modelVocabularySize]);

  const g = new GraphBuilder('textgenrnn');
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']); // unused: positions never see later ones
  const modelIds = g.op('Gather', [g.constant(int64Tensor(modelIdOfToken), 'model_id_of_token'), inputIds], { axis: { int: 0 } });
  const windowIds = slidingWindows(g, modelIds, TEXTGENRNN_WINDOW_TOKENS); // [40, B·T]
  const embedded = g.op('Gather', [g.weight('embedding', weights.embedding.data, weights.embedding.shape), windowIds], { axis: { int: 0 } });
  const hidden1 = onnxLstm(g, embedded, lstm[0], 'rnn_1');
  const hidden2 = onnxLstm(g, hidden1, lstm[1], 'rnn_2');
  const features = g.op('Concat', [embedded, hidden1, hidden2], { axis: { int: -1 } }); // [40, N, 356]
  const pooled = attentionWeightedAverage(g, features, g.weight('attention_W', weights.attention.data, weights.attention.shape));
  // Only the characters' columns of the Dense layer: the byte-fallback floor renormalises over them (pad and `<s>` dropped).
  const characterColumns = (row: number, from: number, to: number) => weights.outputKernel.data.subarray(row * modelVocabularySize + from, row * modelVocabularySize + to);
  const kernel = new Float32Array(featureSize * characters.length);
  for (let row = 0; row < featureSize; row++) kernel.set(characterColumns(row, 1, characters.length + 1), row * characters.length);
  const characterLogits = g.op('Add', [
    g.op('MatMul', [pooled, g.weight('output_kernel', kernel, [featureSize, characters.length])]),
    g.weight('output_bias', weights.outputBias.data.slice(1, characters.length + 1), [characters.length]),
  ]);
  const logitsShape = g.op('Concat', [g.op('Shape', [inputIds]), g.constant(int64Tensor([characters.length]), 'width')], { axis: { int: 0 } });
  const shaped = g.op('Reshape', [characterLogits, logitsShape]);
  const logits = byteFallbackFloorLogits(g, shaped, { fallbackMass: BYTE_FALLBACK_MASS, extraTokens: 1 });
  g.output(logits, 'logits', 'float32', ['batch_size', 'sequence_length', tokenizer.vocabularySize]);

  const parameters = [weights.embedding, ...weights.lstm.flatMap((layer) => [layer.kernel, layer.recurrentKernel, layer.bias]), weights.attention, weights.outputKernel, weights.outputBias].reduce((sum, tensor) => sum + tensor.data.length, 0);
  const config = {
    _name_or_path: options.name,
    model_type: 'textgenrnn',
    architectures: ['TextgenrnnForCausalLM'],
    vocab_size: tokenizer.vocabularySize,
    max_position_embeddings: MAX_POSITION_EMBEDDINGS,
    context_window_tokens: TEXTGENRNN_WINDOW_TOKENS,
    bos_token_id: tokenizer.bosTokenId,
    hidden_size: lstm[1].units,
  };
  return {
    files: new Map([
      ['config.json', jsonFile(config)],
      ['tokenizer.json', jsonFile(tokenizer.tokenizerJson)],
      ['tokenizer_config.json', jsonFile(tokenizer.tokenizerConfig)],
      ['onnx/model.onnx', g.toModelBytes('llmap convert textgenrnn')],
    ]),
    conversion: {
      sourceFormat: 'textgenrnn',
      parameters,
      vocabularySize: tokenizer.vocabularySize,
      contextTokens: TEXTGENRNN_WINDOW_TOKENS,
      unknownCharacterPolicy: 'byte-fallback-floor',
      notes: [
        `${options.name}: textgenrnn (Keras 2 HDF5, CuDNNLSTM weights converted as Keras' convert_lstm_weights does: per-gate kernel reshape, recurrent transpose, summed bias halves, gate order i, f, c, o, no forget-bias offset).`,
        `Each next character is predicted from the previous ${TEXTGENRNN_WINDOW_TOKENS} tokens only, left-padded with id 0, as textgenrnn does; max_position_embeddings ${MAX_POSITION_EMBEDDINGS} is a nominal limit, the window makes any length valid.`,
        `The tokenizer prepends ${TEXTGENRNN_META_TOKEN} (textgenrnn's start token), so the first character is scored given ${TEXTGENRNN_META_TOKEN}. No trailing ${TEXTGENRNN_META_TOKEN} is appended (texts are chunks, not whole documents), unlike textgenrnn's training, which ends each text with ${TEXTGENRNN_META_TOKEN}.`,
        `Character probabilities are renormalised over the ${characters.length} characters (padding id 0 and ${TEXTGENRNN_META_TOKEN} get no mass), then scaled by 1 − ${BYTE_FALLBACK_MASS}; a character outside the vocabulary is scored as its UTF-8 bytes at ${BYTE_FALLBACK_MASS}/256 each, and each byte enters the window as id ${UNKNOWN_CHARACTER_INPUT_ID} (textgenrnn's unknown), so a k-byte character takes k window slots.`,
      ],
    },
  };
}

/** Model ids [B, T] → the window of each position, time-major [W, B·T]: ids t−W+1 … t, 0 where that is before 0. */
function slidingWindows(g: GraphBuilder, modelIds: string, window: number): string {
  const zero = g.constant(int64Tensor([0], []), 'zero');
  const positions = g.op('Range', [zero, dimension(g, modelIds, 1), g.constant(int64Tensor([1], []), 'one')]);
  const offsets = g.constant(int64Tensor(Array.from({ length: window }, (_, k) => k - window + 1), [1, window]), 'window_offsets');
  const sourcePositions = g.op('Add', [unsqueeze(g, positions, [1]), offsets]); // [T, W]
  const gathered = g.op('Gather', [modelIds, g.op('Max', [sourcePositions, zero])], { axis: { int: 1 } }); // [B, T, W]
  const padded = g.op('Where', [g.op('GreaterOrEqual', [sourcePositions, zero]), gathered, zero]);
  const flat = g.op('Reshape', [padded, g.constant(int64Tensor([-1, window]), 'shape')]);
  return g.op('Transpose', [flat], { perm: { ints: [1, 0] } });
}

/** ONNX LSTM over x [W, N, in] from a zero state; returns every step's h as [W, N, H]. */
function onnxLstm(g: GraphBuilder, x: string, layer: ReturnType<typeof cudnnLstmToOnnx>, name: string): string {
  const { W, R, B, inputSize, units } = layer;
  const [allHidden] = g.node(
    'LSTM',
    [x, g.weight(`${name}_W`, W, [1, 4 * units, inputSize]), g.weight(`${name}_R`, R, [1, 4 * units, units]), g.weight(`${name}_B`, B, [1, 8 * units])],
    1,
    { hidden_size: { int: units }, direction: { string: 'forward' } },
  );
  return g.op('Squeeze', [allHidden, g.constant(int64Tensor([1]), 'axes')]);
}

/** DeepMoji's AttentionWeightedAverage over the time axis 0: a_t = exp(s_t − max s) / (Σ exp(s − max s) + ε), Σ a_t x_t. */
function attentionWeightedAverage(g: GraphBuilder, features: string, attentionW: string): string {
  const scores = g.op('MatMul', [features, attentionW]); // [W, N, 1]
  const shifted = g.op('Sub', [scores, g.op('ReduceMax', [scores], { axes: { ints: [0] }, keepdims: { int: 1 } })]);
  const exponentials = g.op('Exp', [shifted]);
  const timeAxis = g.constant(int64Tensor([0]), 'axes');
  const total = g.op('Add', [g.op('ReduceSum', [exponentials, timeAxis], { keepdims: { int: 1 } }), scalar(g, ATTENTION_EPSILON)]);
  const weighted = g.op('Mul', [features, g.op('Div', [exponentials, total])]);
  return g.op('ReduceSum', [weighted, timeAxis], { keepdims: { int: 0 } });
}
