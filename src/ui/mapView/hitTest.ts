import { quadtree, type Quadtree } from 'd3';

/**
 * Hit-testing in screen space: a d3 quadtree over the fitted positions (CSS px before pan/zoom), built once per
 * layout and size; a pointer position is mapped back through the zoom transform, and the search radius shrinks
 * with the zoom so it stays the same number of screen pixels.
 */
export interface HitTester {
  /** The reference nearest to (screenX, screenY) within radiusPx screen pixels, or null. */
  find(screenX: number, screenY: number, radiusPx: number, zoom: { k: number; x: number; y: number }): number | null;
}

export function createHitTester(positions: Float32Array): HitTester {
  const indices: number[] = [];
  for (let i = 0; i < positions.length / 2; i++) {
    if (Number.isFinite(positions[2 * i]) && Number.isFinite(positions[2 * i + 1])) indices.push(i);
  }
  const tree: Quadtree<number> = quadtree<number>()
    .x((i) => positions[2 * i])
    .y((i) => positions[2 * i + 1])
    .addAll(indices);
  return {
    find(screenX, screenY, radiusPx, zoom) {
      const found = tree.find((screenX - zoom.x) / zoom.k, (screenY - zoom.y) / zoom.k, radiusPx / zoom.k);
      return found === undefined ? null : found;
    },
  };
}
