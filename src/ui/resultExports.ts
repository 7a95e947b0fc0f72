import type { MapFrame } from '../core/mapFrame.ts';
import type { MapManifest } from '../map/schema.ts';
import { recordToJsonLine } from '../scoring/records.ts';
import { nearestOf, textsScoredOf, type PlacedEntry } from './placedModels.ts';

/**
 * What the page exports: a scored model's vector as the paper's per-model JSONL, its results as JSON, and any file
 * the page makes (map PNG and SVG too) as a download. Everything is made in the browser; nothing is uploaded.
 */

/** The scored texts as `{"index","num-tokens","log-likelihood"}` lines, by text index (what `llmap place` reads). */
export function vectorJsonl(entry: PlacedEntry): string {
  if (entry.kind !== 'scored') return '';
  return entry.records.map((record) => `${recordToJsonLine(record)}\n`).join('');
}

/** The results of one placed model, with the references named. */
export function resultsJson(entry: PlacedEntry, manifest: MapManifest, frame: MapFrame): string {
  const nearest = nearestOf(entry, frame.meanBytesPerText).map((near) => ({
    id: manifest.models[near.index].id,
    name: manifest.models[near.index].name,
    klNatsPerText: near.klNatsPerText,
    klBitsPerByte: near.klBitsPerByte,
    klStandardDeviationNatsPerText: Number.isFinite(near.klStandardDeviationNatsPerText) ? near.klStandardDeviationNatsPerText : null,
  }));
  const common = { map: manifest.id, model: entry.label, textsScored: textsScoredOf(entry), textCount: frame.qModelsByTexts.cols, nearest };
  if (entry.kind === 'shared') {
    return `${JSON.stringify({ ...common, source: 'shared link', provisional: entry.shared.provisional, tsne: entry.shared.tsne, pca: entry.shared.pca, offMap: entry.shared.offMap }, null, 1)}\n`;
  }
  const { placement } = entry;
  return `${JSON.stringify(
    {
      ...common,
      source: entry.source,
      estimate: entry.stage,
      device: entry.device,
      tsne: placement.tsne,
      pca: placement.pca,
      predictedScores: placement.predictedScores,
      profile: {
        primaryCategory: frame.categoryNames[placement.profile.primaryCategory] ?? null,
        meanQNatsByCategory: Object.fromEntries(frame.categoryNames.map((name, c) => [name, finiteOrNull(placement.profile.meanQNatsByCategory[c])])),
        textCountByCategory: Object.fromEntries(frame.categoryNames.map((name, c) => [name, placement.profile.textCountByCategory[c]])),
      },
      offMap: placement.offMap,
    },
    null,
    1,
  )}\n`;
}

/** A file name from a model label: letters, digits, dots and dashes only. */
export function fileNameFor(label: string, suffix: string): string {
  const stem = label.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'model';
  return `${stem}${suffix}`;
}

/** Saves a blob as a download through a temporary link. */
export function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
