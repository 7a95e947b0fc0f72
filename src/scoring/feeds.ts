import type { Tensor as OrtTensor } from 'onnxruntime-common';
import { LlmapError } from '../core/errors.ts';
import { TARGET_IDS_INPUT } from '../onnx/appendTokenLogProbs.ts';
import { ONNX_FLOAT16, type OnnxModelSummary } from '../onnx/inspectModel.ts';

/** The Tensor constructor of whichever onnxruntime is running (node or web share onnxruntime-common's). */
export type TensorConstructor = typeof OrtTensor;

/**
 * Inputs for one right-padded batch, fed exactly as the graph declares them: input_ids, attention_mask,
 * position_ids = cumsum(mask) − 1, an empty past for every past_key_values.* ([B, heads, 0, head_dim]),
 * num_logits_to_keep = 0 (all positions), use_cache_branch = false — and the next-token targets that
 * appendTokenLogProbs adds. `graph` is the model's own interface, before fusing.
 */
export function buildFeeds(graph: OnnxModelSummary, Tensor: TensorConstructor, idsByText: ReadonlyArray<readonly number[]>): Record<string, OrtTensor> {
  const batchSize = idsByText.length;
  const length = Math.max(...idsByText.map((ids) => ids.length));
  const inputIds = new BigInt64Array(batchSize * length);
  const attentionMask = new BigInt64Array(batchSize * length);
  const positionIds = new BigInt64Array(batchSize * length);
  const targetIds = new BigInt64Array(batchSize * length);
  idsByText.forEach((ids, b) => {
    for (let t = 0; t < ids.length; t++) {
      inputIds[b * length + t] = BigInt(ids[t]);
      attentionMask[b * length + t] = 1n;
      positionIds[b * length + t] = BigInt(t);
      if (t + 1 < ids.length) targetIds[b * length + t] = BigInt(ids[t + 1]);
    }
  });
  const shape = [batchSize, length];
  const feeds: Record<string, OrtTensor> = {};
  for (const input of graph.inputs) {
    const { name } = input;
    if (name === 'input_ids') feeds[name] = new Tensor('int64', inputIds, shape);
    else if (name === 'attention_mask') feeds[name] = new Tensor('int64', attentionMask, shape);
    else if (name === 'position_ids') feeds[name] = new Tensor('int64', positionIds, shape);
    else if (name === 'token_type_ids') feeds[name] = new Tensor('int64', new BigInt64Array(batchSize * length), shape);
    else if (name === 'num_logits_to_keep' || name === 'logits_to_keep') feeds[name] = new Tensor('int64', new BigInt64Array(1), []);
    else if (name === 'use_cache_branch') feeds[name] = new Tensor('bool', new Uint8Array(1), [1]);
    else if (/^past_key_values\.|^past\./.test(name)) {
      const dims = input.dims.map((dim, k) => (k === 0 ? batchSize : typeof dim === 'number' ? dim : 0));
      feeds[name] = input.elementType === ONNX_FLOAT16 ? new Tensor('float16', new Uint16Array(0), dims) : new Tensor('float32', new Float32Array(0), dims);
    } else {
      throw new LlmapError('unsupported-model-type', `The graph needs an input llmap does not know how to feed: "${name}". llmap feeds input_ids, attention_mask, position_ids and an empty past_key_values.*.`, { input: name });
    }
  }
  // The input appendTokenLogProbs adds: the token each position must predict (0 where nothing follows).
  feeds[TARGET_IDS_INPUT] = new Tensor('int64', targetIds, shape);
  return feeds;
}
