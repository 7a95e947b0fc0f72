import { LlmapError } from '../core/errors.ts';
import { buildLlamaModel, type LlamaLayerWeights, type LlamaWeights } from '../onnx/llamaGraph.ts';
import { byteTokenName } from './charTokenizer.ts';
import { jsonFile, type ConvertedModel } from './convertedModel.ts';

/*
 * llama2.c checkpoints (Karpathy's legacy "version 0" .bin) and their own tokenizer .bin → a Hugging Face-layout
 * Llama folder: the ONNX graph (with past_key_values, as Optimum's with-past exports), config.json, and a
 * tokenizer.json that reproduces run.c's `encode(text, bos=1, eos=0)` in any HF tokenizer.
 *
 * Checkpoint: 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a positive
 * vocab_size means a classifier tied to the embedding), then float32 tensors, row-major [out, in]: token_embedding
 * [V,D]; rms_att [L,D]; wq [L,D,D]; wk, wv [L,Hkv·hs,D]; wo [L,D,D]; rms_ffn [L,D]; w1 [L,F,D]; w2 [L,D,F];
 * w3 [L,F,D]; rms_final [D]; two legacy RoPE tables of seq_len·hs/2 floats (skipped); wcls [V,D] when untied.
 * run.c rotates interleaved pairs (2j, 2j+1); HF Llama rotates halves (j, j + hs/2), so q and k rows are permuted
 * per head as HF's convert_llama_weights_to_hf does.
 *
 * Tokenizer: int32 max_token_length, then per token float32 score, int32 byte length, UTF-8 bytes. Ids 0, 1, 2 are
 * <unk>, <s>, </s>; 3..258 the byte-fallback pieces <0x00>…<0xFF>; the SentencePiece word marker "▁" is stored as a
 * plain space. run.c encodes by: BOS, a dummy-prefix " ", each UTF-8 character as its piece (else its bytes), then
 * repeatedly merging the adjacent pair whose concatenation is the piece with the highest score. As HF BPE: merges
 * are every split (a, b) of every piece into two pieces, ranked by the piece's score (highest first), so the
 * rank-ordered merge loop picks the same pair; the normaliser prepends "▁" and turns spaces into "▁".
 */

export interface Llama2cHeader {
  readonly dim: number;
  readonly hiddenDim: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly vocabSize: number;
  readonly seqLen: number;
  /** The file's vocab_size was positive: the classifier is the token embedding. */
  readonly sharedClassifier: boolean;
}

const HEADER_BYTES = 28;
const WORD_MARKER = '\u2581';
/** run.c's constants: RMSNorm epsilon and the RoPE base. */
const RMS_NORM_EPSILON = 1e-5;
const ROPE_THETA = 10000;
const SPECIAL_PIECES = ['<unk>', '<s>', '</s>'] as const;
const FIRST_BYTE_ID = 3;
const FIRST_MERGEABLE_ID = FIRST_BYTE_ID + 256;

