import type { KeyboardEvent } from 'react';
import type { Selection } from './useSelection';

export interface BrowserKeyContext {
  count: number;
  /** Items per row: 1 in the list, more in the grid. */
  columns: number;
  /** Items per screen, for Page Up/Down. */
  pageItems: number;
  selection: Selection;
  openFocused: () => void;
  removeSelected: () => void;
  renameFocused: () => void;
  menuAtFocus: () => void;
  goUp?: () => void;
}

/**
 * File-manager keys for the item view: arrows (shift extends, ctrl moves focus only), Home/End,
 * Page Up/Down, Space, Enter opens, Delete trashes, F2 renames, Ctrl/Cmd+A selects all,
 * Escape clears, Alt+Up or Backspace goes to the parent, Shift+F10 or the menu key opens the menu.
 * Returns whether the key was handled.
 */
export function handleBrowserKey(event: KeyboardEvent, context: BrowserKeyContext): boolean {
  const { count, columns, selection } = context;
  const focus = selection.state.focus;
  const toggle = event.ctrlKey || event.metaKey;
  const modifiers = { shift: event.shiftKey, toggle };
  const moveTo = (index: number) => {
    if (count > 0) {
      selection.focusTo(Math.max(0, Math.min(count - 1, index)), modifiers);
    }
  };
  const from = focus < 0 ? -1 : focus;
  switch (event.key) {
    case 'ArrowDown':
      moveTo(from < 0 ? 0 : from + columns);
      return true;
    case 'ArrowUp':
      if (event.altKey) {
        context.goUp?.();
        return true;
      }
      moveTo(from < 0 ? 0 : from - columns);
      return true;
    case 'ArrowRight':
      if (columns === 1) {
        return false;
      }
      moveTo(from + 1);
      return true;
    case 'ArrowLeft':
      if (columns === 1) {
        return false;
      }
      moveTo(from < 0 ? 0 : from - 1);
      return true;
    case 'Home':
      moveTo(0);
      return true;
    case 'End':
      moveTo(count - 1);
      return true;
    case 'PageDown':
      moveTo(from + context.pageItems);
      return true;
    case 'PageUp':
      moveTo(from - context.pageItems);
      return true;
    case ' ':
      if (focus >= 0) {
        selection.click(focus, { shift: event.shiftKey, toggle: true });
      }
      return true;
    case 'Enter':
      context.openFocused();
      return true;
    case 'Delete':
      context.removeSelected();
      return true;
    case 'Backspace':
      if (event.metaKey) {
        context.removeSelected();
      } else {
        context.goUp?.();
      }
      return true;
    case 'F2':
      context.renameFocused();
      return true;
    case 'Escape':
      selection.clear();
      return true;
    case 'ContextMenu':
      context.menuAtFocus();
      return true;
    case 'F10':
      if (event.shiftKey) {
        context.menuAtFocus();
        return true;
      }
      return false;
    case 'a':
    case 'A':
      if (toggle) {
        void selection.selectAll();
        return true;
      }
      return false;
    default:
      return false;
  }
}
