/*
 * llama2.c's forward pass, straight from run.c (`read_checkpoint`, `memory_map_weights`, `forward`), in float64
 * over the .bin's own [out, in] float32 layout: interleaved-pair RoPE, RMSNorm, grouped-query attention with a KV
 * cache, SwiGLU, tied or separate classifier. The reference the converted ONNX is checked against; nothing here is
 * shared with src/convert/llama2c.ts.
 */

export interface Llama2cModel {
  readonly dim: number;
  readonly hiddenDim: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly tensors: {
    tokenEmbedding: Float32Array;
    rmsAtt: Float32Array;
    wq: Float32Array;
    wk: Float32Array;
    wv: Float32Array;
    wo: Float32Array;
    rmsFfn: Float32Array;
    w1: Float32Array;
    w2: Float32Array;
    w3: Float32Array;
    rmsFinal: Float32Array;
    wcls: Float32Array;
  };
}

/** run.c `read_checkpoint` + `memory_map_weights` for a legacy (version 0) checkpoint. */
export function readLlama2cModel(bytes: Uint8Array): Llama2cModel {
  const header = new Int32Array(bytes.slice(0, 28).buffer);
  const [dim, hiddenDim, layers, heads, kvHeads, signedVocab, seqLen] = header;
  const vocabSize = Math.abs(signedVocab);
  const floats = new Float32Array(bytes.slice(28).buffer);
  const headSize = dim / heads;
  let p = 0;
  const next = (count: number) => floats.subarray(p, (p += count));
  const tokenEmbedding = next(vocabSize * dim);
  const rmsAtt = next(layers * dim);
  const wq = next(layers * dim * heads * headSize);
  const wk = next(layers * dim * kvHeads * headSize);
  const wv = next(layers * dim * kvHeads * headSize);
  const wo = next(layers * heads * headSize * dim);
  const rmsFfn = next(layers * dim);
  const w1 = next(layers * dim * hiddenDim);
  const w2 = next(layers * hiddenDim * dim);
  const w3 = next(layers * dim * hiddenDim);
  const rmsFinal = next(dim);
  p += (seqLen * headSize) / 2; // freq_cis_real
  p += (seqLen * headSize) / 2; // freq_cis_imag
  const wcls = signedVocab > 0 ? tokenEmbedding : next(vocabSize * dim);
  if (p !== floats.length) throw new Error(`checkpoint: read ${p} floats of ${floats.length}`);
  return { dim, hiddenDim, layers, heads, kvHeads, vocabSize, seqLen, tensors: { tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, wcls } };
}

function rmsnorm(x: Float64Array, weight: Float32Array): Float64Array {
  let ss = 0;
  for (const value of x) ss += value * value;
  const scale = 1 / Math.sqrt(ss / x.length + 1e-5);
  return Float64Array.from(x, (value, j) => weight[j] * (scale * value));
}

/** W (d,n) @ x (n,) → (d,), W row-major as run.c's `matmul`. */
function matmul(x: Float64Array, w: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += w[i * n + j] * x[j];
    out[i] = sum;
  }
  return out;
}

/** A run.c `forward` state: the KV cache of the positions seen so far. */
export interface Llama2cState {
  readonly model: Llama2cModel;
  readonly keyCache: Float64Array[][]; // [layer][pos] → kvDim
  readonly valueCache: Float64Array[][];
}

export function newLlama2cState(model: Llama2cModel): Llama2cState {
  return { model, keyCache: Array.from({ length: model.layers }, () => []), valueCache: Array.from({ length: model.layers }, () => []) };
}

