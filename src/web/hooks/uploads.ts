import { useSyncExternalStore } from 'react';
import { errorMessage } from '../api/http';
import type { FileNode } from '../api/types';
import type { DroppedTree } from '../lib/dropped-files';
import { UploadQueue, type UploadItem } from '../lib/upload-queue';
import { prepareTreeUpload } from '../lib/upload-tree';
import { invalidateData } from './data-version';
import { showToast } from './toasts';

let refreshTimer: number | undefined;

/** Refreshes listings and the storage meter at most about once a second while files land. */
function throttledInvalidate(): void {
  if (refreshTimer === undefined) {
    refreshTimer = window.setTimeout(() => {
      refreshTimer = undefined;
      invalidateData();
    }, 700);
  }
}

/** The app's one upload queue. */
export const uploadQueue = new UploadQueue(throttledInvalidate);

// Leaving or reloading the page would abandon files still queued or on their way: the browser
// asks first. (Browsers show their own wording; the listener only has to cancel the unload.)
window.addEventListener('beforeunload', (event) => {
  if (uploadQueue.getSnapshot().some((item) => item.status === 'queued' || item.status === 'uploading' || item.status === 'reconnecting')) {
    event.preventDefault();
  }
});

/** The uploads in the panel. */
export function useUploads(): readonly UploadItem[] {
  return useSyncExternalStore(uploadQueue.subscribe, uploadQueue.getSnapshot);
}

/**
 * Creates the folders of a drop (or folder pick) under the target, then queues its files.
 * `onStored` is told of the file stored when the upload is a single file (to show it in the list).
 */
export async function uploadTree(targetId: string | null, tree: DroppedTree, onStored?: (node: FileNode) => void): Promise<void> {
  if (tree.files.length === 0 && tree.folders.length === 0) {
    return;
  }
  try {
    const requests = await prepareTreeUpload(targetId, tree);
    if (tree.folders.length > 0) {
      invalidateData();
    }
    const [only] = requests;
    uploadQueue.enqueue(only && requests.length === 1 && tree.folders.length === 0 ? [{ ...only, onStored }] : requests);
  } catch (error) {
    showToast(`Could not create the folders for this upload: ${errorMessage(error)}`, 'error');
  }
}
