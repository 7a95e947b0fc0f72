import { select } from 'd3';
import type { LegendSpec } from './colourEncoding.ts';
import { MARK_COLOURS, starVertices } from './marks.ts';

/**
 * The legend, drawn with d3 into an <svg>: a title, the units, then swatches with counts (categorical) or a ramp
 * with ticks and the range (sequential), and, when new models or a selection are shown, what the marks mean.
 * The SVG export embeds the same element. Text goes in with .text() only (category names are untrusted).
 */
export const LEGEND_WIDTH_PX = 212;
const LEFT = 10;
const RAMP_WIDTH = LEGEND_WIDTH_PX - 2 * LEFT - 8;
const MUTED = '#4a5360';
const FONT = 'system-ui, sans-serif';

export interface LegendMarks {
  readonly placed: boolean;
  readonly provisional: boolean;
  readonly links: boolean;
  readonly selected: boolean;
}

export function renderLegend(svgElement: SVGSVGElement, spec: LegendSpec, marks: LegendMarks): number {
  const svg = select(svgElement);
  svg.selectAll('*').remove();
  svg.attr('font-family', FONT).attr('fill', MARK_COLOURS.ink);
  let y = 18;
  text(svg, LEFT, y, truncate(spec.title, 30), { size: 13, weight: 700 }).append('title').text(spec.title);
  y += 16;
  if (spec.kind === 'categorical') {
    text(svg, LEFT, y, 'numbers: models in each', { size: 11, fill: MUTED });
    y += 8;
    for (const entry of spec.entries) {
      y += 18;
      svg.append('circle').attr('cx', LEFT + 6).attr('cy', y - 4).attr('r', 5.5).attr('fill', entry.colour);
      text(svg, LEFT + 18, y, truncate(entry.label, 22), { size: 12 }).append('title').text(entry.label);
      text(svg, LEGEND_WIDTH_PX - LEFT, y, String(entry.count), { size: 11, fill: MUTED, anchor: 'end' });
    }
  } else {
    text(svg, LEFT, y, truncate(spec.unit, 36), { size: 11, fill: MUTED });
    y += 10;
    const stepWidth = RAMP_WIDTH / spec.ramp.length;
    spec.ramp.forEach((colour, step) => {
      svg
        .append('rect')
        .attr('x', LEFT + 4 + step * stepWidth)
        .attr('y', y)
        .attr('width', stepWidth + 0.5)
        .attr('height', 12)
        .attr('fill', colour);
    });
    y += 12;
    for (const tick of spec.ticks) {
      const x = LEFT + 4 + tick.fraction * RAMP_WIDTH;
      svg.append('line').attr('x1', x).attr('x2', x).attr('y1', y).attr('y2', y + 4).attr('stroke', MARK_COLOURS.ink);
      text(svg, x, y + 16, tick.label, { size: 11, anchor: 'middle' });
    }
    y += 34;
    text(svg, LEFT, y, spec.rangeText, { size: 11, fill: MUTED });
    if (spec.missing !== null) {
      y += 20;
      svg.append('circle').attr('cx', LEFT + 6).attr('cy', y - 4).attr('r', 5.5).attr('fill', spec.missing.colour);
      text(svg, LEFT + 18, y, spec.missing.label, { size: 12 });
      text(svg, LEGEND_WIDTH_PX - LEFT, y, String(spec.missing.count), { size: 11, fill: MUTED, anchor: 'end' });
    }
  }
  y = renderMarks(svg, y, marks);
  const heightPx = Math.ceil(y + 12);
  svg.attr('width', LEGEND_WIDTH_PX).attr('height', heightPx).attr('viewBox', `0 0 ${LEGEND_WIDTH_PX} ${heightPx}`);
  return heightPx;
}

type Svg = ReturnType<typeof select<SVGSVGElement, unknown>>;

function renderMarks(svg: Svg, startY: number, marks: LegendMarks): number {
  if (!marks.placed && !marks.selected) return startY;
  let y = startY + 26;
  text(svg, LEFT, y, 'Marks', { size: 13, weight: 700 });
  const row = (label: string, draw: (centreX: number, centreY: number) => void) => {
    y += 20;
    draw(LEFT + 8, y - 4);
    text(svg, LEFT + 24, y, label, { size: 11.5 });
  };
  if (marks.placed) {
    row('your model', (cx, cy) => {
      const points = starVertices(cx, cy, 7).map(([x, yy]) => `${x.toFixed(2)},${yy.toFixed(2)}`).join(' ');
      svg.append('polygon').attr('points', points).attr('fill', MARK_COLOURS.placed);
    });
    row('uncertainty (bootstrap)', (cx, cy) => ellipseSwatch(svg, cx, cy, false));
    if (marks.provisional) row('provisional (still scoring)', (cx, cy) => ellipseSwatch(svg, cx, cy, true));
  }
  if (marks.selected) {
    row('selected model', (cx, cy) => {
      svg.append('circle').attr('cx', cx).attr('cy', cy).attr('r', 6).attr('fill', 'none').attr('stroke', MARK_COLOURS.selected).attr('stroke-width', 2);
    });
  }
  if (marks.links) {
    row('nearest, labelled with KL', (cx, cy) => {
      svg.append('line').attr('x1', cx - 8).attr('x2', cx + 8).attr('y1', cy).attr('y2', cy).attr('stroke', MARK_COLOURS.placedLink).attr('stroke-width', 1.5);
    });
    y += 15;
    text(svg, LEFT + 24, y, 'nats/text · bits/byte', { size: 11, fill: MUTED });
  }
  return y;
}

function ellipseSwatch(svg: Svg, cx: number, cy: number, dashed: boolean): void {
  svg
    .append('ellipse')
    .attr('cx', cx)
    .attr('cy', cy)
    .attr('rx', 9)
    .attr('ry', 5)
    .attr('fill', MARK_COLOURS.ellipseFill)
    .attr('stroke', MARK_COLOURS.placed)
    .attr('stroke-width', 1.5)
    .attr('stroke-dasharray', dashed ? '4 3' : null);
}

function text(
  svg: Svg,
  x: number,
  y: number,
  content: string,
  style: { size: number; weight?: number; fill?: string; anchor?: 'start' | 'middle' | 'end' },
) {
  return svg
    .append('text')
    .attr('x', x)
    .attr('y', y)
    .attr('font-size', style.size)
    .attr('font-weight', style.weight ?? null)
    .attr('fill', style.fill ?? null)
    .attr('text-anchor', style.anchor ?? null)
    .text(content);
}

function truncate(content: string, maxCharacters: number): string {
  return content.length > maxCharacters ? `${content.slice(0, maxCharacters - 1)}\u2026` : content;
}
