import { LlmapError } from '../core/errors.ts';

/** One scored text. */
export interface ScoreRecord {
  readonly index: number;
  /** Tokens fed to the model, after truncation (the first is never scored). */
  readonly numTokens: number;
  /** ℓ = Σ_{t=1}^{T−1} log p(token_t | tokens_<t), nats. */
  readonly logLikelihoodNats: number;
  readonly truncated: boolean;
}

/**
 * One line of the paper's per-model JSONL: {"index","num-tokens","log-likelihood"}; llmap adds "truncated": true
 * only for texts cut at the model's maximum length, so files stay readable by the paper's own code.
 */
export function recordToJsonLine(record: ScoreRecord): string {
  const line: Record<string, number | boolean> = { index: record.index, 'num-tokens': record.numTokens, 'log-likelihood': record.logLikelihoodNats };
  if (record.truncated) line.truncated = true;
  return JSON.stringify(line);
}

/** Parses per-model JSONL text; a line that does not parse or lacks a field is an error naming its line number. */
export function parseRecordLines(text: string, source = 'the scores file'): ScoreRecord[] {
  const records: ScoreRecord[] = [];
  text.split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new LlmapError('unreadable-file', `Line ${k + 1} of ${source} is not JSON. Delete that line (it is re-scored on resume) or the file.`, { line: k + 1 });
    }
    const index = value.index;
    const numTokens = value['num-tokens'];
    const logLikelihoodNats = value['log-likelihood'];
    if (!Number.isInteger(index) || !Number.isInteger(numTokens) || typeof logLikelihoodNats !== 'number' || !Number.isFinite(logLikelihoodNats)) {
      throw new LlmapError('unreadable-file', `Line ${k + 1} of ${source} lacks a whole "index", a whole "num-tokens" or a finite "log-likelihood".`, { line: k + 1 });
    }
    records.push({ index: index as number, numTokens: numTokens as number, logLikelihoodNats, truncated: value.truncated === true });
  });
  return records;
}

/** Where scored texts are kept as they finish, so a reload or crash loses at most one batch. */
export interface ResultStore {
  load(): Promise<ScoreRecord[]>;
  append(records: readonly ScoreRecord[]): Promise<void>;
}

/** A store that keeps records in memory only. */
export function memoryStore(initial: readonly ScoreRecord[] = []): ResultStore & { readonly records: ScoreRecord[] } {
  const records = [...initial];
  return {
    records,
    load: async () => [...records],
    append: async (added) => {
      records.push(...added);
    },
  };
}
