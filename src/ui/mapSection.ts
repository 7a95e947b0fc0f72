import { rowView } from '../core/matrix.ts';
import { predictRidge } from '../core/ridge.ts';
import type { LoadedMap } from '../map/loadMap.ts';
import { createMapView, type ColourBy, type MapPoint, type MapView } from './mapView/index.ts';
import { attachModelSearch } from './modelSearch.ts';
import { referenceNeighbourFinder } from './referenceNeighbours.ts';
import { renderReferenceDetails } from './referenceDetails.ts';

/**
 * The map and its controls: the map view of the reference models, the t-SNE/PCA switch, colour-by (family,
 * parameters, mean log-likelihood, primary text category, every known or predicted score), search by name, and the
 * selected model's details with its nearest references.
 */

export interface MapSectionElements {
  readonly area: HTMLElement;
  readonly viewContainer: HTMLElement;
  readonly layoutInputs: readonly HTMLInputElement[];
  readonly colourSelect: HTMLSelectElement;
  readonly searchInput: HTMLInputElement;
  readonly searchResults: HTMLUListElement;
  readonly details: HTMLElement;
}

export function setupMapSection(loaded: LoadedMap, elements: MapSectionElements): MapView {
  const { manifest, frame } = loaded;
  // A score the map predicts colours every reference: its known value, else the map's prediction from its vector.
  const points: MapPoint[] = manifest.models.map((model, i) => ({
    id: model.id,
    name: model.name,
    family: model.family,
    parameters: model.parameters,
    trainingData: model.trainingData,
    meanLogLikelihoodNats: model.meanLogLikelihoodNats,
    primaryCategory: model.primaryCategory,
    tsne: model.tsne,
    pca: model.pca,
    scores: {
      ...Object.fromEntries(frame.predictors.map((predictor) => [predictor.name, predictRidge(predictor.fit, rowView(frame.qModelsByTexts, i))])),
      ...(model.scores ?? {}),
    },
  }));
  const neighboursOf = referenceNeighbourFinder(frame);
  elements.area.hidden = false;
  const view = createMapView(elements.viewContainer, points, { layout: 'tsne', colourBy: { kind: 'family' }, neighboursOf, heightPx: 520 });

  for (const input of elements.layoutInputs) {
    input.addEventListener('change', () => {
      if (input.checked) view.setLayout(input.value === 'pca' ? 'pca' : 'tsne');
    });
  }

  const colourChoices = colourOptions(manifest.models.flatMap((model) => Object.keys(model.scores ?? {})), frame.predictors.map((predictor) => predictor.name));
  elements.colourSelect.replaceChildren(
    ...colourChoices.map(({ label }, k) => {
      const option = document.createElement('option');
      option.value = String(k);
      option.textContent = label;
      return option;
    }),
  );
  elements.colourSelect.addEventListener('change', () => view.setColourBy(colourChoices[Number(elements.colourSelect.value)]?.colourBy ?? { kind: 'family' }));

  const showDetails = (index: number | null) => renderReferenceDetails(elements.details, manifest, index, index === null ? [] : neighboursOf(index));
  view.on('select', showDetails);
  attachModelSearch({
    input: elements.searchInput,
    listbox: elements.searchResults,
    items: manifest.models.map((model, index) => ({ index, name: model.name, detail: model.family })),
    onChoose: (index) => {
      view.select(index);
      view.focus(index);
      showDetails(index);
    },
  });
  return view;
}

/** Colour-by choices: the fixed encodings, then each score that a model knows or the map predicts. */
function colourOptions(knownScoreNames: readonly string[], predictedScoreNames: readonly string[]): Array<{ label: string; colourBy: ColourBy }> {
  const scoreNames = [...new Set([...knownScoreNames, ...predictedScoreNames])].sort();
  return [
    { label: 'Family', colourBy: { kind: 'family' } },
    { label: 'Parameters', colourBy: { kind: 'parameters' } },
    { label: 'Mean log-likelihood', colourBy: { kind: 'meanLogLikelihood' } },
    { label: 'Primary text category', colourBy: { kind: 'primaryCategory' } },
    ...scoreNames.map((name) => ({
      label: `Score: ${name}${predictedScoreNames.includes(name) ? ' (known, else predicted)' : ' (known only)'}`,
      colourBy: { kind: 'score', name } as ColourBy,
    })),
  ];
}
