import { interpolateViridis, scaleLinear, scaleLog, schemeTableau10 } from 'd3';
import { formatParameters, formatSignificant } from './format.ts';
import type { ColourBy, MapPoint } from './types.ts';

/**
 * A colour encoding: every point falls into one colour bucket, so the canvas sets `fillStyle` once per bucket.
 * Sequential encodings are quantised into SEQUENTIAL_STEPS buckets (finer than the eye separates on small marks).
 * Bucket 0 is always "no value" (grey), drawn first so coloured points stay on top.
 */
export interface ColourEncoding {
  readonly palette: readonly string[];
  readonly bucketOf: Uint16Array;
  readonly legend: LegendSpec;
  /** The encoded value of a point as a person reads it ("7.2B", "0.613"), or null when it has none. */
  readonly valueText: (index: number) => string | null;
}

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  readonly count: number;
}

export type LegendSpec =
  | { readonly kind: 'categorical'; readonly title: string; readonly entries: readonly LegendEntry[] }
  | {
      readonly kind: 'sequential';
      readonly title: string;
      readonly unit: string;
      /** The bar's colours, low to high. */
      readonly ramp: readonly string[];
      readonly ticks: ReadonlyArray<{ readonly fraction: number; readonly label: string }>;
      readonly rangeText: string;
      readonly missing: LegendEntry | null;
    };

export const MISSING_COLOUR = '#b8bec6';
const SEQUENTIAL_STEPS = 48;
const MAX_CATEGORIES = 10;

export function colourEncoding(points: readonly MapPoint[], colourBy: ColourBy): ColourEncoding {
  switch (colourBy.kind) {
    case 'family':
      return categorical(points, 'Model family', (point) => point.family);
    case 'primaryCategory':
      return categorical(points, 'Primary text category', (point) => point.primaryCategory);
    case 'parameters':
      return sequential(points, {
        title: 'Parameters (log scale)',
        unit: 'number of weights',
        value: (point) => (point.parameters !== null && point.parameters > 0 ? point.parameters : null),
        log: true,
        format: formatParameters,
      });
    case 'meanLogLikelihood':
      return sequential(points, {
        title: 'Mean log-likelihood',
        unit: 'nats/text; higher = more likely',
        value: (point) => point.meanLogLikelihoodNats,
        log: false,
        format: (value) => formatSignificant(value, 4),
      });
    case 'score':
      return sequential(points, {
        title: `Score: ${colourBy.name}`,
        unit: 'as reported by the benchmark',
        value: (point) => point.scores[colourBy.name] ?? null,
        log: false,
        format: (value) => formatSignificant(value),
      });
  }
}

function categorical(points: readonly MapPoint[], title: string, key: (point: MapPoint) => string): ColourEncoding {
  const counts = new Map<string, number>();
  for (const point of points) counts.set(key(point), (counts.get(key(point)) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const overflow = ranked.length > MAX_CATEGORIES;
  const named = overflow ? ranked.slice(0, MAX_CATEGORIES - 1) : ranked;
  const bucketOfKey = new Map<string, number>(named.map(([name], rank) => [name, rank + 1]));
  const palette = [MISSING_COLOUR, ...named.map((_, rank) => schemeTableau10[rank])];
  const bucketOf = new Uint16Array(points.length);
  for (let i = 0; i < points.length; i++) bucketOf[i] = bucketOfKey.get(key(points[i])) ?? 0;
  const entries: LegendEntry[] = named.map(([name, count], rank) => ({
    label: name === '' ? '(none)' : name,
    colour: palette[rank + 1],
    count,
  }));
  if (overflow) {
    const rest = ranked.slice(MAX_CATEGORIES - 1);
    entries.push({
      label: `${rest.length} others`,
      colour: MISSING_COLOUR,
      count: rest.reduce((sum, [, count]) => sum + count, 0),
    });
  }
  return {
    palette,
    bucketOf,
    legend: { kind: 'categorical', title, entries },
    valueText: (index) => key(points[index]) || null,
  };
}

interface SequentialSpec {
  readonly title: string;
  readonly unit: string;
  readonly value: (point: MapPoint) => number | null;
  readonly log: boolean;
  readonly format: (value: number) => string;
}

function sequential(points: readonly MapPoint[], spec: SequentialSpec): ColourEncoding {
  const values = points.map((point) => {
    const value = spec.value(point);
    return value !== null && Number.isFinite(value) ? value : null;
  });
  let min = Infinity;
  let max = -Infinity;
  let missingCount = 0;
  for (const value of values) {
    if (value === null) missingCount++;
    else {
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  const known = min <= max;
  const low = known ? min : 0;
  const high = known && max > min ? max : low + (spec.log ? low : 1);
  const scale = spec.log ? scaleLog().domain([low, high]) : scaleLinear().domain([low, high]);
  scale.range([0, 1]).clamp(true);
  // viridis up to 0.92: its last, palest yellows vanish on a white background.
  const ramp = Array.from({ length: SEQUENTIAL_STEPS }, (_, step) => interpolateViridis((0.92 * step) / (SEQUENTIAL_STEPS - 1)));
  const palette = [MISSING_COLOUR, ...ramp];
  const bucketOf = new Uint16Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const value = values[i];
    bucketOf[i] = value === null ? 0 : 1 + Math.round(scale(value) * (SEQUENTIAL_STEPS - 1));
  }
  const ticks = known
    ? scale
        .ticks(3)
        .filter((tick) => tick >= low && tick <= high)
        .map((tick) => ({ fraction: scale(tick), label: spec.format(tick) }))
    : [];
  return {
    palette,
    bucketOf,
    legend: {
      kind: 'sequential',
      title: spec.title,
      unit: spec.unit,
      ramp,
      ticks: thinTicks(ticks),
      rangeText: known ? `range ${spec.format(min)} to ${spec.format(max)}` : 'no model has a value',
      missing: missingCount > 0 ? { label: 'no value', colour: MISSING_COLOUR, count: missingCount } : null,
    },
    valueText: (index) => (values[index] === null ? null : spec.format(values[index] as number)),
  };
}

/** At most 5 ticks, evenly thinned (log ticks over many decades are dense). */
function thinTicks<T>(ticks: readonly T[]): T[] {
  if (ticks.length <= 5) return [...ticks];
  const stride = Math.ceil(ticks.length / 5);
  return ticks.filter((_, position) => position % stride === 0);
}
