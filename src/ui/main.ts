import './styles.css';
import {
  DEFAULT_MAP_PATH,
  describeDefaultMapState,
  fetchDefaultMapState,
  type DefaultMapState,
} from './defaultMapState.ts';

/** The app shell: looks for the shipped default map and says plainly what it found. Never shows invented models. */

function requireElement<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html lacks the #${id} element the app needs.`);
  return element;
}

const statusElement = requireElement('map-status', HTMLParagraphElement);
const nextStepElement = requireElement('map-next-step', HTMLParagraphElement);
const recheckButton = requireElement('map-recheck', HTMLButtonElement);

/** map.json's URL, resolved against the app's base URL so the build works from any sub-path. */
const defaultMapUrl = new URL(`${import.meta.env.BASE_URL}${DEFAULT_MAP_PATH}`, document.baseURI).href;

function showState(state: DefaultMapState): void {
  const message = describeDefaultMapState(state);
  statusElement.dataset.state = state.kind;
  statusElement.dataset.tone = message.tone;
  statusElement.textContent = message.headline;
  nextStepElement.textContent = message.nextStep;
}

let checkInFlight = false;

/** Fetches and shows the map's state. The button stays enabled (disabling it would drop keyboard focus). */
async function checkDefaultMap(): Promise<void> {
  if (checkInFlight) return;
  checkInFlight = true;
  statusElement.dataset.state = 'loading';
  statusElement.textContent = 'Looking for the default map…';
  nextStepElement.textContent = '';
  try {
    showState(await fetchDefaultMapState(defaultMapUrl));
  } finally {
    checkInFlight = false;
  }
}

recheckButton.addEventListener('click', () => void checkDefaultMap());
void checkDefaultMap();
