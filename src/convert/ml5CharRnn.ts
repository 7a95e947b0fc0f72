import { LlmapError } from '../core/errors.ts';
import { byteFallbackFloorLogits, GraphBuilder, int64Tensor } from '../onnx/index.ts';
import { BYTE_FALLBACK_MASS, charTokenizerFiles } from './charTokenizer.ts';
import { jsonFile, type ConvertedModel } from './convertedModel.ts';

/*
 * ml5.js charRNN (a TensorFlow char-rnn dumped as raw float32 variables) → a Hugging Face-layout ONNX folder.
 *
 *   input_ids [B,T] → id map (characters → themselves; byte tokens and BOS → the neutral input) → Gather(embedding)
 *   → L × ONNX LSTM (zero initial state) → h·softmax_w + softmax_b → byteFallbackFloorLogits → logits [B,T,C+257]
 *
 * TF BasicLSTMCell computes z = [x, h]·kernel + bias with gates in the order i, j, f, o and adds forget_bias = 1.0 to
 * f; ONNX LSTM takes W [4H, in], R [4H, H] and B = [Wb, Rb] with gates in the order i, o, f, c (c = TF's j). The
 * kernel's first `in` rows become W, its last H rows R, and 1.0 is folded into f's bias.
 */

/** The token scoring starts from: fed to the LSTM as the neutral input, never predicted. */
export const ML5_CHARRNN_BOS = '<s>';
/** An LSTM has no position limit; llmap's texts are at most 1,024 bytes, so this never truncates them. */
export const ML5_CHARRNN_MAX_LENGTH_TOKENS = 4096;

/**
 * Published vocab.json files with a key that is not one character, repaired when key, id and vocabulary size all
 * match and the character is missing from the rest of the file. ml5's `shakespeare` (65 characters, tiny-shakespeare)
 * lost 'u' and 'U' on export: "  " (id 13) sits next to i, a, e in embedding space, "" (id 40) next to E, I, A,
 * and a 224-character Shakespeare passage scores 1.37 nats/char with this repair, 2.15 with u/U dropped, 2.40
 * swapped (artifacts/ml5-charrnn-shakespeare/SOURCE.md). Any other key that is not one character is rejected.
 */
const KNOWN_KEY_REPAIRS: ReadonlyArray<{ key: string; id: number; vocabularySize: number; character: string }> = [
  { key: '  ', id: 13, vocabularySize: 65, character: 'u' },
  { key: '', id: 40, vocabularySize: 65, character: 'U' },
];

interface CharRnnWeights {
  embedding: Float32Array; // [C, E]
  cells: Array<{ kernel: Float32Array; bias: Float32Array; inputSize: number }>; // [in + H, 4H], [4H]
  softmaxW: Float32Array; // [H, C]
  softmaxB: Float32Array; // [C]
  hiddenSize: number;
  embeddingSize: number;
  characterCount: number;
}

/**
 * Converts the files of an ml5 charRNN folder (`manifest.json`, its variables, `vocab.json`; `files(name)` returns
 * each one's bytes) into an ONNX folder llmap scores like any causal LM. `name` labels the model in messages and
 * in config.json.
 */