/** Converts a llama2.c checkpoint and its own tokenizer .bin into a Hugging Face-layout Llama folder. */
export function convertLlama2c(checkpoint: Uint8Array, tokenizerBin: Uint8Array, options: { name: string }): ConvertedModel {
  const { name } = options;
  const { header, weights, parameters } = readCheckpoint(checkpoint, name);
  const vocabulary = readVocabulary(tokenizerBin, header.vocabSize, name);
  const headDim = header.dim / header.heads;
  const config = {
    _name_or_path: name,
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: header.vocabSize,
    hidden_size: header.dim,
    intermediate_size: header.hiddenDim,
    num_hidden_layers: header.layers,
    num_attention_heads: header.heads,
    num_key_value_heads: header.kvHeads,
    head_dim: headDim,
    hidden_act: 'silu',
    max_position_embeddings: header.seqLen,
    rms_norm_eps: RMS_NORM_EPSILON,
    rope_theta: ROPE_THETA,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: header.sharedClassifier,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: 'float32',
    use_cache: true,
  };
  const files = new Map<string, Uint8Array>([
    ['config.json', jsonFile(config)],
    ['tokenizer.json', jsonFile(tokenizerJson(vocabulary))],
    ['tokenizer_config.json', jsonFile(tokenizerConfig(header.seqLen))],
    ['onnx/model.onnx', buildLlamaModel(weights, { kvCache: true })],
  ]);
  return {
    files,
    conversion: {
      sourceFormat: 'llama2.c',
      parameters,
      vocabularySize: header.vocabSize,
      contextTokens: header.seqLen,
      unknownCharacterPolicy: 'native-byte-fallback',
      notes: [
        `llama2.c checkpoint: dim ${header.dim}, hidden ${header.hiddenDim}, ${header.layers} layers, ${header.heads} query / ${header.kvHeads} key-value heads, ` +
          `${header.sharedClassifier ? 'tied' : 'separate'} classifier; q/k rows permuted from interleaved to half-rotation RoPE.`,
        `Context ${header.seqLen} tokens: under the paper's rule a longer text is truncated to its first ${header.seqLen} tokens (BOS included), so only ${header.seqLen - 1} are scored.`,
        `Tokenizer: the model's own llama2.c tokenizer (${header.vocabSize} SentencePiece pieces with byte fallback) as HF BPE, merges ranked by piece score; BOS is added and "▁" prepended as run.c's encode does.`,
        'Unlike run.c, the HF tokenizer reads a literal "<s>", "</s>" or "<unk>" in a text as that special token, and "▁" (U+2581) as a space, as Llama tokenizers do.',
      ],
    },
  };
}

/** The header of a llama2.c checkpoint, checked for sizes a Llama can have. */
export function readLlama2cHeader(checkpoint: Uint8Array, name = 'the checkpoint'): Llama2cHeader {
  if (checkpoint.byteLength < HEADER_BYTES) {
    throw new LlmapError('corrupt-model', `${name} has ${checkpoint.byteLength} bytes, fewer than llama2.c's 28-byte header. Pass the model's .bin file.`);
  }
  const view = new DataView(checkpoint.buffer, checkpoint.byteOffset, HEADER_BYTES);
  const [dim, hiddenDim, layers, heads, kvHeads, signedVocab, seqLen] = Array.from({ length: 7 }, (_, k) => view.getInt32(4 * k, true));
  const header = { dim, hiddenDim, layers, heads, kvHeads, vocabSize: Math.abs(signedVocab), seqLen, sharedClassifier: signedVocab > 0 };
  const plausible =
    [dim, hiddenDim, layers, heads, kvHeads, header.vocabSize, seqLen].every((value) => value > 0 && value < 1 << 24) &&
    dim % heads === 0 && heads % kvHeads === 0 && (dim / heads) % 2 === 0 && header.vocabSize > FIRST_MERGEABLE_ID;
  if (!plausible) {
    throw new LlmapError(
      'corrupt-model',
      `${name} does not start with a llama2.c header: it reads (dim ${dim}, hidden ${hiddenDim}, layers ${layers}, heads ${heads}, kv heads ${kvHeads}, vocab ${signedVocab}, seq_len ${seqLen}). ` +
        'Pass a legacy (version 0) llama2.c .bin; newer versioned exports start with the magic "ak42" and are not supported.',
      { ...header },
    );
  }
  return header;
}

