/**
 * The byte-level tokenizer of llmap's own models (the test fixtures and the demo model): a Hugging Face
 * tokenizer.json whose ids are the byte values 0–255, then `<|bos|>` 256, `<|eos|>` 257, `<|pad|>` 258; no merges.
 * Bytes map to printable characters as in GPT-2 (`bytes_to_unicode`), so every UTF-8 text round-trips.
 */

export const BYTE_SPECIAL_TOKENS = { bos: '<|bos|>', eos: '<|eos|>', pad: '<|pad|>' } as const;
export const BYTE_SPECIAL_IDS = { bos: 256, eos: 257, pad: 258 } as const;
/** 256 bytes + bos, eos, pad. */
export const BYTE_VOCABULARY_SIZE = 259;

/** GPT-2's reversible byte → printable character map (`bytes_to_unicode`). */
export function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
}

/** One special entry of tokenizer.json's `added_tokens`. */
export function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A Hugging Face BPE model section; `affixes` is GPT-2's '' continuing-subword prefix and suffix, or null. */
export function bpeModel(vocab: Record<string, number>, merges: string[], affixes: string | null): Record<string, unknown> {
  return {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: affixes,
    end_of_word_suffix: affixes,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab,
    merges,
  };
}

/** A ByteLevel pre-tokenizer, post-processor or decoder section. */
export function byteLevel(useRegex: boolean, addPrefixSpace: boolean, trimOffsets: boolean): Record<string, unknown> {
  return { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: useRegex };
}

/** The byte-level tokenizer.json: V = 259, no merges; with `addBos`, TemplateProcessing puts `<|bos|>` first. */
export function byteTokenizerJson(addBos: boolean): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  byteToUnicode().forEach((char, byte) => (vocab[char] = byte));
  for (const [role, content] of Object.entries(BYTE_SPECIAL_TOKENS)) vocab[content] = BYTE_SPECIAL_IDS[role as 'bos'];
  const bos = BYTE_SPECIAL_TOKENS.bos;
  const special = { SpecialToken: { id: bos, type_id: 0 } };
  const postProcessor = addBos
    ? {
        type: 'TemplateProcessing',
        single: [special, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [special, { Sequence: { id: 'A', type_id: 0 } }, special, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { [bos]: { id: bos, ids: [BYTE_SPECIAL_IDS.bos], tokens: [bos] } },
      }
    : null;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(BYTE_SPECIAL_TOKENS).map(([role, content]) => addedToken(BYTE_SPECIAL_IDS[role as 'bos'], content)),
    normalizer: null,
    pre_tokenizer: byteLevel(false, false, true),
    post_processor: postProcessor,
    decoder: byteLevel(false, false, true),
    model: bpeModel(vocab, [], null),
  };
}

/** tokenizer_config.json for the byte-level tokenizer. */
export function byteTokenizerConfig(addBos: boolean, maxLength: number): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: BYTE_SPECIAL_TOKENS.bos,
    eos_token: BYTE_SPECIAL_TOKENS.eos,
    pad_token: BYTE_SPECIAL_TOKENS.pad,
    padding_side: 'right',
    model_max_length: maxLength,
    clean_up_tokenization_spaces: false,
    add_bos_token: addBos,
    add_eos_token: false,
  };
}
