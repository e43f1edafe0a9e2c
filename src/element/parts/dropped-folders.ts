/** A dropped file with the path it had under the dropped folder (as Uppy's own drop handling sets it). */
export type FileWithPath = File & { relativePath?: string };

/** The few parts of the File and Directory Entries API a drop walks. */
interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: Entry[]) => void, failure?: (error: unknown) => void): void;
  };
}

/** Most files one dropped tree may add; past it the rest are left out (Uppy's max-files applies too). */
const maxDroppedFiles = 10_000;

/**
 * The files of a drop that holds folders, each with its `relativePath`; undefined when it holds
 * none (its `files` are all there is). Entries are taken now: they are gone once the event ends.
 */
export function droppedFolders(dataTransfer: DataTransfer): Promise<FileWithPath[]> | undefined {
  const entries = [...dataTransfer.items]
    .map((item) => (item.kind === 'file' ? (item.webkitGetAsEntry?.() as Entry | null) : null))
    .filter((entry): entry is Entry => entry !== null);
  if (!entries.some((entry) => entry.isDirectory)) return undefined;
  return (async () => {
    const files: FileWithPath[] = [];
    for (const entry of entries) await walk(entry, '', files);
    return files;
  })();
}

async function walk(entry: Entry, parent: string, files: FileWithPath[]): Promise<void> {
  if (files.length >= maxDroppedFiles) return;
  const path = parent ? `${parent}/${entry.name}` : entry.name;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject)).catch(
      () => undefined,
    );
    if (file) files.push(Object.assign(file, { relativePath: path }));
    return;
  }
  if (!entry.isDirectory || !entry.createReader) return;
  const reader = entry.createReader();
  // readEntries answers a batch at a time (100 in Chromium) until it answers none.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject)).catch(
      () => [] as Entry[],
    );
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, path, files);
  }
}
