import type { Ellipse } from '../core/bootstrap.ts';

/**
 * Placements in the URL's hash fragment, so a shared link shows the same placed models without scoring again:
 * `#map=<map id>&placed=<base64url JSON>`. The fragment never reaches a server. What is read back is untrusted:
 * every field is type-checked, numbers must be finite and are clamped to sane ranges, indices must name a
 * reference of this map, strings are cut short (and only ever shown as text). Anything else is dropped, with a reason.
 */

export interface SharedNeighbour {
  readonly index: number;
  readonly klNatsPerText: number;
  /** NaN when unknown. */
  readonly klStandardDeviationNatsPerText: number;
}

export interface SharedPosition {
  readonly x: number;
  readonly y: number;
  readonly ellipse: Ellipse | null;
}

export interface SharedPlacement {
  readonly label: string;
  readonly tsne: SharedPosition;
  readonly pca: SharedPosition;
  readonly nearest: readonly SharedNeighbour[];
  readonly provisional: boolean;
  readonly offMap: boolean;
  readonly textsScored: number;
  readonly textCount: number;
}

/** What a link is checked against: the map on this page. */
export interface ShareBounds {
  readonly mapId: string;
  readonly referenceCount: number;
  readonly textCount: number;
  /** [minX, maxX, minY, maxY] of the references in each layout. */
  readonly tsneExtent: readonly [number, number, number, number];
  readonly pcaExtent: readonly [number, number, number, number];
}

export interface DecodedShare {
  readonly placements: SharedPlacement[];
  /** Sentences saying what was dropped and why (empty when everything was read). */
  readonly problems: string[];
}

const FORMAT = 1;
export const MAX_SHARED_PLACEMENTS = 8;
const MAX_NEIGHBOURS = 10;
const MAX_LABEL_LENGTH = 120;
const MAX_HASH_LENGTH = 16_000;
const MAX_KL = 1e6;

type Packed = [string, number[], number[], Array<Array<number | null>>, number, number, number];

export function encodeShareHash(mapId: string, placements: readonly SharedPlacement[]): string {
  const packed = placements.slice(0, MAX_SHARED_PLACEMENTS).map((placement): Packed => [
    placement.label.slice(0, MAX_LABEL_LENGTH),
    packPosition(placement.tsne),
    packPosition(placement.pca),
    placement.nearest.slice(0, MAX_NEIGHBOURS).map((near) => [near.index, round(near.klNatsPerText), Number.isFinite(near.klStandardDeviationNatsPerText) ? round(near.klStandardDeviationNatsPerText) : null]),
    (placement.provisional ? 1 : 0) | (placement.offMap ? 2 : 0),
    placement.textsScored,
    placement.textCount,
  ]);
  return `#map=${encodeURIComponent(mapId)}&placed=${toBase64Url(JSON.stringify([FORMAT, packed]))}`;
}

