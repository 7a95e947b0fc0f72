import { isLlmapError, LlmapError } from '../core/errors.ts';
import type { LoadedMap } from '../map/loadMap.ts';
import type { ScoringText, WebDevice } from '../scoring/index.ts';
import { clearStored, scoringKey } from '../scoring/indexedDbStore.ts';
import { parseTextLines } from '../scoring/textSet.ts';
import { fetchDemoModel } from './demoModel.ts';
import { formatSignificant } from './mapView/format.ts';
import { modelFingerprint } from './modelFingerprint.ts';
import { modelFromDrop, modelFromFileList, type ChosenModel } from './modelInput.ts';
import type { PlacedEntry } from './placedModels.ts';
import { startPlacementRun, storedRecords, type PlacementRun, type RunProgress } from './placementRun.ts';
import { planQuickPlacement } from './quickPlacement.ts';
import { createScorerClient, type ScorerClient } from './scorerClient.ts';
import { forgetUnfinished, rememberUnfinished, unfinishedRuns, type UnfinishedRun } from './unfinishedRuns.ts';

/**
 * Placing a model: the drop zone (a dropped folder, "Choose folder…", "Choose files…"), the demo model, the device
 * choice, validation (the scorer's LlmapError sentences in an alert), the progress bar with Stop, and resume — a
 * model partly scored before (same files, same map) is offered "Resume", also after a reload.
 */

export interface PlaceSectionElements {
  readonly panel: HTMLElement;
  readonly dropZone: HTMLElement;
  readonly chooseFolder: HTMLButtonElement;
  readonly chooseFiles: HTMLButtonElement;
  readonly tryDemo: HTMLButtonElement;
  readonly folderInput: HTMLInputElement;
  readonly filesInput: HTMLInputElement;
  readonly deviceChoice: HTMLSelectElement;
  readonly unfinished: HTMLElement;
  readonly alert: HTMLElement;
  readonly resumeOffer: HTMLElement;
  readonly resumeText: HTMLElement;
  readonly resumeYes: HTMLButtonElement;
  readonly resumeNo: HTMLButtonElement;
  readonly runStatus: HTMLElement;
  readonly runModel: HTMLElement;
  readonly runDevice: HTMLElement;
  readonly progress: HTMLElement;
  readonly progressText: HTMLElement;
  readonly stop: HTMLButtonElement;
}

export interface PlaceSectionHooks {
  /** A placement is new or changed (the results show it and the map draws it). */
  readonly onPlaced: (entry: PlacedEntry) => void;
  /** The URL of the demo model's folder (ending in '/'). */
  readonly demoFolderUrl: string;
}

type Source = 'demo' | 'folder';

