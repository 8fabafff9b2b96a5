import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FileNode } from '../api/types';
import { MoveClashDialog } from '../components/MoveClashDialog';
import { moveItems, type ClashAnswer, type MoveClash, type MoveOutcome } from '../lib/move-items';
import { useOverlayHistory } from './navigation';

const CANCEL: ClashAnswer = { choice: 'cancel', forAll: false };

/** A question waiting for its answer; `id` tells one question's dialog from the next. */
interface Pending {
  id: number;
  question: MoveClash;
  resolve: (answer: ClashAnswer) => void;
}

/** A move that has asked a question, until it is over. */
interface Asker {
  stopped: boolean;
}

/** A question kept in the history is not asked again (see useOverlayHistory's `revive`): the move that asked it is over. */
const keptQuestionGone = async (): Promise<null> => null;

let nextId = 1;

export interface MoveClashes {
  /** Moves the nodes into the folder as moveItems does, asking the user about each clash. */
  move: (nodes: readonly FileNode[], targetId: string | null, beforeAsking?: () => void) => Promise<MoveOutcome>;
  /** The question on screen, to render once. */
  element: ReactNode;
}

/**
 * Moves that ask about name clashes in a dialog, one question at a time (in turn, should two moves
 * ask at once). A move asking questions has one history entry for all of them, so Back stops it
 * as Cancel does, and no entry comes and goes between its questions. Leaving the page stops it too.
 */
export function useMoveClashes(): MoveClashes {
  const [queue, setQueue] = useState<readonly Pending[]>([]);
  const queueRef = useRef(queue);
  const askers = useRef(new Set<Asker>());
  const [asking, setAsking] = useState(0);
  const update = useCallback((next: readonly Pending[]) => {
    queueRef.current = next;
    setQueue(next);
  }, []);

  const stopAll = useCallback(() => {
    askers.current.forEach((asker) => {
      asker.stopped = true;
    });
    const waiting = queueRef.current;
    update([]);
    waiting.forEach((pending) => pending.resolve(CANCEL));
  }, [update]);
  useOverlayHistory(
    'move-clash',
    asking > 0 ? 'asking' : null,
    (shown) => {
      if (shown === null) {
        stopAll();
      }
    },
    keptQuestionGone,
  );
  useEffect(() => stopAll, [stopAll]);

  const move = useCallback(
    async (nodes: readonly FileNode[], targetId: string | null, beforeAsking?: () => void) => {
      const asker: Asker = { stopped: false };
      const ask = (question: MoveClash) => {
        if (asker.stopped) {
          return Promise.resolve(CANCEL);
        }
        if (!askers.current.has(asker)) {
          askers.current.add(asker);
          setAsking((count) => count + 1);
        }
        return new Promise<ClashAnswer>((resolve) => {
          const pending: Pending = {
            id: nextId++,
            question,
            resolve: (answer) => {
              update(queueRef.current.filter((each) => each !== pending));
              resolve(answer);
            },
          };
          update([...queueRef.current, pending]);
        });
      };
      try {
        return await moveItems(nodes, targetId, ask, beforeAsking);
      } finally {
        if (askers.current.delete(asker)) {
          setAsking((count) => count - 1);
        }
      }
    },
    [update],
  );

  const [shown] = queue;
  return { move, element: shown ? <MoveClashDialog key={shown.id} clash={shown.question} onAnswer={shown.resolve} /> : null };
}