/** run.c `forward(transformer, token, pos)` with pos = the number of tokens already fed: logits (vocab,). */
export function llama2cForward(state: Llama2cState, token: number): Float64Array {
  const { model } = state;
  const { dim, hiddenDim, heads, kvHeads, vocabSize } = model;
  const w = model.tensors;
  const headSize = dim / heads;
  const kvDim = (dim * kvHeads) / heads;
  const kvMul = heads / kvHeads;
  const pos = state.keyCache[0].length;
  const x = Float64Array.from(w.tokenEmbedding.subarray(token * dim, (token + 1) * dim));
  for (let l = 0; l < model.layers; l++) {
    const xb = rmsnorm(x, w.rmsAtt.subarray(l * dim, (l + 1) * dim));
    const q = matmul(xb, w.wq.subarray(l * dim * dim), dim, dim);
    const k = matmul(xb, w.wk.subarray(l * dim * kvDim), dim, kvDim);
    const v = matmul(xb, w.wv.subarray(l * dim * kvDim), dim, kvDim);
    for (let i = 0; i < dim; i += 2) {
      const headDim = i % headSize;
      const freq = 1 / Math.pow(10000, headDim / headSize);
      const angle = pos * freq;
      const fcr = Math.cos(angle);
      const fci = Math.sin(angle);
      for (const vec of i < kvDim ? [q, k] : [q]) {
        const v0 = vec[i];
        const v1 = vec[i + 1];
        vec[i] = v0 * fcr - v1 * fci;
        vec[i + 1] = v0 * fci + v1 * fcr;
      }
    }
    state.keyCache[l].push(k);
    state.valueCache[l].push(v);
    const attended = new Float64Array(dim);
    for (let h = 0; h < heads; h++) {
      const kvOffset = Math.floor(h / kvMul) * headSize;
      const scores = new Float64Array(pos + 1);
      for (let t = 0; t <= pos; t++) {
        let score = 0;
        for (let i = 0; i < headSize; i++) score += q[h * headSize + i] * state.keyCache[l][t][kvOffset + i];
        scores[t] = score / Math.sqrt(headSize);
      }
      const max = Math.max(...scores);
      let sum = 0;
      for (let t = 0; t <= pos; t++) sum += scores[t] = Math.exp(scores[t] - max);
      for (let t = 0; t <= pos; t++) {
        const a = scores[t] / sum;
        for (let i = 0; i < headSize; i++) attended[h * headSize + i] += a * state.valueCache[l][t][kvOffset + i];
      }
    }
    const out = matmul(attended, w.wo.subarray(l * dim * dim), dim, dim);
    for (let i = 0; i < dim; i++) x[i] += out[i];
    const xb2 = rmsnorm(x, w.rmsFfn.subarray(l * dim, (l + 1) * dim));
    const hb = matmul(xb2, w.w1.subarray(l * dim * hiddenDim), dim, hiddenDim);
    const hb2 = matmul(xb2, w.w3.subarray(l * dim * hiddenDim), dim, hiddenDim);
    for (let i = 0; i < hiddenDim; i++) hb[i] = (hb[i] / (1 + Math.exp(-hb[i]))) * hb2[i];
    const down = matmul(hb, w.w2.subarray(l * hiddenDim * dim), hiddenDim, dim);
    for (let i = 0; i < dim; i++) x[i] += down[i];
  }
  return matmul(rmsnorm(x, w.rmsFinal), w.wcls, dim, vocabSize);
}

/** Σ_{t≥1} log p(ids[t] | ids[<t]) in nats: the paper's rule (the first token is never scored). */
export function llama2cLogLikelihood(model: Llama2cModel, ids: readonly number[]): number {
  const state = newLlama2cState(model);
  let total = 0;
  for (let t = 0; t + 1 < ids.length; t++) {
    const logits = llama2cForward(state, ids[t]);
    const max = Math.max(...logits);
    let sum = 0;
    for (const value of logits) sum += Math.exp(value - max);
    total += logits[ids[t + 1]] - max - Math.log(sum);
  }
  return total;
}

/** run.c `generate` at temperature 0: argmax from BOS for `steps` tokens (BOS included), stopping at BOS. */
export function llama2cGreedy(model: Llama2cModel, steps: number): number[] {
  const state = newLlama2cState(model);
  const ids = [1];
  while (ids.length < steps) {
    const logits = llama2cForward(state, ids[ids.length - 1]);
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    if (best === 1) break;
    ids.push(best);
  }
  return ids;
}
