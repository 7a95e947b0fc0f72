import type { Ellipse } from '../../core/bootstrap.ts';

/** The map view's public types: reference points, colour encodings, placed models and the view's handle. */

/** One reference model on the map. Strings (name, family, …) are untrusted: the view renders them as text only. */
export interface MapPoint {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly parameters: number | null;
  readonly trainingData: string | null;
  readonly meanLogLikelihoodNats: number;
  readonly primaryCategory: string;
  readonly tsne: readonly [number, number];
  readonly pca: readonly [number, number];
  readonly scores: Readonly<Record<string, number>>;
}

export type ColourBy =
  | { readonly kind: 'family' }
  | { readonly kind: 'parameters' }
  | { readonly kind: 'meanLogLikelihood' }
  | { readonly kind: 'primaryCategory' }
  | { readonly kind: 'score'; readonly name: string };

export type Layout = 'tsne' | 'pca';

/** An uncertainty ellipse in data units (the layout's own coordinates), as place() reports it. */
export type { Ellipse };

/** A KL link from one model to a reference, by the reference's index in `points`. */
export interface NeighbourLink {
  readonly index: number;
  readonly klNatsPerText: number;
  readonly klBitsPerByte: number;
}

/** A new model placed on the map (core.place()'s result, shaped for the view). */
export interface PlacedModel {
  readonly id: string;
  readonly label: string;
  readonly tsne: { readonly x: number; readonly y: number; readonly ellipse: Ellipse | null };
  readonly pca: { readonly x: number; readonly y: number; readonly ellipse: Ellipse | null };
  readonly nearest: readonly NeighbourLink[];
  /** True while the position still refines (a partial vector): its ellipse is drawn dashed. */
  readonly provisional: boolean;
  /** True when the nearest KL is far beyond the reference's typical nearest KL. */
  readonly offMap: boolean;
}

export interface MapViewOptions {
  readonly layout?: Layout;
  readonly colourBy?: ColourBy;
  /** The k nearest references of reference `index`, computed by the caller; links drawn when it is selected. */
  readonly neighboursOf?: (index: number) => readonly NeighbourLink[];
  /** Height of the view in CSS pixels when the container has no height of its own (default 480). */
  readonly heightPx?: number;
  /** Layout transition length in ms (default 600; 0 when the user prefers reduced motion). */
  readonly transitionMs?: number;
}

export type MapViewEvent = 'select' | 'hover';

/** A point's position on the canvas, in CSS pixels from the canvas's top-left corner. */
export interface ScreenPosition {
  readonly x: number;
  readonly y: number;
}

export interface MapView {
  /** Animates points to the other layout (about 600 ms; instant under prefers-reduced-motion). */
  setLayout(layout: Layout): void;
  /** Recolours the points and redraws the legend (title, units, range or swatches). */
  setColourBy(colourBy: ColourBy): void;
  /** Draws new models as stars with their uncertainty ellipses and KL-labelled links to their nearest references. */
  setPlaced(models: readonly PlacedModel[]): void;
  /** Highlights a reference and links it to `neighboursOf(index)`. Programmatic: does not fire 'select'. */
  select(index: number | null): void;
  /** Pans and zooms so that reference `index` sits in the middle of the view. */
  focus(index: number): void;
  /** 'select' fires when the user selects (click, Enter) or clears (click on empty space, Escape) a reference. */
  on(event: 'select', handler: (index: number | null) => void): void;
  /** 'hover' fires when the pointer or the keyboard cursor moves onto or off a reference. */
  on(event: 'hover', handler: (index: number | null) => void): void;
  /** Where reference `index` is drawn now, in CSS pixels relative to the canvas; null for an unknown index. */
  screenPositionOf(index: number): ScreenPosition | null;
  /** The current view (points, marks, labels, legend) as a PNG. */
  toPngBlob(): Promise<Blob>;
  /** The current view as a standalone SVG document, built from the same data (not a canvas dump). */
  toSvgString(): string;
  /** Stops timers and observers and removes everything the view added to the container. */
  destroy(): void;
}
