import type { ZoomTransform } from 'd3';
import { nameOrder, nearestInDirection, nearestTo, type Direction } from './keyboardNavigation.ts';
import type { MapDom } from './mapDom.ts';
import type { MapPoint } from './types.ts';

/**
 * Pointer and keyboard handling. The pointer hovers and clicks (d3-zoom owns drag, wheel and pinch); the keyboard,
 * when the canvas has focus, moves a cursor between points (arrows: nearest that way; n / p: by name), selects
 * (Enter, Space), clears (Escape), pans (Shift+arrows), zooms (+ / −) and resets the view (0). Tab leaves the map.
 */
export interface InteractionHost {
  readonly points: readonly MapPoint[];
  positions(): Float32Array;
  zoom(): ZoomTransform;
  hitTest(screenX: number, screenY: number): number | null;
  hovered(): number | null;
  selected(): number | null;
  size(): [number, number];
  setHovered(index: number | null): void;
  select(index: number | null): void;
  keepVisible(index: number): void;
  panBy(dxPx: number, dyPx: number): void;
  zoomBy(factor: number): void;
  resetView(): void;
}

const ARROWS: Readonly<Record<string, Direction>> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
const PAN_STEP_PX = 60;

export function attachInteraction(dom: MapDom, host: InteractionHost): () => void {
  const canvas = dom.canvas;
  let byName: Uint32Array | null = null;
  let positionInName = new Int32Array(0);
  /** Whether the hovered point came from the keyboard (it then stays when the pointer leaves). */
  let keyboardCursor = false;

  const local = (event: MouseEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  const onPointerMove = (event: PointerEvent) => {
    if (event.buttons !== 0 && event.pointerType === 'mouse') return;
    const [x, y] = local(event);
    const index = host.hitTest(x, y);
    if (keyboardCursor && index === null) return;
    keyboardCursor = false;
    host.setHovered(index);
  };
  const onPointerLeave = () => {
    if (!keyboardCursor) host.setHovered(null);
  };
  const onPointerDown = () => canvas.focus({ preventScroll: true });
  const onClick = (event: MouseEvent) => {
    const [x, y] = local(event);
    const index = host.hitTest(x, y);
    keyboardCursor = false;
    host.setHovered(index);
    host.select(index);
  };
  const onBlur = () => host.setHovered(null);

  const cursorStart = (): number | null => {
    const current = host.hovered() ?? host.selected();
    if (current !== null) return current;
    const [width, height] = host.size();
    return nearestTo(host.positions(), host.zoom(), width / 2, height / 2);
  };
  const moveTo = (index: number | null) => {
    if (index === null) return;
    host.keepVisible(index);
    keyboardCursor = true;
    host.setHovered(index);
  };
  const stepByName = (step: 1 | -1) => {
    if (byName === null) {
      byName = nameOrder(host.points.map((point) => point.name));
      positionInName = new Int32Array(byName.length);
      byName.forEach((index, position) => (positionInName[index] = position));
    }
    if (byName.length === 0) return;
    const current = host.hovered() ?? host.selected();
    const position = current === null ? (step === 1 ? -1 : 0) : positionInName[current];
    moveTo(byName[(position + step + byName.length) % byName.length]);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const direction = ARROWS[event.key];
    if (direction !== undefined && event.shiftKey) {
      const [dx, dy] = { left: [PAN_STEP_PX, 0], right: [-PAN_STEP_PX, 0], up: [0, PAN_STEP_PX], down: [0, -PAN_STEP_PX] }[direction];
      host.panBy(dx, dy);
    } else if (direction !== undefined) {
      const start = cursorStart();
      if (start === null) return;
      const already = host.hovered() !== null || host.selected() !== null;
      moveTo(already ? (nearestInDirection(host.positions(), host.zoom(), start, direction) ?? start) : start);
    } else if (event.key === 'n' || event.key === 'N') stepByName(event.shiftKey ? -1 : 1);
    else if (event.key === 'p' || event.key === 'P') stepByName(-1);
    else if (event.key === 'Enter' || event.key === ' ') {
      const index = host.hovered() ?? cursorStart();
      if (index === null) return;
      host.setHovered(index);
      host.select(index);
    } else if (event.key === 'Escape') {
      host.setHovered(null);
      host.select(null);
    } else if (event.key === '+' || event.key === '=') host.zoomBy(1.5);
    else if (event.key === '-' || event.key === '_') host.zoomBy(1 / 1.5);
    else if (event.key === '0' || event.key === 'Home') host.resetView();
    else return;
    event.preventDefault();
  };
  const onReset = () => host.resetView();

  canvas.addEventListener('pointermove', onPointerMove);
  canvas.addEventListener('pointerleave', onPointerLeave);
  canvas.addEventListener('pointerdown', onPointerDown);
  canvas.addEventListener('click', onClick);
  canvas.addEventListener('keydown', onKeyDown);
  canvas.addEventListener('blur', onBlur);
  dom.resetButton.addEventListener('click', onReset);
  return () => {
    canvas.removeEventListener('pointermove', onPointerMove);
    canvas.removeEventListener('pointerleave', onPointerLeave);
    canvas.removeEventListener('pointerdown', onPointerDown);
    canvas.removeEventListener('click', onClick);
    canvas.removeEventListener('keydown', onKeyDown);
    canvas.removeEventListener('blur', onBlur);
    dom.resetButton.removeEventListener('click', onReset);
  };
}
