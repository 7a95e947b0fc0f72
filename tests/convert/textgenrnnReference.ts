/**
 * An independent float64 forward pass of a textgenrnn model from its ORIGINAL Keras HDF5 weights, written from the
 * artifacts' SOURCE.md (not from src/convert/textgenrnn.ts): the CuDNNLSTM weights are converted literally as Keras'
 * `convert_lstm_weights` does, with numpy-like helpers (hsplit, transpose, Fortran-order reshape, hstack), and the
 * cell, attention and softmax follow the Keras layers step by step.
 */
import h5wasm from 'h5wasm';

export const WINDOW = 40;

/** A row-major (numpy C-order) float64 matrix. */
interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

const matrix = (rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Matrix => ({ rows, cols, data });
const at = (m: Matrix, r: number, c: number) => m.data[r * m.cols + c];

function hsplit(m: Matrix, parts: number): Matrix[] {
  const cols = m.cols / parts;
  return Array.from({ length: parts }, (_, p) => {
    const out = matrix(m.rows, cols);
    for (let r = 0; r < m.rows; r++) for (let c = 0; c < cols; c++) out.data[r * cols + c] = at(m, r, p * cols + c);
    return out;
  });
}

function hstack(parts: readonly Matrix[]): Matrix {
  const cols = parts.reduce((sum, part) => sum + part.cols, 0);
  const out = matrix(parts[0].rows, cols);
  let offset = 0;
  for (const part of parts) {
    for (let r = 0; r < part.rows; r++) for (let c = 0; c < part.cols; c++) out.data[r * cols + offset + c] = at(part, r, c);
    offset += part.cols;
  }
  return out;
}

function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) out.data[c * m.rows + r] = at(m, r, c);
  return out;
}

/** numpy `m.reshape((rows, cols), order='F')`: read m column by column, write the result column by column. */
function reshapeFortran(m: Matrix, rows: number, cols: number): Matrix {
  const out = matrix(rows, cols);
  for (let k = 0; k < rows * cols; k++) out.data[(k % rows) * cols + Math.floor(k / rows)] = at(m, k % m.rows, Math.floor(k / m.rows));
  return out;
}

/** Every float dataset of an HDF5 file by full path (h5wasm), as float64. */
export async function readDatasets(bytes: Uint8Array): Promise<Map<string, { shape: number[]; data: Float64Array }>> {
  const { FS } = await h5wasm.ready;
  const name = `reference-${Math.random().toString(36).slice(2)}.h5`;
  FS.writeFile(name, bytes);
  const file = new h5wasm.File(name, 'r');
  const out = new Map<string, { shape: number[]; data: Float64Array }>();
  try {
    for (const path of file.paths()) {
      const entity = file.get(path);
      if (entity instanceof h5wasm.Dataset && entity.value instanceof Float32Array) out.set(path.replace(/^\/?/, '/'), { shape: entity.shape ?? [], data: Float64Array.from(entity.value) });
    }
  } finally {
    file.close();
    FS.unlink(name);
  }
  return out;
}

interface KerasLstm {
  /** Transposed for row-contiguous dot products: kernelT [4H, in], recurrentT [4H, H] (gate order i, f, c, o). */
  readonly kernelT: Matrix;
  readonly recurrentT: Matrix;
  readonly bias: Float64Array;
  readonly units: number;
}

export interface ReferenceModel {
  readonly embedding: Matrix; // [V, E]
  readonly lstm1: KerasLstm;
  readonly lstm2: KerasLstm;
  readonly attentionW: Float64Array; // [F]
  readonly outputKernelT: Matrix; // [V, F]
  readonly outputBias: Float64Array;
  readonly vocabularySize: number;
}

/**
 * `cudnnConversion: false` loads the CuDNN tensors as if they were a plain Keras LSTM's (kernel and recurrent kernel
 * as stored, bias = the sum of the halves): the mistake SOURCE.md warns about.
 */
