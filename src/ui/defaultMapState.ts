import { MAP_FORMAT_VERSION } from '../map/schema.ts';

/**
 * What the page knows about the shipped default map, before any map view exists: missing, unreadable, of a format
 * version this build cannot read, or present (then loaded by mapSource.ts). Pure classification of one HTTP answer plus
 * a thin fetch wrapper; no DOM.
 *
 * Missing is decided from the HTTP status AND the content type, never by trying to parse: Vite's dev server (and many
 * static hosts) answer a missing file with index.html, status 200, so a text/html answer or a body that starts with
 * `<` means "missing", not "Unexpected token '<'".
 */

/** The map.json format versions this build reads: the one `src/map` writes and loads. */
export const READABLE_MAP_FORMAT_VERSIONS: readonly number[] = [MAP_FORMAT_VERSION];

/** Where the default map lives, relative to the app's base URL (served from `public/maps/default/`). */
export const DEFAULT_MAP_PATH = 'maps/default/map.json';

export type DefaultMapState =
  | { readonly kind: 'missing'; readonly url: string; readonly reason: string }
  | { readonly kind: 'unreachable'; readonly url: string; readonly reason: string }
  | { readonly kind: 'unreadable'; readonly url: string; readonly reason: string }
  | { readonly kind: 'unknown-format-version'; readonly url: string; readonly formatVersion: unknown }
  | { readonly kind: 'present'; readonly url: string; readonly formatVersion: number };

/** One HTTP answer, reduced to what classification needs (so it is testable without a network). */
export interface MapResponse {
  readonly url: string;
  readonly httpStatus: number;
  /** The Content-Type header, or null when the server sent none. */
  readonly contentType: string | null;
  readonly bodyText: string;
}

const jsonContentTypePattern = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const htmlContentTypePattern = /^text\/html\s*(?:;|$)/i;

/** Classifies one answer for map.json: status first, then content type, then the first character, then JSON. */
export function classifyMapResponse(response: MapResponse): DefaultMapState {
  const { url, httpStatus, contentType, bodyText } = response;
  if (httpStatus === 404 || httpStatus === 410) {
    return { kind: 'missing', url, reason: `the server answered HTTP ${httpStatus}` };
  }
  if (httpStatus < 200 || httpStatus > 299) {
    return { kind: 'unreadable', url, reason: `the server answered HTTP ${httpStatus}` };
  }
  const trimmedBody = bodyText.trimStart();
  if (contentType !== null && htmlContentTypePattern.test(contentType)) {
    return { kind: 'missing', url, reason: 'the server answered with an HTML page instead of the file' };
  }
  if (trimmedBody.startsWith('<')) {
    return { kind: 'missing', url, reason: 'the server answered with markup instead of the file' };
  }
  if (contentType === null || !jsonContentTypePattern.test(contentType)) {
    return { kind: 'unreadable', url, reason: `it was served as ${contentType ?? 'an unknown type'}, not as JSON` };
  }
  if (!trimmedBody.startsWith('{')) {
    return { kind: 'unreadable', url, reason: 'it is not a JSON object' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch (error) {
    const parserMessage = error instanceof Error ? error.message : String(error);
    return { kind: 'unreadable', url, reason: `it is not valid JSON (${parserMessage})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { kind: 'unreadable', url, reason: 'it is not a JSON object' };
  }
  const formatVersion: unknown = (parsed as { formatVersion?: unknown }).formatVersion;
  if (typeof formatVersion !== 'number' || !READABLE_MAP_FORMAT_VERSIONS.includes(formatVersion)) {
    return { kind: 'unknown-format-version', url, formatVersion };
  }
  return { kind: 'present', url, formatVersion };
}

/** Fetches map.json from the same origin (no cache, no credentials to other origins) and classifies the answer. */
export async function fetchDefaultMapState(
  url: string,
  fetchFn: typeof fetch = fetch,
): Promise<DefaultMapState> {
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-store', credentials: 'same-origin', mode: 'same-origin' });
  } catch (error) {
    const networkMessage = error instanceof Error ? error.message : String(error);
    return { kind: 'unreachable', url, reason: networkMessage };
  }
  let bodyText: string;
  try {
    bodyText = await response.text();
  } catch (error) {
    const readMessage = error instanceof Error ? error.message : String(error);
    return { kind: 'unreadable', url, reason: `its body could not be read (${readMessage})` };
  }
  return classifyMapResponse({
    url,
    httpStatus: response.status,
    contentType: response.headers.get('content-type'),
    bodyText,
  });
}

/** The sentences the page shows for a state: a headline and an optional line on what to do next. */
export interface MapStatusMessage {
  readonly tone: 'info' | 'problem';
  readonly headline: string;
  readonly nextStep: string;
}

function describeFormatVersion(formatVersion: unknown): string {
  if (formatVersion === undefined) return 'no formatVersion field';
  return `format version ${JSON.stringify(formatVersion)}`;
}

export function describeDefaultMapState(state: DefaultMapState): MapStatusMessage {
  const readable = READABLE_MAP_FORMAT_VERSIONS.join(', ');
  switch (state.kind) {
    case 'missing':
      return {
        tone: 'info',
        headline:
          'No default map is shipped yet. No models are shown until a map of real models ships; ' +
          'nothing here is invented.',
        nextStep: `Looked for ${state.url}: ${state.reason}.`,
      };
    case 'unreachable':
      return {
        tone: 'problem',
        headline: 'The default map could not be fetched, so no map is shown.',
        nextStep: `Requesting ${state.url} failed (${state.reason}). Check that the app's server is running, then check again.`,
      };
    case 'unreadable':
      return {
        tone: 'problem',
        headline: 'The default map is present but could not be read, so no map is shown.',
        nextStep: `${state.url} was rejected because ${state.reason}. Rebuild it with the map builder.`,
      };
    case 'unknown-format-version':
      return {
        tone: 'problem',
        headline:
          `The default map has ${describeFormatVersion(state.formatVersion)}, which this version of llmap cannot ` +
          `read (it reads format version ${readable}), so no map is shown.`,
        nextStep: `Rebuild ${state.url} with this version's map builder, or use the llmap version that built it.`,
      };
    case 'present':
      return {
        tone: 'info',
        headline: `A default map (format version ${state.formatVersion}) is shipped; loading and checking its files…`,
        nextStep: `Found ${state.url}.`,
      };
  }
}
