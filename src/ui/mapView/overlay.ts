import { formatKl } from './format.ts';
import { MARK_COLOURS } from './marks.ts';
import { alongCandidates, besideCandidates, boxAtPoint, layoutLabels, type Box, type LabelRequest, type PlacedLabel } from './labelLayout.ts';
import type { MapPoint, NeighbourLink } from './types.ts';

/**
 * The marks drawn over the points, in CSS pixels: KL links, uncertainty ellipses, placed-model stars (or an edge
 * pointer when one is outside the view), rings on the selected, hovered and neighbouring references, and the labels
 * that survive the overlap check. A neighbour's label carries the KL of its link under its name, so the number sits
 * at the end of its own line; a link whose neighbour label finds no room gets its KL beside the line instead. The
 * hovered reference's name is in the tooltip. The canvas painter and the SVG export both draw this one description.
 */
export type LabelKind = 'placed' | 'selected' | 'neighbour' | 'reference' | 'kl';

export interface OverlayLink {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly kind: 'placed' | 'selected';
}

export interface OverlayEllipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  /** Clockwise on screen, radians. */
  readonly rotation: number;
  readonly dashed: boolean;
}

export interface OverlayStar {
  readonly x: number;
  readonly y: number;
  readonly radiusPx: number;
  readonly offMap: boolean;
}

export interface OverlayRing {
  readonly x: number;
  readonly y: number;
  readonly radiusPx: number;
  readonly kind: 'selected' | 'hovered' | 'neighbour';
}

/** An arrow at the edge of the view pointing towards a placed model that lies outside it. */
export interface OverlayPointer {
  readonly x: number;
  readonly y: number;
  readonly angleRadians: number;
}

export interface Overlay {
  readonly pointers: readonly OverlayPointer[];
  readonly links: readonly OverlayLink[];
  readonly ellipses: readonly OverlayEllipse[];
  readonly stars: readonly OverlayStar[];
  readonly rings: readonly OverlayRing[];
  readonly labels: ReadonlyArray<PlacedLabel<LabelKind>>;
}

/** A placed model where it is drawn now. */
export interface PlacedOnScreen {
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly ellipse: Omit<OverlayEllipse, 'dashed'> | null;
  readonly nearest: readonly NeighbourLink[];
  readonly provisional: boolean;
  readonly offMap: boolean;
}

export interface OverlayInput {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly points: readonly MapPoint[];
  /** Screen position of a reference now (after the transition and pan/zoom). */
  readonly positionOf: (index: number) => readonly [number, number];
  readonly placed: readonly PlacedOnScreen[];
  readonly selected: number | null;
  readonly selectedNeighbours: readonly NeighbourLink[];
  readonly hovered: number | null;
  readonly pointRadiusPx: number;
  readonly measureText: (text: string, font: string) => number;
}

export const LABEL_FONTS: Readonly<Record<LabelKind, { readonly font: string; readonly sizePx: number; readonly weight: number }>> = {
  placed: { font: '700 13px system-ui, sans-serif', sizePx: 13, weight: 700 },
  selected: { font: '700 12px system-ui, sans-serif', sizePx: 12, weight: 700 },
  neighbour: { font: '600 11px system-ui, sans-serif', sizePx: 11, weight: 600 },
  reference: { font: '400 11px system-ui, sans-serif', sizePx: 11, weight: 400 },
  kl: { font: '400 10.5px system-ui, sans-serif', sizePx: 10.5, weight: 400 },
};

/** Height of one label line: the first in its kind's font, later ones (KL details) in the kl font. */
export function lineHeightPx(kind: LabelKind, line: number): number {
  return (line === 0 ? LABEL_FONTS[kind].sizePx : LABEL_FONTS.kl.sizePx) + 3.5;
}

/** Text colour of a label line: KL details and unlinked names muted, the selected name in the selection colour. */
export function labelColour(kind: LabelKind, line: number): string {
  if (line > 0 || kind === 'kl') return MARK_COLOURS.klText;
  if (kind === 'selected') return MARK_COLOURS.selectedText;
  return kind === 'reference' ? MARK_COLOURS.muted : MARK_COLOURS.ink;
}

export const POINTER_SIZE_PX = 11;
const STAR_RADIUS_PX = 10;
/** Up to this many references, labels also keep off every visible point (beyond it they could not). */
const POINTS_AS_OBSTACLES_MAX = 2000;
/** When at most this many references are in view (zoomed in), each gets its name. */
const NAME_ALL_VISIBLE_MAX = 30;
const MAX_NAME_CHARACTERS = 40;
const POINTER_INSET_PX = 16;

interface LinkToNeighbour {
  readonly source: string;
  readonly from: readonly [number, number];
  readonly neighbour: NeighbourLink;
  readonly segment: readonly [number, number, number, number] | null;
}

