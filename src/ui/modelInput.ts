import type { ModelFileBlob } from '../scoring/index.ts';

/**
 * Model folders as the page receives them — a dropped folder (walked through `webkitGetAsEntry`), a folder picked
 * with `<input webkitdirectory>`, or loose files — turned into files with their paths inside the folder. Nothing is
 * read here: the worker reads only the files it needs, when it needs them.
 */

export interface ChosenModel {
  /** The folder's name (or the first file's), for labels and messages. */
  readonly label: string;
  readonly files: ModelFileBlob[];
}

/** Files from a file input: `webkitRelativePath` when a folder was picked, else the bare names. */
export function modelFromFileList(fileList: FileList | readonly File[]): ChosenModel | null {
  const files = [...fileList].map((file) => ({ path: file.webkitRelativePath || file.name, blob: file as Blob }));
  if (files.length === 0) return null;
  return { label: labelOf(files), files };
}

/**
 * The entries of a drop, taken synchronously (a DataTransfer's items are gone once the drop handler returns), then
 * walked. Folders are read recursively; a drop without entries (some platforms) falls back to its flat files.
 */
export function modelFromDrop(dataTransfer: DataTransfer): Promise<ChosenModel | null> {
  const entries = [...dataTransfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null)
    .filter((entry): entry is FileSystemEntry => entry !== null);
  const flat = [...dataTransfer.files];
  return (async () => {
    if (entries.length === 0) return modelFromFileList(flat);
    const files: ModelFileBlob[] = [];
    for (const entry of entries) await collect(entry, files);
    if (files.length === 0) return null;
    const label = entries.length === 1 && entries[0].isDirectory ? entries[0].name : labelOf(files);
    return { label, files };
  })();
}

async function collect(entry: FileSystemEntry, into: ModelFileBlob[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    into.push({ path: entry.fullPath.replace(/^\/+/, ''), blob: file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the children in batches (about 100 each) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await collect(child, into);
  }
}

function labelOf(files: readonly ModelFileBlob[]): string {
  const first = files[0].path;
  return first.includes('/') ? first.split('/')[0] : first;
}
