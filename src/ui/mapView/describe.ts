import type { ColourEncoding } from './colourEncoding.ts';
import { formatKl, formatLogLikelihood, formatParameters } from './format.ts';
import type { TooltipContent } from './tooltip.ts';
import type { ColourBy, MapPoint, NeighbourLink, PlacedModel } from './types.ts';

/** What the tooltip says about a reference: the card fields, the coloured-by value, and KL to what links to it. */
export function describeModel(
  points: readonly MapPoint[],
  index: number,
  encoding: ColourEncoding,
  colourBy: ColourBy,
  selected: number | null,
  selectedNeighbours: readonly NeighbourLink[],
  placed: readonly PlacedModel[],
): TooltipContent {
  const point = points[index];
  const rows: Array<[string, string]> = [
    ['Family', point.family || 'unknown'],
    ['Parameters', formatParameters(point.parameters)],
    ['Training data', point.trainingData ?? 'unknown'],
    ['Mean log-likelihood', formatLogLikelihood(point.meanLogLikelihoodNats)],
  ];
  if (colourBy.kind === 'primaryCategory') rows.push(['Primary category', point.primaryCategory || 'unknown']);
  if (colourBy.kind === 'score') rows.push([colourBy.name, encoding.valueText(index) ?? 'no value']);
  if (selected !== null && selected !== index) {
    const link = selectedNeighbours.find((neighbour) => neighbour.index === index);
    if (link !== undefined) rows.push([`To ${points[selected].name}`, formatKl(link.klNatsPerText, link.klBitsPerByte)]);
  }
  for (const model of placed) {
    const link = model.nearest.find((neighbour) => neighbour.index === index);
    if (link !== undefined) rows.push([`To ${model.label}`, formatKl(link.klNatsPerText, link.klBitsPerByte)]);
  }
  return { title: point.name, rows };
}

/** The live summary: "13 models, coloured by Model family; hovered: gpt2 (gpt2); selected: …; 1 new model placed". */
export function summaryText(
  points: readonly MapPoint[],
  encoding: ColourEncoding,
  hovered: number | null,
  selected: number | null,
  placed: readonly PlacedModel[],
): string {
  const parts = [`${points.length} models, coloured by ${encoding.legend.title}`];
  if (hovered !== null) {
    const value = encoding.valueText(hovered);
    parts.push(`hovered: ${points[hovered].name} (${points[hovered].family}${value !== null && value !== points[hovered].family ? `, ${value}` : ''})`);
  }
  if (selected !== null) parts.push(`selected: ${points[selected].name}`);
  for (const model of placed) {
    const nearest = model.nearest[0];
    const status = model.offMap ? ', off the map' : model.provisional ? ', provisional' : '';
    parts.push(
      `new model ${model.label}${status}${nearest === undefined || points[nearest.index] === undefined ? '' : `, nearest ${points[nearest.index].name} (${formatKl(nearest.klNatsPerText, nearest.klBitsPerByte)})`}`,
    );
  }
  return parts.join('; ');
}