export function convertMl5CharRnn(files: (name: string) => Uint8Array, options: { name: string }): ConvertedModel {
  const { name } = options;
  const read = (file: string): Uint8Array => {
    try {
      return files(file);
    } catch (error) {
      throw new LlmapError('missing-file', `The ml5 charRNN "${name}" has no readable ${file} (${error instanceof Error ? error.message : String(error)}). Pass the whole model folder: manifest.json, vocab.json and every file manifest.json names.`, { path: file });
    }
  };
  const weights = readWeights(read, name);
  const { characters, repairs } = readVocabulary(read, name, weights.characterCount);
  const neutralId = characters.includes(' ') ? characters.indexOf(' ') : 0;
  const tokenizer = charTokenizerFiles(characters, { bos: ML5_CHARRNN_BOS, maxLengthTokens: ML5_CHARRNN_MAX_LENGTH_TOKENS });
  const modelBytes = buildGraph(weights, tokenizer.vocabularySize, neutralId);
  const parameters =
    weights.embedding.length + weights.cells.reduce((sum, cell) => sum + cell.kernel.length + cell.bias.length, 0) + weights.softmaxW.length + weights.softmaxB.length;
  const neutral = `${JSON.stringify(characters[neutralId])} (id ${neutralId}${characters[neutralId] === ' ' ? ', the space' : ', no space in the vocabulary, so id 0, the most frequent character in char-rnn order'})`;
  const config = {
    model_type: 'ml5-charrnn',
    architectures: ['Ml5CharRnnForCausalLM'],
    _name_or_path: name,
    vocab_size: tokenizer.vocabularySize,
    max_position_embeddings: ML5_CHARRNN_MAX_LENGTH_TOKENS,
    hidden_size: weights.hiddenSize,
    embedding_size: weights.embeddingSize,
    num_hidden_layers: weights.cells.length,
    cell: 'tf.BasicLSTMCell (forget_bias 1.0)',
    bos_token_id: tokenizer.bosTokenId,
    model_characters: weights.characterCount,
    first_byte_token_id: tokenizer.firstByteTokenId,
    byte_fallback_mass: BYTE_FALLBACK_MASS,
  };
  return {
    files: new Map([
      ['config.json', jsonFile(config)],
      ['tokenizer.json', jsonFile(tokenizer.tokenizerJson)],
      ['tokenizer_config.json', jsonFile(tokenizer.tokenizerConfig)],
      ['onnx/model.onnx', modelBytes],
    ]),
    conversion: {
      sourceFormat: 'ml5-charrnn',
      parameters,
      vocabularySize: tokenizer.vocabularySize,
      contextTokens: null,
      unknownCharacterPolicy: 'byte-fallback-floor',
      notes: [
        `${weights.cells.length} × TF BasicLSTMCell (${weights.hiddenSize} units, gates i, j, f, o, forget_bias 1.0) rewritten as ONNX LSTM (gates i, o, f, c) from a zero state; ${parameters} parameters (the scalar "Variable", unused for inference, is not counted).`,
        `Vocabulary: the model's ${weights.characterCount} characters (ids as in vocab.json), 256 byte-fallback tokens (ids ${tokenizer.firstByteTokenId}–${tokenizer.firstByteTokenId + 255}) scored at log(${BYTE_FALLBACK_MASS}/256) each, BOS ${ML5_CHARRNN_BOS} (id ${tokenizer.bosTokenId}) never predicted; the model's characters are scaled by 1 − ${BYTE_FALLBACK_MASS}.`,
        ...repairs.map((repair) => `vocab.json key ${JSON.stringify(repair.key)} (id ${repair.id}) repaired to ${JSON.stringify(repair.character)}: a known export fault of this model.`),
        `The BOS and every byte-fallback token are fed to the LSTM as the neutral input ${neutral}: the model never saw those tokens, and a space is the most common context in its training text.`,
        `A text is scored as ${ML5_CHARRNN_BOS} + its characters: the paper's rule never scores the first token, which is the BOS, so every character of the text is scored, the first one after a single step on the neutral input from the zero state.`,
        `No position limit: max_position_embeddings ${ML5_CHARRNN_MAX_LENGTH_TOKENS} only bounds the tokenizer. attention_mask is accepted and unused: the LSTM is causal and llmap pads on the right, so padding never reaches a scored position.`,
      ],
    },
  };
}

function readJson(read: (file: string) => Uint8Array, file: string, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(read(file)));
  } catch (error) {
    if (error instanceof LlmapError) throw error;
    throw new LlmapError('unreadable-file', `${file} of the ml5 charRNN "${name}" is not valid JSON (${error instanceof Error ? error.message : String(error)}). Use the file as ml5 published it.`, { path: file });
  }
}

