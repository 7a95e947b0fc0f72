import type { MapFrame } from '../core/mapFrame.ts';
import type { MapManifest } from '../map/schema.ts';
import { formatSignificant } from './mapView/format.ts';
import { KL_APPROXIMATION_LIMIT_BITS_PER_BYTE } from '../core/place.ts';
import { isOffMap, isProvisional, nearestOf, textsScoredOf, type PlacedEntry } from './placedModels.ts';
import { profileExplanation, renderProfileChart } from './profileChart.ts';

/**
 * The results of placed models: a side-by-side table of every placed model (each removable) and the details of
 * one — nearest references with KL ± bootstrap s.d., predicted scores or a plain word that the map has none, the
 * per-domain profile chart and an off-map warning. Every string from a model or a map goes in as text.
 */

export interface ResultsContext {
  readonly manifest: MapManifest;
  readonly frame: MapFrame;
}

export interface PlacedTableHandlers {
  readonly onShow: (id: string) => void;
  readonly onRemove: (id: string) => void;
}

export function renderPlacedTable(table: HTMLTableElement, entries: readonly PlacedEntry[], activeId: string | null, context: ResultsContext, handlers: PlacedTableHandlers): void {
  const caption = element('caption', 'The models placed on this page, side by side. All are drawn on the map.');
  const head = element('thead');
  head.append(row('th', ['Model', 'Placed from', 'Nearest reference', 'KL (nats/text)', 'Strongest domain', 'Actions']));
  const body = element('tbody');
  for (const entry of entries) {
    const nearest = nearestOf(entry, context.frame.meanBytesPerText)[0];
    const tr = document.createElement('tr');
    tr.dataset.placedId = entry.id;
    if (entry.id === activeId) tr.className = 'active';
    const label = element('th', entry.label);
    label.setAttribute('scope', 'row');
    tr.append(
      label,
      element('td', statusText(entry, context.frame.qModelsByTexts.cols)),
      element('td', nearest ? context.manifest.models[nearest.index].name : '—'),
      element('td', nearest ? formatSignificant(nearest.klNatsPerText) : '—'),
      element('td', entry.kind === 'scored' ? (context.frame.categoryNames[entry.placement.profile.primaryCategory] ?? '—') : 'not in the link'),
    );
    const actions = element('td');
    const show = button('Details', () => handlers.onShow(entry.id));
    show.setAttribute('aria-label', `Details of ${entry.label}`);
    show.setAttribute('aria-pressed', String(entry.id === activeId));
    const remove = button('Remove', () => handlers.onRemove(entry.id));
    remove.setAttribute('aria-label', `Remove ${entry.label}`);
    actions.append(show, ' ', remove);
    tr.append(actions);
    body.append(tr);
  }
  table.replaceChildren(caption, head, body);
}

