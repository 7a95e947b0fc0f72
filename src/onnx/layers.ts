import { floatTensor, int64Tensor, type GraphBuilder } from './graphBuilder.ts';

/*
 * Reusable decoder blocks over GraphBuilder. Every function takes value names and returns the name of its result.
 * Shapes use B batch, T new positions, S = past + T key positions, D hidden size, H heads, dh head size.
 * Written for opset 17: Split, Unsqueeze, Squeeze and ReduceSum take axes as an input; ReduceMean as an attribute;
 * there is no Gelu op.
 */

/** Additive mask value: (allowed − 1)·1e9, so a masked score becomes about −1e9 and its softmax weight exactly 0. */
export const MASKED_SCORE = 1e9;

/** `Unsqueeze(x, axes)` with the axes as an int64 input (opset 13+). */
export function unsqueeze(g: GraphBuilder, x: string, axes: readonly number[]): string {
  return g.op('Unsqueeze', [x, g.constant(int64Tensor(axes), 'axes')]);
}

/** A float32 scalar constant (0-d). */
export function scalar(g: GraphBuilder, value: number): string {
  return g.constant(floatTensor([value], []), 'scalar');
}

/** The size of `x` along `axis`, as a 0-d int64 value. */
export function dimension(g: GraphBuilder, x: string, axis: number): string {
  return g.op('Gather', [g.op('Shape', [x]), g.constant(int64Tensor([axis], []), 'axis')], { axis: { int: 0 } });
}

/** Positions 0…T−1 of `inputIds` [B,T] as int64 [1,T] (the positions a graph without `position_ids` uses). */
export function defaultPositionIds(g: GraphBuilder, inputIds: string): string {
  const zero = g.constant(int64Tensor([0], []), 'zero');
  const one = g.constant(int64Tensor([1], []), 'one');
  return unsqueeze(g, g.op('Range', [zero, dimension(g, inputIds, 1), one]), [0]);
}

/** `x @ weight + bias` with `weight` stored [in, out] (the MatMul layout; PyTorch `nn.Linear` stores [out, in]). */
export function linear(g: GraphBuilder, x: string, weight: string, bias?: string): string {
  const product = g.op('MatMul', [x, weight]);
  return bias === undefined ? product : g.op('Add', [product, bias]);
}

/** LayerNormalization over the last axis (opset 17 op). */
export function layerNorm(g: GraphBuilder, x: string, scale: string, bias: string, epsilon: number): string {
  return g.op('LayerNormalization', [x, scale, bias], { axis: { int: -1 }, epsilon: { float: epsilon } });
}

/** RMSNorm as Llama computes it: x / sqrt(mean(x²) + ε) · scale, over the last axis. */
export function rmsNorm(g: GraphBuilder, x: string, scale: string, epsilon: number): string {
  const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
  const rms = g.op('Sqrt', [g.op('Add', [meanSquare, scalar(g, epsilon)])]);
  return g.op('Mul', [g.op('Div', [x, rms]), scale]);
}

/** GELU, tanh approximation (GPT-2's `gelu_new`): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(g: GraphBuilder, x: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Add', [x, g.op('Mul', [cube, scalar(g, 0.044715)])]);
  const tanh = g.op('Tanh', [g.op('Mul', [inner, scalar(g, Math.sqrt(2 / Math.PI))])]);
  const half = g.op('Mul', [x, scalar(g, 0.5)]);
  return g.op('Mul', [half, g.op('Add', [tanh, scalar(g, 1)])]);
}

/** SiLU: x·sigmoid(x). */
export function silu(g: GraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x])]);
}

/** [B,T,H·dh] → [B,H,T,dh]. */
export function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number): string {
  const shaped = g.op('Reshape', [x, g.constant(int64Tensor([0, 0, heads, headDim]), 'shape')]);
  return g.op('Transpose', [shaped], { perm: { ints: [0, 2, 1, 3] } });
}

