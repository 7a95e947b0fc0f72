import { natsPerTextToBitsPerByte } from '../core/kl.ts';
import type { Placement } from '../core/place.ts';
import type { DeviceInfo, ScoreRecord } from '../scoring/index.ts';
import type { PlacedModel } from './mapView/index.ts';
import type { EstimateStage } from './quickPlacement.ts';
import type { SharedPlacement } from './shareLink.ts';

/**
 * The models placed on this page, as the page keeps them: scored here (with the placement `place()` returned and
 * the records behind it) or read from a shared link (positions and nearest KLs only). Pure conversions to what the
 * map view draws and what a link carries.
 */
export type PlacedEntry =
  | {
      readonly kind: 'scored';
      readonly id: string;
      readonly label: string;
      readonly source: 'demo' | 'folder';
      readonly storeKey: string;
      readonly stage: EstimateStage;
      readonly textsScored: number;
      readonly placement: Placement;
      readonly records: readonly ScoreRecord[];
      readonly device: DeviceInfo;
      /** Scoring of this model is still running (its placement will change). */
      readonly running: boolean;
    }
  | { readonly kind: 'shared'; readonly id: string; readonly label: string; readonly shared: SharedPlacement };

/** Whether the entry's position may still move: a partial vector, or a link made from one. */
export function isProvisional(entry: PlacedEntry): boolean {
  return entry.kind === 'scored' ? entry.stage !== 'complete' : entry.shared.provisional;
}

export function isOffMap(entry: PlacedEntry): boolean {
  return entry.kind === 'scored' ? entry.placement.offMap.isOffMap : entry.shared.offMap;
}

export function textsScoredOf(entry: PlacedEntry): number {
  return entry.kind === 'scored' ? entry.textsScored : entry.shared.textsScored;
}

/** The nearest references with KL in both units and its bootstrap s.d. (NaN when unknown). */
export function nearestOf(entry: PlacedEntry, meanBytesPerText: number): Array<{ index: number; klNatsPerText: number; klBitsPerByte: number; klStandardDeviationNatsPerText: number }> {
  if (entry.kind === 'scored') return entry.placement.nearest.map((near) => ({ ...near }));
  return entry.shared.nearest.map((near) => ({ ...near, klBitsPerByte: natsPerTextToBitsPerByte(near.klNatsPerText, meanBytesPerText) }));
}

/** What the map view draws for an entry. */
export function toPlacedModel(entry: PlacedEntry, meanBytesPerText: number): PlacedModel {
  const { tsne, pca } = entry.kind === 'scored' ? entry.placement : entry.shared;
  return {
    id: entry.id,
    label: entry.label,
    tsne: { x: tsne.x, y: tsne.y, ellipse: tsne.ellipse },
    pca: { x: pca.x, y: pca.y, ellipse: pca.ellipse },
    nearest: nearestOf(entry, meanBytesPerText).map(({ index, klNatsPerText, klBitsPerByte }) => ({ index, klNatsPerText, klBitsPerByte })),
    provisional: isProvisional(entry),
    offMap: isOffMap(entry),
  };
}

/** What a share link carries for an entry. */
export function toSharedPlacement(entry: PlacedEntry, textCount: number): SharedPlacement {
  if (entry.kind === 'shared') return entry.shared;
  const { tsne, pca, nearest } = entry.placement;
  return {
    label: entry.label,
    tsne: { x: tsne.x, y: tsne.y, ellipse: tsne.ellipse },
    pca: { x: pca.x, y: pca.y, ellipse: pca.ellipse },
    nearest: nearest.map(({ index, klNatsPerText, klStandardDeviationNatsPerText }) => ({ index, klNatsPerText, klStandardDeviationNatsPerText })),
    provisional: entry.stage !== 'complete',
    offMap: entry.placement.offMap.isOffMap,
    textsScored: entry.textsScored,
    textCount,
  };
}
