import { ConfirmDialog } from './ConfirmDialog';

/** Asks before revoking a share link, wherever links are listed (the Share dialog, the Shared links page). */
export function RevokeLinkDialog({
  itemName,
  onConfirm,
  onClose,
}: {
  itemName: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog title="Revoke this link?" confirmLabel="Revoke link" danger onClose={onClose} onConfirm={onConfirm}>
      <p>The link to “{itemName}” stops working at once, for everyone who has it. A new link would have a new address.</p>
    </ConfirmDialog>
  );
}
