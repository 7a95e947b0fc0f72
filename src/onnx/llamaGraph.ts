import { declareDecoderInputs, declareDecoderOutputs, type DecoderGraphOptions } from './decoderInputs.ts';
import { GraphBuilder } from './graphBuilder.ts';
import {
  applyRope,
  attention,
  causalMaskBias,
  defaultPositionIds,
  linear,
  rmsNorm,
  ropeTables,
  silu,
  splitHeads,
} from './layers.ts';

/** The sizes of a Llama layout decoder (RMSNorm, RoPE, SwiGLU MLP, grouped-query attention). */
export interface LlamaShape {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  rmsNormEpsilon: number;
  ropeTheta: number;
}

/**
 * One block's weights; matrices are row-major [in, out], i.e. PyTorch's `nn.Linear` weight transposed. RoPE uses
 * HF's half-rotation convention; checkpoints with interleaved pairs (llama2.c, Meta's originals) need HF's
 * q/k row permutation first.
 */
export interface LlamaLayerWeights {
  inputNormScale: Float32Array; // [D]
  qWeight: Float32Array; // [D, H·dh]
  kWeight: Float32Array; // [D, Hkv·dh]
  vWeight: Float32Array; // [D, Hkv·dh]
  oWeight: Float32Array; // [H·dh, D]
  postNormScale: Float32Array; // [D]
  gateWeight: Float32Array; // [D, F]
  upWeight: Float32Array; // [D, F]
  downWeight: Float32Array; // [F, D]
}

export interface LlamaWeights {
  shape: LlamaShape;
  tokenEmbedding: Float32Array; // [V, D]
  layers: LlamaLayerWeights[];
  finalNormScale: Float32Array; // [D]
  /** [D, V]; absent when tied to the token embedding. */
  lmHead?: Float32Array;
}

/**
 * A Llama layout causal decoder as ONNX bytes: `input_ids`, `attention_mask` [B,S] → `logits` [B,T,V]. Without a
 * KV cache, positions are 0…T−1; with one, they come from `position_ids`.
 */
export function buildLlamaModel(weights: LlamaWeights, options: DecoderGraphOptions): Uint8Array {
  const { vocabSize: V, hiddenSize: D, intermediateSize: F, layers: L, heads: H, kvHeads, headDim } = weights.shape;
  if (H % kvHeads !== 0) throw new Error(`Llama graph: ${H} heads are not a multiple of ${kvHeads} kv heads`);
  if (headDim % 2 !== 0) throw new Error(`Llama graph: RoPE needs an even head size, got ${headDim}`);
  const g = new GraphBuilder('llama');
  const io = declareDecoderInputs(g, { layers: L, kvHeads, headDim, kvCache: options.kvCache });
  const eps = weights.shape.rmsNormEpsilon;

  let hidden = g.op('Gather', [g.weight('embed_tokens', weights.tokenEmbedding, [V, D]), io.inputIds], {
    axis: { int: 0 },
  });
  const bias = causalMaskBias(g, io.attentionMask, io.inputIds);
  const positionIds = io.positionIds ?? defaultPositionIds(g, io.inputIds);
  const rope = ropeTables(g, positionIds, headDim, weights.shape.ropeTheta);

  const presents: { key: string; value: string }[] = [];
  weights.layers.forEach((layer, i) => {
    const w = (name: string, data: Float32Array, dims: number[]) => g.weight(`layers.${i}.${name}`, data, dims);
    const normed = rmsNorm(g, hidden, w('input_layernorm.weight', layer.inputNormScale, [D]), eps);
    const project = (name: string, data: Float32Array, heads: number) =>
      splitHeads(g, linear(g, normed, w(`self_attn.${name}.weight`, data, [D, heads * headDim])), heads, headDim);
    const q = applyRope(g, project('q_proj', layer.qWeight, H), rope, headDim);
    const k = applyRope(g, project('k_proj', layer.kWeight, kvHeads), rope, headDim);
    const v = project('v_proj', layer.vWeight, kvHeads);
    const attended = attention(g, { query: q, key: k, value: v, heads: H, kvHeads, headDim, bias, past: io.past?.[i] });
    presents.push({ key: attended.presentKey, value: attended.presentValue });
    const output = linear(g, attended.context, w('self_attn.o_proj.weight', layer.oWeight, [H * headDim, D]));
    hidden = g.op('Add', [hidden, output]);

    const normed2 = rmsNorm(g, hidden, w('post_attention_layernorm.weight', layer.postNormScale, [D]), eps);
    const gate = silu(g, linear(g, normed2, w('mlp.gate_proj.weight', layer.gateWeight, [D, F])));
    const up = linear(g, normed2, w('mlp.up_proj.weight', layer.upWeight, [D, F]));
    const down = linear(g, g.op('Mul', [gate, up]), w('mlp.down_proj.weight', layer.downWeight, [F, D]));
    hidden = g.op('Add', [hidden, down]);
  });

  const final = rmsNorm(g, hidden, g.weight('norm.weight', weights.finalNormScale, [D]), eps);
  const head =
    weights.lmHead === undefined
      ? g.op('Transpose', ['embed_tokens'], { perm: { ints: [1, 0] } })
      : g.weight('lm_head', weights.lmHead, [D, V]);
  const logits = g.op('MatMul', [final, head]);
  declareDecoderOutputs(g, logits, V, options.kvCache ? presents : undefined, { kvHeads, headDim });
  return g.toModelBytes();
}
