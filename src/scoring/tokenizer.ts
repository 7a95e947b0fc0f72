import * as transformers from '@huggingface/transformers';
import { LlmapError } from '../core/errors.ts';
import { errorText } from './modelFiles.ts';

/** What scoring needs from a tokenizer: token ids for a text with the default special tokens, truncated to M. */
export interface ScoringTokenizer {
  encode(text: string, maxLengthTokens: number): { readonly ids: readonly number[]; readonly truncated: boolean };
}

type TokenizerClass = new (tokenizerJson: object, tokenizerConfig: object) => transformers.PreTrainedTokenizer;

/**
 * A transformers.js tokenizer built straight from the folder's parsed tokenizer.json and tokenizer_config.json, with
 * the class `tokenizer_config.tokenizer_class` names (as transformers.js's AutoTokenizer picks it), so nothing is
 * fetched and no global transformers.js setting is touched.
 */
export function createTokenizer(tokenizerJson: object, tokenizerConfig: Record<string, unknown>, label = 'the model'): ScoringTokenizer {
  const className = typeof tokenizerConfig.tokenizer_class === 'string' ? tokenizerConfig.tokenizer_class.replace(/Fast$/, '') : 'PreTrainedTokenizer';
  const exported = (transformers as unknown as Record<string, unknown>)[className];
  const isTokenizerClass =
    typeof exported === 'function' && (exported === transformers.PreTrainedTokenizer || exported.prototype instanceof transformers.PreTrainedTokenizer);
  const TokenizerConstructor = (isTokenizerClass ? exported : transformers.PreTrainedTokenizer) as TokenizerClass;
  let tokenizer: transformers.PreTrainedTokenizer;
  try {
    tokenizer = new TokenizerConstructor(tokenizerJson, tokenizerConfig);
  } catch (error) {
    throw new LlmapError('unreadable-file', `The tokenizer of ${label} could not be built (${errorText(error)}). Check tokenizer.json and tokenizer_config.json come from the same export.`);
  }
  return {
    encode(text, maxLengthTokens) {
      const full = tokenizer.encode(text);
      if (full.length <= maxLengthTokens) return { ids: full, truncated: false };
      // Re-encode with the tokenizer's own truncation, so special tokens end up where Hugging Face puts them.
      const { input_ids } = tokenizer(text, { truncation: true, max_length: maxLengthTokens, return_tensor: false }) as { input_ids: number[] };
      return { ids: input_ids, truncated: true };
    },
  };
}
