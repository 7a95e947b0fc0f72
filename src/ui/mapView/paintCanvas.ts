import type { ColourOrder } from './colourOrder.ts';
import { LABEL_FONTS, labelColour, lineHeightPx, POINTER_SIZE_PX, type Overlay } from './overlay.ts';
import { MARK_COLOURS, pointerVertices, starVertices, type PointStyle } from './marks.ts';

/**
 * Paints one frame on a 2D canvas: background, points batched by colour bucket (one fillStyle per bucket, one path
 * per bucket for circles, fillRect for squares, points off screen skipped), then the overlay. No save/restore per point.
 */
export interface PointsFrame {
  /** Fitted positions (CSS px before pan/zoom), interleaved x, y. */
  readonly positions: Float32Array;
  readonly zoom: { readonly k: number; readonly x: number; readonly y: number };
  readonly colours: ColourOrder;
  readonly style: PointStyle;
}

export function paintFrame(
  context: CanvasRenderingContext2D,
  devicePixelRatio: number,
  widthPx: number,
  heightPx: number,
  frame: PointsFrame,
  overlay: Overlay,
): void {
  context.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
  context.globalAlpha = 1;
  context.fillStyle = MARK_COLOURS.background;
  context.fillRect(0, 0, widthPx, heightPx);
  paintPoints(context, widthPx, heightPx, frame);
  paintOverlay(context, overlay);
}

function paintPoints(context: CanvasRenderingContext2D, widthPx: number, heightPx: number, frame: PointsFrame): void {
  const { positions, zoom, colours, style } = frame;
  const { order, bucketStarts, palette } = colours;
  const radius = style.radiusPx;
  const side = style.shape === 'square' ? Math.max(1, Math.round(2 * radius)) : 2 * radius;
  const { k, x: tx, y: ty } = zoom;
  const minX = -radius;
  const maxX = widthPx + radius;
  const minY = -radius;
  const maxY = heightPx + radius;
  context.globalAlpha = style.alpha;
  for (let bucket = 0; bucket < palette.length; bucket++) {
    const start = bucketStarts[bucket];
    const end = bucketStarts[bucket + 1];
    if (start === end) continue;
    context.fillStyle = palette[bucket];
    if (style.shape === 'circle') {
      context.beginPath();
      for (let n = start; n < end; n++) {
        const i = order[n];
        const x = positions[2 * i] * k + tx;
        const y = positions[2 * i + 1] * k + ty;
        if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) continue;
        context.moveTo(x + radius, y);
        context.arc(x, y, radius, 0, 2 * Math.PI);
      }
      context.fill();
      if (style.outline !== null) {
        context.strokeStyle = style.outline;
        context.lineWidth = 0.75;
        context.stroke();
      }
    } else {
      for (let n = start; n < end; n++) {
        const i = order[n];
        const x = positions[2 * i] * k + tx;
        const y = positions[2 * i + 1] * k + ty;
        if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) continue;
        // Whole-pixel corners: Skia fills aligned rects without anti-aliasing, much faster on the CPU.
        context.fillRect(Math.round(x - radius), Math.round(y - radius), side, side);
      }
    }
  }
  context.globalAlpha = 1;
}

function paintOverlay(context: CanvasRenderingContext2D, overlay: Overlay): void {
  context.lineCap = 'round';
  for (const ellipse of overlay.ellipses) {
    context.beginPath();
    context.ellipse(ellipse.cx, ellipse.cy, Math.max(ellipse.rx, 0.5), Math.max(ellipse.ry, 0.5), ellipse.rotation, 0, 2 * Math.PI);
    context.fillStyle = MARK_COLOURS.ellipseFill;
    context.fill();
    context.setLineDash(ellipse.dashed ? [6, 4] : []);
    context.strokeStyle = MARK_COLOURS.placed;
    context.lineWidth = 1.5;
    context.stroke();
  }
  context.setLineDash([]);
  for (const link of overlay.links) {
    context.beginPath();
    context.moveTo(link.x1, link.y1);
    context.lineTo(link.x2, link.y2);
    context.strokeStyle = MARK_COLOURS.halo;
    context.lineWidth = 3.5;
    context.stroke();
    context.strokeStyle = link.kind === 'placed' ? MARK_COLOURS.placedLink : MARK_COLOURS.selected;
    context.lineWidth = 1.5;
    context.stroke();
  }
  for (const ring of overlay.rings) {
    context.beginPath();
    context.arc(ring.x, ring.y, ring.radiusPx, 0, 2 * Math.PI);
    context.strokeStyle = MARK_COLOURS.halo;
    context.lineWidth = 4;
    context.stroke();
    context.strokeStyle = ring.kind === 'selected' ? MARK_COLOURS.selected : MARK_COLOURS.ink;
    context.lineWidth = ring.kind === 'neighbour' ? 1.25 : 2;
    context.stroke();
  }
  for (const pointer of overlay.pointers) {
    polygon(context, pointerVertices(pointer.x, pointer.y, pointer.angleRadians, POINTER_SIZE_PX));
    context.fillStyle = MARK_COLOURS.placed;
    context.fill();
    context.strokeStyle = MARK_COLOURS.halo;
    context.lineWidth = 1.5;
    context.stroke();
  }
  for (const star of overlay.stars) {
    polygon(context, starVertices(star.x, star.y, star.radiusPx));
    context.fillStyle = star.offMap ? MARK_COLOURS.halo : MARK_COLOURS.placed;
    context.fill();
    context.lineJoin = 'round';
    context.strokeStyle = star.offMap ? MARK_COLOURS.placed : MARK_COLOURS.halo;
    context.lineWidth = 1.5;
    context.stroke();
  }
  context.textBaseline = 'middle';
  context.textAlign = 'left';
  context.lineJoin = 'round';
  for (const label of overlay.labels) {
    let top = label.y;
    label.lines.forEach((line, n) => {
      const height = lineHeightPx(label.kind, n);
      context.font = n === 0 ? LABEL_FONTS[label.kind].font : LABEL_FONTS.kl.font;
      context.strokeStyle = MARK_COLOURS.halo;
      context.lineWidth = 3.5;
      context.strokeText(line, label.x, top + height / 2);
      context.fillStyle = labelColour(label.kind, n);
      context.fillText(line, label.x, top + height / 2);
      top += height;
    });
  }
}

function polygon(context: CanvasRenderingContext2D, vertices: ReadonlyArray<readonly [number, number]>): void {
  context.beginPath();
  context.moveTo(vertices[0][0], vertices[0][1]);
  for (let v = 1; v < vertices.length; v++) context.lineTo(vertices[v][0], vertices[v][1]);
  context.closePath();
}
