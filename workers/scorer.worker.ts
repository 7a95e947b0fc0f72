import * as Comlink from 'comlink';
// ORT's WASM runtime, served from this app's own origin: without these ORT (as set up by transformers.js) would
// fetch them from a CDN. The asyncify build is the one `onnxruntime-web/webgpu`, webRuntime's ORT in a bundle, uses.
import ortWasmModuleUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { LlmapError } from '../src/core/errors.ts';
import {
  indexedDbStore,
  memoryStore,
  modelFilesFromBlobs,
  openScorer,
  webRuntime,
  type ModelDescription,
  type ModelDtype,
  type ModelFileBlob,
  type ScoreRecord,
  type Scorer,
  type ScoringProgress,
  type ScoringText,
  type WebDevice,
} from '../src/scoring/index.ts';
import { registerErrorTransfer } from './errorTransfer.ts';

/**
 * The scoring worker: `src/scoring` behind comlink, off the main thread. One model at a time; one scoring run at a
 * time. No maths and no parsing here. Use it through `src/ui/scorerClient.ts`.
 */

export interface OpenModelOptions {
  /** 'auto' tries WebGPU and falls back to WASM with a reason; default 'auto'. */
  readonly device?: WebDevice;
  /** WASM threads (more than 1 needs cross-origin isolation); default 1. Fixed by the first model a worker opens. */
  readonly threads?: number;
  readonly dtype?: ModelDtype;
}

export interface ScoreOptions {
  /** Keep finished texts in IndexedDB under this key and skip them next time (resume); none: memory only. */
  readonly storeKey?: string;
  readonly maxBatchSize?: number;
}

registerErrorTransfer();

let scorer: Scorer | undefined;
let running: AbortController | undefined;

const scorerWorker = {
  async open(files: readonly ModelFileBlob[], label: string, options: OpenModelOptions = {}): Promise<ModelDescription> {
    await releaseScorer();
    const runtime = webRuntime({
      device: options.device ?? 'auto',
      threads: options.threads ?? 1,
      wasmPaths: { mjs: absoluteUrl(ortWasmModuleUrl), wasm: absoluteUrl(ortWasmBinaryUrl) },
    });
    scorer = await openScorer(modelFilesFromBlobs(label, files), { runtime, dtype: options.dtype });
    return scorer.model;
  },

  async score(texts: readonly ScoringText[], options: ScoreOptions = {}, onProgress?: (progress: ScoringProgress) => void): Promise<ScoreRecord[]> {
    if (scorer === undefined) throw new LlmapError('invalid-argument', 'No model is open in the scoring worker. Open a model before scoring.');
    if (running !== undefined) throw new LlmapError('invalid-argument', 'The scoring worker is already scoring. Cancel that run or wait for it to end.');
    const controller = new AbortController();
    running = controller;
    try {
      return await scorer.score(texts, {
        signal: controller.signal,
        // Not awaited: scoring never waits for the page. A page-side failure in the callback is the page's business.
        onProgress: onProgress === undefined ? undefined : (progress) => void Promise.resolve(onProgress(progress)).catch(() => undefined),
        store: options.storeKey === undefined ? memoryStore() : indexedDbStore(options.storeKey),
        maxBatchSize: options.maxBatchSize,
      });
    } finally {
      running = undefined;
      (onProgress as Partial<Comlink.ProxyMethods> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },

  /** Stops the current run after the batch in flight; it rejects with LlmapError 'cancelled'. */
  cancel(): void {
    running?.abort();
  },

  async release(): Promise<void> {
    await releaseScorer();
  },
};

export type ScorerWorker = typeof scorerWorker;

async function releaseScorer(): Promise<void> {
  running?.abort();
  const open = scorer;
  scorer = undefined;
  await open?.release();
}

/** ORT imports the .mjs from inside its own module, so a root-relative asset URL must be made absolute here. */
function absoluteUrl(url: string): string {
  return new URL(url, self.location.href).href;
}

Comlink.expose(scorerWorker);
