import type { MapManifest } from '../map/schema.ts';
import type { NeighbourLink } from './mapView/index.ts';
import { formatLogLikelihood, formatParameters, formatSignificant } from './mapView/format.ts';

/**
 * What the page says about a selected reference model: who it is (as map.json says, as text only) and its 10
 * nearest references with KL in nats per text and bits per byte.
 */
export function renderReferenceDetails(section: HTMLElement, manifest: MapManifest, index: number | null, neighbours: readonly NeighbourLink[]): void {
  section.replaceChildren();
  section.hidden = index === null;
  if (index === null) return;
  const model = manifest.models[index];
  const heading = text('h3', model.name);
  heading.id = 'reference-name';
  heading.dataset.testid = 'reference-name';
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const knownScores = Object.entries(model.scores ?? {});
  const rows: Array<[string, string]> = [
    ['Family', model.family],
    ['Parameters', formatParameters(model.parameters)],
    ['Trained on', model.trainingData ?? 'not recorded'],
    ['Fine-tuned from', model.parent === null ? '—' : (manifest.models.find((other) => other.id === model.parent)?.name ?? model.parent)],
    ['Mean log-likelihood', formatLogLikelihood(model.meanLogLikelihoodNats)],
    ['Relatively strongest on', model.primaryCategory],
    ['Known scores', knownScores.length === 0 ? 'none' : knownScores.map(([name, value]) => `${name} ${formatSignificant(value)}`).join('; ')],
    ['Source', model.source],
    ['Licence', model.licence],
  ];
  for (const [term, description] of rows) facts.append(text('dt', term), text('dd', description));

  const table = document.createElement('table');
  table.className = 'nearest-table';
  table.dataset.testid = 'reference-neighbours';
  table.append(text('caption', `The ${neighbours.length} nearest reference models by estimated KL divergence.`));
  const head = document.createElement('thead');
  head.append(row('th', ['#', 'Model', 'Family', 'KL (nats/text)', 'KL (bits/byte)']));
  const body = document.createElement('tbody');
  neighbours.forEach((near, rank) => {
    const other = manifest.models[near.index];
    body.append(row('td', [String(rank + 1), other.name, other.family, formatSignificant(near.klNatsPerText), formatSignificant(near.klBitsPerByte)]));
  });
  table.append(head, body);
  const scroll = document.createElement('div');
  scroll.className = 'table-scroll';
  scroll.append(table);
  section.append(heading, facts, scroll);
}

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  created.textContent = content;
  return created;
}

function row(cell: 'th' | 'td', texts: readonly string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const content of texts) {
    const created = text(cell, content);
    if (cell === 'th') created.setAttribute('scope', 'col');
    tr.append(created);
  }
  return tr;
}
