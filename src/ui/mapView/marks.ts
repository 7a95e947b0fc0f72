/** The look of the marks, shared by the canvas painter and the SVG export. */

export const MARK_COLOURS = {
  background: '#ffffff',
  ink: '#1b1f24',
  muted: '#4a5360',
  halo: '#ffffff',
  placed: '#111111',
  placedLink: '#3b4451',
  ellipseFill: 'rgba(17, 17, 17, 0.07)',
  selected: '#c2410c',
  selectedText: '#9a3412',
  klText: '#3b4451',
} as const;

export interface PointStyle {
  readonly shape: 'circle' | 'square';
  readonly radiusPx: number;
  readonly alpha: number;
  /** A thin outline for circles (separates touching points on small maps), or null. */
  readonly outline: string | null;
}

/**
 * Point marks by map size: outlined circles for small maps, plain squares (fillRect, the fastest canvas mark) for
 * large ones; they grow a little when zoomed in, up to 2.5×.
 */
export function pointStyle(pointCount: number, zoomScale: number): PointStyle {
  const growth = Math.min(Math.max(zoomScale, 1) ** 0.4, 2.5);
  if (pointCount <= 400) return { shape: 'circle', radiusPx: 5 * Math.min(growth, 1.6), alpha: 0.95, outline: '#ffffff' };
  if (pointCount <= 5000) return { shape: 'circle', radiusPx: 3 * growth, alpha: 0.85, outline: null };
  if (pointCount <= 30000) return { shape: 'square', radiusPx: 1.5 * growth, alpha: 0.8, outline: null };
  return { shape: 'square', radiusPx: 1 * growth, alpha: 0.75, outline: null };
}

/** A five-pointed star's ten vertices, the first pointing up. */
export function starVertices(x: number, y: number, radiusPx: number): Array<[number, number]> {
  const inner = radiusPx * 0.45;
  return Array.from({ length: 10 }, (_, v) => {
    const angle = -Math.PI / 2 + (v * Math.PI) / 5;
    const r = v % 2 === 0 ? radiusPx : inner;
    return [x + r * Math.cos(angle), y + r * Math.sin(angle)] as [number, number];
  });
}

/** A triangle pointing along angleRadians (screen, clockwise from +x), its tip sizePx from (x, y). */
export function pointerVertices(x: number, y: number, angleRadians: number, sizePx: number): Array<[number, number]> {
  return [0, 2.4, -2.4].map((offset, v) => {
    const r = v === 0 ? sizePx : sizePx * 0.8;
    return [x + r * Math.cos(angleRadians + offset), y + r * Math.sin(angleRadians + offset)] as [number, number];
  });
}
