/**
 * When the keyboard opens a folder or goes up, the next folder's view takes the focus (and, going
 * up, puts it on the folder we came from) so keyboard users never fall back to the page's start.
 */
let pending: { focusId: string | null } | null = null;

/** Called before a keyboard-driven navigation between folders. */
export function handOffListFocus(focusId: string | null = null): void {
  pending = { focusId };
}

/** Takes the pending hand-off, if any. */
export function takeListFocus(): { focusId: string | null } | null {
  const taken = pending;
  pending = null;
  return taken;
}
