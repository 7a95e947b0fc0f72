import { isLlmapError } from '../core/errors.ts';
import type { MapFrame } from '../core/mapFrame.ts';
import { place, type Placement } from '../core/place.ts';
import type { DeviceInfo, ScoreRecord, ScoringText } from '../scoring/index.ts';
import { indexedDbStore } from '../scoring/indexedDbStore.ts';
import { estimateFromScored, nextChunk, type EstimateStage, type QuickPlacementPlan } from './quickPlacement.ts';
import type { ScorerClient } from './scorerClient.ts';

/**
 * One scoring run of an opened model on the map's texts, with quick placement: texts go to the worker a chunk at a
 * time in the plan's order (LS texts first), each chunk kept in IndexedDB under the run's key, and after chunks the
 * partial vector is placed again (quickPlacement.ts says how it is weighted). Stopping keeps what is scored; the
 * same key resumes it later. No DOM: the page shows what the callbacks report.
 */

export interface RunProgress {
  readonly textsDone: number;
  readonly textsTotal: number;
  readonly tokensPerSecond: number;
  /** Seconds left at this run's rate so far; Infinity before the first text. */
  readonly etaSeconds: number;
  readonly device: DeviceInfo;
}

export interface RunPlacement {
  readonly placement: Placement;
  readonly stage: EstimateStage;
  /** Texts scored so far (the placement may use fewer: see PartialEstimate.textsUsed). */
  readonly textsScored: number;
  /** Every scored record so far, by text index. */
  readonly records: readonly ScoreRecord[];
}

export interface PlacementRunOptions {
  readonly client: ScorerClient;
  readonly device: DeviceInfo;
  readonly frame: MapFrame;
  /** The map's texts in map order (position j is column j of the frame). */
  readonly texts: readonly ScoringText[];
  readonly plan: QuickPlacementPlan;
  readonly storeKey: string;
  /** Texts per worker call; default 8. */
  readonly chunkSize?: number;
  /** Least time between two placements while scoring, ms; default 400. */
  readonly placeIntervalMs?: number;
  readonly onProgress: (progress: RunProgress) => void;
  readonly onPlacement: (update: RunPlacement) => void;
}

export interface PlacementRun {
  /** Resolves 'complete' when every text is scored and placed, 'stopped' after stop(); rejects on a scoring error. */
  readonly done: Promise<'complete' | 'stopped'>;
  /** Stops after the batch in flight; what is scored stays stored and placed. */
  stop(): void;
}

/** Records already stored under a key for this text set (what a resume starts from). */
export async function storedRecords(storeKey: string, texts: readonly ScoringText[]): Promise<ScoreRecord[]> {
  const wanted = new Set(texts.map((text) => text.index));
  return (await indexedDbStore(storeKey).load()).filter((record) => wanted.has(record.index));
}

export function startPlacementRun(options: PlacementRunOptions): PlacementRun {
  let stopped = false;
  const done = run(options, () => stopped);
  return {
    done,
    stop() {
      stopped = true;
      void options.client.cancel().catch(() => undefined);
    },
  };
}

async function run(options: PlacementRunOptions, isStopped: () => boolean): Promise<'complete' | 'stopped'> {
  const { client, frame, texts, plan, storeKey, device } = options;
  const positionOfIndex = new Map(texts.map((text, position) => [text.index, position]));
  const logLikelihoodByPosition = new Map<number, number>();
  const recordByIndex = new Map<number, ScoreRecord>();
  const add = (records: readonly ScoreRecord[]) => {
    for (const record of records) {
      const position = positionOfIndex.get(record.index);
      if (position === undefined) continue;
      logLikelihoodByPosition.set(position, record.logLikelihoodNats);
      recordByIndex.set(record.index, record);
    }
  };
  add(await storedRecords(storeKey, texts));

  const textsTotal = texts.length;
  const started = performance.now();
  const startedWith = logLikelihoodByPosition.size;
  let tokensThisRun = 0;
  let lastPlacedAt = Number.NEGATIVE_INFINITY;
  let lastStage: EstimateStage | null = null;
  let lastPlacedCount = -1;
  const progress = (textsDone: number) => {
    const seconds = Math.max((performance.now() - started) / 1000, 1e-3);
    const textsPerSecond = (textsDone - startedWith) / seconds;
    options.onProgress({
      textsDone,
      textsTotal,
      tokensPerSecond: tokensThisRun / seconds,
      etaSeconds: textsDone >= textsTotal ? 0 : textsPerSecond > 0 ? (textsTotal - textsDone) / textsPerSecond : Number.POSITIVE_INFINITY,
      device,
    });
  };
  const placeNow = (force: boolean) => {
    if (logLikelihoodByPosition.size === lastPlacedCount) return;
    const estimate = estimateFromScored(plan, logLikelihoodByPosition);
    if (estimate === null) return;
    const due = performance.now() - lastPlacedAt >= (options.placeIntervalMs ?? 400);
    if (!force && !due && estimate.stage === lastStage) return;
    lastPlacedAt = performance.now();
    lastStage = estimate.stage;
    lastPlacedCount = logLikelihoodByPosition.size;
    const placement = place(frame, estimate.observation);
    const records = [...recordByIndex.values()].sort((a, b) => a.index - b.index);
    options.onPlacement({ placement, stage: estimate.stage, textsScored: logLikelihoodByPosition.size, records });
  };

  progress(logLikelihoodByPosition.size);
  placeNow(true);
  for (;;) {
    if (isStopped()) {
      placeNow(true);
      return 'stopped';
    }
    const chunk = nextChunk(plan, logLikelihoodByPosition, options.chunkSize ?? 8);
    if (chunk.length === 0) break;
    const before = logLikelihoodByPosition.size;
    // Progress comes back on its own message channel and may arrive after the chunk's result: ignore it then.
    let chunkOpen = true;
    let records: ScoreRecord[];
    try {
      records = await client.score(
        chunk.map((position) => texts[position]),
        {
          storeKey,
          onProgress: (update) => {
            if (chunkOpen && update.kind === 'scoring') progress(Math.min(textsTotal, before + update.textsDone));
          },
        },
      );
    } catch (error) {
      chunkOpen = false;
      if (isLlmapError(error) && error.code === 'cancelled') {
        // The worker keeps every finished batch in the store before it stops: place from those too.
        add(await storedRecords(storeKey, texts));
        progress(logLikelihoodByPosition.size);
        placeNow(true);
        return 'stopped';
      }
      throw error;
    }
    chunkOpen = false;
    for (const record of records) if (!recordByIndex.has(record.index)) tokensThisRun += record.numTokens;
    add(records);
    progress(logLikelihoodByPosition.size);
    placeNow(logLikelihoodByPosition.size === textsTotal);
  }
  placeNow(true);
  return 'complete';
}
