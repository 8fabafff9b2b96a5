import { useCallback, useEffect, useState } from 'react';
import type { FileNode } from '../api/types';
import { clickSelection, emptySelection, moveFocus, pruneSelection, type ClickModifiers, type SelectionState } from '../lib/selection';
import type { NodeSource } from './useNodeSource';

export interface Selection {
  state: SelectionState;
  /** The selected nodes that are loaded. */
  nodes: () => FileNode[];
  isSelected: (id: string) => boolean;
  click: (index: number, modifiers: ClickModifiers) => void;
  focusTo: (index: number, modifiers: ClickModifiers) => void;
  /** Selects only this item unless it is already part of the selection (right-click, drag). */
  ensureSelected: (index: number) => void;
  selectAll: () => Promise<void>;
  clear: () => void;
}

/** Multi-selection over a NodeSource, kept by id so it survives reloads and re-sorting. */
export function useSelection(source: NodeSource, resetKey: unknown): Selection {
  const [state, setState] = useState<SelectionState>(emptySelection);
  const idAt = useCallback((index: number) => source.itemAt(index)?.id, [source]);

  useEffect(() => setState(emptySelection), [resetKey]);

  // Drop ids that vanished (trashed, moved away) once fresh data arrives.
  useEffect(() => {
    if (source.loading) {
      return;
    }
    const present = new Set<string>();
    for (let i = 0; i < source.total; i += 1) {
      const id = source.itemAt(i)?.id;
      if (id !== undefined) {
        present.add(id);
      }
    }
    setState((current) => pruneSelection(current, (id) => present.has(id), source.total));
  }, [source, source.revision, source.total, source.loading]);

  const nodes = useCallback(() => {
    const result: FileNode[] = [];
    for (let i = 0; i < source.total; i += 1) {
      const item = source.itemAt(i);
      if (item && state.selected.has(item.id)) {
        result.push(item);
      }
    }
    return result;
  }, [source, state.selected]);

  return {
    state,
    nodes,
    isSelected: (id) => state.selected.has(id),
    click: (index, modifiers) => setState((current) => clickSelection(current, index, idAt, modifiers)),
    focusTo: (index, modifiers) => setState((current) => moveFocus(current, index, idAt, modifiers)),
    ensureSelected: (index) =>
      setState((current) => {
        const id = idAt(index);
        if (id === undefined || current.selected.has(id)) {
          return { ...current, focus: index };
        }
        return clickSelection(current, index, idAt, { shift: false, toggle: false });
      }),
    selectAll: async () => {
      const all = await source.loadAll();
      setState((current) => ({ ...current, selected: new Set(all.map((node) => node.id)), focus: Math.max(current.focus, 0) }));
    },
    clear: () => setState((current) => ({ ...current, selected: new Set(), anchor: -1 })),
  };
}
