import { describe, expect, it } from 'vitest';
import { clickSelection, emptySelection, moveFocus, pruneSelection } from './selection';

const ids = ['a', 'b', 'c', 'd', 'e'];
const idAt = (index: number) => ids[index];
const plain = { shift: false, toggle: false };

describe('selection', () => {
  it('selects one item on a plain click, toggles with ctrl, extends with shift', () => {
    let state = clickSelection(emptySelection, 1, idAt, plain);
    expect([...state.selected]).toEqual(['b']);
    state = clickSelection(state, 3, idAt, { shift: true, toggle: false });
    expect([...state.selected].sort()).toEqual(['b', 'c', 'd']);
    state = clickSelection(state, 2, idAt, { shift: false, toggle: true });
    expect([...state.selected].sort()).toEqual(['b', 'd']);
    expect(state.anchor).toBe(2);
  });

  it('adds a shift-range to the selection with ctrl+shift', () => {
    let state = clickSelection(emptySelection, 0, idAt, plain);
    state = clickSelection(state, 3, idAt, { shift: false, toggle: true });
    state = clickSelection(state, 4, idAt, { shift: true, toggle: true });
    expect([...state.selected].sort()).toEqual(['a', 'd', 'e']);
  });

  it('moves the focus alone with ctrl, and selects as it moves otherwise', () => {
    let state = moveFocus(emptySelection, 0, idAt, plain);
    expect([...state.selected]).toEqual(['a']);
    state = moveFocus(state, 2, idAt, { shift: false, toggle: true });
    expect(state.focus).toBe(2);
    expect([...state.selected]).toEqual(['a']);
    state = moveFocus(state, 3, idAt, { shift: true, toggle: false });
    expect([...state.selected].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('moves the focus onto an item that is not loaded yet', () => {
    const state = moveFocus(emptySelection, 9000, () => undefined, plain);
    expect(state.focus).toBe(9000);
    expect(state.selected.size).toBe(0);
  });

  it('drops ids that disappeared and clamps the focus', () => {
    const state = { selected: new Set(['a', 'x']), anchor: 4, focus: 4 };
    const pruned = pruneSelection(state, (id) => id !== 'x', 3);
    expect([...pruned.selected]).toEqual(['a']);
    expect(pruned.focus).toBe(2);
  });
});