/** [B,H,T,dh] → [B,T,H·dh]. */
export function mergeHeads(g: GraphBuilder, x: string, heads: number, headDim: number): string {
  const transposed = g.op('Transpose', [x], { perm: { ints: [0, 2, 1, 3] } });
  return g.op('Reshape', [transposed, g.constant(int64Tensor([0, 0, heads * headDim]), 'shape')]);
}

/**
 * The additive attention bias [B,1,T,S] from `attentionMask` [B,S] (int64, 1 = keep, covering past and new
 * positions) and `inputIds` [B,T]: causal by `Trilu(ones[T,S], upper=0, k=S−T)`, which stays right when a KV cache
 * holds S−T earlier positions, combined with the padding mask. Build once per graph, share across layers.
 */
export function causalMaskBias(g: GraphBuilder, attentionMask: string, inputIds: string): string {
  const queryLength = dimension(g, inputIds, 1);
  const keyLength = dimension(g, attentionMask, 1);
  const shape = g.op('Concat', [unsqueeze(g, queryLength, [0]), unsqueeze(g, keyLength, [0])], { axis: { int: 0 } });
  const ones = g.op('ConstantOfShape', [shape], { value: { tensor: floatTensor([1], [1]) } });
  const causal = g.op('Trilu', [ones, g.op('Sub', [keyLength, queryLength])], { upper: { int: 0 } });
  const keep = unsqueeze(g, g.op('Cast', [attentionMask], { to: { int: 1 } }), [1, 2]);
  const allowed = g.op('Mul', [causal, keep]);
  return g.op('Mul', [g.op('Sub', [allowed, scalar(g, 1)]), scalar(g, MASKED_SCORE)]);
}

/** ALiBi head slopes 2^(−8(h+1)/H), for H a power of two (the paper's geometric sequence). */
export function alibiSlopes(heads: number): Float32Array {
  return Float32Array.from({ length: heads }, (_, h) => 2 ** ((-8 * (h + 1)) / heads));
}

/**
 * The ALiBi bias [B,H,T,S]: −slope_h·(p_i − p_j), with p = cumsum(attention_mask) − 1 the position of each key among
 * the row's kept tokens and p_i that of query i (the last T keys). Counting kept tokens, as BLOOM does, keeps
 * distances right across padding inside a KV cache; hidden pairs get any value (the causal mask removes them).
 * Add it to `causalMaskBias`'s result and pass the sum as the attention bias.
 */
export function alibiBias(g: GraphBuilder, attentionMask: string, inputIds: string, heads: number): string {
  const mask = g.op('Cast', [attentionMask], { to: { int: 1 } });
  const keyPositions = g.op('CumSum', [mask, g.constant(int64Tensor([1], []), 'axis')]);
  const keyLength = unsqueeze(g, dimension(g, attentionMask, 1), [0]);
  const queryStart = g.op('Sub', [keyLength, unsqueeze(g, dimension(g, inputIds, 1), [0])]);
  const queryPositions = g.op('Slice', [keyPositions, queryStart, keyLength, g.constant(int64Tensor([1]), 'axes')]);
  const distance = g.op('Sub', [unsqueeze(g, queryPositions, [1, 3]), unsqueeze(g, keyPositions, [1, 2])]);
  const negativeSlopes = g.constant(
    floatTensor(
      alibiSlopes(heads).map((slope) => -slope),
      [1, heads, 1, 1],
    ),
    'slopes',
  );
  return g.op('Mul', [negativeSlopes, distance]);
}

/** cos and sin [B,1,T,dh] of the rotary angles, shared by all layers. */
export interface RopeTables {
  cos: string;
  sin: string;
}

/**
 * RoPE tables in the Llama convention (HF `rotate_half`: dimension k pairs with k + dh/2), from int64 positions
 * [B,T]: angle = position · θ^(−2k/dh), computed in float32 as HF does.
 */
