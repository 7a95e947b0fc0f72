import { LlmapError } from '../core/errors.ts';
import { loadMap, type LoadedMap } from '../map/loadMap.ts';

/**
 * Loads a map artifact over HTTP from a folder URL (`…/maps/default/`): every file is fetched from the same origin,
 * its HTTP status and content type checked before a byte is parsed (a dev server answers a missing file with
 * index.html and status 200), then `loadMap` checks each file's sha256 against map.json.
 */

const htmlContentType = /^text\/html\s*(?:;|$)/i;
const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
/** A map file's name as map.json may give it: plain relative segments, no `..`, no scheme, no query. */
const safeFileName = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[\w.-]+(?:\/[\w.-]+)*$/;

export type MapFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Fetches one file of the map folder and returns its bytes, or throws an LlmapError sentence naming the file. */
export async function fetchMapFile(folderUrl: string, file: string, fetchFn: MapFetch = fetch): Promise<Uint8Array> {
  if (!safeFileName.test(file)) {
    throw new LlmapError('corrupt-map', `The map names a file "${file}" outside its own folder, so it was not fetched. Rebuild the map with llmap build-map.`);
  }
  const url = new URL(file, folderUrl).href;
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-store', credentials: 'same-origin', mode: 'same-origin' });
  } catch (error) {
    throw new LlmapError('unreadable-file', `The map file ${file} could not be fetched (${error instanceof Error ? error.message : String(error)}). Check that the app's server is running, then reload.`, { file });
  }
  if (response.status === 404 || response.status === 410) {
    throw new LlmapError('missing-file', `The map file ${file} is missing: the server answered HTTP ${response.status}. The map folder is incomplete; rebuild it with llmap build-map.`, { file });
  }
  if (!response.ok) {
    throw new LlmapError('unreadable-file', `The map file ${file} could not be fetched: the server answered HTTP ${response.status}. Reload the page; if it persists, the server is at fault.`, { file });
  }
  const contentType = response.headers.get('content-type');
  if (contentType !== null && htmlContentType.test(contentType)) {
    throw new LlmapError('missing-file', `The map file ${file} is missing: the server answered with an HTML page instead. The map folder is incomplete; rebuild it with llmap build-map.`, { file });
  }
  if (file.endsWith('.json') && (contentType === null || !jsonContentType.test(contentType))) {
    throw new LlmapError('unreadable-file', `The map file ${file} was served as ${contentType ?? 'an unknown type'}, not as JSON, so it was not read.`, { file });
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Loads the map in `folderUrl` (ending in '/'), every file checked. */
export function loadMapFromUrl(folderUrl: string, fetchFn: MapFetch = fetch): Promise<LoadedMap> {
  return loadMap((file) => fetchMapFile(folderUrl, file, fetchFn));
}
