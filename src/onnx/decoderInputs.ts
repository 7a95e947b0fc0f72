import type { GraphBuilder } from './graphBuilder.ts';

/*
 * The input and output names and symbolic dims of a decoder graph as Hugging Face Optimum exports them, which is
 * what transformers.js feeds: `input_ids`, `attention_mask`, optionally `position_ids` and
 * `past_key_values.{i}.key|value`; outputs `logits` and `present.{i}.key|value`.
 */

export const BATCH = 'batch_size';
export const SEQUENCE = 'sequence_length';
export const PAST_SEQUENCE = 'past_sequence_length';
export const TOTAL_SEQUENCE = 'past_sequence_length + sequence_length';

export interface DecoderGraphOptions {
  /** Declare `position_ids` and `past_key_values.*` inputs and `present.*` outputs, as Optimum's with-past exports do. */
  kvCache: boolean;
}

export interface DecoderInputs {
  inputIds: string;
  attentionMask: string;
  /** Present when the graph takes `position_ids` (always with a KV cache). */
  positionIds?: string;
  /** Per layer, when the graph takes a KV cache. */
  past?: { key: string; value: string }[];
}

/** Declares the decoder inputs; with `kvCache`, also `position_ids` and per layer `past_key_values.{i}.key|value`. */
export function declareDecoderInputs(
  g: GraphBuilder,
  shape: { layers: number; kvHeads: number; headDim: number; kvCache: boolean },
): DecoderInputs {
  const inputIds = g.input('input_ids', 'int64', [BATCH, SEQUENCE]);
  const attentionMask = g.input('attention_mask', 'int64', [BATCH, TOTAL_SEQUENCE]);
  if (!shape.kvCache) return { inputIds, attentionMask };
  const positionIds = g.input('position_ids', 'int64', [BATCH, SEQUENCE]);
  const past = Array.from({ length: shape.layers }, (_, layer) => ({
    key: g.input(`past_key_values.${layer}.key`, 'float32', [BATCH, shape.kvHeads, PAST_SEQUENCE, shape.headDim]),
    value: g.input(`past_key_values.${layer}.value`, 'float32', [BATCH, shape.kvHeads, PAST_SEQUENCE, shape.headDim]),
  }));
  return { inputIds, attentionMask, positionIds, past };
}

/** Declares `logits` [B,T,V] and, per layer, `present.{i}.key|value` [B,Hkv,S,dh]. */
export function declareDecoderOutputs(
  g: GraphBuilder,
  logits: string,
  vocabSize: number,
  presents: { key: string; value: string }[] | undefined,
  shape: { kvHeads: number; headDim: number },
): void {
  g.output(logits, 'logits', 'float32', [BATCH, SEQUENCE, vocabSize]);
  presents?.forEach((present, layer) => {
    const dims = [BATCH, shape.kvHeads, TOTAL_SEQUENCE, shape.headDim];
    g.output(present.key, `present.${layer}.key`, 'float32', dims);
    g.output(present.value, `present.${layer}.value`, 'float32', dims);
  });
}
