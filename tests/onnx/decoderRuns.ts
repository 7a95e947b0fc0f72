import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

/*
 * Test helpers: run a decoder graph on onnxruntime-node or onnxruntime-web (wasm, in Node) with a right-padded
 * batch, the feeds transformers.js would build (position_ids = cumsum(mask) − 1, 1 at padding; empty past
 * [B,Hkv,0,dh]), and compare logits with the plain-TS reference.
 */

export type RuntimeName = 'onnxruntime-node' | 'onnxruntime-web';

export interface PlainTensor {
  type: 'int64' | 'float32';
  data: BigInt64Array | Float32Array;
  dims: readonly number[];
}

export interface DecoderSession {
  inputNames: readonly string[];
  run(feeds: Record<string, PlainTensor>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
  release(): Promise<void>;
}

export async function createSession(runtime: RuntimeName, modelBytes: Uint8Array): Promise<DecoderSession> {
  if (runtime === 'onnxruntime-web') ortWeb.env.wasm.numThreads = 1;
  const ort = runtime === 'onnxruntime-node' ? ortNode : ortWeb;
  const session = await ort.InferenceSession.create(modelBytes, {
    intraOpNumThreads: 1,
  } as ortNode.InferenceSession.SessionOptions);
  return {
    inputNames: session.inputNames,
    async run(feeds) {
      const tensors = Object.fromEntries(
        Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data as Float32Array, [...t.dims])]),
      );
      const outputs = await session.run(tensors as Record<string, ortNode.Tensor & ortWeb.Tensor>);
      return Object.fromEntries(
        Object.entries(outputs).map(([name, t]) => [name, { data: t.data as Float32Array, dims: t.dims }]),
      );
    },
    release: () => session.release(),
  };
}

export interface CacheShape {
  layers: number;
  kvHeads: number;
  headDim: number;
}

/** Right-pads rows of ids into input_ids and attention_mask [B, T]. */
export function paddedBatch(
  rows: readonly (readonly number[])[],
  padId: number,
): { inputIds: PlainTensor; attentionMask: PlainTensor; length: number } {
  const length = Math.max(...rows.map((row) => row.length));
  const ids = new BigInt64Array(rows.length * length).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, b) =>
    row.forEach((id, t) => {
      ids[b * length + t] = BigInt(id);
      mask[b * length + t] = 1n;
    }),
  );
  const dims = [rows.length, length];
  return { inputIds: { type: 'int64', data: ids, dims }, attentionMask: { type: 'int64', data: mask, dims }, length };
}

/** cumsum(mask) − 1 over the last `newLength` positions, 1 where the mask is 0 (transformers.js's rule). */
export function positionIds(attentionMask: PlainTensor, newLength: number): PlainTensor {
  const [B, S] = attentionMask.dims;
  const out = new BigInt64Array(B * newLength);
  const mask = attentionMask.data as BigInt64Array;
  for (let b = 0; b < B; b++) {
    let sum = 0n;
    for (let s = 0; s < S; s++) {
      sum += mask[b * S + s];
      const t = s - (S - newLength);
      if (t >= 0) out[b * newLength + t] = mask[b * S + s] === 0n ? 1n : sum - 1n;
    }
  }
  return { type: 'int64', data: out, dims: [B, newLength] };
}

/** Empty past tensors [B, Hkv, 0, dh] for every layer. */
export function emptyPast(batch: number, cache: CacheShape): Record<string, PlainTensor> {
  const feeds: Record<string, PlainTensor> = {};
  for (let i = 0; i < cache.layers; i++) {
    for (const part of ['key', 'value']) {
      feeds[`past_key_values.${i}.${part}`] = {
        type: 'float32',
        data: new Float32Array(0),
        dims: [batch, cache.kvHeads, 0, cache.headDim],
      };
    }
  }
  return feeds;
}

/** The feeds for one forward over a padded batch: position_ids and empty past only if the graph takes them. */
export function firstStepFeeds(
  session: DecoderSession,
  rows: readonly (readonly number[])[],
  padId: number,
  cache: CacheShape,
): Record<string, PlainTensor> {
  const { inputIds, attentionMask, length } = paddedBatch(rows, padId);
  const feeds: Record<string, PlainTensor> = { input_ids: inputIds, attention_mask: attentionMask };
  if (session.inputNames.includes('position_ids')) feeds.position_ids = positionIds(attentionMask, length);
  if (session.inputNames.includes('past_key_values.0.key')) Object.assign(feeds, emptyPast(rows.length, cache));
  return feeds;
}

/** Rows [t, V] of logits [B, T, V] for batch row b and positions 0…count−1. */
export function logitsRows(
  logits: { data: Float32Array; dims: readonly number[] },
  b: number,
  from: number,
  count: number,
): Float32Array {
  const [, T, V] = logits.dims;
  return logits.data.subarray((b * T + from) * V, (b * T + from + count) * V);
}

export function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`lengths differ: ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
  return worst;
}
