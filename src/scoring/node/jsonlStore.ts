import { existsSync, readFileSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { parseRecordLines, recordToJsonLine, type ResultStore, type ScoreRecord } from '../records.ts';

/**
 * The paper's per-model JSONL file as a resumable store: records are appended one batch at a time, so a crash loses
 * at most one batch; a last line cut off by a crash is dropped on load and that text is scored again.
 */
export function jsonlStore(path: string): ResultStore {
  return {
    async load() {
      if (!existsSync(path)) return [];
      const text = readFileSync(path, 'utf8');
      const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      if (complete !== text) writeFileSync(path, complete);
      return parseRecordLines(complete, path);
    },
    async append(records) {
      if (records.length > 0) appendFileSync(path, records.map((record) => `${recordToJsonLine(record)}\n`).join(''));
    },
  };
}

/** Writes records to `path`, sorted by text index, through a temporary file and a rename (never half-written). */
export function writeRecordsSorted(path: string, records: readonly ScoreRecord[]): void {
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, sorted.map((record) => `${recordToJsonLine(record)}\n`).join(''));
  renameSync(temporary, path);
}