function readCheckpoint(checkpoint: Uint8Array, name: string): { header: Llama2cHeader; weights: LlamaWeights; parameters: number } {
  const header = readLlama2cHeader(checkpoint, name);
  const { dim: D, hiddenDim: F, layers: L, heads: H, kvHeads, vocabSize: V, seqLen } = header;
  const headDim = D / H;
  const kvDim = kvHeads * headDim;
  const perLayer = 2 * D + 2 * D * D + 2 * kvDim * D + 3 * F * D;
  const parameters = V * D * (header.sharedClassifier ? 1 : 2) + L * perLayer + D;
  const expectedFloats = parameters + seqLen * headDim;
  const foundBytes = checkpoint.byteLength - HEADER_BYTES;
  if (foundBytes !== 4 * expectedFloats) {
    throw new LlmapError(
      'corrupt-model',
      `${name} holds ${foundBytes} bytes of weights, but its header (dim ${D}, hidden ${F}, ${L} layers, ${H}/${kvHeads} heads, vocab ${V}, seq_len ${seqLen}, ` +
        `${header.sharedClassifier ? 'tied' : 'separate'} classifier) needs ${4 * expectedFloats}. The file is truncated or not a legacy llama2.c checkpoint ` +
        '(a transposed or quantised variant reads like this too).',
      { foundBytes, expectedBytes: 4 * expectedFloats },
    );
  }
  const values = new Float32Array(checkpoint.slice(HEADER_BYTES).buffer);
  let offset = 0;
  const take = (count: number) => values.subarray(offset, (offset += count));
  const tokenEmbedding = take(V * D).slice();
  const rmsAtt = take(L * D);
  const [wq, wk, wv, wo] = [D * D, kvDim * D, kvDim * D, D * D].map((size) => take(L * size));
  const rmsFfn = take(L * D);
  const [w1, w2, w3] = [F * D, D * F, F * D].map((size) => take(L * size));
  const finalNormScale = take(D).slice();
  take(seqLen * headDim); // legacy RoPE tables
  const classifier = header.sharedClassifier ? undefined : take(V * D);
  const nonFinite = [tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, finalNormScale, classifier ?? new Float32Array(0)].some((tensor) => tensor.some((value) => !Number.isFinite(value)));
  if (nonFinite) throw new LlmapError('non-finite-value', `${name} has NaN or infinite weights; the checkpoint is damaged. Re-download or re-export it.`);

  const layer = (tensor: Float32Array, size: number, l: number) => tensor.subarray(l * size, (l + 1) * size);
  const layers: LlamaLayerWeights[] = Array.from({ length: L }, (_, l) => ({
    inputNormScale: layer(rmsAtt, D, l).slice(),
    qWeight: toInOut(layer(wq, D * D, l), D, D, halfRotationRowSource(H, headDim)),
    kWeight: toInOut(layer(wk, kvDim * D, l), kvDim, D, halfRotationRowSource(kvHeads, headDim)),
    vWeight: toInOut(layer(wv, kvDim * D, l), kvDim, D),
    oWeight: toInOut(layer(wo, D * D, l), D, D),
    postNormScale: layer(rmsFfn, D, l).slice(),
    gateWeight: toInOut(layer(w1, F * D, l), F, D),
    upWeight: toInOut(layer(w3, F * D, l), F, D),
    downWeight: toInOut(layer(w2, D * F, l), D, F),
  }));
  const shape = { vocabSize: V, hiddenSize: D, intermediateSize: F, layers: L, heads: H, kvHeads, headDim, rmsNormEpsilon: RMS_NORM_EPSILON, ropeTheta: ROPE_THETA };
  const weights: LlamaWeights = { shape, tokenEmbedding, layers, finalNormScale, ...(classifier ? { lmHead: toInOut(classifier, V, D) } : {}) };
  return { header, weights, parameters };
}

/** A row-major [out, in] matrix as [in, out], output row r taken from source row `rowSource(r)`. */
function toInOut(matrix: Float32Array, rows: number, columns: number, rowSource: (row: number) => number = (row) => row): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const source = rowSource(r) * columns;
    for (let c = 0; c < columns; c++) out[c * rows + r] = matrix[source + c];
  }
  return out;
}

/** HF's q/k permutation: in each head, half-rotation row p·hs/2 + j is interleaved row 2j + p. */
function halfRotationRowSource(heads: number, headDim: number): (row: number) => number {
  const half = headDim / 2;
  return (row) => {
    const head = Math.floor(row / headDim);
    const within = row % headDim;
    return head * headDim + 2 * (within % half) + Math.floor(within / half);
  };
}

interface Vocabulary {
  /** Pieces as run.c sees them (the word marker as a space). */
  readonly pieces: readonly string[];
  readonly scores: Float32Array;
}

