import * as Comlink from 'comlink';
import { LlmapError } from '../core/errors.ts';
import type { ModelDescription, ModelFileBlob, ScoreRecord, ScoringProgress, ScoringText } from '../scoring/index.ts';
import { registerErrorTransfer } from '../../workers/errorTransfer.ts';
import type { OpenModelOptions, ScoreOptions, ScorerWorker } from '../../workers/scorer.worker.ts';

export type { OpenModelOptions, ScoreOptions };

/**
 * The page's handle on the scoring worker (`workers/scorer.worker.ts`). Every call races the worker's `error`
 * event: a worker that fails to load or dies rejects the call (and every later one) with an LlmapError instead of
 * leaving it pending forever. Errors thrown in the worker arrive as LlmapErrors with their code and details.
 */
export interface ScorerClient {
  /** Opens a model folder in the worker (releasing any open one). Files keep their folder paths. */
  openModel(files: ReadonlyArray<File | ModelFileBlob>, label: string, options?: OpenModelOptions): Promise<ModelDescription>;
  /** Scores the texts in order; rejects with LlmapError 'cancelled' after `cancel()`. */
  score(
    texts: readonly ScoringText[],
    options?: ScoreOptions & { readonly onProgress?: (progress: ScoringProgress) => void },
  ): Promise<ScoreRecord[]>;
  /** Stops the current run after the batch in flight; the finished texts stay in its store. */
  cancel(): Promise<void>;
  /** Releases the open model's session; the worker stays up for the next model. */
  release(): Promise<void>;
  /** Ends the worker; every call after this rejects. */
  terminate(): void;
}

export interface ScorerClientOptions {
  /** Makes the worker; default the scoring worker as a module worker. For tests: a worker that fails. */
  readonly createWorker?: () => Worker;
}

export function createScorerClient(options: ScorerClientOptions = {}): ScorerClient {
  registerErrorTransfer();
  const worker = options.createWorker?.() ?? new Worker(new URL('../../workers/scorer.worker.ts', import.meta.url), { type: 'module', name: 'llmap-scorer' });
  const remote = Comlink.wrap<ScorerWorker>(worker);

  let rejectFailure: (error: LlmapError) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    rejectFailure = reject;
  });
  failure.catch(() => undefined); // Observed by the calls that race it; no unhandled rejection when none is pending.
  const fail = (error: LlmapError) => {
    rejectFailure(error);
    worker.terminate();
  };
  worker.addEventListener('error', (event) => fail(workerError(event)));
  worker.addEventListener('messageerror', () =>
    fail(new LlmapError('runtime-failure', 'A message from the scoring worker could not be read. Reload the page and try again.')),
  );

  const call = <T>(pending: Promise<T>): Promise<T> => Promise.race([pending, failure]);

  return {
    openModel: (files, label, openOptions = {}) => call(remote.open(files.map(toModelFileBlob), label, openOptions)),
    async score(texts, scoreOptions = {}) {
      const { onProgress, ...workerOptions } = scoreOptions;
      return call(remote.score(texts, workerOptions, onProgress === undefined ? undefined : Comlink.proxy(onProgress)));
    },
    cancel: () => call(remote.cancel()),
    release: () => call(remote.release()),
    terminate() {
      remote[Comlink.releaseProxy]();
      fail(new LlmapError('cancelled', 'The scoring worker was closed. Open the model again to score.'));
    },
  };
}

/** A File's folder path travels explicitly: `webkitRelativePath` does not survive postMessage. */
function toModelFileBlob(file: File | ModelFileBlob): ModelFileBlob {
  if (!(file instanceof Blob)) return file;
  return { path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name, blob: file };
}

/** Says what the worker's `error` event knows: a script error has a message; a script that failed to load has none. */
function workerError(event: Event): LlmapError {
  const scriptError = event instanceof ErrorEvent && event.message !== '';
  const where = scriptError && event.filename ? ` (${event.filename}:${event.lineno})` : '';
  return new LlmapError(
    'runtime-failure',
    scriptError
      ? `The scoring worker stopped: ${event.message}${where}. Reload the page; if it happens again, report it with this message.`
      : "The scoring worker could not be loaded (its script failed to download or start). Reload the page; if it happens again, the app's files on the server may be incomplete.",
    { reason: scriptError ? 'worker-script-error' : 'worker-load-failed' },
  );
}
