/**
 * Greedy label placement: items in priority order try a few candidate boxes each and take the first that overlaps
 * neither an earlier label, an obstacle, the edge nor, if it can, a point or a link; an item that fits nowhere is dropped
 * unless it is mandatory.
 * Boxes are in CSS pixels; a label's (x, y) is the left edge and top of its text block (one or more lines).
 */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface LabelRequest<Kind extends string> {
  readonly lines: readonly string[];
  readonly kind: Kind;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Candidate centres, best first. */
  readonly candidates: ReadonlyArray<readonly [number, number]>;
  readonly mandatory: boolean;
  /** Passed through to the placed label (e.g. the reference it names). */
  readonly key?: number;
}

export interface PlacedLabel<Kind extends string> {
  readonly lines: readonly string[];
  readonly kind: Kind;
  readonly x: number;
  readonly y: number;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly key?: number;
}

/** A line segment labels keep off (a link), x1, y1, x2, y2. */
export type Segment = readonly [number, number, number, number];

/** What labels avoid only when they can: reference points and link lines. */
export interface SoftObstacles {
  readonly boxes: readonly Box[];
  readonly segments: readonly Segment[];
  /** Avoid them always (labels that may as well be dropped). */
  readonly alwaysAvoid?: boolean;
}

export function layoutLabels<Kind extends string>(
  requests: ReadonlyArray<LabelRequest<Kind>>,
  obstacles: readonly Box[],
  bounds: Box,
  soft: SoftObstacles = { boxes: [], segments: [] },
): Array<PlacedLabel<Kind>> {
  const taken: Box[] = [...obstacles];
  const placed: Array<PlacedLabel<Kind>> = [];
  for (const request of requests) {
    // Soft obstacles first; a box that covers a point or crosses a line only when every candidate would.
    let chosen: Box | null = null;
    for (const avoidSoft of soft.alwaysAvoid === true ? [true] : [true, false]) {
      for (const [centreX, centreY] of request.candidates) {
        const box = boxAround(centreX, centreY, request.widthPx, request.heightPx);
        if (!inside(box, bounds) || taken.some((other) => overlaps(box, other))) continue;
        if (avoidSoft && (soft.boxes.some((other) => overlaps(box, other)) || soft.segments.some((segment) => crosses(segment, box)))) continue;
        chosen = box;
        break;
      }
      if (chosen !== null) break;
    }
    if (chosen === null && request.mandatory && request.candidates.length > 0) {
      const [centreX, centreY] = request.candidates[0];
      chosen = boxAround(centreX, centreY, request.widthPx, request.heightPx);
    }
    if (chosen === null) continue;
    taken.push(chosen);
    placed.push({
      lines: request.lines,
      kind: request.kind,
      x: chosen.left + 2,
      y: chosen.top,
      widthPx: request.widthPx,
      heightPx: request.heightPx,
      ...(request.key === undefined ? {} : { key: request.key }),
    });
  }
  return placed;
}

/**
 * Candidate centres for a label beside a mark of radius `gapPx` at (x, y): right, left, above, below, diagonals;
 * with `awayFrom`, the candidates farthest from that point (where the mark's links come from) first.
 */
export function besideCandidates(
  x: number,
  y: number,
  gapPx: number,
  widthPx: number,
  heightPx: number,
  awayFrom?: readonly [number, number],
): Array<[number, number]> {
  const dx = gapPx + widthPx / 2 + 2;
  const dy = gapPx + heightPx / 2;
  const candidates: Array<[number, number]> = [
    [x + dx, y],
    [x - dx, y],
    [x, y - dy],
    [x, y + dy],
    [x + dx, y - dy],
    [x - dx, y - dy],
    [x + dx, y + dy],
    [x - dx, y + dy],
  ];
  if (awayFrom === undefined) return candidates;
  const [fromX, fromY] = awayFrom;
  // Direction only (not distance): a wide label to the right is not "farther" just for being wide.
  const away = ([cx, cy]: [number, number]) => ((cx - x) * (x - fromX) + (cy - y) * (y - fromY)) / (Math.hypot(cx - x, cy - y) || 1);
  return candidates.map((candidate, order) => ({ candidate, order, score: away(candidate) })).sort((a, b) => b.score - a.score || a.order - b.order).map(({ candidate }) => candidate);
}

/**
 * Candidate centres beside a segment, from the middle outwards, on either side: each box is pushed along the
 * segment's normal just far enough that it does not cover the line.
 */
export function alongCandidates(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  widthPx: number,
  heightPx: number,
): Array<[number, number]> {
  const length = Math.hypot(x2 - x1, y2 - y1) || 1;
  let normalX = -(y2 - y1) / length;
  let normalY = (x2 - x1) / length;
  if (normalY > 0) {
    normalX = -normalX;
    normalY = -normalY;
  }
  const clearance = (Math.abs(normalX) * (widthPx + 4) + Math.abs(normalY) * heightPx) / 2 + 2;
  const candidates: Array<[number, number]> = [];
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78]) {
    const x = x1 + (x2 - x1) * t;
    const y = y1 + (y2 - y1) * t;
    candidates.push([x + normalX * clearance, y + normalY * clearance], [x - normalX * clearance, y - normalY * clearance]);
  }
  return candidates;
}

/** Labels are padded by 2 px on the left and right (the halo), hence +4 in width. */
function boxAround(centreX: number, centreY: number, widthPx: number, heightPx: number): Box {
  return {
    left: centreX - widthPx / 2 - 2,
    right: centreX + widthPx / 2 + 2,
    top: centreY - heightPx / 2,
    bottom: centreY + heightPx / 2,
  };
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Whether a segment passes through a box (Liang–Barsky clipping). */
export function crosses([x1, y1, x2, y2]: Segment, box: Box): boolean {
  let low = 0;
  let high = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const edges: Array<[number, number]> = [
    [-dx, x1 - box.left],
    [dx, box.right - x1],
    [-dy, y1 - box.top],
    [dy, box.bottom - y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) low = Math.max(low, t);
      else high = Math.min(high, t);
      if (low > high) return false;
    }
  }
  return true;
}

function inside(box: Box, bounds: Box): boolean {
  return box.left >= bounds.left && box.right <= bounds.right && box.top >= bounds.top && box.bottom <= bounds.bottom;
}

export function boxAtPoint(x: number, y: number, radiusPx: number): Box {
  return { left: x - radiusPx, right: x + radiusPx, top: y - radiusPx, bottom: y + radiusPx };
}