function readVocabulary(tokenizerBin: Uint8Array, vocabSize: number, name: string): Vocabulary {
  const view = new DataView(tokenizerBin.buffer, tokenizerBin.byteOffset, tokenizerBin.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const unreadable = (why: string) =>
    new LlmapError('unreadable-file', `The tokenizer .bin given for ${name} is not a llama2.c tokenizer for its ${vocabSize}-token vocabulary: ${why}. Pass the tokenizer the model was trained with (its own tok*.bin).`);
  const pieces: string[] = [];
  const scores = new Float32Array(vocabSize);
  let offset = 4;
  for (let id = 0; id < vocabSize; id++) {
    if (offset + 8 > tokenizerBin.byteLength) throw unreadable(`it ends after ${id} pieces`);
    scores[id] = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    offset += 8;
    if (length < 0 || offset + length > tokenizerBin.byteLength) throw unreadable(`piece ${id} claims ${length} bytes`);
    try {
      pieces.push(decoder.decode(tokenizerBin.subarray(offset, offset + length)));
    } catch {
      throw unreadable(`piece ${id} is not UTF-8`);
    }
    offset += length;
  }
  if (offset !== tokenizerBin.byteLength) throw unreadable(`${tokenizerBin.byteLength - offset} bytes follow its ${vocabSize} pieces (it belongs to a larger vocabulary)`);
  for (let byte = 0; byte < 256; byte++) {
    if (pieces[FIRST_BYTE_ID + byte] !== byteTokenName(byte)) {
      throw new LlmapError('vocabulary-mismatch', `Token ${FIRST_BYTE_ID + byte} of ${name}'s tokenizer is ${JSON.stringify(pieces[FIRST_BYTE_ID + byte])}, not the byte piece ${byteTokenName(byte)}; llmap converts SentencePiece vocabularies with byte fallback at ids 3–258 only.`);
    }
  }
  return { pieces, scores };
}

function tokenizerJson(vocabulary: Vocabulary): Record<string, unknown> {
  const hfPieces = vocabulary.pieces.map((piece, id) => (id < SPECIAL_PIECES.length ? SPECIAL_PIECES[id] : piece.replaceAll(' ', WORD_MARKER)));
  const vocab: Record<string, number> = {};
  hfPieces.forEach((piece, id) => {
    if (Object.hasOwn(vocab, piece)) throw new LlmapError('vocabulary-mismatch', `The tokenizer has the piece ${JSON.stringify(piece)} twice (ids ${vocab[piece]} and ${id}); a SentencePiece vocabulary has each piece once.`);
    vocab[piece] = id;
  });
  const special = (id: number) => ({ id, content: SPECIAL_PIECES[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const bos = { SpecialToken: { id: '<s>', type_id: 0 } };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_PIECES.map((_, id) => special(id)),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: WORD_MARKER }, { type: 'Replace', pattern: { String: ' ' }, content: WORD_MARKER }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [bos, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: WORD_MARKER }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: mergesByScore(hfPieces, vocabulary.scores),
    },
  };
}

/**
 * Every split of a piece into two pieces, highest-scoring piece first: HF's lowest-rank-first merging then picks the
 * pair run.c's highest-score loop picks. Ties between different pieces of equal score fall back to the lower id
 * (run.c takes the leftmost pair; real SentencePiece BPE scores are distinct).
 */
function mergesByScore(pieces: readonly string[], scores: Float32Array): [string, string][] {
  const mergeable = new Set(pieces.slice(FIRST_MERGEABLE_ID));
  const candidates: { left: string; right: string; id: number }[] = [];
  for (let id = FIRST_MERGEABLE_ID; id < pieces.length; id++) {
    const characters = Array.from(pieces[id]);
    for (let k = 1; k < characters.length; k++) {
      const left = characters.slice(0, k).join('');
      const right = characters.slice(k).join('');
      if (mergeable.has(left) && mergeable.has(right)) candidates.push({ left, right, id });
    }
  }
  candidates.sort((a, b) => scores[b.id] - scores[a.id] || a.id - b.id);
  return candidates.map(({ left, right }) => [left, right]);
}

function tokenizerConfig(seqLen: number): Record<string, unknown> {
  return {
    tokenizer_class: 'LlamaTokenizer',
    model_max_length: seqLen,
    add_bos_token: true,
    add_eos_token: false,
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: null,
    clean_up_tokenization_spaces: false,
  };
}
