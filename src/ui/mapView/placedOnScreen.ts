import type { LayoutFit } from './layoutFit.ts';
import type { PlacedOnScreen } from './overlay.ts';
import type { Ellipse, Layout, PlacedModel } from './types.ts';

/**
 * Where each placed model is drawn now: its position and ellipse in each layout's fit, blended during a layout
 * transition, then panned and zoomed. Data +y is up and screen +y is down, so an ellipse's angle changes sign.
 */
export function placedOnScreen(
  placed: readonly PlacedModel[],
  fits: Readonly<Record<Layout, LayoutFit>>,
  blend: { readonly from: Layout; readonly to: Layout; readonly progress: number },
  zoom: { readonly k: number; readonly x: number; readonly y: number },
): PlacedOnScreen[] {
  return placed.map((model) => {
    const from = fitted(model, blend.from, fits[blend.from]);
    const to = fitted(model, blend.to, fits[blend.to]);
    const t = blend.progress;
    const mix = (a: number, b: number) => a + (b - a) * t;
    const x = mix(from.x, to.x) * zoom.k + zoom.x;
    const y = mix(from.y, to.y) * zoom.k + zoom.y;
    const fromEllipse = from.ellipse ?? to.ellipse;
    const toEllipse = to.ellipse ?? from.ellipse;
    const ellipse =
      fromEllipse === null || toEllipse === null
        ? null
        : {
            cx: mix(fromEllipse.cx, toEllipse.cx) * zoom.k + zoom.x,
            cy: mix(fromEllipse.cy, toEllipse.cy) * zoom.k + zoom.y,
            rx: mix(fromEllipse.rx, toEllipse.rx) * zoom.k,
            ry: mix(fromEllipse.ry, toEllipse.ry) * zoom.k,
            rotation: mix(fromEllipse.rotation, toEllipse.rotation),
          };
    return { label: model.label, x, y, ellipse, nearest: model.nearest, provisional: model.provisional, offMap: model.offMap };
  });
}

function fitted(model: PlacedModel, layout: Layout, fit: LayoutFit) {
  const position = model[layout];
  return { x: fit.offsetX + fit.scale * position.x, y: fit.offsetY - fit.scale * position.y, ellipse: fittedEllipse(position.ellipse, fit) };
}

function fittedEllipse(ellipse: Ellipse | null, fit: LayoutFit) {
  if (ellipse === null) return null;
  return {
    cx: fit.offsetX + fit.scale * ellipse.centreX,
    cy: fit.offsetY - fit.scale * ellipse.centreY,
    rx: fit.scale * Math.abs(ellipse.semiMajor),
    ry: fit.scale * Math.abs(ellipse.semiMinor),
    rotation: -ellipse.angleRadians,
  };
}
