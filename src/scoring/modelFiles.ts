import { LlmapError } from '../core/errors.ts';

/**
 * A model folder as llmap reads it, wherever it lives: a dropped browser folder, picked files, or a Node path.
 * Paths are relative to the folder, with '/' separators (`config.json`, `onnx/model.onnx`).
 */
export interface ModelFiles {
  /** The folder's name, for messages. */
  readonly label: string;
  readonly paths: readonly string[];
  read(path: string): Promise<Uint8Array>;
}

export interface ModelFileEntry {
  readonly path: string;
  read(): Promise<Uint8Array>;
}

/**
 * A ModelFiles over entries whose paths may all start with the dropped folder's own name
 * (`my-model/config.json`): that shared first segment is removed when config.json is not at the top.
 */
export function modelFilesFromEntries(label: string, entries: readonly ModelFileEntry[]): ModelFiles {
  const normalised = entries.map((entry) => ({ ...entry, path: entry.path.replace(/\\/g, '/').replace(/^\.?\//, '') }));
  const firstSegments = new Set(normalised.map((entry) => entry.path.split('/')[0]));
  const hasTopConfig = normalised.some((entry) => entry.path === 'config.json');
  const [onlyRoot] = firstSegments;
  const strip = !hasTopConfig && firstSegments.size === 1 && normalised.every((entry) => entry.path.includes('/'));
  const byPath = new Map(normalised.map((entry) => [strip ? entry.path.slice(onlyRoot.length + 1) : entry.path, entry]));
  return {
    label: strip ? onlyRoot : label,
    paths: [...byPath.keys()].sort(),
    read: async (path) => {
      const entry = byPath.get(path);
      if (!entry) throw new LlmapError('missing-file', `The model folder "${label}" has no file ${path}.`, { path });
      try {
        return await entry.read();
      } catch (error) {
        throw new LlmapError('unreadable-file', `Could not read ${path} from "${label}": ${errorText(error)}. Check the file is complete and readable.`, { path });
      }
    },
  };
}

/** One file of a model folder as a page hands it to a worker: its path in the folder and its bytes (a File is a Blob). */
export interface ModelFileBlob {
  readonly path: string;
  readonly blob: Blob;
}

/** A ModelFiles over blobs with explicit relative paths (what survives postMessage to a worker). */
export function modelFilesFromBlobs(label: string, files: ReadonlyArray<ModelFileBlob>): ModelFiles {
  return modelFilesFromEntries(
    label,
    files.map(({ path, blob }) => ({ path, read: async () => new Uint8Array(await blob.arrayBuffer()) })),
  );
}

/** A ModelFiles over browser File objects (from a dropped folder or a file picker), by their relative paths. */
export function modelFilesFromFileList(label: string, files: ReadonlyArray<File>): ModelFiles {
  return modelFilesFromBlobs(
    label,
    files.map((file) => ({ path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name, blob: file })),
  );
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