export function renderResultDetails(container: HTMLElement, entry: PlacedEntry | null, context: ResultsContext): void {
  container.replaceChildren();
  if (entry === null) return;
  const { manifest, frame } = context;
  const textCount = frame.qModelsByTexts.cols;
  const heading = element('h3', entry.label);
  heading.id = 'result-name';
  heading.dataset.testid = 'result-name';
  const status = element('p', statusSentence(entry, textCount));
  status.className = 'result-status';
  status.dataset.testid = 'result-status';
  container.append(heading, status);

  if (isOffMap(entry)) {
    const warning = element('p');
    warning.className = 'warning';
    warning.dataset.testid = 'off-map-warning';
    warning.textContent =
      entry.kind === 'scored'
        ? `Off the map: its nearest reference is at ${formatSignificant(entry.placement.offMap.nearestKlNatsPerText)} nats per text, more than the ${formatSignificant(entry.placement.offMap.thresholdKlNatsPerText)} beyond which no reference sits from its own nearest neighbour. This model is unlike every model on the map; its position says little, read its nearest models with care.`
        : 'Off the map: when this link was made, the model was far from every reference; its position says little.';
    container.append(warning);
  }

  if (entry.kind === 'scored' && !entry.placement.klWithinApproximationRange) {
    const caution = element('p');
    caution.className = 'warning';
    caution.dataset.testid = 'kl-range-warning';
    caution.textContent =
      `Even the nearest reference is more than ${KL_APPROXIMATION_LIMIT_BITS_PER_BYTE} bit per byte away. The KL estimate (half the variance of the log-likelihood ` +
      'differences) is a second-order approximation for nearby models; this far out its numbers rank the references but are not divergences.';
    container.append(caution);
  }

  container.append(element('h4', 'Nearest reference models'));
  const nearestTable = element('table');
  nearestTable.className = 'nearest-table';
  nearestTable.dataset.testid = 'nearest-table';
  nearestTable.append(
    element('caption', 'Estimated KL divergence from the reference to this model, ± its bootstrap standard deviation over texts.'),
    (() => {
      const head = element('thead');
      head.append(row('th', ['#', 'Model', 'Family', 'KL (nats/text)', 'KL (bits/byte)']));
      return head;
    })(),
  );
  const body = element('tbody');
  nearestOf(entry, frame.meanBytesPerText).forEach((near, rank) => {
    const model = manifest.models[near.index];
    const deviation = Number.isFinite(near.klStandardDeviationNatsPerText) ? ` ± ${formatSignificant(near.klStandardDeviationNatsPerText)}` : '';
    const tr = row('td', [String(rank + 1), model.name, model.family, `${formatSignificant(near.klNatsPerText)}${deviation}`, formatSignificant(near.klBitsPerByte)]);
    tr.dataset.referenceId = model.id;
    body.append(tr);
  });
  nearestTable.append(body);
  container.append(wrap(nearestTable));

  if (entry.kind === 'shared') {
    container.append(element('p', 'This placement came from a link: its position and nearest models are as they were when the link was made. Its predicted scores, domain profile and vector are not in the link; score the model here to see them.'));
    return;
  }

  container.append(element('h4', 'Predicted scores'));
  const predicted = entry.placement.predictedScores;
  if (predicted.length === 0) {
    const none = element('p', 'This map predicts no scores: none of its reference models comes with benchmark scores, so there is nothing to learn a prediction from. Only distances to the references are estimated.');
    none.dataset.testid = 'no-predictions';
    container.append(none);
  } else {
    const scoresTable = element('table');
    scoresTable.dataset.testid = 'predicted-scores';
    const head = element('thead');
    head.append(row('th', ['Score', 'Predicted', 'Cross-validated error (RMSE)', 'Bootstrap s.d.']));
    const scoresBody = element('tbody');
    for (const score of predicted) {
      scoresBody.append(
        row('td', [score.name, formatSignificant(score.value), formatSignificant(score.crossValidatedRootMeanSquaredError), Number.isFinite(score.bootstrapStandardDeviation) ? formatSignificant(score.bootstrapStandardDeviation) : '—']),
      );
    }
    scoresTable.append(element('caption', 'Ridge regression from the vector, trained on the reference models; its error is from cross-validation over model families.'), head, scoresBody);
    container.append(wrap(scoresTable));
  }

  container.append(element('h4', 'Where it is relatively strong or weak'));
  const chart = element('div');
  chart.className = 'profile';
  renderProfileChart(chart, entry.placement.profile, frame.categoryNames);
  const explanation = element('p', profileExplanation(entry.placement.profile, frame.categoryNames));
  explanation.className = 'profile-explanation';
  container.append(chart, explanation);
}

function statusText(entry: PlacedEntry, textCount: number): string {
  const scored = `${textsScoredOf(entry).toLocaleString('en')} of ${textCount.toLocaleString('en')} texts`;
  if (entry.kind === 'shared') return `${scored} (from a link)`;
  return isProvisional(entry) ? `${scored}, provisional${entry.running ? '' : ' (stopped)'}` : `${scored}, final`;
}

function statusSentence(entry: PlacedEntry, textCount: number): string {
  const scored = textsScoredOf(entry).toLocaleString('en');
  const total = textCount.toLocaleString('en');
  if (entry.kind === 'shared') return `Shown from a link: placed from ${scored} of ${total} texts${entry.shared.provisional ? ' (provisional)' : ''}.`;
  const device = `${entry.device.backend === 'webgpu' ? 'WebGPU' : 'WASM'}`;
  if (entry.stage === 'complete') return `Final placement from all ${total} texts (scored on ${device}). The ellipse is the 95% bootstrap region over texts.`;
  const how = entry.stage === 'ls' ? 'the most informative texts first, importance-weighted' : 'the informative texts plus a random sample of the rest';
  const state = entry.running ? 'refining as scoring goes on' : 'scoring stopped; resume to refine it';
  return `Provisional placement from ${scored} of ${total} texts (${how}); ${state}. The dashed ellipse is its 95% bootstrap region.`;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) created.textContent = text;
  return created;
}

function row(cell: 'th' | 'td', texts: readonly string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of texts) {
    const created = element(cell, text);
    if (cell === 'th') created.setAttribute('scope', 'col');
    tr.append(created);
  }
  return tr;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const created = element('button', text);
  created.type = 'button';
  created.addEventListener('click', onClick);
  return created;
}

function wrap(table: HTMLTableElement): HTMLDivElement {
  const scroll = element('div');
  scroll.className = 'table-scroll';
  scroll.append(table);
  return scroll;
}
