/** The map view: reference models on a pan/zoom canvas, new models placed among them. */
export { createMapView } from './createMapView.ts';
export type {
  ColourBy,
  Ellipse,
  Layout,
  MapPoint,
  MapView,
  MapViewOptions,
  NeighbourLink,
  PlacedModel,
  ScreenPosition,
} from './types.ts';
