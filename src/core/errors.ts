/**
 * Every error a user can hit is an LlmapError: a stable `code`, an explicit `name` (never
 * constructor.name, which minifiers rename) and a sentence that says what failed and what to do.
 */
export type LlmapErrorCode =
  | 'invalid-argument'
  | 'non-finite-value'
  | 'shape-mismatch'
  | 'too-few-models'
  | 'too-few-texts'
  | 'unknown-format-version'
  // Model folders and scoring
  | 'missing-file'
  | 'unreadable-file'
  | 'corrupt-model'
  | 'missing-external-data'
  | 'unsupported-model-type'
  | 'not-a-causal-lm'
  | 'no-logits-output'
  | 'vocabulary-mismatch'
  | 'non-finite-logits'
  | 'out-of-memory'
  | 'webgpu-unavailable'
  | 'runtime-failure'
  | 'cancelled'
  // Map artifacts
  | 'corrupt-map';

export class LlmapError extends Error {
  override readonly name = 'LlmapError';
  readonly code: LlmapErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: LlmapErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isLlmapError(value: unknown): value is LlmapError {
  return value instanceof Error && value.name === 'LlmapError' && typeof (value as LlmapError).code === 'string';
}
