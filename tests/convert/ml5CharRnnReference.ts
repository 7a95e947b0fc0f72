import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * An independent float64 forward pass of an ml5.js charRNN, straight from the ORIGINAL files and the step written in
 * the artifacts' SOURCE.md (TensorFlow BasicLSTMCell, forget_bias 1.0, zero initial state):
 *
 *   z = concat(x, h_l) · kernel + bias;  i, j, f, o = split(z);  c_l = c_l·σ(f + 1) + σ(i)·tanh(j);
 *   h_l = tanh(c_l)·σ(o);  x = h_l;  logits = h_last · softmax_w + softmax_b.
 *
 * It shares no code with src/convert/ml5CharRnn.ts (no ONNX, no tokenizer): the vocabulary fix for Shakespeare is
 * passed in by the test, and llmap's byte-fallback policy is re-implemented here from charTokenizer.ts's comment.
 */

export interface ReferenceCharRnn {
  /** Character → model id, after the caller's key fixes; keys that are not one character are left out. */
  readonly idOfCharacter: ReadonlyMap<string, number>;
  readonly vocabularySize: number;
  readonly hiddenSize: number;
  readonly embedding: Float64Array; // [V, E]
  readonly cells: ReadonlyArray<{ readonly inputSize: number; readonly kernel: Float64Array; readonly bias: Float64Array }>; // [in+H, 4H], [4H]
  readonly softmaxW: Float64Array; // [H, V]
  readonly softmaxB: Float64Array; // [V]
}

/**
 * Reads an ml5 charRNN folder. `keyFixes` renames vocab.json keys (`{ '  ': 'u' }`); without a fix, a key that is not
 * exactly one character matches no character of any text.
 */