export function buildOverlay(input: OverlayInput): Overlay {
  const links: OverlayLink[] = [];
  const ellipses: OverlayEllipse[] = [];
  const stars: OverlayStar[] = [];
  const pointers: OverlayPointer[] = [];
  const rings: OverlayRing[] = [];
  const obstacles: Box[] = [];
  const first: Array<LabelRequest<LabelKind>> = [];
  const ringRadius = input.pointRadiusPx + 3;
  const linksByNeighbour = new Map<number, LinkToNeighbour[]>();

  const request = (
    lines: readonly string[],
    kind: LabelKind,
    candidates: (w: number, h: number) => Array<[number, number]>,
    mandatory: boolean,
    key?: number,
  ): LabelRequest<LabelKind> => {
    const shown = lines.map((line, n) => (n === 0 ? truncate(line, MAX_NAME_CHARACTERS) : line));
    const widthPx = Math.max(...shown.map((line, n) => input.measureText(line, n === 0 ? LABEL_FONTS[kind].font : LABEL_FONTS.kl.font)));
    const heightPx = shown.reduce((sum, _, n) => sum + lineHeightPx(kind, n), 0);
    return { lines: shown, kind, widthPx, heightPx, candidates: candidates(widthPx, heightPx), mandatory, ...(key === undefined ? {} : { key }) };
  };
  /** A link from a mark of radius fromRadiusPx to a neighbour's ring: the line stops at both, so neither is covered. */
  const link = (source: string, fromX: number, fromY: number, fromRadiusPx: number, neighbour: NeighbourLink, kind: OverlayLink['kind']) => {
    if (!(Number.isInteger(neighbour.index) && neighbour.index >= 0 && neighbour.index < input.points.length)) return;
    const [toX, toY] = input.positionOf(neighbour.index);
    const length = Math.hypot(toX - fromX, toY - fromY);
    let segment: LinkToNeighbour['segment'] = null;
    if (length > fromRadiusPx + ringRadius + 2) {
      const unitX = (toX - fromX) / length;
      const unitY = (toY - fromY) / length;
      segment = [fromX + unitX * (fromRadiusPx + 1), fromY + unitY * (fromRadiusPx + 1), toX - unitX * (ringRadius + 1), toY - unitY * (ringRadius + 1)];
      links.push({ x1: segment[0], y1: segment[1], x2: segment[2], y2: segment[3], kind });
    }
    const existing = linksByNeighbour.get(neighbour.index) ?? [];
    linksByNeighbour.set(neighbour.index, [...existing, { source, from: [fromX, fromY], neighbour, segment }]);
  };

  for (const model of input.placed) {
    if (model.ellipse !== null) ellipses.push({ ...model.ellipse, dashed: model.provisional });
    stars.push({ x: model.x, y: model.y, radiusPx: STAR_RADIUS_PX, offMap: model.offMap });
    obstacles.push(boxAtPoint(model.x, model.y, STAR_RADIUS_PX));
    for (const neighbour of model.nearest) link(model.label, model.x, model.y, STAR_RADIUS_PX, neighbour, 'placed');
    const text = `${model.label}${model.offMap ? ' (off the map)' : model.provisional ? ' (provisional)' : ''}`;
    const pointer = edgePointer(model.x, model.y, input.widthPx, input.heightPx);
    if (pointer === null) {
      const linked = model.nearest.filter((n) => n.index >= 0 && n.index < input.points.length).map((n) => input.positionOf(n.index));
      const awayFrom = linked.length === 0 ? undefined : centroid(linked);
      first.push(request([text], 'placed', (w, h) => besideCandidates(model.x, model.y, STAR_RADIUS_PX + 3, w, h, awayFrom), true));
    } else {
      pointers.push(pointer);
      obstacles.push(boxAtPoint(pointer.x, pointer.y, POINTER_SIZE_PX));
      first.push(request([`${text} (outside the view)`], 'placed', (w, h) => besideCandidates(pointer.x, pointer.y, POINTER_SIZE_PX + 3, w, h), true));
    }
  }
  if (input.selected !== null) {
    const [x, y] = input.positionOf(input.selected);
    rings.push({ x, y, radiusPx: ringRadius + 1, kind: 'selected' });
    obstacles.push(boxAtPoint(x, y, ringRadius + 1));
    const name = input.points[input.selected].name;
    for (const neighbour of input.selectedNeighbours) link(name, x, y, ringRadius + 2, neighbour, 'selected');
    first.push(request([name], 'selected', (w, h) => besideCandidates(x, y, ringRadius + 4, w, h), true));
  }
  if (input.hovered !== null && input.hovered !== input.selected) {
    const [x, y] = input.positionOf(input.hovered);
    rings.push({ x, y, radiusPx: ringRadius, kind: 'hovered' });
    obstacles.push(boxAtPoint(x, y, ringRadius + 1));
  }

  // Each linked neighbour: a ring, and its name with one KL line per link (the source named when there are two).
  const neighbourRequests: Array<LabelRequest<LabelKind>> = [];
  for (const [index, incoming] of linksByNeighbour) {
    if (index === input.selected) continue;
    const [x, y] = input.positionOf(index);
    rings.push({ x, y, radiusPx: ringRadius, kind: 'neighbour' });
    obstacles.push(boxAtPoint(x, y, ringRadius));
    const awayFrom = centroid(incoming.map(({ from }) => from));
    const klLines = incoming.map(({ source, neighbour }) => {
      const kl = formatKl(neighbour.klNatsPerText, neighbour.klBitsPerByte);
      return incoming.length > 1 ? `${truncate(source, 16)}: ${kl}` : kl;
    });
    neighbourRequests.push(request([input.points[index].name, ...klLines], 'neighbour', (w, h) => besideCandidates(x, y, ringRadius + 2, w, h, awayFrom), false, index));
  }

  const bounds: Box = { left: 0, top: 0, right: input.widthPx, bottom: input.heightPx };
  const pointBoxes: Box[] = [];
  const visible: number[] = [];
  if (input.points.length <= POINTS_AS_OBSTACLES_MAX) {
    for (let i = 0; i < input.points.length; i++) {
      const [x, y] = input.positionOf(i);
      if (x >= 0 && y >= 0 && x <= input.widthPx && y <= input.heightPx) {
        pointBoxes.push(boxAtPoint(x, y, input.pointRadiusPx));
        visible.push(i);
      }
    }
  }
  const soft = { boxes: pointBoxes, segments: links.map((link) => [link.x1, link.y1, link.x2, link.y2] as const) };
  const labels = layoutLabels([...first, ...neighbourRequests], obstacles, bounds, soft);
  // KL beside the line for links whose neighbour label found no room (dense maps).
  const labelled = new Set(labels.filter((label) => label.kind === 'neighbour').map((label) => label.key));
  const fallbacks: Array<LabelRequest<LabelKind>> = [];
  for (const [index, incoming] of linksByNeighbour) {
    if (labelled.has(index) || index === input.selected) continue;
    for (const { neighbour, segment } of incoming) {
      if (segment === null) continue;
      const [x1, y1, x2, y2] = segment;
      fallbacks.push(request([formatKl(neighbour.klNatsPerText, neighbour.klBitsPerByte)], 'kl', (w, h) => alongCandidates(x1, y1, x2, y2, w, h), false));
    }
  }
  const afterNeighbours = [...obstacles, ...boxesOf(labels)];
  const klLabels = layoutLabels(fallbacks, afterNeighbours, bounds, { boxes: pointBoxes, segments: [] });
  // Zoomed in far enough that few references are in view: name them too, where there is room to spare.
  const references =
    visible.length <= NAME_ALL_VISIBLE_MAX
      ? visible
          .filter((i) => i !== input.selected && i !== input.hovered && !linksByNeighbour.has(i))
          .map((i) => {
            const [x, y] = input.positionOf(i);
            return request([input.points[i].name], 'reference', (w, h) => besideCandidates(x, y, input.pointRadiusPx + 3, w, h), false);
          })
      : [];
  const referenceLabels = layoutLabels(references, [...afterNeighbours, ...boxesOf(klLabels), ...pointBoxes], bounds, {
    boxes: [],
    segments: soft.segments,
    alwaysAvoid: true,
  });
  const later = [...klLabels, ...referenceLabels];
  return { pointers, links, ellipses, stars, rings, labels: [...labels, ...later] };
}