export function ropeTables(g: GraphBuilder, positionIds: string, headDim: number, theta: number): RopeTables {
  const inverseFrequencies = Float32Array.from({ length: headDim / 2 }, (_, k) => 1 / theta ** ((2 * k) / headDim));
  const positions = unsqueeze(g, g.op('Cast', [positionIds], { to: { int: 1 } }), [2]);
  const angles = g.op('Mul', [positions, g.constant(floatTensor(inverseFrequencies, [1, 1, headDim / 2]), 'inv_freq')]);
  const doubled = unsqueeze(g, g.op('Concat', [angles, angles], { axis: { int: -1 } }), [1]);
  return { cos: g.op('Cos', [doubled]), sin: g.op('Sin', [doubled]) };
}

/** x·cos + rotate_half(x)·sin on x [B,H,T,dh], with rotate_half(x) = concat(−x₂, x₁) over the two halves. */
export function applyRope(g: GraphBuilder, x: string, tables: RopeTables, headDim: number): string {
  const halves = g.constant(int64Tensor([headDim / 2, headDim / 2]), 'split');
  const [first, second] = g.node('Split', [x, halves], 2, { axis: { int: -1 } });
  const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: { int: -1 } });
  return g.op('Add', [g.op('Mul', [x, tables.cos]), g.op('Mul', [rotated, tables.sin])]);
}

/**
 * Grouped-query attention's head repeat (HF `repeat_kv`): [B,Hkv,S,dh] → [B,Hkv·repeats,S,dh], kv head k serving
 * query heads k·repeats … (k+1)·repeats − 1.
 */
export function repeatKvHeads(g: GraphBuilder, x: string, kvHeads: number, repeats: number, headDim: number): string {
  if (repeats === 1) return x;
  const expanded = g.op('Expand', [unsqueeze(g, x, [2]), g.constant(int64Tensor([1, 1, repeats, 1, 1]), 'shape')]);
  return g.op('Reshape', [expanded, g.constant(int64Tensor([0, kvHeads * repeats, -1, headDim]), 'shape')]);
}

export interface AttentionOptions {
  /** Queries [B,H,T,dh]; keys and values of the new positions [B,Hkv,T,dh] (RoPE already applied where used). */
  query: string;
  key: string;
  value: string;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Additive bias broadcastable to [B,H,T,S]: `causalMaskBias`, plus `alibiBias` if used. */
  bias: string;
  /** Cached keys and values [B,Hkv,S−T,dh]; without them S = T. */
  past?: { key: string; value: string };
}

export interface AttentionResult {
  /** [B,T,H·dh], before the output projection. */
  context: string;
  /** Keys and values [B,Hkv,S,dh] to cache (`present.*`). */
  presentKey: string;
  presentValue: string;
}

/** softmax(q·kᵀ/√dh + bias)·v over the past and new positions, with GQA head repeat. */
export function attention(g: GraphBuilder, options: AttentionOptions): AttentionResult {
  const { heads, kvHeads, headDim, past } = options;
  if (heads % kvHeads !== 0)
    throw new Error(`attention: ${heads} query heads are not a multiple of ${kvHeads} kv heads`);
  const concatKeys = (cached: string | undefined, fresh: string) =>
    cached === undefined ? fresh : g.op('Concat', [cached, fresh], { axis: { int: 2 } });
  const presentKey = concatKeys(past?.key, options.key);
  const presentValue = concatKeys(past?.value, options.value);
  const keys = repeatKvHeads(g, presentKey, kvHeads, heads / kvHeads, headDim);
  const values = repeatKvHeads(g, presentValue, kvHeads, heads / kvHeads, headDim);
  const keysTransposed = g.op('Transpose', [keys], { perm: { ints: [0, 1, 3, 2] } });
  const scores = g.op('Mul', [g.op('MatMul', [options.query, keysTransposed]), scalar(g, 1 / Math.sqrt(headDim))]);
  const weights = g.op('Softmax', [g.op('Add', [scores, options.bias])], { axis: { int: -1 } });
  const context = mergeHeads(g, g.op('MatMul', [weights, values]), heads, headDim);
  return { context, presentKey, presentValue };
}
