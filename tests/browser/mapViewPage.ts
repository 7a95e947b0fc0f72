import { createMapView, type MapPoint, type MapView, type MapViewOptions, type NeighbourLink } from '../../src/ui/mapView/index.ts';
import { smallMapPoints, smallPlacedModel, syntheticMapPoints } from './mapViewPoints.ts';

/**
 * The map view's test page (served by the Vite dev server, never built into the app): mounts the view on given
 * points and exposes it, the events it fired, and fixture helpers as window.mapViewTest.
 */
export interface MapViewTestApi {
  mount(points: readonly MapPoint[], options?: MapViewOptions & { readonly neighbourCount?: number }): MapView;
  view: MapView | null;
  readonly events: Array<{ readonly event: 'select' | 'hover'; readonly index: number | null }>;
  readonly fixtures: { smallMapPoints: typeof smallMapPoints; smallPlacedModel: typeof smallPlacedModel; syntheticMapPoints: typeof syntheticMapPoints };
}

declare global {
  interface Window {
    mapViewTest: MapViewTestApi;
    pwned?: unknown;
  }
}

/** k nearest by t-SNE distance, with made-up KL values (proportional to distance): for the test page only. */
function neighboursByDistance(points: readonly MapPoint[], k: number): (index: number) => NeighbourLink[] {
  return (index) =>
    points
      .map((point, other) => ({ other, distance: Math.hypot(point.tsne[0] - points[index].tsne[0], point.tsne[1] - points[index].tsne[1]) }))
      .filter(({ other }) => other !== index)
      .sort((a, b) => a.distance - b.distance)
      .slice(0, k)
      .map(({ other, distance }) => ({ index: other, klNatsPerText: distance / 100, klBitsPerByte: distance / 2000 }));
}

const container = document.getElementById('map') as HTMLDivElement;
const api: MapViewTestApi = {
  view: null,
  events: [],
  fixtures: { smallMapPoints, smallPlacedModel, syntheticMapPoints },
  mount(points, options = {}) {
    api.view?.destroy();
    api.events.length = 0;
    const view = createMapView(container, points, {
      neighboursOf: neighboursByDistance(points, options.neighbourCount ?? 3),
      ...options,
    });
    view.on('select', (index) => api.events.push({ event: 'select', index }));
    view.on('hover', (index) => api.events.push({ event: 'hover', index }));
    api.view = view;
    return view;
  },
};
window.mapViewTest = api;
