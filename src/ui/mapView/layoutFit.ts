import type { Layout, MapPoint } from './types.ts';

/**
 * Data units → CSS pixels for one layout, with one scale for both axes (distances on the map keep their meaning)
 * and +y up: screenX = offsetX + scale·x, screenY = offsetY − scale·y. Fitted to the reference points only, so
 * placing or refining a new model never moves the map under the reader.
 */
export interface LayoutFit {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

export function fitLayout(
  points: readonly MapPoint[],
  layout: Layout,
  widthPx: number,
  heightPx: number,
  paddingPx: number,
): LayoutFit {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const point of points) {
    const [x, y] = point[layout];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (!(minX <= maxX)) return { scale: 1, offsetX: widthPx / 2, offsetY: heightPx / 2 };
  const spanX = Math.max(maxX - minX, 1e-12);
  const spanY = Math.max(maxY - minY, 1e-12);
  const usableWidth = Math.max(widthPx - 2 * paddingPx, 1);
  const usableHeight = Math.max(heightPx - 2 * paddingPx, 1);
  const flat = maxX - minX === 0 && maxY - minY === 0;
  const scale = flat ? 1 : Math.min(usableWidth / spanX, usableHeight / spanY);
  return {
    scale,
    offsetX: widthPx / 2 - scale * (minX + maxX) / 2,
    offsetY: heightPx / 2 + scale * (minY + maxY) / 2,
  };
}

/** Every point's fitted position, interleaved x, y (CSS pixels before pan/zoom); NaN for non-finite coordinates. */
export function fittedPositions(points: readonly MapPoint[], layout: Layout, fit: LayoutFit): Float32Array {
  const positions = new Float32Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i][layout];
    positions[2 * i] = fit.offsetX + fit.scale * x;
    positions[2 * i + 1] = fit.offsetY - fit.scale * y;
  }
  return positions;
}

export function toFitted(fit: LayoutFit, x: number, y: number): [number, number] {
  return [fit.offsetX + fit.scale * x, fit.offsetY - fit.scale * y];
}
