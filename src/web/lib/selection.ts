/** Which items are selected, which one has the keyboard focus, and where a shift-range starts. */
export interface SelectionState {
  selected: ReadonlySet<string>;
  anchor: number;
  focus: number;
}

export const emptySelection: SelectionState = { selected: new Set(), anchor: -1, focus: -1 };

export interface ClickModifiers {
  shift: boolean;
  toggle: boolean;
}

/** Ids of the items between two indexes (inclusive), skipping ones not loaded yet. */
function rangeIds(idAt: (index: number) => string | undefined, from: number, to: number): string[] {
  const ids: string[] = [];
  for (let i = Math.min(from, to); i <= Math.max(from, to); i += 1) {
    const id = idAt(i);
    if (id !== undefined) {
      ids.push(id);
    }
  }
  return ids;
}

/**
 * The selection after a click on an item, file-manager style: a plain click selects only it,
 * ctrl/cmd toggles it, shift selects the range from the anchor (added to the selection with ctrl).
 */
export function clickSelection(
  state: SelectionState,
  index: number,
  idAt: (index: number) => string | undefined,
  modifiers: ClickModifiers,
): SelectionState {
  const id = idAt(index);
  if (id === undefined) {
    // Not loaded yet (a far page of a big folder): move there; it is selected once it loads and is clicked.
    return { ...state, focus: index, anchor: modifiers.shift ? state.anchor : index };
  }
  if (modifiers.shift && state.anchor >= 0) {
    const base = modifiers.toggle ? new Set(state.selected) : new Set<string>();
    rangeIds(idAt, state.anchor, index).forEach((each) => base.add(each));
    return { selected: base, anchor: state.anchor, focus: index };
  }
  if (modifiers.toggle) {
    const next = new Set(state.selected);
    if (next.has(id)) {
      next.delete(id);
    } else {
      next.add(id);
    }
    return { selected: next, anchor: index, focus: index };
  }
  return { selected: new Set([id]), anchor: index, focus: index };
}

/** The selection after moving the keyboard focus: shift extends from the anchor, ctrl only moves the focus. */
export function moveFocus(
  state: SelectionState,
  index: number,
  idAt: (index: number) => string | undefined,
  modifiers: ClickModifiers,
): SelectionState {
  if (modifiers.toggle && !modifiers.shift) {
    return { ...state, focus: index };
  }
  return clickSelection(state.anchor < 0 ? { ...state, anchor: index } : state, index, idAt, { shift: modifiers.shift, toggle: false });
}

/** Keeps only ids still present (after a reload or a delete). */
export function pruneSelection(state: SelectionState, exists: (id: string) => boolean, count: number): SelectionState {
  const selected = new Set([...state.selected].filter(exists));
  const clamp = (i: number) => Math.min(i, count - 1);
  if (selected.size === state.selected.size && state.focus < count && state.anchor < count) {
    return state;
  }
  return { selected, anchor: clamp(state.anchor), focus: clamp(state.focus) };
}
