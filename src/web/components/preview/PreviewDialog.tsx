import { useEffect, useRef, useState } from 'react';
import type { FileNode } from '../../api/types';
import { formatBytes } from '../../lib/format';
import type { MenuEntry } from '../ContextMenu';
import { Icon } from '../Icon';
import { Modal } from '../Modal';
import { PreviewBody, type PreviewTarget } from './PreviewBody';

/** Where a preview reads a file (the signed-in user's own files, or a public link's), and what a public link checks. */
export type PreviewUrls = (node: FileNode) => Pick<PreviewTarget, 'inlineUrl' | 'downloadUrl' | 'onDownload' | 'onGone' | 'onOpenInNewTab'>;

/** A file previewed full-window; arrow keys (or the side buttons) step through the folder's files. */
export default function PreviewDialog({
  nodes,
  initialIndex,
  onClose,
  onStep,
  urlsFor,
  menuFor,
}: {
  nodes: FileNode[];
  initialIndex: number;
  onClose: () => void;
  /**
   * Told where the preview stands after each step (an arrow, a side button, a file trashed), so
   * the owner can keep it in the preview's history entry: Forward and a reload then show the file
   * last viewed, not the one first opened.
   */
  onStep?: (at: { nodes: FileNode[]; index: number }) => void;
  urlsFor: PreviewUrls;
  /** The actions on the file shown (none on a public link); `at` is where the preview stands, to come back to. */
  menuFor?: (node: FileNode, at: { nodes: FileNode[]; index: number }) => MenuEntry[];
}) {
  // The files stepped through; one moved to the trash leaves the list and the next one shows.
  const [list, setList] = useState(nodes);
  const [index, setIndex] = useState(initialIndex);
  const node = list[index];
  const count = list.length;

  const onStepRef = useRef(onStep);
  onStepRef.current = onStep;
  useEffect(() => {
    // Not for the file it opened on: the owner knows that one already.
    if (list !== nodes || index !== initialIndex) {
      onStepRef.current?.({ nodes: list, index });
    }
    // Only a step matters; an owner that takes it passes the same values back as props.
  }, [list, index]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target;
      if (target instanceof HTMLElement && (target.closest('video, audio, input, pre') || target.isContentEditable)) {
        return;
      }
      if (event.key === 'ArrowRight' && count > 1) {
        setIndex((i) => (i + 1) % count);
      } else if (event.key === 'ArrowLeft' && count > 1) {
        setIndex((i) => (i - 1 + count) % count);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count]);

  if (!node) {
    return null;
  }
  const actions = (menuFor?.(node, { nodes: list, index }) ?? []).filter((entry) =>
    ['download', 'share', 'rename', 'trash'].includes(entry.id),
  );
  return (
    <Modal title={node.name} size="full" onClose={onClose} className="preview-dialog">
      <div className="preview-toolbar">
        <span className="muted">
          {formatBytes(node.size)}
          {count > 1 ? ` · ${index + 1} of ${count}` : ''}
        </span>
        <div className="preview-actions">
          {actions.map((entry) => (
            <button
              key={entry.id}
              type="button"
              className={entry.danger ? 'button small danger' : 'button small'}
              onClick={() => {
                entry.run();
                if (entry.id === 'trash') {
                  // Trashed (with Undo in its toast): show the next file, or close after the last.
                  const rest = list.filter((each) => each.id !== node.id);
                  if (rest.length === 0) {
                    onClose();
                  } else {
                    setList(rest);
                    setIndex(Math.min(index, rest.length - 1));
                  }
                }
              }}
            >
              <Icon name={entry.icon} size={16} />
              <span>{entry.label.replace('…', '')}</span>
            </button>
          ))}
          {menuFor ? null : (
            // A public link has no menu, only the file's download (through the link).
            <a
              className="button small"
              href={urlsFor(node).downloadUrl}
              download
              aria-label={`Download ${node.name}`}
              onClick={urlsFor(node).onDownload}
            >
              <Icon name="download" size={16} />
              <span>Download</span>
            </a>
          )}
        </div>
      </div>
      <div className={count > 1 ? 'preview-stage with-nav' : 'preview-stage'}>
        {count > 1 ? (
          <button
            type="button"
            className="icon-button preview-nav prev"
            aria-label="Previous file"
            onClick={() => setIndex((index - 1 + count) % count)}
          >
            <Icon name="chevronLeft" size={28} />
          </button>
        ) : null}
        <PreviewBody
          key={node.id}
          target={{
            name: node.name,
            type: node.type,
            size: node.size,
            mimeType: node.mimeType,
            modifiedAt: node.modifiedAt,
            ...urlsFor(node),
          }}
        />
        {count > 1 ? (
          <button
            type="button"
            className="icon-button preview-nav next"
            aria-label="Next file"
            onClick={() => setIndex((index + 1) % count)}
          >
            <Icon name="chevronRight" size={28} />
          </button>
        ) : null}
      </div>
    </Modal>
  );
}
