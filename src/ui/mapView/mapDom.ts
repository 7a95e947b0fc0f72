import { LEGEND_WIDTH_PX } from './legend.ts';

/**
 * The view's elements, added to the caller's container: a stage (focusable canvas, reset button, tooltip), the
 * legend beside it (below on narrow screens), keyboard help and a visually hidden live summary. Styles are one
 * class-scoped <style> element shared by every view on the page.
 */
export interface MapDom {
  readonly root: HTMLDivElement;
  readonly stage: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  readonly resetButton: HTMLButtonElement;
  readonly tooltip: HTMLDivElement;
  readonly legend: SVGSVGElement;
  readonly liveSummary: HTMLDivElement;
}

const STYLE_ID = 'llmap-map-view-style';
const CSS = `
.llmap-map-view { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px; width: 100%; }
.llmap-map-view__stage { position: relative; flex: 1 1 320px; min-width: 240px; border: 1px solid #d7dbe0;
  border-radius: 6px; overflow: hidden; background: #fff; }
.llmap-map-view__canvas { display: block; width: 100%; height: 100%; touch-action: none; cursor: grab; }
.llmap-map-view__canvas:active { cursor: grabbing; }
.llmap-map-view__canvas:focus { outline: none; }
.llmap-map-view__canvas:focus-visible { outline: 3px solid #c2410c; outline-offset: -3px; }
.llmap-map-view__reset { position: absolute; top: 8px; left: 8px; font: 12px system-ui, sans-serif; padding: 3px 8px;
  border: 1px solid #aeb6c0; border-radius: 4px; background: rgba(255,255,255,0.92); color: #1b1f24; cursor: pointer; }
.llmap-map-view__reset:focus-visible { outline: 3px solid #c2410c; outline-offset: 1px; }
.llmap-map-view__tooltip { position: absolute; pointer-events: none; max-width: 280px; padding: 6px 9px;
  font: 12px/1.4 system-ui, sans-serif; color: #1b1f24; background: rgba(255,255,255,0.97); border: 1px solid #aeb6c0;
  border-radius: 4px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); overflow-wrap: anywhere; z-index: 1; }
.llmap-map-view__tooltip[hidden] { display: none; }
.llmap-map-view__tooltip-name { font-weight: 700; }
.llmap-map-view__tooltip-key { color: #4a5360; }
.llmap-map-view__legend { flex: 0 0 ${LEGEND_WIDTH_PX}px; background: #fff; border: 1px solid #d7dbe0; border-radius: 6px; }
.llmap-map-view__hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
`;

let nextId = 0;

export const KEYBOARD_HELP =
  'Arrow keys move between models, n and p go to the next and previous model by name, Enter selects, Escape clears. ' +
  'Shift with arrow keys pans, plus and minus zoom, 0 resets the view.';

export function createMapDom(container: HTMLElement, heightPx: number): MapDom {
  const document = container.ownerDocument;
  if (document.getElementById(STYLE_ID) === null) {
    const style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = CSS;
    document.head.append(style);
  }
  const id = `llmap-map-view-${nextId++}`;
  const root = element(document, 'div', 'llmap-map-view');
  const stage = element(document, 'div', 'llmap-map-view__stage');
  stage.style.height = `${heightPx}px`;
  const canvas = element(document, 'canvas', 'llmap-map-view__canvas');
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-roledescription', 'map of language models');
  canvas.setAttribute('aria-describedby', `${id}-help`);
  const resetButton = element(document, 'button', 'llmap-map-view__reset');
  resetButton.type = 'button';
  resetButton.textContent = 'Reset view';
  const tooltip = element(document, 'div', 'llmap-map-view__tooltip');
  tooltip.hidden = true;
  tooltip.setAttribute('aria-hidden', 'true');
  tooltip.dataset.testid = 'map-tooltip';
  stage.append(canvas, resetButton, tooltip);
  const legend = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  legend.setAttribute('class', 'llmap-map-view__legend');
  legend.setAttribute('role', 'img');
  legend.dataset.testid = 'map-legend';
  const help = element(document, 'p', 'llmap-map-view__hidden');
  help.id = `${id}-help`;
  help.textContent = KEYBOARD_HELP;
  const liveSummary = element(document, 'div', 'llmap-map-view__hidden');
  liveSummary.setAttribute('aria-live', 'polite');
  liveSummary.setAttribute('role', 'status');
  liveSummary.dataset.testid = 'map-summary';
  root.append(stage, legend, help, liveSummary);
  container.append(root);
  return { root, stage, canvas, resetButton, tooltip, legend, liveSummary };
}

function element<K extends keyof HTMLElementTagNameMap>(document: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  created.className = className;
  return created;
}
