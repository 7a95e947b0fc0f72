import { LlmapError } from '../core/errors.ts';
import { errorText } from './modelFiles.ts';
import type { ResultStore, ScoreRecord } from './records.ts';

/**
 * Scored texts kept in the browser's IndexedDB (pages and workers alike), so a reload or a crash resumes where
 * scoring stopped. One object store holds every run, keyed by [scoring key, text index]; a scoring key names one
 * model on one text set (see `scoringKey`).
 */

const DATABASE_NAME = 'llmap-scores';
const DATABASE_VERSION = 1;
const RECORDS = 'records';

/** One stored row: a ScoreRecord plus the key of the run it belongs to. */
interface StoredRecord extends ScoreRecord {
  readonly key: string;
}

/** A ResultStore in IndexedDB under `key`; records of other keys are never read or touched. */
export function indexedDbStore(key: string): ResultStore {
  return {
    async load() {
      const database = await connection();
      const rows = await request<StoredRecord[]>(database.transaction(RECORDS, 'readonly').objectStore(RECORDS).getAll(keyRange(key)));
      return rows.map(({ index, numTokens, logLikelihoodNats, truncated }) => ({ index, numTokens, logLikelihoodNats, truncated }));
    },
    async append(records) {
      if (records.length === 0) return;
      const transaction = (await connection()).transaction(RECORDS, 'readwrite');
      const store = transaction.objectStore(RECORDS);
      for (const { index, numTokens, logLikelihoodNats, truncated } of records) {
        store.put({ key, index, numTokens, logLikelihoodNats, truncated } satisfies StoredRecord);
      }
      await completion(transaction);
    },
  };
}

/** Deletes every record stored under `key` (a fresh start for that model and text set). */
export async function clearStored(key: string): Promise<void> {
  const transaction = (await connection()).transaction(RECORDS, 'readwrite');
  transaction.objectStore(RECORDS).delete(keyRange(key));
  await completion(transaction);
}

/** What identifies one scoring run: the text set (a map id) and the model's files, with the variant asked for. */
export interface ScoringKeyParts {
  /** The text set, e.g. the map's id and version. */
  readonly textSetId: string;
  /** The model folder's files: relative path and size in bytes. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number }>;
  /** The ONNX variant asked for, when not the default. */
  readonly dtype?: string;
  /** A digest of the files' contents (or of samples of them), when the caller has one: same sizes, other weights. */
  readonly contentDigest?: string;
}

/**
 * A short stable key for a model on a text set: the text set id, then a 53-bit hash of the sorted file paths and
 * sizes and the dtype. The same folder dropped again gets the same key, so its finished texts are reused.
 */
export function scoringKey(parts: ScoringKeyParts): string {
  const files = [...parts.files].map((file) => `${file.path}\u0000${file.size}`).sort();
  const digest = parts.contentDigest === undefined ? [] : [`digest\u0000${parts.contentDigest}`];
  const identity = [`dtype\u0000${parts.dtype ?? 'default'}`, ...digest, ...files].join('\u0001');
  return `${parts.textSetId}:${hash53(identity).toString(36)}`;
}

/** cyrb53, a fast non-cryptographic string hash (public domain); enough to tell model folders apart. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function keyRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key, Number.NEGATIVE_INFINITY], [key, Number.POSITIVE_INFINITY]);
}

/** One connection per page or worker, opened on first use and reopened if the browser closes it. */
let openConnection: Promise<IDBDatabase> | undefined;

function connection(): Promise<IDBDatabase> {
  if (openConnection === undefined) {
    const opening = openDatabase().then((database) => {
      const forget = () => {
        if (openConnection === opening) openConnection = undefined;
        database.close();
      };
      database.onclose = forget;
      database.onversionchange = forget;
      return database;
    });
    opening.catch(() => {
      if (openConnection === opening) openConnection = undefined;
    });
    openConnection = opening;
  }
  return openConnection;
}

function openDatabase(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new LlmapError('runtime-failure', 'This environment has no IndexedDB, so finished texts cannot be kept for a resume. Use a memory store instead.'));
  }
  const opening = indexedDB.open(DATABASE_NAME, DATABASE_VERSION);
  opening.onupgradeneeded = () => {
    if (!opening.result.objectStoreNames.contains(RECORDS)) opening.result.createObjectStore(RECORDS, { keyPath: ['key', 'index'] });
  };
  return request(opening, 'opening the scores database');
}

function request<T>(pending: IDBRequest<T>, what = 'reading stored scores'): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.onsuccess = () => resolve(pending.result);
    pending.onerror = () => reject(storageError(pending.error, what));
    if (pending instanceof IDBOpenDBRequest) {
      pending.onblocked = () => reject(storageError(null, `${what} (another tab holds an older version open; close it)`));
    }
  });
}

function completion(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(storageError(transaction.error, 'saving scores'));
    transaction.onabort = () => reject(storageError(transaction.error, 'saving scores'));
  });
}

function storageError(cause: unknown, what: string): LlmapError {
  const text = cause === null || cause === undefined ? 'no reason given' : errorText(cause);
  const quota = /quota/i.test(text);
  return new LlmapError(
    quota ? 'out-of-memory' : 'runtime-failure',
    `The browser's storage failed while ${what}: ${text}. ${quota ? 'Free some site storage or use a private window with more space' : 'Scoring can go on without resume if you reload'}.`,
  );
}