function readWeights(read: (file: string) => Uint8Array, name: string): CharRnnWeights {
  const manifest = readJson(read, 'manifest.json', name) as Record<string, { filename?: unknown; shape?: unknown }>;
  const variable = (wanted: readonly string[], rank: number): { data: Float32Array; shape: number[] } => {
    const key = wanted.find((candidate) => candidate in manifest);
    if (key === undefined) throw new LlmapError('unreadable-file', `manifest.json of the ml5 charRNN "${name}" has no variable ${wanted.join(' or ')}. Is this an ml5 charRNN folder (TensorFlow char-rnn dump)?`, { path: 'manifest.json' });
    const { filename, shape } = manifest[key];
    if (typeof filename !== 'string' || !Array.isArray(shape) || shape.length !== rank || !shape.every((dim) => Number.isInteger(dim) && dim > 0)) {
      throw new LlmapError('unreadable-file', `manifest.json of "${name}" describes ${key} as ${JSON.stringify(manifest[key])}; expected a filename and a shape of ${rank} positive sizes.`, { path: 'manifest.json' });
    }
    const bytes = read(filename);
    const count = (shape as number[]).reduce((product, dim) => product * dim, 1);
    if (bytes.byteLength !== 4 * count) {
      throw new LlmapError('shape-mismatch', `${filename} of "${name}" holds ${bytes.byteLength} bytes, but ${key} [${shape.join(', ')}] needs ${4 * count} (float32). The file is truncated or belongs to another model.`, { path: filename });
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { data: Float32Array.from({ length: count }, (_, k) => view.getFloat32(4 * k, true)), shape: shape as number[] };
  };
  const embedding = variable(['embedding', 'rnnlm/embedding'], 2);
  const softmaxW = variable(['rnnlm/softmax_w'], 2);
  const softmaxB = variable(['rnnlm/softmax_b'], 1);
  const [characterCount, embeddingSize] = embedding.shape;
  const hiddenSize = softmaxW.shape[0];
  const mismatch = (what: string, found: number, expected: number) =>
    new LlmapError('shape-mismatch', `In the ml5 charRNN "${name}", ${what} is ${found} but should be ${expected}. The variables do not belong together.`);
  if (softmaxW.shape[1] !== characterCount) throw mismatch('rnnlm/softmax_w\'s second size', softmaxW.shape[1], characterCount);
  if (softmaxB.shape[0] !== characterCount) throw mismatch('rnnlm/softmax_b\'s size', softmaxB.shape[0], characterCount);
  const cells: CharRnnWeights['cells'] = [];
  for (let layer = 0; Object.keys(manifest).some((key) => key.startsWith(`rnnlm/multi_rnn_cell/cell_${layer}/`)); layer++) {
    const prefix = `rnnlm/multi_rnn_cell/cell_${layer}/basic_lstm_cell/`;
    const kernel = variable([`${prefix}kernel`, `${prefix}weights`], 2);
    const bias = variable([`${prefix}bias`, `${prefix}biases`], 1);
    const inputSize = layer === 0 ? embeddingSize : hiddenSize;
    if (kernel.shape[1] !== 4 * hiddenSize) throw mismatch(`cell ${layer}'s kernel width`, kernel.shape[1], 4 * hiddenSize);
    if (kernel.shape[0] !== inputSize + hiddenSize) throw mismatch(`cell ${layer}'s kernel height`, kernel.shape[0], inputSize + hiddenSize);
    if (bias.shape[0] !== 4 * hiddenSize) throw mismatch(`cell ${layer}'s bias size`, bias.shape[0], 4 * hiddenSize);
    cells.push({ kernel: kernel.data, bias: bias.data, inputSize });
  }
  if (cells.length === 0) throw new LlmapError('unreadable-file', `manifest.json of "${name}" names no LSTM cell (rnnlm/multi_rnn_cell/cell_0/basic_lstm_cell/…). Is this an ml5 charRNN folder?`, { path: 'manifest.json' });
  return { embedding: embedding.data, cells, softmaxW: softmaxW.data, softmaxB: softmaxB.data, hiddenSize, embeddingSize, characterCount };
}

/** vocab.json (character → id) as characters by id, with known damage repaired; anything else odd is an error. */
function readVocabulary(read: (file: string) => Uint8Array, name: string, characterCount: number): { characters: string[]; repairs: typeof KNOWN_KEY_REPAIRS } {
  const vocab = readJson(read, 'vocab.json', name);
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) throw new LlmapError('unreadable-file', `vocab.json of "${name}" is not an object mapping characters to ids.`, { path: 'vocab.json' });
  const entries = Object.entries(vocab as Record<string, unknown>);
  if (entries.length !== characterCount) {
    throw new LlmapError('shape-mismatch', `vocab.json of "${name}" has ${entries.length} entries but the model has ${characterCount} characters (embedding rows). Use the vocab.json published with these weights.`, { path: 'vocab.json' });
  }
  const keys = new Set(entries.map(([key]) => key));
  const characters: string[] = new Array(characterCount);
  const repairs: Array<(typeof KNOWN_KEY_REPAIRS)[number]> = [];
  for (const [key, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= characterCount || characters[id] !== undefined) {
      throw new LlmapError('unreadable-file', `vocab.json of "${name}" maps ${JSON.stringify(key)} to ${JSON.stringify(id)}; ids must be distinct integers 0…${characterCount - 1}.`, { path: 'vocab.json' });
    }
    let character = key;
    if ([...key].length !== 1) {
      const repair = KNOWN_KEY_REPAIRS.find((known) => known.key === key && known.id === id && known.vocabularySize === characterCount && !keys.has(known.character));
      if (!repair) {
        throw new LlmapError('unreadable-file', `vocab.json of "${name}" has the key ${JSON.stringify(key)} (id ${id}), which is not one character, and no known repair applies. Edit vocab.json so that this key is the single character the model was trained with (compare embedding neighbours, or which repair scores real text best), then convert again.`, { path: 'vocab.json', key, id });
      }
      repairs.push(repair);
      character = repair.character;
    }
    characters[id] = character;
  }
  return { characters, repairs };
}