export function referenceModel(datasets: Map<string, { shape: number[]; data: Float64Array }>, options: { cudnnConversion: boolean }): ReferenceModel {
  const get = (outer: string, leaf: string) => {
    const hits = [...datasets].filter(([path]) => path.split('/')[1] === outer && path.split('/').at(-1) === leaf);
    if (hits.length !== 1) throw new Error(`expected one ${outer}/*/${leaf}, found ${hits.length}`);
    return hits[0][1];
  };
  const asMatrix = (tensor: { shape: number[]; data: Float64Array }) => matrix(tensor.shape[0], tensor.shape[1] ?? 1, tensor.data);
  const lstm = (outer: string): KerasLstm => {
    const kernel = asMatrix(get(outer, 'kernel:0'));
    const recurrent = asMatrix(get(outer, 'recurrent_kernel:0'));
    const cudnnBias = get(outer, 'bias:0').data;
    const units = recurrent.rows;
    // Keras 2 saving.py convert_lstm_weights(weights, from_cudnn=True).
    const convertedKernel = options.cudnnConversion ? hstack(hsplit(kernel, 4).map((k) => reshapeFortran(transpose(k), k.rows, k.cols))) : kernel;
    const convertedRecurrent = options.cudnnConversion ? hstack(hsplit(recurrent, 4).map(transpose)) : recurrent;
    const bias = Float64Array.from({ length: 4 * units }, (_, j) => cudnnBias[j] + cudnnBias[4 * units + j]);
    return { kernelT: transpose(convertedKernel), recurrentT: transpose(convertedRecurrent), bias, units };
  };
  const embedding = asMatrix(get('embedding', 'embeddings:0'));
  return {
    embedding,
    lstm1: lstm('rnn_1'),
    lstm2: lstm('rnn_2'),
    attentionW: get('attention', 'attention_W:0').data,
    outputKernelT: transpose(asMatrix(get('output', 'kernel:0'))),
    outputBias: get('output', 'bias:0').data,
    vocabularySize: embedding.rows,
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x·K + b for each of the V embedding rows, cached: layer 1's input projection depends only on the token id. */
const projectionCache = new WeakMap<ReferenceModel, Map<number, Float64Array>>();

function projectInput(layer: KerasLstm, x: Float64Array): Float64Array {
  const { kernelT, bias } = layer;
  const z = new Float64Array(kernelT.rows);
  for (let j = 0; j < kernelT.rows; j++) {
    let sum = bias[j];
    const offset = j * kernelT.cols;
    for (let k = 0; k < kernelT.cols; k++) sum += kernelT.data[offset + k] * x[k];
    z[j] = sum;
  }
  return z;
}

/**
 * Keras LSTM (return_sequences) from a zero state, given each step's input projection x·K + b:
 * z = x·K + h·U + b; c = σ(f)·c + σ(i)·tanh(c̃); h = σ(o)·tanh(c), gates in the order i, f, c̃, o.
 */
function runLstm(layer: KerasLstm, projections: readonly Float64Array[]): Float64Array[] {
  const H = layer.units;
  const U = layer.recurrentT.data;
  const c = new Float64Array(H);
  const z = new Float64Array(4 * H);
  const states: Float64Array[] = [];
  for (let t = 0; t < projections.length; t++) {
    const h = t === 0 ? new Float64Array(H) : states[t - 1];
    const projection = projections[t];
    for (let j = 0; j < 4 * H; j++) {
      let sum = projection[j];
      const offset = j * H;
      for (let k = 0; k < H; k++) sum += U[offset + k] * h[k];
      z[j] = sum;
    }
    const next = new Float64Array(H);
    for (let u = 0; u < H; u++) {
      c[u] = sigmoid(z[H + u]) * c[u] + sigmoid(z[u]) * Math.tanh(z[2 * H + u]);
      next[u] = sigmoid(z[3 * H + u]) * Math.tanh(c[u]);
    }
    states.push(next);
  }
  return states;
}

/** Results by window, per model: both protocols below and repeated windows reuse them. */
const windowCache = new WeakMap<ReferenceModel, Map<string, Float64Array>>();

/** log softmax over the V classes of the next token after `window` (exactly 40 model ids, left-padded with 0). */
export function nextTokenLogProbs(model: ReferenceModel, window: readonly number[]): Float64Array {
  if (window.length !== WINDOW) throw new Error(`window of ${window.length}`);
  if (!windowCache.has(model)) windowCache.set(model, new Map());
  const key = window.join(',');
  const cached = windowCache.get(model)!.get(key);
  if (cached) return cached;
  const logProbs = forward(model, window);
  windowCache.get(model)!.set(key, logProbs);
  return logProbs;
}

function forward(model: ReferenceModel, window: readonly number[]): Float64Array {
  if (!projectionCache.has(model)) projectionCache.set(model, new Map());
  const cache = projectionCache.get(model)!;
  const embedded = window.map((id) => model.embedding.data.subarray(id * model.embedding.cols, (id + 1) * model.embedding.cols));
  const projections1 = window.map((id, t) => {
    if (!cache.has(id)) cache.set(id, projectInput(model.lstm1, embedded[t]));
    return cache.get(id)!;
  });
  const h1 = runLstm(model.lstm1, projections1);
  const h2 = runLstm(model.lstm2, h1.map((x) => projectInput(model.lstm2, x)));
  const features = embedded.map((e, t) => {
    const x = new Float64Array(e.length + h1[t].length + h2[t].length);
    x.set(e);
    x.set(h1[t], e.length);
    x.set(h2[t], e.length + h1[t].length);
    return x;
  });
  // DeepMoji AttentionWeightedAverage: a_t = exp(s_t − max s) / (Σ exp(s − max s) + K.epsilon()), s_t = x_t·W.
  const scores = features.map((x) => {
    let score = 0;
    for (let k = 0; k < x.length; k++) score += x[k] * model.attentionW[k];
    return score;
  });
  const largest = Math.max(...scores);
  const exps = scores.map((score) => Math.exp(score - largest));
  const total = exps.reduce((a, b) => a + b, 0) + 1e-7;
  const pooled = new Float64Array(features[0].length);
  features.forEach((x, t) => {
    for (let k = 0; k < x.length; k++) pooled[k] += (x[k] * exps[t]) / total;
  });
  // Dense + softmax, as log-probabilities.
  const out = Float64Array.from({ length: model.vocabularySize }, (_, v) => {
    let sum = model.outputBias[v];
    for (let k = 0; k < pooled.length; k++) sum += model.outputKernelT.data[v * pooled.length + k] * pooled[k];
    return sum;
  });
  const top = Math.max(...out);
  const logSum = Math.log(out.reduce((sum, value) => sum + Math.exp(value - top), 0)) + top;
  return out.map((value) => value - logSum);
}

const windowEndingAt = (ids: readonly number[], t: number) => Array.from({ length: WINDOW }, (_, k) => (t - WINDOW + 1 + k >= 0 ? ids[t - WINDOW + 1 + k] : 0));

/** textgenrnn_vocab.json → character → model id. */
export function vocabularyOf(vocabJson: string): Map<string, number> {
  return new Map(Object.entries(JSON.parse(vocabJson) as Record<string, number>));
}

/**
 * SOURCE.md's check: tokens = [<s>] + characters + [<s>], each predicted from the previous 40 (full softmax over all
 * classes); the mean next-token loss in nats. Every character must be in the vocabulary.
 */
export function meanLossNatsPerToken(model: ReferenceModel, vocabulary: Map<string, number>, text: string): number {
  const meta = vocabulary.get('<s>')!;
  const ids = [meta, ...[...text].map((character) => vocabulary.get(character) ?? fail(character)), meta];
  let loss = 0;
  for (let t = 1; t < ids.length; t++) loss -= nextTokenLogProbs(model, windowEndingAt(ids, t - 1))[ids[t]];
  return loss / (ids.length - 1);
}

const fail = (character: string): never => {
  throw new Error(`${JSON.stringify(character)} is not in the vocabulary`);
};

/**
 * llmap's protocol for a converted textgenrnn, written out: [<s>] then each character, or its UTF-8 bytes when outside
 * the vocabulary (input id 0, probability fallbackMass/256 each); a character's log-probability is
 * log(1 − fallbackMass) + its log-softmax over the characters only (pad and <s> excluded); no trailing <s>.
 */
export function llmapLogLikelihood(model: ReferenceModel, vocabulary: Map<string, number>, text: string, fallbackMass: number): { logLikelihoodNats: number; numTokens: number } {
  const meta = vocabulary.get('<s>')!;
  const ids: number[] = [meta];
  const known: boolean[] = [true];
  for (const character of text) {
    const id = vocabulary.get(character);
    if (id !== undefined && id !== meta) {
      ids.push(id);
      known.push(true);
    } else {
      for (let b = 0; b < new TextEncoder().encode(character).length; b++) {
        ids.push(0);
        known.push(false);
      }
    }
  }
  let logLikelihoodNats = 0;
  for (let t = 1; t < ids.length; t++) {
    if (!known[t]) {
      logLikelihoodNats += Math.log(fallbackMass / 256);
      continue;
    }
    const logProbs = nextTokenLogProbs(model, windowEndingAt(ids, t - 1));
    let characterMass = 0;
    for (let v = 1; v < meta; v++) characterMass += Math.exp(logProbs[v]);
    logLikelihoodNats += Math.log1p(-fallbackMass) + logProbs[ids[t]] - Math.log(characterMass);
  }
  return { logLikelihoodNats, numTokens: ids.length };
}