/** Reads a hash fragment (with or without '#'); returns no placements and no problems when it holds none. */
export function decodeShareHash(hash: string, bounds: ShareBounds): DecodedShare {
  const text = hash.replace(/^#/, '');
  if (text === '') return { placements: [], problems: [] };
  if (text.length > MAX_HASH_LENGTH) return { placements: [], problems: ['The link is too long to be a llmap placement, so it was ignored.'] };
  const parameters = new URLSearchParams(text);
  const encoded = parameters.get('placed');
  if (encoded === null) return { placements: [], problems: [] };
  const mapId = parameters.get('map');
  if (mapId !== bounds.mapId) {
    return { placements: [], problems: [`The link's placements were made on the map "${(mapId ?? 'unnamed').slice(0, 60)}", not on this page's map "${bounds.mapId}", so they are not shown.`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(encoded));
  } catch {
    return { placements: [], problems: ['The placements in the link are damaged (not readable), so they are not shown.'] };
  }
  if (!Array.isArray(parsed) || parsed[0] !== FORMAT || !Array.isArray(parsed[1])) {
    return { placements: [], problems: ['The link holds placements in a format this version of llmap does not read.'] };
  }
  const placements: SharedPlacement[] = [];
  const problems: string[] = [];
  (parsed[1] as unknown[]).slice(0, MAX_SHARED_PLACEMENTS).forEach((entry, k) => {
    const placement = unpack(entry, bounds);
    if (placement === null) problems.push(`Placement ${k + 1} in the link is malformed, so it is not shown.`);
    else placements.push(placement);
  });
  if ((parsed[1] as unknown[]).length > MAX_SHARED_PLACEMENTS) problems.push(`The link holds more than ${MAX_SHARED_PLACEMENTS} placements; only the first ${MAX_SHARED_PLACEMENTS} are shown.`);
  return { placements, problems };
}

function unpack(entry: unknown, bounds: ShareBounds): SharedPlacement | null {
  if (!Array.isArray(entry) || entry.length !== 7) return null;
  const [label, tsne, pca, nearest, flags, textsScored, textCount] = entry as unknown[];
  if (typeof label !== 'string' || !Array.isArray(nearest) || !isWhole(flags) || !isWhole(textsScored) || textCount !== bounds.textCount) return null;
  const tsnePosition = unpackPosition(tsne, bounds.tsneExtent);
  const pcaPosition = unpackPosition(pca, bounds.pcaExtent);
  if (tsnePosition === null || pcaPosition === null) return null;
  const neighbours: SharedNeighbour[] = [];
  for (const near of nearest.slice(0, MAX_NEIGHBOURS)) {
    if (!Array.isArray(near) || near.length !== 3) return null;
    const [index, kl, deviation] = near as unknown[];
    if (!isWhole(index) || index >= bounds.referenceCount || !isFiniteNumber(kl)) return null;
    neighbours.push({
      index,
      klNatsPerText: clamp(kl, 0, MAX_KL),
      klStandardDeviationNatsPerText: isFiniteNumber(deviation) ? clamp(deviation, 0, MAX_KL) : Number.NaN,
    });
  }
  return {
    label: cleanLabel(label),
    tsne: tsnePosition,
    pca: pcaPosition,
    nearest: neighbours,
    provisional: (flags & 1) === 1,
    offMap: (flags & 2) === 2,
    textsScored: Math.min(textsScored, bounds.textCount),
    textCount: bounds.textCount,
  };
}

function packPosition(position: SharedPosition): number[] {
  const { x, y, ellipse } = position;
  return ellipse === null ? [round(x), round(y)] : [round(x), round(y), round(ellipse.semiMajor), round(ellipse.semiMinor), round(ellipse.angleRadians)];
}

/** A position inside the layout's extent widened by its span on every side (a far-off model stays visible). */
function unpackPosition(value: unknown, extent: readonly [number, number, number, number]): SharedPosition | null {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 5) || !value.every(isFiniteNumber)) return null;
  const [minX, maxX, minY, maxY] = extent;
  const spanX = Math.max(maxX - minX, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  const x = clamp(value[0], minX - spanX, maxX + spanX);
  const y = clamp(value[1], minY - spanY, maxY + spanY);
  if (value.length === 2) return { x, y, ellipse: null };
  const largest = 3 * Math.max(spanX, spanY);
  const semiMajor = clamp(value[2], 0, largest);
  return {
    x,
    y,
    ellipse: { centreX: x, centreY: y, semiMajor, semiMinor: clamp(value[3], 0, semiMajor), angleRadians: clamp(value[4], -2 * Math.PI, 2 * Math.PI) },
  };
}

/** Control characters out, whitespace collapsed, cut to MAX_LABEL_LENGTH; shown only through textContent. */
function cleanLabel(label: string): string {
  const cleaned = label.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL_LENGTH);
  return cleaned === '' ? 'shared model' : cleaned;
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(5)) : 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
}