function centroid(positions: ReadonlyArray<readonly [number, number]>): [number, number] {
  let sumX = 0;
  let sumY = 0;
  for (const [x, y] of positions) {
    sumX += x;
    sumY += y;
  }
  return [sumX / positions.length, sumY / positions.length];
}

function boxesOf(labels: ReadonlyArray<PlacedLabel<LabelKind>>): Box[] {
  return labels.map((label) => ({ left: label.x - 2, right: label.x + label.widthPx + 2, top: label.y, bottom: label.y + label.heightPx }));
}

function truncate(line: string, maxCharacters: number): string {
  return line.length > maxCharacters ? `${line.slice(0, maxCharacters - 1)}\u2026` : line;
}

/** Null when (x, y) is in view; else where the line from the view's centre to it crosses the inset edge. */
function edgePointer(x: number, y: number, widthPx: number, heightPx: number): OverlayPointer | null {
  if (x >= 0 && y >= 0 && x <= widthPx && y <= heightPx) return null;
  const centreX = widthPx / 2;
  const centreY = heightPx / 2;
  const dx = x - centreX;
  const dy = y - centreY;
  const halfWidth = Math.max(widthPx / 2 - POINTER_INSET_PX, 1);
  const halfHeight = Math.max(heightPx / 2 - POINTER_INSET_PX, 1);
  const reach = Math.min(dx === 0 ? Infinity : halfWidth / Math.abs(dx), dy === 0 ? Infinity : halfHeight / Math.abs(dy));
  if (!Number.isFinite(reach)) return null;
  return { x: centreX + dx * reach, y: centreY + dy * reach, angleRadians: Math.atan2(dy, dx) };
}
