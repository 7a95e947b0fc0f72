export {
  GraphBuilder,
  IR_VERSION,
  OPSET_VERSION,
  floatTensor,
  int64Tensor,
  type AttributeValue,
  type Attributes,
  type Dimension,
  type ElementType,
  type TensorValue,
} from './graphBuilder.ts';
export {
  MASKED_SCORE,
  alibiBias,
  alibiSlopes,
  applyRope,
  attention,
  causalMaskBias,
  defaultPositionIds,
  dimension,
  geluTanh,
  layerNorm,
  linear,
  mergeHeads,
  repeatKvHeads,
  rmsNorm,
  ropeTables,
  scalar,
  silu,
  splitHeads,
  unsqueeze,
  type AttentionOptions,
  type AttentionResult,
  type RopeTables,
} from './layers.ts';
export {
  declareDecoderInputs,
  declareDecoderOutputs,
  type DecoderGraphOptions,
  type DecoderInputs,
} from './decoderInputs.ts';
export {
  buildGpt2Model,
  type Gpt2LayerWeights,
  type Gpt2Positions,
  type Gpt2Shape,
  type Gpt2Weights,
} from './gpt2Graph.ts';
export { byteFallbackFloorLogits, NEVER_PREDICTED_LOGIT } from './byteFallbackFloor.ts';
export { buildLlamaModel, type LlamaLayerWeights, type LlamaShape, type LlamaWeights } from './llamaGraph.ts';
export { buildBigramModel } from './bigramGraph.ts';