/** TF gate blocks (i, j, f, o) in ONNX LSTM order (i, o, f, c). */
const TF_BLOCK_OF_ONNX_GATE = [0, 3, 2, 1] as const;
const ONNX_FORGET_GATE = 2;
const TF_FORGET_BIAS = 1.0;

function buildGraph(weights: CharRnnWeights, vocabularySize: number, neutralId: number): Uint8Array {
  const { hiddenSize: H, embeddingSize: E, characterCount: C } = weights;
  const g = new GraphBuilder('ml5-charrnn');
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const modelIdOfToken = Array.from({ length: vocabularySize }, (_, token) => (token < C ? token : neutralId));
  const modelIds = g.op('Gather', [g.constant(int64Tensor(modelIdOfToken), 'model_id_of_token'), inputIds], { axis: { int: 0 } });
  const embedded = g.op('Gather', [g.weight('embedding', weights.embedding, [C, E]), modelIds], { axis: { int: 0 } });
  let sequence = g.op('Transpose', [embedded], { perm: { ints: [1, 0, 2] } }); // [T, B, E]
  weights.cells.forEach((cell, layer) => {
    const inputSize = cell.inputSize;
    const W = new Float32Array(4 * H * inputSize);
    const R = new Float32Array(4 * H * H);
    const B = new Float32Array(8 * H); // Wb then Rb (Rb stays 0)
    for (let gate = 0; gate < 4; gate++) {
      const column = TF_BLOCK_OF_ONNX_GATE[gate] * H;
      for (let k = 0; k < H; k++) {
        const row = gate * H + k;
        for (let r = 0; r < inputSize; r++) W[row * inputSize + r] = cell.kernel[r * 4 * H + column + k];
        for (let r = 0; r < H; r++) R[row * H + r] = cell.kernel[(inputSize + r) * 4 * H + column + k];
        B[row] = cell.bias[column + k] + (gate === ONNX_FORGET_GATE ? TF_FORGET_BIAS : 0);
      }
    }
    const [y] = g.node(
      'LSTM',
      [sequence, g.weight(`cell_${layer}.W`, W, [1, 4 * H, inputSize]), g.weight(`cell_${layer}.R`, R, [1, 4 * H, H]), g.weight(`cell_${layer}.B`, B, [1, 8 * H])],
      1,
      { hidden_size: { int: H } },
    ); // [T, 1, B, H]
    sequence = g.op('Squeeze', [y, g.constant(int64Tensor([1]), 'axes')]);
  });
  const hidden = g.op('Transpose', [sequence], { perm: { ints: [1, 0, 2] } }); // [B, T, H]
  const characterLogits = g.op('Add', [g.op('MatMul', [hidden, g.weight('softmax_w', weights.softmaxW, [H, C])]), g.weight('softmax_b', weights.softmaxB, [C])]);
  const logits = byteFallbackFloorLogits(g, characterLogits, { fallbackMass: BYTE_FALLBACK_MASS, extraTokens: vocabularySize - C - 256 });
  g.output(logits, 'logits', 'float32', ['batch_size', 'sequence_length', vocabularySize]);
  return g.toModelBytes('llmap convert ml5-charrnn');
}
