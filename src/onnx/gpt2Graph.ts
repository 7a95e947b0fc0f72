import { declareDecoderInputs, declareDecoderOutputs, type DecoderGraphOptions } from './decoderInputs.ts';
import { GraphBuilder, int64Tensor } from './graphBuilder.ts';
import {
  alibiBias,
  attention,
  causalMaskBias,
  defaultPositionIds,
  geluTanh,
  layerNorm,
  linear,
  splitHeads,
} from './layers.ts';

/** The sizes of a GPT-2 layout decoder (pre-LayerNorm blocks, GELU-tanh MLP). */
export interface Gpt2Shape {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  /** MLP width; GPT-2 uses 4·hiddenSize. */
  innerSize: number;
  layerNormEpsilon: number;
}

/** One block's weights; matrices are row-major [in, out] (GPT-2's Conv1D layout). */
export interface Gpt2LayerWeights {
  ln1Scale: Float32Array; // [D]
  ln1Bias: Float32Array; // [D]
  qkvWeight: Float32Array; // [D, 3D]: queries, keys, values side by side
  qkvBias: Float32Array; // [3D]
  attnProjWeight: Float32Array; // [D, D]
  attnProjBias: Float32Array; // [D]
  ln2Scale: Float32Array;
  ln2Bias: Float32Array;
  fcWeight: Float32Array; // [D, F]
  fcBias: Float32Array; // [F]
  fcProjWeight: Float32Array; // [F, D]
  fcProjBias: Float32Array; // [D]
}

/** Learned absolute positions (GPT-2), or ALiBi biases in attention and no position table. */
export type Gpt2Positions = { kind: 'learned'; embedding: Float32Array; maxPositions: number } | { kind: 'alibi' };

export interface Gpt2Weights {
  shape: Gpt2Shape;
  tokenEmbedding: Float32Array; // [V, D]
  positions: Gpt2Positions;
  layers: Gpt2LayerWeights[];
  finalScale: Float32Array; // [D]
  finalBias: Float32Array; // [D]
  /** [D, V]; absent when the head is tied to the token embedding (logits = h·Eᵀ). */
  lmHead?: Float32Array;
}

/**
 * A GPT-2 layout causal decoder as ONNX bytes: `input_ids`, `attention_mask` [B,S] → `logits` [B,T,V]. Without a
 * KV cache, positions are 0…T−1; with one, they come from `position_ids`.
 */
export function buildGpt2Model(weights: Gpt2Weights, options: DecoderGraphOptions): Uint8Array {
  const { vocabSize: V, hiddenSize: D, heads: H, innerSize: F, layers: L } = weights.shape;
  const eps = weights.shape.layerNormEpsilon;
  if (D % H !== 0) throw new Error(`GPT-2 graph: hidden size ${D} is not a multiple of ${H} heads`);
  const headDim = D / H;
  const g = new GraphBuilder('gpt2');
  const io = declareDecoderInputs(g, { layers: L, kvHeads: H, headDim, kvCache: options.kvCache });

  let hidden = g.op('Gather', [g.weight('wte', weights.tokenEmbedding, [V, D]), io.inputIds], { axis: { int: 0 } });
  let bias = causalMaskBias(g, io.attentionMask, io.inputIds);
  if (weights.positions.kind === 'learned') {
    const table = g.weight('wpe', weights.positions.embedding, [weights.positions.maxPositions, D]);
    const positionIds = io.positionIds ?? defaultPositionIds(g, io.inputIds);
    hidden = g.op('Add', [hidden, g.op('Gather', [table, positionIds], { axis: { int: 0 } })]);
  } else {
    bias = g.op('Add', [bias, alibiBias(g, io.attentionMask, io.inputIds, H)]);
  }

  const presents: { key: string; value: string }[] = [];
  weights.layers.forEach((layer, i) => {
    const w = (name: string, data: Float32Array, dims: number[]) => g.weight(`h.${i}.${name}`, data, dims);
    const ln1 = layerNorm(g, hidden, w('ln_1.weight', layer.ln1Scale, [D]), w('ln_1.bias', layer.ln1Bias, [D]), eps);
    const qkvWeight = w('attn.c_attn.weight', layer.qkvWeight, [D, 3 * D]);
    const qkv = linear(g, ln1, qkvWeight, w('attn.c_attn.bias', layer.qkvBias, [3 * D]));
    const sizes = g.constant(int64Tensor([D, D, D]), 'split');
    const [q, k, v] = g.node('Split', [qkv, sizes], 3, { axis: { int: -1 } }).map((x) => splitHeads(g, x, H, headDim));
    const attended = attention(g, {
      query: q,
      key: k,
      value: v,
      heads: H,
      kvHeads: H,
      headDim,
      bias,
      past: io.past?.[i],
    });
    presents.push({ key: attended.presentKey, value: attended.presentValue });
    const projWeight = w('attn.c_proj.weight', layer.attnProjWeight, [D, D]);
    hidden = g.op('Add', [
      hidden,
      linear(g, attended.context, projWeight, w('attn.c_proj.bias', layer.attnProjBias, [D])),
    ]);

    const ln2 = layerNorm(g, hidden, w('ln_2.weight', layer.ln2Scale, [D]), w('ln_2.bias', layer.ln2Bias, [D]), eps);
    const fc = linear(g, ln2, w('mlp.c_fc.weight', layer.fcWeight, [D, F]), w('mlp.c_fc.bias', layer.fcBias, [F]));
    const fcProjWeight = w('mlp.c_proj.weight', layer.fcProjWeight, [F, D]);
    hidden = g.op('Add', [
      hidden,
      linear(g, geluTanh(g, fc), fcProjWeight, w('mlp.c_proj.bias', layer.fcProjBias, [D])),
    ]);
  });

  const finalScale = g.weight('ln_f.weight', weights.finalScale, [D]);
  const final = layerNorm(g, hidden, finalScale, g.weight('ln_f.bias', weights.finalBias, [D]), eps);
  const head =
    weights.lmHead === undefined
      ? g.op('Transpose', ['wte'], { perm: { ints: [1, 0] } })
      : g.weight('lm_head', weights.lmHead, [D, V]);
  const logits = g.op('MatMul', [final, head]);
  declareDecoderOutputs(g, logits, V, options.kvCache ? presents : undefined, { kvHeads: H, headDim });
  return g.toModelBytes();
}
