import { klNatsPerTextToReferences, natsPerTextToBitsPerByte } from '../core/kl.ts';
import type { MapFrame } from '../core/mapFrame.ts';
import { rowView } from '../core/matrix.ts';
import type { NeighbourLink } from './mapView/index.ts';

/**
 * The nearest references of a reference model, by KL from its row of Q (core's klNatsPerTextToReferences, on the
 * main thread), remembered per model: what the map links and the details panel lists when a model is selected.
 */
export function referenceNeighbourFinder(frame: MapFrame, count = 10): (index: number) => readonly NeighbourLink[] {
  const remembered = new Map<number, readonly NeighbourLink[]>();
  return (index) => {
    const known = remembered.get(index);
    if (known !== undefined) return known;
    const klNatsPerText = klNatsPerTextToReferences(rowView(frame.qModelsByTexts, index), frame.qModelsByTexts);
    const neighbours = Array.from(klNatsPerText.keys())
      .filter((other) => other !== index)
      .sort((a, b) => klNatsPerText[a] - klNatsPerText[b] || a - b)
      .slice(0, count)
      .map((other) => ({
        index: other,
        klNatsPerText: klNatsPerText[other],
        klBitsPerByte: natsPerTextToBitsPerByte(klNatsPerText[other], frame.meanBytesPerText),
      }));
    remembered.set(index, neighbours);
    return neighbours;
  };
}
