import { escapeXml } from './format.ts';
import { LEGEND_WIDTH_PX } from './legend.ts';
import { MARK_COLOURS, pointerVertices, starVertices } from './marks.ts';
import { LABEL_FONTS, labelColour, lineHeightPx, POINTER_SIZE_PX, type Overlay } from './overlay.ts';
import type { PointsFrame } from './paintCanvas.ts';

/**
 * The current view as a standalone SVG document, built from the same frame and overlay the canvas paints (not a
 * canvas dump): points grouped by colour, then ellipses, links, rings, stars, labels, and the legend beside the map.
 * Points outside the view are left out. Every string from the data is escaped.
 */
export interface SvgExportInput {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly frame: PointsFrame;
  readonly overlay: Overlay;
  readonly legend: SVGSVGElement;
  readonly legendHeightPx: number;
  readonly title: string;
}

const GAP_PX = 8;
const FONT_FAMILY = 'system-ui, sans-serif';

export function mapToSvgString(input: SvgExportInput): string {
  const { widthPx, heightPx, frame, overlay } = input;
  const totalWidth = widthPx + GAP_PX + LEGEND_WIDTH_PX;
  const totalHeight = Math.max(heightPx, input.legendHeightPx);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="${FONT_FAMILY}">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="${totalWidth}" height="${totalHeight}" fill="${MARK_COLOURS.background}"/>`,
    `<defs><clipPath id="llmap-map-clip"><rect width="${widthPx}" height="${heightPx}"/></clipPath></defs>`,
    `<g class="map" clip-path="url(#llmap-map-clip)">`,
  ];
  pointsSvg(frame, widthPx, heightPx, parts);
  overlaySvg(overlay, parts);
  parts.push(`</g>`, `<rect width="${widthPx}" height="${heightPx}" fill="none" stroke="#d7dbe0"/>`);
  const serializer = new XMLSerializer();
  parts.push(`<g class="legend" transform="translate(${widthPx + GAP_PX},0)">`);
  for (const child of Array.from(input.legend.childNodes)) parts.push(serializer.serializeToString(child));
  parts.push('</g></svg>');
  return parts.join('\n');
}

function pointsSvg(frame: PointsFrame, widthPx: number, heightPx: number, parts: string[]): void {
  const { positions, zoom, colours, style } = frame;
  const radius = style.radiusPx;
  const r = round(radius);
  const side = round(2 * radius);
  parts.push(`<g class="points" fill-opacity="${style.alpha}"${style.outline === null ? '' : ` stroke="${style.outline}" stroke-width="0.75"`}>`);
  for (let bucket = 0; bucket < colours.palette.length; bucket++) {
    const start = colours.bucketStarts[bucket];
    const end = colours.bucketStarts[bucket + 1];
    if (start === end) continue;
    const marks: string[] = [];
    for (let n = start; n < end; n++) {
      const i = colours.order[n];
      const x = positions[2 * i] * zoom.k + zoom.x;
      const y = positions[2 * i + 1] * zoom.k + zoom.y;
      if (!(x >= -radius && x <= widthPx + radius && y >= -radius && y <= heightPx + radius)) continue;
      marks.push(
        style.shape === 'circle'
          ? `<circle cx="${round(x)}" cy="${round(y)}" r="${r}"/>`
          : `<rect x="${round(x - radius)}" y="${round(y - radius)}" width="${side}" height="${side}"/>`,
      );
    }
    if (marks.length > 0) parts.push(`<g fill="${colours.palette[bucket]}">${marks.join('')}</g>`);
  }
  parts.push('</g>');
}

function overlaySvg(overlay: Overlay, parts: string[]): void {
  for (const e of overlay.ellipses) {
    const rotationDegrees = (e.rotation * 180) / Math.PI;
    parts.push(
      `<ellipse class="uncertainty${e.dashed ? ' provisional' : ''}" cx="${round(e.cx)}" cy="${round(e.cy)}" rx="${round(Math.max(e.rx, 0.5))}" ry="${round(Math.max(e.ry, 0.5))}" transform="rotate(${round(rotationDegrees)} ${round(e.cx)} ${round(e.cy)})" fill="${MARK_COLOURS.ellipseFill}" stroke="${MARK_COLOURS.placed}" stroke-width="1.5"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
  }
  for (const link of overlay.links) {
    const colour = link.kind === 'placed' ? MARK_COLOURS.placedLink : MARK_COLOURS.selected;
    const d = `M${round(link.x1)},${round(link.y1)}L${round(link.x2)},${round(link.y2)}`;
    parts.push(
      `<g class="link ${link.kind}" fill="none" stroke-linecap="round"><path d="${d}" stroke="${MARK_COLOURS.halo}" stroke-width="3.5"/><path d="${d}" stroke="${colour}" stroke-width="1.5"/></g>`,
    );
  }
  for (const ring of overlay.rings) {
    const colour = ring.kind === 'selected' ? MARK_COLOURS.selected : MARK_COLOURS.ink;
    const circle = `cx="${round(ring.x)}" cy="${round(ring.y)}" r="${round(ring.radiusPx)}" fill="none"`;
    parts.push(
      `<g class="ring ${ring.kind}"><circle ${circle} stroke="${MARK_COLOURS.halo}" stroke-width="4"/><circle ${circle} stroke="${colour}" stroke-width="${ring.kind === 'neighbour' ? 1.25 : 2}"/></g>`,
    );
  }
  for (const pointer of overlay.pointers) {
    const points = pointerVertices(pointer.x, pointer.y, pointer.angleRadians, POINTER_SIZE_PX).map(([x, y]) => `${round(x)},${round(y)}`).join(' ');
    parts.push(`<polygon class="pointer" points="${points}" fill="${MARK_COLOURS.placed}" stroke="${MARK_COLOURS.halo}" stroke-width="1.5" stroke-linejoin="round"/>`);
  }
  for (const star of overlay.stars) {
    const points = starVertices(star.x, star.y, star.radiusPx).map(([x, y]) => `${round(x)},${round(y)}`).join(' ');
    const fill = star.offMap ? MARK_COLOURS.halo : MARK_COLOURS.placed;
    const stroke = star.offMap ? MARK_COLOURS.placed : MARK_COLOURS.halo;
    parts.push(`<polygon class="placed" points="${points}" fill="${fill}" stroke="${stroke}" stroke-width="1.5" stroke-linejoin="round"/>`);
  }
  for (const label of overlay.labels) {
    let top = label.y;
    const spans = label.lines.map((line, n) => {
      const height = lineHeightPx(label.kind, n);
      const font = n === 0 ? LABEL_FONTS[label.kind] : LABEL_FONTS.kl;
      const span = `<tspan class="${n === 0 ? 'name' : 'kl'}" x="${round(label.x)}" y="${round(top + height / 2)}" font-size="${font.sizePx}" font-weight="${font.weight}" fill="${labelColour(label.kind, n)}">${escapeXml(line)}</tspan>`;
      top += height;
      return span;
    });
    parts.push(
      `<text class="label ${label.kind}" dominant-baseline="central" stroke="${MARK_COLOURS.halo}" stroke-width="3.5" stroke-linejoin="round" paint-order="stroke">${spans.join('')}</text>`,
    );
  }
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}
