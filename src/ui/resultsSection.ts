import type { LoadedMap } from '../map/loadMap.ts';
import type { MapView } from './mapView/index.ts';
import { toPlacedModel, toSharedPlacement, type PlacedEntry } from './placedModels.ts';
import { download, fileNameFor, resultsJson, vectorJsonl } from './resultExports.ts';
import { renderPlacedTable, renderResultDetails } from './resultsView.ts';
import { decodeShareHash, encodeShareHash, MAX_SHARED_PLACEMENTS, type ShareBounds } from './shareLink.ts';

/**
 * The placed models: kept in one list, drawn together on the map, compared side by side, shown one at a time in
 * detail, exported (vector JSONL, results JSON, map PNG and SVG), and mirrored into the URL's hash so the link
 * shows the same placements without scoring again. Placements read from a link on load join the list.
 */

export interface ResultsSectionElements {
  readonly panel: HTMLElement;
  readonly table: HTMLTableElement;
  readonly details: HTMLElement;
  readonly exportVector: HTMLButtonElement;
  readonly exportResults: HTMLButtonElement;
  readonly exportPng: HTMLButtonElement;
  readonly exportSvg: HTMLButtonElement;
  readonly copyLink: HTMLButtonElement;
  readonly shareNote: HTMLElement;
}

export interface ResultsSection {
  /** Adds a placed model, or updates the one with the same id. */
  upsert(entry: PlacedEntry): void;
}

export function setupResultsSection(loaded: LoadedMap, view: MapView, elements: ResultsSectionElements): ResultsSection {
  const { manifest, frame } = loaded;
  const context = { manifest, frame };
  const textCount = frame.qModelsByTexts.cols;
  let entries: PlacedEntry[] = [];
  let activeId: string | null = null;
  let shownDetailsOf: PlacedEntry | null = null;

  const active = () => entries.find((entry) => entry.id === activeId) ?? null;

  const render = () => {
    elements.panel.hidden = entries.length === 0;
    // Keep keyboard focus on the same button of the same row across a re-render (placements update live).
    const focused = document.activeElement;
    const focusedRow = focused instanceof HTMLButtonElement ? focused.closest('tr')?.dataset.placedId : undefined;
    const focusedLabel = focused instanceof HTMLButtonElement ? focused.textContent : null;
    renderPlacedTable(elements.table, entries, activeId, context, {
      onShow: (id) => {
        activeId = id;
        render();
      },
      onRemove: (id) => {
        entries = entries.filter((entry) => entry.id !== id);
        if (activeId === id) activeId = entries.at(-1)?.id ?? null;
        render();
        (elements.table.querySelector('tbody button') as HTMLButtonElement | null)?.focus();
      },
    });
    if (focusedRow !== undefined) {
      const again = [...elements.table.querySelectorAll<HTMLButtonElement>(`tr button`)].find((candidate) => candidate.closest('tr')?.dataset.placedId === focusedRow && candidate.textContent === focusedLabel);
      again?.focus();
    }
    const current = active();
    if (current !== shownDetailsOf) {
      renderResultDetails(elements.details, current, context);
      shownDetailsOf = current;
    }
    elements.exportVector.disabled = current?.kind !== 'scored';
    view.setPlaced(entries.map((entry) => toPlacedModel(entry, frame.meanBytesPerText)));
    writeHash();
  };

  const writeHash = () => {
    const hash = entries.length === 0 ? '' : encodeShareHash(manifest.id, entries.slice(-MAX_SHARED_PLACEMENTS).map((entry) => toSharedPlacement(entry, textCount)));
    const url = `${location.pathname}${location.search}${hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
  };

  elements.exportVector.addEventListener('click', () => {
    const current = active();
    if (current?.kind !== 'scored') return;
    download(fileNameFor(current.label, '.jsonl'), new Blob([vectorJsonl(current)], { type: 'application/x-ndjson' }));
  });
  elements.exportResults.addEventListener('click', () => {
    const current = active();
    if (current === null) return;
    download(fileNameFor(current.label, '-placement.json'), new Blob([resultsJson(current, manifest, frame)], { type: 'application/json' }));
  });
  elements.exportPng.addEventListener('click', () => {
    void view.toPngBlob().then((blob) => download(fileNameFor(manifest.id, '-map.png'), blob));
  });
  elements.exportSvg.addEventListener('click', () => {
    download(fileNameFor(manifest.id, '-map.svg'), new Blob([view.toSvgString()], { type: 'image/svg+xml' }));
  });
  elements.copyLink.addEventListener('click', () => {
    writeHash();
    const link = location.href;
    elements.shareNote.textContent = `This page's address now holds the placements shown (positions and nearest models, not the vectors): ${link}`;
    void navigator.clipboard?.writeText(link).then(
      () => (elements.shareNote.textContent += ' (copied)'),
      () => undefined,
    );
  });

  const bounds: ShareBounds = {
    mapId: manifest.id,
    referenceCount: manifest.models.length,
    textCount,
    tsneExtent: extent(manifest.models.map((model) => model.tsne)),
    pcaExtent: extent(manifest.models.map((model) => model.pca)),
  };
  const shared = decodeShareHash(location.hash, bounds);
  shared.placements.forEach((placement, k) => entries.push({ kind: 'shared', id: `shared:${k}`, label: placement.label, shared: placement }));
  activeId = entries.at(-1)?.id ?? null;
  if (shared.problems.length > 0) elements.shareNote.textContent = shared.problems.join(' ');
  if (entries.length > 0) render();

  return {
    upsert(entry) {
      const at = entries.findIndex((other) => other.id === entry.id);
      if (at < 0) {
        entries.push(entry);
        activeId = entry.id;
      } else {
        entries[at] = entry;
        if (shownDetailsOf?.id === entry.id) shownDetailsOf = null;
      }
      render();
    },
  };
}

function extent(points: ReadonlyArray<readonly [number, number]>): [number, number, number, number] {
  const xs = points.map((point) => point[0]);
  const ys = points.map((point) => point[1]);
  return [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
}
