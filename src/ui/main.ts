import './styles.css';
import { isLlmapError } from '../core/errors.ts';
import type { LoadedMap } from '../map/loadMap.ts';
import { DEFAULT_MAP_PATH, describeDefaultMapState, fetchDefaultMapState, type DefaultMapState } from './defaultMapState.ts';
import { loadMapFromUrl } from './mapSource.ts';
import { setupMapSection } from './mapSection.ts';
import { setupPlaceSection } from './placeSection.ts';
import { setupResultsSection } from './resultsSection.ts';

/**
 * The app: finds the shipped default map and says plainly what it found (never an invented model); once the map is
 * loaded and checked, shows it with its controls, lets a model be dropped, scored in a worker and placed, and
 * shows the results. Each part lives in its own module; this file only finds the elements and wires them.
 */

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html lacks the #${id} element the app needs.`);
  return element;
}

const statusElement = byId('map-status', HTMLParagraphElement);
const nextStepElement = byId('map-next-step', HTMLParagraphElement);
const recheckButton = byId('map-recheck', HTMLButtonElement);

/** The map's folder and the demo model's, resolved against the app's base URL so the build works from any sub-path. */
const defaultMapUrl = new URL(`${import.meta.env.BASE_URL}${DEFAULT_MAP_PATH}`, document.baseURI).href;
const defaultMapFolderUrl = new URL('./', defaultMapUrl).href;
const demoFolderUrl = new URL(`${import.meta.env.BASE_URL}models/demo-bigram/`, document.baseURI).href;

function showState(state: DefaultMapState): void {
  const message = describeDefaultMapState(state);
  statusElement.dataset.state = state.kind;
  statusElement.dataset.tone = message.tone;
  statusElement.textContent = message.headline;
  nextStepElement.textContent = message.nextStep;
}

function showLoaded(loaded: LoadedMap): void {
  const { manifest } = loaded;
  statusElement.dataset.state = 'loaded';
  statusElement.dataset.tone = 'info';
  statusElement.textContent = `${manifest.title}: ${manifest.models.length.toLocaleString('en')} reference models on ${manifest.texts.count.toLocaleString('en')} texts.`;
  nextStepElement.textContent = manifest.description;
  recheckButton.hidden = true;
}

function startApp(loaded: LoadedMap): void {
  const view = setupMapSection(loaded, {
    area: byId('map-area', HTMLDivElement),
    viewContainer: byId('map-view', HTMLDivElement),
    layoutInputs: [...document.querySelectorAll<HTMLInputElement>('input[name=layout]')],
    colourSelect: byId('colour-by', HTMLSelectElement),
    searchInput: byId('model-search', HTMLInputElement),
    searchResults: byId('model-search-results', HTMLUListElement),
    details: byId('reference-details', HTMLElement),
  });
  const results = setupResultsSection(loaded, view, {
    panel: byId('results-panel', HTMLElement),
    table: byId('placed-table', HTMLTableElement),
    details: byId('result-details', HTMLDivElement),
    exportVector: byId('export-vector', HTMLButtonElement),
    exportResults: byId('export-results', HTMLButtonElement),
    exportPng: byId('export-png', HTMLButtonElement),
    exportSvg: byId('export-svg', HTMLButtonElement),
    copyLink: byId('copy-link', HTMLButtonElement),
    shareNote: byId('share-note', HTMLParagraphElement),
  });
  setupPlaceSection(
    loaded,
    {
      panel: byId('place-panel', HTMLElement),
      dropZone: byId('drop-zone', HTMLDivElement),
      chooseFolder: byId('choose-folder', HTMLButtonElement),
      chooseFiles: byId('choose-files', HTMLButtonElement),
      tryDemo: byId('try-demo', HTMLButtonElement),
      folderInput: byId('folder-input', HTMLInputElement),
      filesInput: byId('files-input', HTMLInputElement),
      deviceChoice: byId('device-choice', HTMLSelectElement),
      unfinished: byId('unfinished-runs', HTMLDivElement),
      alert: byId('run-alert', HTMLDivElement),
      resumeOffer: byId('resume-offer', HTMLDivElement),
      resumeText: byId('resume-text', HTMLParagraphElement),
      resumeYes: byId('resume-yes', HTMLButtonElement),
      resumeNo: byId('resume-no', HTMLButtonElement),
      runStatus: byId('run-status', HTMLDivElement),
      runModel: byId('run-model', HTMLParagraphElement),
      runDevice: byId('run-device', HTMLParagraphElement),
      progress: byId('run-progress', HTMLDivElement),
      progressText: byId('run-progress-text', HTMLParagraphElement),
      stop: byId('run-stop', HTMLButtonElement),
    },
    { onPlaced: (entry) => results.upsert(entry), demoFolderUrl },
  );
}

let checkInFlight = false;
let started = false;

/** Fetches and shows the map's state; a present map is then loaded (every file checked) and the app starts. */
async function checkDefaultMap(): Promise<void> {
  if (checkInFlight || started) return;
  checkInFlight = true;
  statusElement.dataset.state = 'loading';
  statusElement.textContent = 'Looking for the default map…';
  nextStepElement.textContent = '';
  try {
    const state = await fetchDefaultMapState(defaultMapUrl);
    showState(state);
    if (state.kind !== 'present') return;
    let loaded: LoadedMap;
    try {
      loaded = await loadMapFromUrl(defaultMapFolderUrl);
    } catch (error) {
      statusElement.dataset.state = 'unreadable';
      statusElement.dataset.tone = 'problem';
      statusElement.textContent = 'The default map is present but could not be read, so no map is shown.';
      nextStepElement.textContent = isLlmapError(error) ? error.message : `Loading it failed: ${error instanceof Error ? error.message : String(error)}.`;
      return;
    }
    started = true;
    showLoaded(loaded);
    startApp(loaded);
  } finally {
    checkInFlight = false;
  }
}

recheckButton.addEventListener('click', () => void checkDefaultMap());
void checkDefaultMap();
