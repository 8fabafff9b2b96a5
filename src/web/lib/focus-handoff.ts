/**
 * When the keyboard opens a folder or goes up, the next folder's view takes the focus (and, going
 * up, puts it on the folder we came from) so keyboard users never fall back to the page's start.
 */
interface Handoff {
  focusId: string | null;
  /** Select the item too (Show in folder), not only put the focus on it. */
  select?: boolean;
}

let pending: Handoff | null = null;

/** Called before a navigation between folders that should land on an item. */
export function handOffListFocus(focusId: string | null = null, options: { select?: boolean } = {}): void {
  pending = { focusId, ...options };
}

/** Takes the pending hand-off, if any. */
export function takeListFocus(): Handoff | null {
  const taken = pending;
  pending = null;
  return taken;
}
