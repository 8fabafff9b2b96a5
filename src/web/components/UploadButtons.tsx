import { useEffect, useRef } from 'react';
import type { FileNode } from '../api/types';
import { uploadTree } from '../hooks/uploads';
import { collectPicked } from '../lib/dropped-files';
import { Icon } from './Icon';

/**
 * "Upload files" and "Upload folder": hidden file inputs behind real buttons. `onUploaded` is told
 * of a single file once it is stored.
 */
export function UploadButtons({
  folderId,
  disabled = false,
  onUploaded,
}: {
  folderId: string | null;
  disabled?: boolean;
  onUploaded?: (node: FileNode) => void;
}) {
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (folderRef.current) {
      // Not in React's attribute list: set the property.
      folderRef.current.webkitdirectory = true;
    }
  }, []);
  const picked = (input: HTMLInputElement) => {
    if (input.files && input.files.length > 0) {
      void uploadTree(folderId, collectPicked(input.files), onUploaded);
    }
    input.value = '';
  };
  return (
    <>
      <button type="button" className="button primary" disabled={disabled} onClick={() => filesRef.current?.click()}>
        <Icon name="upload" size={18} />
        <span className="label-wide">Upload</span>
      </button>
      <button type="button" className="button" disabled={disabled} onClick={() => folderRef.current?.click()}>
        <Icon name="folder" size={18} />
        <span className="label-wide">Upload folder</span>
      </button>
      <input
        ref={filesRef}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        data-testid="upload-files"
        onChange={(event) => picked(event.currentTarget)}
      />
      <input
        ref={folderRef}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        data-testid="upload-folder"
        onChange={(event) => picked(event.currentTarget)}
      />
    </>
  );
}
