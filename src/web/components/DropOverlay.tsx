import { Icon } from './Icon';

/** The hint over a page while files from the desktop are dragged over it. */
export function DropOverlay({ folderName }: { folderName: string }) {
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <Icon name="upload" size={36} />
        <p>
          Drop to upload to <strong>{folderName}</strong>
        </p>
        <p className="muted">Files and whole folders</p>
      </div>
    </div>
  );
}
