import { useEffect, useRef, useState } from 'react';
import { where, type ClashAnswer, type ClashChoice, type MoveClash } from '../lib/move-items';
import { Modal } from './Modal';

/** Why Replace is not offered for this clash; null when it is. */
function noReplace({ node, existing, canReplace, existingMovedHere }: MoveClash): string | null {
  if (canReplace || !existing) {
    return null;
  }
  if (existingMovedHere) {
    return `That ${existing.type} was moved there just now, with this one: keep both, or skip this one.`;
  }
  return node.type === 'folder' && existing.type === 'folder'
    ? 'Folders are not merged: keep both, or skip this one.'
    : 'A folder and a file cannot replace each other: keep both, or skip this one.';
}

/**
 * Asks what to do with an item whose name is taken where it is being moved: keep both (it is
 * moved in under the next free "name (n)"), replace (a file onto a file: the one there goes to the
 * trash), skip it, or cancel it and everything after it. Escape, the Close button and Back cancel.
 * The focus starts on Keep both, which loses nothing.
 */
export function MoveClashDialog({ clash, onAnswer }: { clash: MoveClash; onAnswer: (answer: ClashAnswer) => void }) {
  const [forAll, setForAll] = useState(false);
  const keepBoth = useRef<HTMLButtonElement>(null);
  const { node, existing, folderName, keepBothName, canReplace, remaining } = clash;
  // After the dialog has opened (its effect runs before this one): a closed dialog takes no focus.
  useEffect(() => keepBoth.current?.focus(), []);
  const answer = (choice: ClashChoice) => onAnswer({ choice, forAll: forAll && choice !== 'cancel' });
  const what = existing ? `a ${existing.type}` : 'an item';
  const why = noReplace(clash);

  return (
    <Modal
      title="Name already taken"
      className="clash-dialog"
      onClose={() => answer('cancel')}
      footer={
        <>
          <button type="button" className="button" onClick={() => answer('cancel')}>
            Cancel
          </button>
          <button type="button" className="button" onClick={() => answer('skip')}>
            Skip
          </button>
          {canReplace ? (
            <button type="button" className="button danger" onClick={() => answer('replace')}>
              Replace
            </button>
          ) : null}
          <button ref={keepBoth} type="button" className="button primary" onClick={() => answer('keep-both')}>
            Keep both
          </button>
        </>
      }
    >
      <div className="confirm-text clash-text">
        <p>
          {where(folderName)} already has {what} named “{node.name}”.
        </p>
        <ul className="clash-choices">
          <li>
            <strong>Keep both</strong>: the {node.type} you are moving is named “{keepBothName}” there.
          </li>
          {canReplace ? (
            <li>
              <strong>Replace</strong>: the file in {where(folderName)} goes to the trash.
            </li>
          ) : null}
          <li>
            <strong>Skip</strong>: “{node.name}” stays where it is.
          </li>
          {remaining > 0 ? (
            <li>
              <strong>Cancel</strong>: this item and the {remaining === 1 ? 'one' : remaining.toLocaleString()} after it stay where they
              are.
            </li>
          ) : null}
        </ul>
        {why ? <p>{why}</p> : null}
      </div>
      {remaining > 0 ? (
        <label className="checkbox-field clash-for-all">
          <input type="checkbox" className="checkbox" checked={forAll} onChange={(event) => setForAll(event.target.checked)} />
          <span>Do this for all remaining clashes</span>
        </label>
      ) : null}
    </Modal>
  );
}
