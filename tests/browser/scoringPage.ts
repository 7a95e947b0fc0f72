import { isLlmapError } from '../../src/core/errors.ts';
import type { ModelDescription, ScoreRecord, ScoringProgress, ScoringText } from '../../src/scoring/index.ts';
import { clearStored } from '../../src/scoring/indexedDbStore.ts';
import { createScorerClient, type OpenModelOptions } from '../../src/ui/scorerClient.ts';

/**
 * The browser tests' page (served by the Vite dev server, never built into the app): fetches a model folder from
 * this origin, scores texts in the scoring worker, and reports records, progress, timings and errors as plain values.
 */

export interface RunScoringRequest {
  /** Same-origin folder URL ending in '/', e.g. '/tests/fixtures/torch-decoder/'. */
  readonly folder: string;
  /** The model files' paths inside the folder. */
  readonly paths: readonly string[];
  readonly texts: readonly ScoringText[];
  readonly device: NonNullable<OpenModelOptions['device']>;
  readonly maxBatchSize?: number;
  readonly storeKey?: string;
  /** Cancel once a progress event reports at least this many texts done. */
  readonly cancelAfterTextsDone?: number;
}

export interface ErrorSummary {
  readonly isLlmapError: boolean;
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface RunScoringResult {
  readonly model?: ModelDescription;
  readonly records?: ScoreRecord[];
  /** textsDone of every 'scoring' progress event, in order. */
  readonly textsDoneSeen: number[];
  readonly openMs: number;
  readonly scoreMs: number;
  readonly error?: ErrorSummary;
}

async function runScoring(request: RunScoringRequest): Promise<RunScoringResult> {
  const files = await Promise.all(
    request.paths.map(async (path) => {
      const response = await fetch(`${request.folder}${path}`);
      if (!response.ok) throw new Error(`${request.folder}${path}: HTTP ${response.status}`);
      return { path, blob: await response.blob() };
    }),
  );
  const client = createScorerClient();
  const textsDoneSeen: number[] = [];
  let model: ModelDescription | undefined;
  let openMs = 0;
  let scoreMs = 0;
  const started = performance.now();
  try {
    model = await client.openModel(files, request.folder, { device: request.device, threads: 1 });
    openMs = performance.now() - started;
    let cancelled = false;
    const onProgress = (progress: ScoringProgress) => {
      if (progress.kind !== 'scoring') return;
      textsDoneSeen.push(progress.textsDone);
      if (!cancelled && request.cancelAfterTextsDone !== undefined && progress.textsDone >= request.cancelAfterTextsDone) {
        cancelled = true;
        void client.cancel();
      }
    };
    const scoring = performance.now();
    const records = await client.score(request.texts, { storeKey: request.storeKey, maxBatchSize: request.maxBatchSize, onProgress });
    scoreMs = performance.now() - scoring;
    await client.release();
    return { model, records, textsDoneSeen, openMs, scoreMs };
  } catch (error) {
    return { model, textsDoneSeen, openMs, scoreMs, error: summarise(error) };
  } finally {
    client.terminate();
  }
}

/** A client on a worker that cannot start: the call must reject, not hang. */
async function openWithFailingWorker(workerUrl: string): Promise<{ error?: ErrorSummary; elapsedMs: number }> {
  const started = performance.now();
  const client = createScorerClient({ createWorker: () => new Worker(workerUrl, { type: 'module' }) });
  try {
    await client.openModel([], 'no-model');
    return { elapsedMs: performance.now() - started };
  } catch (error) {
    return { error: summarise(error), elapsedMs: performance.now() - started };
  } finally {
    client.terminate();
  }
}

function summarise(error: unknown): ErrorSummary {
  if (isLlmapError(error)) return { isLlmapError: true, name: error.name, code: error.code, message: error.message, details: error.details };
  if (error instanceof Error) return { isLlmapError: false, name: error.name, message: error.message };
  return { isLlmapError: false, name: typeof error, message: String(error) };
}

const api = { runScoring, openWithFailingWorker, clearStored };
export type ScoringPageApi = typeof api;
(globalThis as typeof globalThis & { llmapScoring?: ScoringPageApi }).llmapScoring = api;
document.body.dataset.ready = 'true';
