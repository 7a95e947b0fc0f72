/**
 * Runs that stopped before every text was scored (cancelled, reloaded, crashed), remembered in localStorage so the
 * page can offer to resume them after a reload. The scores themselves live in IndexedDB under each run's key
 * (src/scoring/indexedDbStore.ts); this is only the list of what to offer. Read defensively: storage is shared with
 * whatever else ran on this origin.
 */

export interface UnfinishedRun {
  readonly storeKey: string;
  readonly label: string;
  readonly source: 'demo' | 'folder';
  readonly mapId: string;
  readonly textsDone: number;
  readonly textsTotal: number;
}

const STORAGE_KEY = 'llmap:unfinished-runs';
const MAX_REMEMBERED = 12;

export function unfinishedRuns(mapId: string): UnfinishedRun[] {
  return readAll().filter((run) => run.mapId === mapId);
}

export function rememberUnfinished(run: UnfinishedRun): void {
  writeAll([run, ...readAll().filter((other) => other.storeKey !== run.storeKey)].slice(0, MAX_REMEMBERED));
}

export function forgetUnfinished(storeKey: string): void {
  writeAll(readAll().filter((run) => run.storeKey !== storeKey));
}

function readAll(): UnfinishedRun[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (run): run is UnfinishedRun =>
      run !== null &&
      typeof run === 'object' &&
      typeof run.storeKey === 'string' &&
      typeof run.label === 'string' &&
      (run.source === 'demo' || run.source === 'folder') &&
      typeof run.mapId === 'string' &&
      Number.isInteger(run.textsDone) &&
      Number.isInteger(run.textsTotal),
  );
}

function writeAll(runs: readonly UnfinishedRun[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(runs));
  } catch {
    // Storage full or disabled: resume is still offered when the same folder is chosen again.
  }
}
