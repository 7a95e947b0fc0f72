/**
 * Point indices grouped by colour bucket (a counting sort): bucket b's points are order[bucketStarts[b] ..
 * bucketStarts[b + 1]). Rebuilt when the colouring changes, never per frame.
 */
export interface ColourOrder {
  readonly palette: readonly string[];
  readonly order: Uint32Array;
  readonly bucketStarts: Uint32Array;
}

export function colourOrder(palette: readonly string[], bucketOf: Uint16Array): ColourOrder {
  const bucketStarts = new Uint32Array(palette.length + 1);
  for (let i = 0; i < bucketOf.length; i++) bucketStarts[bucketOf[i] + 1]++;
  for (let b = 0; b < palette.length; b++) bucketStarts[b + 1] += bucketStarts[b];
  const next = bucketStarts.slice(0, palette.length);
  const order = new Uint32Array(bucketOf.length);
  for (let i = 0; i < bucketOf.length; i++) order[next[bucketOf[i]]++] = i;
  return { palette, order, bucketStarts };
}