export function loadReferenceCharRnn(folder: string, keyFixes: Readonly<Record<string, string>> = {}): ReferenceCharRnn {
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Record<string, { filename: string; shape: number[] }>;
  const variable = (name: string): Float64Array => {
    const entry = manifest[name];
    if (!entry) throw new Error(`reference: manifest has no ${name}`);
    const bytes = readFileSync(join(folder, entry.filename));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Float64Array.from({ length: bytes.byteLength / 4 }, (_, k) => view.getFloat32(4 * k, true));
  };
  const cellName = (layer: number, leaf: 'kernel' | 'bias') => {
    const newName = `rnnlm/multi_rnn_cell/cell_${layer}/basic_lstm_cell/${leaf}`;
    return newName in manifest ? newName : newName.replace(/kernel$/, 'weights').replace(/bias$/, 'biases');
  };
  const embedding = variable('embedding');
  const softmaxB = variable('rnnlm/softmax_b');
  const vocabularySize = softmaxB.length;
  const hiddenSize = manifest['rnnlm/softmax_w'].shape[0];
  const cells = [];
  for (let layer = 0; `rnnlm/multi_rnn_cell/cell_${layer}/basic_lstm_cell/bias` in manifest || `rnnlm/multi_rnn_cell/cell_${layer}/basic_lstm_cell/biases` in manifest; layer++) {
    const kernel = variable(cellName(layer, 'kernel'));
    cells.push({ inputSize: kernel.length / (4 * hiddenSize) - hiddenSize, kernel, bias: variable(cellName(layer, 'bias')) });
  }
  const vocab = JSON.parse(readFileSync(join(folder, 'vocab.json'), 'utf8')) as Record<string, number>;
  const idOfCharacter = new Map<string, number>();
  for (const [key, id] of Object.entries(vocab)) {
    const character = keyFixes[key] ?? key;
    if ([...character].length === 1) idOfCharacter.set(character, id);
  }
  return { idOfCharacter, vocabularySize, hiddenSize, embedding, cells, softmaxW: variable('rnnlm/softmax_w'), softmaxB };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Log-softmax over the model's characters after each input id, from the zero state: row t predicts what follows input t. */
export function referenceLogProbs(model: ReferenceCharRnn, inputIds: readonly number[]): Float64Array[] {
  const H = model.hiddenSize;
  const V = model.vocabularySize;
  const h = model.cells.map(() => new Float64Array(H));
  const c = model.cells.map(() => new Float64Array(H));
  const rows: Float64Array[] = [];
  for (const id of inputIds) {
    const E = model.cells[0].inputSize;
    let x: Float64Array = model.embedding.subarray(id * E, (id + 1) * E);
    model.cells.forEach((cell, l) => {
      const z = Float64Array.from(cell.bias);
      const rowInput = (r: number) => (r < cell.inputSize ? x[r] : h[l][r - cell.inputSize]);
      for (let r = 0; r < cell.inputSize + H; r++) {
        const value = rowInput(r);
        if (value === 0) continue;
        const offset = r * 4 * H;
        for (let k = 0; k < 4 * H; k++) z[k] += value * cell.kernel[offset + k];
      }
      for (let k = 0; k < H; k++) {
        const [i, j, f, o] = [z[k], z[H + k], z[2 * H + k], z[3 * H + k]];
        c[l][k] = c[l][k] * sigmoid(f + 1.0) + sigmoid(i) * Math.tanh(j);
        h[l][k] = Math.tanh(c[l][k]) * sigmoid(o);
      }
      x = h[l];
    });
    const logits = Float64Array.from(model.softmaxB);
    for (let r = 0; r < H; r++) for (let v = 0; v < V; v++) logits[v] += x[r] * model.softmaxW[r * V + v];
    let largest = -Infinity;
    for (const value of logits) largest = Math.max(largest, value);
    let sum = 0;
    for (const value of logits) sum += Math.exp(value - largest);
    const logNormaliser = largest + Math.log(sum);
    rows.push(logits.map((value) => value - logNormaliser));
  }
  return rows;
}

/**
 * SOURCE.md's reference figure: the mean log-loss (nats) of each next character, feeding the text's characters from
 * the zero state; characters outside the vocabulary are dropped first ("dropped as unknown").
 */
export function referenceMeanNextCharLossNats(model: ReferenceCharRnn, text: string): number {
  const ids = [...text].filter((character) => model.idOfCharacter.has(character)).map((character) => model.idOfCharacter.get(character)!);
  const rows = referenceLogProbs(model, ids.slice(0, -1));
  let loss = 0;
  for (let t = 1; t < ids.length; t++) loss -= rows[t - 1][ids[t]];
  return loss / (ids.length - 1);
}

/**
 * llmap's log-likelihood of a text under the byte-fallback policy, computed without ONNX or a tokenizer: tokens are
 * a BOS, then each code point of the text if the model has it, else its UTF-8 bytes. A byte token has probability
 * fallbackMass/256; a character (1 − fallbackMass)·p_model. The BOS and byte tokens are fed to the LSTM as the
 * `neutralCharacter`. The BOS itself is not scored (the paper's first token), so every character of the text is.
 */
export function referenceByteFallbackLogLikelihood(
  model: ReferenceCharRnn,
  text: string,
  options: { fallbackMass: number; neutralCharacter: string },
): { logLikelihoodNats: number; numTokens: number } {
  const neutralId = model.idOfCharacter.get(options.neutralCharacter)!;
  const tokens: Array<{ kind: 'character'; id: number } | { kind: 'byte' }> = [];
  for (const character of text) {
    const id = model.idOfCharacter.get(character);
    if (id !== undefined) tokens.push({ kind: 'character', id });
    else for (let k = 0; k < new TextEncoder().encode(character).length; k++) tokens.push({ kind: 'byte' });
  }
  const inputs = [neutralId, ...tokens.slice(0, -1).map((token) => (token.kind === 'character' ? token.id : neutralId))];
  const rows = referenceLogProbs(model, inputs);
  let logLikelihoodNats = 0;
  tokens.forEach((token, t) => {
    logLikelihoodNats += token.kind === 'character' ? Math.log1p(-options.fallbackMass) + rows[t][token.id] : Math.log(options.fallbackMass / 256);
  });
  return { logLikelihoodNats, numTokens: tokens.length + 1 };
}
