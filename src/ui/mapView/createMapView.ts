import { easeCubicInOut, select, timer, zoom as d3Zoom, zoomIdentity, type Timer, type ZoomBehavior, type ZoomTransform } from 'd3';
import { colourEncoding, type ColourEncoding } from './colourEncoding.ts';
import { colourOrder, type ColourOrder } from './colourOrder.ts';
import { createHitTester, type HitTester } from './hitTest.ts';
import { fitLayout, fittedPositions, type LayoutFit } from './layoutFit.ts';
import { renderLegend } from './legend.ts';
import { createMapDom } from './mapDom.ts';
import { pointStyle } from './marks.ts';
import { attachInteraction } from './interaction.ts';
import { buildOverlay, type Overlay } from './overlay.ts';
import { paintFrame, type PointsFrame } from './paintCanvas.ts';
import { placedOnScreen } from './placedOnScreen.ts';
import { mapToPngBlob } from './pngExport.ts';
import { describeModel, summaryText } from './describe.ts';
import { mapToSvgString } from './svgExport.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';
import type { ColourBy, Layout, MapPoint, MapView, MapViewOptions, NeighbourLink, PlacedModel } from './types.ts';

const PADDING_PX = 28;
const LAYOUTS: readonly Layout[] = ['tsne', 'pca'];

/**
 * The map view: reference models as points on a Canvas 2D (batched by colour, redrawn on requestAnimationFrame
 * only when something changed), d3-zoom pan/zoom, d3-quadtree hit-testing, a text-only tooltip, a legend, and
 * keyboard use. `points` is not copied and must not change while the view lives.
 */
