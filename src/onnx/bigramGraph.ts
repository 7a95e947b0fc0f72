import { declareDecoderInputs, declareDecoderOutputs } from './decoderInputs.ts';
import { GraphBuilder } from './graphBuilder.ts';

/**
 * A bigram language model as a causal decoder graph: `logits[b, t, :] = table[input_ids[b, t], :]`, one Gather from
 * a [V, V] table of log p(next | previous). The graph declares `input_ids` and `attention_mask` [B, S] like any
 * Optimum export (the mask is not needed: a bigram looks at one token) and returns `logits` [B, T, V]. Rows that are
 * log-probabilities stay log-probabilities under the scorer's log-softmax.
 */
export function buildBigramModel(logProbsByPrevious: Float32Array, vocabSize: number): Uint8Array {
  if (logProbsByPrevious.length !== vocabSize * vocabSize) {
    throw new Error(`bigram graph: the table holds ${logProbsByPrevious.length} values, but a vocabulary of ${vocabSize} needs ${vocabSize * vocabSize}`);
  }
  const g = new GraphBuilder('bigram');
  const io = declareDecoderInputs(g, { layers: 0, kvHeads: 0, headDim: 0, kvCache: false });
  const table = g.weight('bigram.log_probs', logProbsByPrevious, [vocabSize, vocabSize]);
  const logits = g.op('Gather', [table, io.inputIds], { axis: { int: 0 } });
  declareDecoderOutputs(g, logits, vocabSize, undefined, { kvHeads: 0, headDim: 0 });
  return g.toModelBytes();
}
