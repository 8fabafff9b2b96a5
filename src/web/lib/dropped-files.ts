/** A file found in a drop or a folder picker, with the folders between the target and it. */
export interface DroppedFile {
  file: File;
  /** Folder names from the drop target down to the file's folder ([] for a file dropped directly). */
  dirs: string[];
}

export interface DroppedTree {
  files: DroppedFile[];
  /** Every folder to create, parents before children (including empty ones). */
  folders: string[][];
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

const isFile = (entry: FileSystemEntry): entry is FileSystemFileEntry => entry.isFile;
const isDirectory = (entry: FileSystemEntry): entry is FileSystemDirectoryEntry => entry.isDirectory;

async function walk(entry: FileSystemEntry, dirs: string[], tree: DroppedTree): Promise<void> {
  if (isFile(entry)) {
    tree.files.push({ file: await fileOf(entry), dirs });
    return;
  }
  if (isDirectory(entry)) {
    const path = [...dirs, entry.name];
    tree.folders.push(path);
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until it returns an empty one.
    for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
      for (const child of batch) {
        await walk(child, path, tree);
      }
    }
  }
}

/**
 * Files and whole folders from a drop. The entries must be taken synchronously inside the drop
 * event (the DataTransfer empties afterwards), so call this from the handler before any await.
 */
export function collectDropped(dataTransfer: DataTransfer): Promise<DroppedTree> {
  const entries = [...dataTransfer.items].filter((item) => item.kind === 'file').map((item) => item.webkitGetAsEntry?.() ?? null);
  const plainFiles = [...dataTransfer.files];
  return (async () => {
    const tree: DroppedTree = { files: [], folders: [] };
    if (entries.length > 0 && entries.every((entry) => entry !== null)) {
      for (const entry of entries) {
        if (entry) {
          await walk(entry, [], tree);
        }
      }
      return tree;
    }
    return { files: plainFiles.map((file) => ({ file, dirs: [] })), folders: [] };
  })();
}

/** Files from an <input type=file webkitdirectory>, with their relative folders. */
export function collectPicked(files: FileList): DroppedTree {
  const tree: DroppedTree = { files: [], folders: [] };
  const seen = new Set<string>();
  for (const file of files) {
    const parts = (file.webkitRelativePath || file.name).split('/');
    const dirs = parts.slice(0, -1);
    for (let depth = 1; depth <= dirs.length; depth += 1) {
      const key = dirs.slice(0, depth).join('/');
      if (!seen.has(key)) {
        seen.add(key);
        tree.folders.push(dirs.slice(0, depth));
      }
    }
    tree.files.push({ file, dirs });
  }
  return tree;
}