export function setupPlaceSection(loaded: LoadedMap, elements: PlaceSectionElements, hooks: PlaceSectionHooks): void {
  const { manifest, frame } = loaded;
  const texts: ScoringText[] = parseTextLines(loaded.textsJsonl).map(({ index, text }) => ({ index, text }));
  const plan = planQuickPlacement(frame.qModelsByTexts);
  const textSetId = `${manifest.id}@${manifest.texts.sha256.slice(0, 12)}`;
  let client: ScorerClient | null = null;
  let current: { run: PlacementRun; storeKey: string } | null = null;
  let busy = false;
  let pendingChoice: ((resume: boolean) => void) | null = null;
  elements.panel.hidden = false;
  restoreDeviceChoice(elements.deviceChoice);

  const showError = (error: unknown) => {
    const message = isLlmapError(error)
      ? error.message
      : `Something unexpected went wrong: ${error instanceof Error ? error.message : String(error)}. Reload the page and try again; if it happens again, report this sentence.`;
    elements.alert.textContent = message;
    elements.alert.dataset.code = isLlmapError(error) ? error.code : 'unexpected';
  };
  const clearError = () => {
    elements.alert.textContent = '';
    delete elements.alert.dataset.code;
  };

  /** Asks "Resume or start over?" and waits for the answer. */
  const askResume = (label: string, done: number): Promise<boolean> => {
    elements.resumeText.textContent = `“${label}” was partly scored on this map before: ${done.toLocaleString('en')} of ${texts.length.toLocaleString('en')} texts are kept in this browser.`;
    elements.resumeOffer.hidden = false;
    elements.resumeYes.focus();
    return new Promise((resolve) => {
      pendingChoice = (resume) => {
        pendingChoice = null;
        elements.resumeOffer.hidden = true;
        resolve(resume);
      };
    });
  };
  elements.resumeYes.addEventListener('click', () => pendingChoice?.(true));
  elements.resumeNo.addEventListener('click', () => pendingChoice?.(false));

  const showProgress = (progress: RunProgress) => {
    const fraction = progress.textsTotal > 0 ? progress.textsDone / progress.textsTotal : 0;
    elements.progress.setAttribute('aria-valuemax', String(progress.textsTotal));
    elements.progress.setAttribute('aria-valuenow', String(progress.textsDone));
    elements.progress.setAttribute('aria-valuetext', `${progress.textsDone} of ${progress.textsTotal} texts scored`);
    (elements.progress.firstElementChild as HTMLElement).style.width = `${(100 * fraction).toFixed(1)}%`;
    const eta = progress.etaSeconds === 0 ? 'done' : Number.isFinite(progress.etaSeconds) ? `about ${formatDuration(progress.etaSeconds)} left` : 'estimating time left';
    const speed = progress.tokensPerSecond > 0 ? `${formatSignificant(progress.tokensPerSecond)} tokens/s` : '— tokens/s';
    elements.progressText.textContent = `${progress.textsDone.toLocaleString('en')} of ${progress.textsTotal.toLocaleString('en')} texts · ${speed} · ${eta} · ${deviceName(progress.device.backend)}`;
  };

  /** Validates and opens a model, then scores it (resuming what is stored, if the user agrees). */
  const place = async (chosen: ChosenModel | (() => Promise<ChosenModel>), source: Source) => {
    if (busy) return;
    busy = true;
    clearError();
    try {
      if (current !== null) {
        current.run.stop();
        await current.run.done.catch(() => undefined);
      }
      const model = typeof chosen === 'function' ? await chosen() : chosen;
      elements.runStatus.hidden = false;
      elements.runStatus.dataset.state = 'opening';
      elements.runModel.textContent = `Checking “${model.label}”…`;
      elements.runDevice.textContent = '';
      elements.progressText.textContent = '';
      elements.stop.hidden = true;
      client ??= createScorerClient();
      const device = elements.deviceChoice.value as WebDevice;
      const threads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2))) : 1;
      const description = await client.openModel(model.files, model.label, { device, threads });
      const storeKey = scoringKey({
        textSetId,
        files: model.files.map((file) => ({ path: file.path, size: file.blob.size })),
        contentDigest: await modelFingerprint(model.files),
      });
      elements.runModel.textContent = `“${description.label}”: ${description.modelType} model, ${description.vocabularySize.toLocaleString('en')} tokens, context ${description.maxLengthTokens.toLocaleString('en')} tokens.`;
      elements.runDevice.textContent = `Running on ${deviceName(description.device.backend)}${description.device.note ? `. ${description.device.note}` : '.'}`;
      let stored = (await storedRecords(storeKey, texts)).length;
      if (stored > 0 && stored < texts.length && !(await askResume(description.label, stored))) {
        await clearStored(storeKey);
        stored = 0;
      }
      elements.runStatus.dataset.resumedFrom = String(stored);
      if (stored > 0) elements.runModel.textContent += ` Resuming from the ${stored.toLocaleString('en')} texts kept in this browser.`;
      // Choosing another model while this one scores stops this one (see above), so the run is outside `busy`.
      busy = false;
      await run(model, source, storeKey, description.device);
    } catch (error) {
      elements.runStatus.dataset.state = 'failed';
      showError(error);
      elements.runStatus.hidden = elements.progress.getAttribute('aria-valuenow') === '0';
      // A worker that died rejects every later call: the next model gets a fresh one.
      if (isLlmapError(error) && error.code === 'runtime-failure') {
        client?.terminate();
        client = null;
      }
    } finally {
      busy = false;
    }
  };

  const run = async (model: ChosenModel, source: Source, storeKey: string, device: Parameters<typeof startPlacementRun>[0]['device']) => {
    const id = `scored:${storeKey}`;
    const remember = (textsDone: number) => rememberUnfinished({ storeKey, label: model.label, source, mapId: manifest.id, textsDone, textsTotal: texts.length });
    let textsDone = 0;
    const last: { entry: PlacedEntry | null } = { entry: null };
    elements.stop.hidden = false;
    elements.runStatus.dataset.state = 'running';
    const placementRun = startPlacementRun({
      client: client!,
      device,
      frame,
      texts,
      plan,
      storeKey,
      onProgress: (progress) => {
        textsDone = progress.textsDone;
        showProgress(progress);
      },
      onPlacement: ({ placement, stage, textsScored, records }) => {
        if (stage !== 'complete') remember(textsScored);
        last.entry = { kind: 'scored', id, label: model.label, source, storeKey, stage, textsScored, placement, records, device, running: stage !== 'complete' };
        hooks.onPlaced(last.entry);
      },
    });
    current = { run: placementRun, storeKey };
    renderUnfinished();
    try {
      const outcome = await placementRun.done;
      if (outcome === 'complete') forgetUnfinished(storeKey);
      else if (textsDone < texts.length) remember(textsDone);
      if (last.entry?.kind === 'scored' && last.entry.running) hooks.onPlaced({ ...last.entry, running: false });
      elements.runStatus.dataset.state = outcome;
      elements.progressText.textContent += outcome === 'complete' ? ' · finished' : ' · stopped';
    } finally {
      if (current?.run === placementRun) current = null;
      elements.stop.hidden = true;
      renderUnfinished();
    }
  };

  const fetchDemo = async (): Promise<ChosenModel> => {
    const demo = await fetchDemoModel(hooks.demoFolderUrl);
    return { label: demo.label, files: demo.files };
  };

  /** Runs that stopped before the end, each with Resume (the demo at once; a folder after choosing it again) and Discard. */
  const renderUnfinished = () => {
    const runs = unfinishedRuns(manifest.id).filter((unfinished) => unfinished.storeKey !== current?.storeKey);
    elements.unfinished.replaceChildren(...runs.map(unfinishedItem));
  };
  const unfinishedItem = (unfinished: UnfinishedRun): HTMLElement => {
    const item = document.createElement('p');
    item.className = 'unfinished';
    item.dataset.storeKey = unfinished.storeKey;
    const what = document.createElement('span');
    what.textContent = `Unfinished: “${unfinished.label}”, ${unfinished.textsDone.toLocaleString('en')} of ${unfinished.textsTotal.toLocaleString('en')} texts scored. `;
    const resume = button(unfinished.source === 'demo' ? 'Resume' : 'Resume: choose the folder again…', () => {
      if (unfinished.source === 'demo') void place(fetchDemo, 'demo');
      else elements.folderInput.click();
    });
    resume.dataset.testid = 'resume-unfinished';
    const discard = button('Discard', () => {
      forgetUnfinished(unfinished.storeKey);
      void clearStored(unfinished.storeKey).catch(() => undefined);
      renderUnfinished();
    });
    item.append(what, resume, ' ', discard);
    return item;
  };

  const choose = (model: ChosenModel | null) => {
    if (model === null) return showError(new LlmapError('missing-file', "No files were chosen. Choose the model's folder: the one holding config.json and onnx/."));
    void place(model, 'folder');
  };
  elements.chooseFolder.addEventListener('click', () => elements.folderInput.click());
  elements.chooseFiles.addEventListener('click', () => elements.filesInput.click());
  elements.folderInput.addEventListener('change', () => {
    choose(modelFromFileList(elements.folderInput.files ?? []));
    elements.folderInput.value = '';
  });
  elements.filesInput.addEventListener('change', () => {
    choose(modelFromFileList(elements.filesInput.files ?? []));
    elements.filesInput.value = '';
  });
  elements.tryDemo.addEventListener('click', () => void place(fetchDemo, 'demo'));
  elements.stop.addEventListener('click', () => current?.run.stop());
  for (const type of ['dragenter', 'dragover']) {
    elements.dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      elements.dropZone.classList.add('dragging');
    });
  }
  elements.dropZone.addEventListener('dragleave', () => elements.dropZone.classList.remove('dragging'));
  elements.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    elements.dropZone.classList.remove('dragging');
    if (event.dataTransfer === null) return;
    void modelFromDrop(event.dataTransfer).then(choose, showError);
  });
  renderUnfinished();
}

const DEVICE_STORAGE_KEY = 'llmap:device';

/** The device choice survives a reload (a resumed run continues where it ran). */
function restoreDeviceChoice(select: HTMLSelectElement): void {
  try {
    const saved = localStorage.getItem(DEVICE_STORAGE_KEY);
    if (saved !== null && [...select.options].some((option) => option.value === saved)) select.value = saved;
    select.addEventListener('change', () => localStorage.setItem(DEVICE_STORAGE_KEY, select.value));
  } catch {
    // Storage disabled: the choice starts at its default each time.
  }
}

function deviceName(backend: string): string {
  return backend === 'webgpu' ? 'WebGPU' : backend === 'wasm' ? 'WASM' : backend;
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const created = document.createElement('button');
  created.type = 'button';
  created.textContent = text;
  created.addEventListener('click', onClick);
  return created;
}
