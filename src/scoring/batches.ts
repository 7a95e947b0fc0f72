/**
 * Groups texts into batches of similar token length, so padding wastes little, within a token budget that bounds
 * the logits the runtime holds (B·T·V floats). Texts are taken in the caller's priority order, a window at a
 * time, so an LS order is roughly kept while lengths are grouped inside each window.
 */
export interface BatchPlanOptions {
  /** Most padded tokens (batch × longest) in one batch. */
  readonly maxBatchTokens: number;
  /** Most texts in one batch. */
  readonly maxBatchSize: number;
  /** How many texts, in priority order, are grouped by length together. Default 64. */
  readonly windowSize?: number;
}

/** Returns batches of positions into `tokenCounts` (which is in priority order). */
export function planBatches(tokenCounts: readonly number[], options: BatchPlanOptions): number[][] {
  const windowSize = Math.max(1, options.windowSize ?? 64);
  const batches: number[][] = [];
  for (let start = 0; start < tokenCounts.length; start += windowSize) {
    const window = Array.from({ length: Math.min(windowSize, tokenCounts.length - start) }, (_, k) => start + k);
    window.sort((a, b) => tokenCounts[b] - tokenCounts[a] || a - b);
    let batch: number[] = [];
    for (const position of window) {
      const longest = batch.length > 0 ? tokenCounts[batch[0]] : tokenCounts[position];
      const fits = batch.length < options.maxBatchSize && (batch.length + 1) * longest <= options.maxBatchTokens;
      if (batch.length > 0 && !fits) {
        batches.push(batch);
        batch = [];
      }
      batch.push(position);
    }
    if (batch.length > 0) batches.push(batch);
  }
  return batches;
}

/** A token budget from a memory budget: the runtime holds logits and their log-softmax, 2 × 4 bytes × V per token. */
export function maxBatchTokensFor(vocabularySize: number, memoryBudgetBytes = 256 * 1024 * 1024): number {
  return Math.max(1, Math.floor(memoryBudgetBytes / (8 * vocabularySize)));
}
