/**
 * Tokenizer files for a character-level model converted to the Hugging Face layout, with llmap's policy for
 * characters the model cannot emit (the same for every converted model, recorded in the map):
 *
 *   vocabulary = the model's characters (ids 0..C−1, in the model's order), then 256 byte-fallback tokens
 *   `<0x00>`…`<0xFF>` (ids C..C+255), then an optional BOS. A character outside the model's vocabulary is
 *   tokenised as its UTF-8 bytes (Hugging Face BPE `byte_fallback`, as Llama tokenizers do), and the converted graph
 *   gives every byte token the fixed probability BYTE_FALLBACK_MASS / 256 (see src/onnx/byteFallbackFloor.ts, byteFallbackFloorLogits), scaling the
 *   model's own characters by 1 − BYTE_FALLBACK_MASS.
 */
export const BYTE_FALLBACK_MASS = 1e-4;

export interface CharTokenizerFiles {
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
  /** Characters + 256 byte tokens (+ 1 when there is a BOS). */
  readonly vocabularySize: number;
  readonly firstByteTokenId: number;
  readonly bosTokenId: number | null;
}

export function byteTokenName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

export function charTokenizerFiles(characters: readonly string[], options: { bos?: string; maxLengthTokens: number }): CharTokenizerFiles {
  const vocab: Record<string, number> = {};
  characters.forEach((character, id) => {
    if ([...character].length !== 1) throw new Error(`vocabulary entry ${id} is ${JSON.stringify(character)}, not one character`);
    if (character in vocab) throw new Error(`character ${JSON.stringify(character)} appears twice in the vocabulary`);
    vocab[character] = id;
  });
  const firstByteTokenId = characters.length;
  for (let byte = 0; byte < 256; byte++) vocab[byteTokenName(byte)] = firstByteTokenId + byte;
  const bosTokenId = options.bos === undefined ? null : firstByteTokenId + 256;
  const addedTokens = options.bos === undefined ? [] : [{ id: bosTokenId, content: options.bos, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  if (options.bos !== undefined) vocab[options.bos] = bosTokenId!;
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: null,
    post_processor:
      options.bos === undefined
        ? null
        : {
            type: 'TemplateProcessing',
            single: [{ SpecialToken: { id: options.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
            pair: [{ SpecialToken: { id: options.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
            special_tokens: { [options.bos]: { id: options.bos, ids: [bosTokenId], tokens: [options.bos] } },
          },
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: true, ignore_merges: false, vocab, merges: [] },
  };
  const tokenizerConfig: Record<string, unknown> = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: options.maxLengthTokens,
    clean_up_tokenization_spaces: false,
    add_bos_token: options.bos !== undefined,
    add_eos_token: false,
    ...(options.bos === undefined ? {} : { bos_token: options.bos }),
  };
  return { tokenizerJson, tokenizerConfig, vocabularySize: firstByteTokenId + 256 + (options.bos === undefined ? 0 : 1), firstByteTokenId, bosTokenId };
}
