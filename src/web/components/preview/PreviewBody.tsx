import { useState, type MouseEvent } from 'react';
import { previewKind } from '../../lib/file-kind';
import { formatBytes, formatDateTime } from '../../lib/format';
import { FileIcon } from '../FileIcon';
import { Icon } from '../Icon';
import { ReachableContent } from './ReachableContent';
import { TextPreview } from './TextPreview';

export interface PreviewTarget {
  name: string;
  type: 'file' | 'folder';
  size: number;
  mimeType?: string | null;
  modifiedAt?: string;
  /** The content, served inline (supports Range). */
  inlineUrl: string;
  downloadUrl: string;
  /** Told when the download is clicked (a limited link's page counts it, as for its own Download). */
  onDownload?: (event: MouseEvent<HTMLAnchorElement>) => void;
  /** Told when the content answers that it is gone (a public link's page checks the link). */
  onGone?: () => void;
  /**
   * Told when the content is opened in a new tab (a PDF's link), in place of the browser opening
   * it: the tab would show the server's refusal (the link changed, the file was deleted) as is.
   */
  onOpenInNewTab?: (event: MouseEvent<HTMLAnchorElement>) => void;
}

/** Details and a download button, for files the browser cannot show (or failed to). */
export function FileDetails({ target, note }: { target: PreviewTarget; note?: string }) {
  return (
    <div className="file-details">
      <FileIcon node={{ type: target.type, name: target.name, mimeType: target.mimeType ?? null }} size={56} />
      <h3>{target.name}</h3>
      <dl>
        <dt>Size</dt>
        <dd>{formatBytes(target.size)}</dd>
        {target.mimeType ? (
          <>
            <dt>Type</dt>
            <dd>{target.mimeType}</dd>
          </>
        ) : null}
        {target.modifiedAt ? (
          <>
            <dt>Modified</dt>
            <dd>{formatDateTime(target.modifiedAt)}</dd>
          </>
        ) : null}
      </dl>
      {note ? <p className="muted">{note}</p> : null}
      <a className="button primary" href={target.downloadUrl} download onClick={target.onDownload}>
        <Icon name="download" size={18} /> Download
      </a>
    </div>
  );
}

/** What the browser plays by itself; `onError` when it cannot (the file is not what its name says). */
function MediaPreview({
  target,
  kind,
  onError,
}: {
  target: PreviewTarget;
  kind: 'image' | 'video' | 'audio' | 'pdf';
  onError: () => void;
}) {
  switch (kind) {
    case 'image':
      return (
        <div className="media-preview">
          <img src={target.inlineUrl} alt={target.name} onError={onError} />
        </div>
      );
    case 'video':
      return (
        <div className="media-preview">
          <video src={target.inlineUrl} controls preload="metadata" onError={onError}>
            <track kind="captions" />
          </video>
        </div>
      );
    case 'audio':
      return (
        <div className="media-preview audio">
          <FileIcon node={{ type: 'file', name: target.name, mimeType: target.mimeType ?? null }} size={64} />
          <audio src={target.inlineUrl} controls preload="metadata" onError={onError} />
        </div>
      );
    case 'pdf':
      return (
        <div className="pdf-preview">
          <iframe src={target.inlineUrl} title={`${target.name} (PDF)`} />
          <p className="preview-note">
            No preview?{' '}
            <a href={target.inlineUrl} target="_blank" rel="noopener noreferrer" onClick={target.onOpenInNewTab}>
              Open the PDF in a new tab
            </a>{' '}
            or download it.
          </p>
        </div>
      );
  }
}

/** The right preview for a file: image, PDF, video, audio, text, or its details. */
export function PreviewBody({ target }: { target: PreviewTarget }) {
  const [failed, setFailed] = useState(false);
  const kind = previewKind(target);
  if (failed) {
    return <FileDetails target={target} note="This file could not be shown in the browser." />;
  }
  if (kind === 'none') {
    return <FileDetails target={target} />;
  }
  if (kind === 'text') {
    return <TextPreview url={target.inlineUrl} size={target.size} onGone={target.onGone} />;
  }
  return (
    <ReachableContent url={target.inlineUrl} onGone={target.onGone}>
      <MediaPreview target={target} kind={kind} onError={() => setFailed(true)} />
    </ReachableContent>
  );
}
