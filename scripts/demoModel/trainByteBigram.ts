import { BYTE_SPECIAL_IDS, BYTE_VOCABULARY_SIZE } from '../../src/convert/byteTokenizer.ts';

/**
 * Trains an add-α smoothed byte bigram model: p(b | a) = (c(a, b) + α) / (c(a) + α·V) over the byte tokenizer's
 * V = 259 ids. Every document starts after `<|bos|>`, as the tokenizer encodes texts, so the `<|bos|>` row is the
 * distribution of first bytes. Rows never seen as a previous token (`<|eos|>`, `<|pad|>`) come out uniform.
 */
export interface ByteBigram {
  /** log p(next | previous), V × V row-major (previous token by next token), float32 for the ONNX table. */
  readonly logProbsByPrevious: Float32Array;
  readonly vocabularySize: number;
  /** Transitions counted (bytes of all documents). */
  readonly transitions: number;
}

export function trainByteBigram(documents: readonly Uint8Array[], alpha: number): ByteBigram {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`add-α smoothing needs a finite α > 0; got ${alpha}`);
  const V = BYTE_VOCABULARY_SIZE;
  const counts = new Float64Array(V * V);
  let transitions = 0;
  for (const document of documents) {
    let previous: number = BYTE_SPECIAL_IDS.bos;
    for (const byte of document) {
      counts[previous * V + byte]++;
      previous = byte;
      transitions++;
    }
  }
  const logProbsByPrevious = new Float32Array(V * V);
  for (let a = 0; a < V; a++) {
    let rowTotal = 0;
    for (let b = 0; b < V; b++) rowTotal += counts[a * V + b];
    const logDenominator = Math.log(rowTotal + alpha * V);
    for (let b = 0; b < V; b++) logProbsByPrevious[a * V + b] = Math.log(counts[a * V + b] + alpha) - logDenominator;
  }
  return { logProbsByPrevious, vocabularySize: V, transitions };
}

/** log p of a text under the bigram, the first token (`<|bos|>`) unscored: what llmap's scorer must give. */
export function bigramLogLikelihoodNats(model: ByteBigram, text: Uint8Array): number {
  let previous: number = BYTE_SPECIAL_IDS.bos;
  let total = 0;
  for (const byte of text) {
    total += model.logProbsByPrevious[previous * model.vocabularySize + byte];
    previous = byte;
  }
  return total;
}