export function createMapView(container: HTMLElement, points: readonly MapPoint[], options: MapViewOptions = {}): MapView {
  const dom = createMapDom(container, options.heightPx ?? 480);
  const maybeContext = dom.canvas.getContext('2d', { alpha: false });
  if (maybeContext === null) throw new Error('The map needs a 2D canvas, which this browser did not give.');
  const context: CanvasRenderingContext2D = maybeContext;
  const window = container.ownerDocument.defaultView ?? globalThis.window;
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  const transitionMs = () => (reducedMotion.matches ? 0 : (options.transitionMs ?? 600));

  let layout: Layout = options.layout ?? 'tsne';
  let colourBy: ColourBy = options.colourBy ?? { kind: 'family' };
  let encoding: ColourEncoding = colourEncoding(points, colourBy);
  let colours: ColourOrder = colourOrder(encoding.palette, encoding.bucketOf);
  let widthPx = 0;
  let heightPx = 0;
  let devicePixelRatio = 1;
  let fits = {} as Record<Layout, LayoutFit>;
  let fitted = {} as Record<Layout, Float32Array>;
  let positions = new Float32Array(points.length * 2);
  let hitTester: HitTester | null = null;
  let transition: { timer: Timer; fromLayout: Layout; progress: number } | null = null;
  let zoomTransform: ZoomTransform = zoomIdentity;
  let selected: number | null = null;
  let selectedNeighbours: readonly NeighbourLink[] = [];
  let hovered: number | null = null;
  let placed: readonly PlacedModel[] = [];
  let legendHeightPx = 0;
  let frameRequest = 0;
  let destroyed = false;
  const handlers = { select: [] as Array<(index: number | null) => void>, hover: [] as Array<(index: number | null) => void> };

  const zoomBehaviour: ZoomBehavior<HTMLCanvasElement, unknown> = d3Zoom<HTMLCanvasElement, unknown>()
    .scaleExtent([0.5, 5000])
    .on('zoom', (event: { transform: ZoomTransform; sourceEvent: Event | null }) => {
      zoomTransform = event.transform;
      if (event.sourceEvent !== null && event.sourceEvent.type !== 'keydown') hideTooltip(dom.tooltip);
      else refreshTooltip();
      requestRedraw();
    });
  const canvasSelection = select(dom.canvas);
  canvasSelection.call(zoomBehaviour).on('dblclick.zoom', null);

  function resize(): void {
    const width = Math.max(1, Math.floor(dom.stage.clientWidth));
    const height = Math.max(1, Math.floor(dom.stage.clientHeight));
    const ratio = window.devicePixelRatio || 1;
    if (width === widthPx && height === heightPx && ratio === devicePixelRatio && hitTester !== null) return;
    widthPx = width;
    heightPx = height;
    devicePixelRatio = ratio;
    dom.canvas.width = Math.round(width * ratio);
    dom.canvas.height = Math.round(height * ratio);
    for (const each of LAYOUTS) {
      fits[each] = fitLayout(points, each, width, height, PADDING_PX);
      fitted[each] = fittedPositions(points, each, fits[each]);
    }
    transition?.timer.stop();
    transition = null;
    positions = fitted[layout].slice();
    hitTester = createHitTester(positions);
    zoomBehaviour.extent([[0, 0], [width, height]]);
    paintNow();
  }

  function requestRedraw(): void {
    if (frameRequest === 0 && !destroyed) frameRequest = window.requestAnimationFrame(paintNow);
  }

  function currentFrame(): { frame: PointsFrame; overlay: Overlay } {
    const zoom = { k: zoomTransform.k, x: zoomTransform.x, y: zoomTransform.y };
    const frame: PointsFrame = { positions, zoom, colours, style: pointStyle(points.length, zoom.k) };
    const blend = transition === null ? { from: layout, to: layout, progress: 1 } : { from: transition.fromLayout, to: layout, progress: transition.progress };
    const overlay = buildOverlay({
      widthPx,
      heightPx,
      points,
      positionOf: (i) => [positions[2 * i] * zoom.k + zoom.x, positions[2 * i + 1] * zoom.k + zoom.y],
      placed: placedOnScreen(placed, fits, blend, zoom),
      selected,
      selectedNeighbours,
      hovered,
      pointRadiusPx: frame.style.radiusPx,
      measureText: (text, font) => {
        context.font = font;
        return context.measureText(text).width;
      },
    });
    return { frame, overlay };
  }

  function paintNow(): void {
    if (frameRequest !== 0) window.cancelAnimationFrame(frameRequest);
    frameRequest = 0;
    if (destroyed || widthPx === 0) return;
    const { frame, overlay } = currentFrame();
    paintFrame(context, devicePixelRatio, widthPx, heightPx, frame, overlay);
  }

  function redrawLegend(): void {
    legendHeightPx = renderLegend(dom.legend, encoding.legend, {
      placed: placed.length > 0,
      provisional: placed.some((model) => model.provisional),
      links: placed.some((model) => model.nearest.length > 0) || selectedNeighbours.length > 0,
      selected: selected !== null,
    });
    dom.legend.setAttribute('aria-label', `Legend: ${encoding.legend.title}`);
  }

  function announce(): void {
    dom.canvas.setAttribute('aria-label', `Map of ${points.length} language models, coloured by ${encoding.legend.title}`);
    dom.liveSummary.textContent = summaryText(points, encoding, hovered, selected, placed);
  }

  function refreshTooltip(): void {
    if (hovered === null || transition !== null) return hideTooltip(dom.tooltip);
    const x = positions[2 * hovered] * zoomTransform.k + zoomTransform.x;
    const y = positions[2 * hovered + 1] * zoomTransform.k + zoomTransform.y;
    if (x < 0 || y < 0 || x > widthPx || y > heightPx) return hideTooltip(dom.tooltip);
    showTooltip(dom.tooltip, describeModel(points, hovered, encoding, colourBy, selected, selectedNeighbours, placed), x, y, widthPx, heightPx);
  }

  function setHovered(index: number | null): void {
    if (index === hovered) return;
    hovered = index;
    refreshTooltip();
    announce();
    requestRedraw();
    for (const handler of handlers.hover) handler(index);
  }

  function setSelected(index: number | null, fromUser: boolean): void {
    const valid = index !== null && Number.isInteger(index) && index >= 0 && index < points.length ? index : null;
    selected = valid;
    selectedNeighbours = valid !== null && options.neighboursOf !== undefined ? options.neighboursOf(valid) : [];
    redrawLegend();
    announce();
    refreshTooltip();
    requestRedraw();
    if (fromUser) for (const handler of handlers.select) handler(valid);
  }

  function animateZoom(transform: ZoomTransform): void {
    const duration = reducedMotion.matches ? 0 : 450;
    if (duration === 0) canvasSelection.call(zoomBehaviour.transform, transform);
    else canvasSelection.transition().duration(duration).call(zoomBehaviour.transform, transform);
  }

  function centreOn(index: number, minimumScale: number): void {
    const k = Math.max(zoomTransform.k, minimumScale);
    const x = widthPx / 2 - positions[2 * index] * k;
    const y = heightPx / 2 - positions[2 * index + 1] * k;
    animateZoom(zoomIdentity.translate(x, y).scale(k));
  }

  const detachInteraction = attachInteraction(dom, {
    points,
    positions: () => positions,
    zoom: () => zoomTransform,
    hitTest: (x, y) => (transition === null && hitTester !== null ? hitTester.find(x, y, Math.max(6, pointStyle(points.length, zoomTransform.k).radiusPx + 3), zoomTransform) : null),
    hovered: () => hovered,
    selected: () => selected,
    size: () => [widthPx, heightPx],
    setHovered,
    select: (index) => setSelected(index, true),
    keepVisible: (index) => {
      const x = positions[2 * index] * zoomTransform.k + zoomTransform.x;
      const y = positions[2 * index + 1] * zoomTransform.k + zoomTransform.y;
      if (x < 16 || y < 16 || x > widthPx - 16 || y > heightPx - 16) centreOn(index, 1);
    },
    panBy: (dx, dy) => canvasSelection.call(zoomBehaviour.translateBy, dx / zoomTransform.k, dy / zoomTransform.k),
    zoomBy: (factor) => canvasSelection.call(zoomBehaviour.scaleBy, factor),
    resetView: () => animateZoom(zoomIdentity),
  });

  const resizeObserver = new ResizeObserver(() => resize());
  resizeObserver.observe(dom.stage);
  redrawLegend();
  announce();
  resize();

  const view: MapView = {
    setLayout(next) {
      if (next === layout) return;
      const fromLayout = layout;
      const from = positions.slice();
      const to = fitted[next];
      layout = next;
      transition?.timer.stop();
      hitTester = createHitTester(to);
      const duration = transitionMs();
      const finish = () => {
        transition?.timer.stop();
        transition = null;
        positions = to.slice();
        refreshTooltip();
        paintNow();
      };
      if (duration === 0) return finish();
      hideTooltip(dom.tooltip);
      transition = {
        fromLayout,
        progress: 0,
        timer: timer((elapsedMs) => {
          if (transition === null) return;
          const t = Math.min(1, elapsedMs / duration);
          const eased = easeCubicInOut(t);
          for (let n = 0; n < from.length; n++) positions[n] = from[n] + (to[n] - from[n]) * eased;
          transition.progress = eased;
          if (t >= 1) finish();
          else paintNow();
        }),
      };
    },
    setColourBy(next) {
      colourBy = next;
      encoding = colourEncoding(points, next);
      colours = colourOrder(encoding.palette, encoding.bucketOf);
      redrawLegend();
      announce();
      refreshTooltip();
      requestRedraw();
    },
    setPlaced(models) {
      placed = [...models];
      redrawLegend();
      announce();
      requestRedraw();
    },
    select(index) {
      setSelected(index, false);
    },
    focus(index) {
      if (!(Number.isInteger(index) && index >= 0 && index < points.length)) return;
      centreOn(index, 4);
    },
    on(event: 'select' | 'hover', handler: (index: number | null) => void) {
      handlers[event].push(handler);
    },
    screenPositionOf(index) {
      if (!(Number.isInteger(index) && index >= 0 && index < points.length)) return null;
      return { x: positions[2 * index] * zoomTransform.k + zoomTransform.x, y: positions[2 * index + 1] * zoomTransform.k + zoomTransform.y };
    },
    toSvgString() {
      const { frame, overlay } = currentFrame();
      return mapToSvgString({ widthPx, heightPx, frame, overlay, legend: dom.legend, legendHeightPx, title: `Map of ${points.length} language models, coloured by ${encoding.legend.title}` });
    },
    toPngBlob() {
      paintNow();
      return mapToPngBlob(dom.canvas, dom.legend, widthPx, heightPx, legendHeightPx, devicePixelRatio);
    },
    destroy() {
      destroyed = true;
      transition?.timer.stop();
      if (frameRequest !== 0) window.cancelAnimationFrame(frameRequest);
      resizeObserver.disconnect();
      canvasSelection.interrupt().on('.zoom', null);
      detachInteraction();
      dom.root.remove();
    },
  };
  return view;
}
