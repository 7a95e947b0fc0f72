/**
 * Keyboard movement between points, in screen space: the nearest point in an arrow's direction (within a 60° cone
 * either side, preferring points close to the line), and the next or previous point in name order.
 */
export type Direction = 'left' | 'right' | 'up' | 'down';

const DIRECTIONS: Readonly<Record<Direction, readonly [number, number]>> = {
  left: [-1, 0],
  right: [1, 0],
  up: [0, -1],
  down: [0, 1],
};

/** The point to move to from `from` in `direction`; positions are screen px, interleaved. Null when none lies that way. */
export function nearestInDirection(
  positions: Float32Array,
  zoom: { k: number; x: number; y: number },
  from: number,
  direction: Direction,
): number | null {
  const [dx, dy] = DIRECTIONS[direction];
  const fromX = positions[2 * from] * zoom.k + zoom.x;
  const fromY = positions[2 * from + 1] * zoom.k + zoom.y;
  let best: number | null = null;
  let bestCost = Infinity;
  for (let i = 0; i < positions.length / 2; i++) {
    if (i === from) continue;
    const offsetX = positions[2 * i] * zoom.k + zoom.x - fromX;
    const offsetY = positions[2 * i + 1] * zoom.k + zoom.y - fromY;
    const along = offsetX * dx + offsetY * dy;
    if (!(along > 0)) continue;
    const across = Math.abs(offsetX * dy - offsetY * dx);
    if (across > along * 1.732) continue;
    const cost = along + 2 * across;
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}

/** The point nearest the given screen position (a starting point for the keyboard cursor). */
export function nearestTo(positions: Float32Array, zoom: { k: number; x: number; y: number }, screenX: number, screenY: number): number | null {
  let best: number | null = null;
  let bestDistance = Infinity;
  for (let i = 0; i < positions.length / 2; i++) {
    const distance = Math.hypot(positions[2 * i] * zoom.k + zoom.x - screenX, positions[2 * i + 1] * zoom.k + zoom.y - screenY);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

/** Indices sorted by name (then index), for n / p. */
export function nameOrder(names: readonly string[]): Uint32Array {
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  const order = Array.from(names.keys()).sort((a, b) => collator.compare(names[a], names[b]) || a - b);
  return Uint32Array.from(order);
}
