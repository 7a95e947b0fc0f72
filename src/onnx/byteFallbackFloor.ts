import { floatTensor, int64Tensor, type GraphBuilder } from './graphBuilder.ts';
import { scalar } from './layers.ts';

/** The log-probability given to special tokens a converted model never predicts (BOS): exp(−1e4) is 0 in float32. */
export const NEVER_PREDICTED_LOGIT = -1e4;

/**
 * Widens a character model's logits [B, T, C] to [B, T, C + 256 + extraTokens] for the byte-fallback policy of
 * `src/convert/charTokenizer.ts`: log p(char) = log(1 − fallbackMass) + log_softmax(logits), log p(byte) =
 * log(fallbackMass / 256) for each of the 256 byte tokens, and NEVER_PREDICTED_LOGIT for the extra (special) tokens.
 * The result is already normalised, so its log-softmax is itself.
 */
export function byteFallbackFloorLogits(g: GraphBuilder, logits: string, options: { fallbackMass: number; extraTokens: number }): string {
  const { fallbackMass, extraTokens } = options;
  if (!(fallbackMass > 0 && fallbackMass < 1)) throw new Error(`the byte-fallback mass must lie in (0, 1); got ${fallbackMass}`);
  const characters = g.op('Add', [g.op('LogSoftmax', [logits], { axis: { int: -1 } }), scalar(g, Math.log1p(-fallbackMass))]);
  const batchAndTime = g.op('Slice', [g.op('Shape', [logits]), g.constant(int64Tensor([0]), 'start'), g.constant(int64Tensor([2]), 'end')]);
  const filled = (width: number, value: number) =>
    g.op('ConstantOfShape', [g.op('Concat', [batchAndTime, g.constant(int64Tensor([width]), 'width')], { axis: { int: 0 } })], {
      value: { tensor: floatTensor([value], [1]) },
    });
  const parts = [characters, filled(256, Math.log(fallbackMass / 256))];
  if (extraTokens > 0) parts.push(filled(extraTokens, NEVER_PREDICTED_LOGIT));
  return g.op('Concat', parts, { axis: { int: -1 } });
}
