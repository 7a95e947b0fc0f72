import { LEGEND_WIDTH_PX } from './legend.ts';

/**
 * The current view as a PNG at the canvas's device resolution: the painted canvas, then the legend (its SVG drawn
 * through an <img>) beside it, on white, as in the SVG export.
 */
export async function mapToPngBlob(
  canvas: HTMLCanvasElement,
  legend: SVGSVGElement,
  widthPx: number,
  heightPx: number,
  legendHeightPx: number,
  devicePixelRatio: number,
): Promise<Blob> {
  const gapPx = 8;
  const output = canvas.ownerDocument.createElement('canvas');
  output.width = Math.round((widthPx + gapPx + LEGEND_WIDTH_PX) * devicePixelRatio);
  output.height = Math.round(Math.max(heightPx, legendHeightPx) * devicePixelRatio);
  const context = output.getContext('2d');
  if (context === null) throw new Error('The PNG export needs a 2D canvas context, which this browser did not give.');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, output.width, output.height);
  context.drawImage(canvas, 0, 0, Math.round(widthPx * devicePixelRatio), Math.round(heightPx * devicePixelRatio));
  const markup = new XMLSerializer().serializeToString(legend);
  const image = await loadImage(canvas.ownerDocument, `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`);
  context.drawImage(image, (widthPx + gapPx) * devicePixelRatio, 0, LEGEND_WIDTH_PX * devicePixelRatio, legendHeightPx * devicePixelRatio);
  return new Promise<Blob>((resolve, reject) => {
    output.toBlob((blob) => (blob === null ? reject(new Error('The browser could not encode the map as PNG.')) : resolve(blob)), 'image/png');
  });
}

function loadImage(document: Document, url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = document.createElement('img');
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('The legend could not be drawn into the PNG export.'));
    image.src = url;
  });
}
