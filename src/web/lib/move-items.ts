import { firstFreeName } from '../../shared/numbered-names';
import { ApiError, errorMessage } from '../api/http';
import { restoreFromTrash } from '../api/trash';
import { getNode, listChildren, trashNode, updateNode } from '../api/tree';
import type { FileNode } from '../api/types';
import { formatCount } from './format';

/** What the user chose for an item whose name is taken in the destination. */
export type ClashChoice = 'keep-both' | 'replace' | 'skip' | 'cancel';

export interface ClashAnswer {
  choice: ClashChoice;
  /** Do the same for every later clash of this operation (Replace: where it is offered). */
  forAll: boolean;
}

/** A move refused because the destination holds an item of the same name: what the user is asked. */
export interface MoveClash {
  node: FileNode;
  /** The item of that name in the destination, when it was found there. */
  existing: FileNode | null;
  /** The destination's name; null for My files. */
  folderName: string | null;
  /** The name Keep both would give the item, as far as the destination is known. */
  keepBothName: string;
  /**
   * Replace is offered for a file onto a file only (a folder is never replaced, nor merged), and
   * never onto an item this same move has put there (two selected files of one name, from
   * Favourites or search): that would put an item the user is moving in the trash, where Undo
   * could not move it back.
   */
  canReplace: boolean;
  /** The item there is one this same move has just put there. */
  existingMovedHere: boolean;
  /** How many items of the operation come after this one. */
  remaining: number;
}

/** An item moved: as it was, as it is now, and the file it replaced (now in the trash), if any. */
export interface MovedItem {
  before: FileNode;
  after: FileNode;
  replaced: FileNode | null;
}

export interface MoveOutcome {
  total: number;
  moved: MovedItem[];
  skipped: FileNode[];
  /** Items left where they were because the user chose Cancel: that item and every one after it. */
  cancelled: number;
  /** "name: why", one for each item that could not be moved. */
  failures: string[];
}

const PAGE = 1000;
// A destination of more items than this is not listed to the end: an item clashing there may go
// unfound (then Replace is not offered), and Keep both leans on the server's refusals alone.
const MAX_PAGES = 20;
// How often one item may clash again after the user answered (the folder changing meanwhile).
const MAX_ROUNDS = 3;
// How many names Keep both tries for one item before it gives up.
const MAX_NAME_TRIES = 8;

export const isNameTaken = (error: unknown) => error instanceof ApiError && error.status === 409 && error.code === 'name_taken';

/** What is known of the destination folder: its name and its items by name, listed on the first clash. */
class Destination {
  private byName: Map<string, FileNode> | null = null;
  private complete = false;
  folderName: string | null = null;

  constructor(readonly id: string | null) {}

  /** Lists the folder again, up to MAX_PAGES pages. */
  async load(): Promise<void> {
    const byName = new Map<string, FileNode>();
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const listing = await listChildren(this.id, { sort: 'name', order: 'asc', offset: page * PAGE, limit: PAGE });
      this.folderName = listing.folder?.name ?? null;
      listing.items.forEach((item) => byName.set(item.name, item));
      this.complete = page * PAGE + listing.items.length >= listing.total;
      if (this.complete || listing.items.length === 0) {
        break;
      }
    }
    this.byName = byName;
  }

  /**
   * The item named `name`, as last listed; listed again when it is not known there (the refusal
   * said it is). `undefined`: the whole folder was listed and has no such item any more.
   */
  async find(name: string): Promise<FileNode | null | undefined> {
    let found = this.byName?.get(name);
    if (!found) {
      await this.load();
      found = this.byName?.get(name);
    }
    return found ?? (this.complete ? undefined : null);
  }

  /** Every name known to be taken there. */
  taken(): Set<string> {
    return new Set(this.byName?.keys());
  }

  /** Keeps the listing up to date with what this operation did. */
  placed(node: FileNode, instead?: FileNode | null): void {
    if (instead) {
      this.byName?.delete(instead.name);
    }
    this.byName?.set(node.name, node);
  }
}

/** The item still there as it was asked about, trashed; null when it is gone or changed meanwhile (not ours to trash). */
async function trashIfStillThere(existing: FileNode, destination: Destination): Promise<FileNode | null> {
  try {
    const now = await getNode(existing.id);
    if (now.parentId !== destination.id || now.name !== existing.name || now.type !== 'file') {
      return null;
    }
    return (await trashNode(existing.id)).trashed;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return null;
    }
    throw error;
  }
}

/**
 * Moves `node` in under the first free "name (n)" (the server's own numbering, as for uploads with
 * conflict=rename and restores). The folder may have changed since it was listed: a name refused
 * meanwhile is passed over, the folder listed again once, and a few names tried at most.
 */
async function moveKeepingBoth(node: FileNode, destination: Destination): Promise<FileNode> {
  const taken = destination.taken();
  taken.add(node.name);
  for (let attempt = 0; attempt < MAX_NAME_TRIES; attempt += 1) {
    const name = firstFreeName(node.name, taken, node.type);
    try {
      return await updateNode(node.id, { parentId: destination.id, name });
    } catch (error) {
      if (!isNameTaken(error)) {
        throw error;
      }
      taken.add(name);
      if (attempt === 0) {
        await destination.load();
        destination.taken().forEach((each) => taken.add(each));
      }
    }
  }
  throw new Error(`No free name was found for it in ${where(destination.folderName)}, which kept changing. Try again.`);
}

/**
 * Moves `node` in place of the file `existing`, which goes to the trash first (unless it has gone
 * or changed meanwhile). Null when another item has taken the name meanwhile: the file is back
 * out of the trash, and the clash is to be asked about again.
 */
async function moveReplacing(node: FileNode, existing: FileNode, destination: Destination): Promise<MovedItem | null> {
  const replaced = await trashIfStillThere(existing, destination);
  try {
    return { before: node, after: await updateNode(node.id, { parentId: destination.id }), replaced };
  } catch (error) {
    // Not moved after all: the file it was to replace comes back out of the trash.
    if (replaced && !(await restored(replaced))) {
      throw new Error(`${errorMessage(error)} “${existing.name}”, which it was to replace, is in the trash.`);
    }
    if (!isNameTaken(error)) {
      throw error;
    }
    return null;
  }
}

/** Whether `node` came back out of the trash. */
async function restored(node: FileNode): Promise<boolean> {
  try {
    await restoreFromTrash(node.id);
    return true;
  } catch {
    return false;
  }
}

/** "“Photos”", or "My files" for the top level. */
export const where = (folderName: string | null): string => (folderName === null ? 'My files' : `“${folderName}”`);

/**
 * Moves `nodes` into the folder `targetId` (null: the top level), one after another. An item
 * whose name is taken there is put to the user (`ask`): keep both, replace (a file onto a file),
 * skip it, or cancel it and the rest; an answer may hold for the clashes after it. The server has
 * the last word: each step is a request it may refuse, and a clash found again after the answer
 * (the folder changed meanwhile) is asked about again, a few times at most. `beforeAsking` runs
 * before a question when items have moved since the last one (to show them moved behind it).
 */
export async function moveItems(
  nodes: readonly FileNode[],
  targetId: string | null,
  ask: (clash: MoveClash) => Promise<ClashAnswer>,
  beforeAsking?: () => void,
): Promise<MoveOutcome> {
  const outcome: MoveOutcome = { total: nodes.length, moved: [], skipped: [], cancelled: 0, failures: [] };
  const destination = new Destination(targetId);
  let standing: ClashChoice | null = null;
  let movedWhenAsked = 0;

  /** Moves one item, asking about clashes; false when the user cancelled. */
  const place = async (node: FileNode, remaining: number): Promise<boolean> => {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      try {
        const after = await updateNode(node.id, { parentId: targetId });
        destination.placed(after);
        outcome.moved.push({ before: node, after, replaced: null });
        return true;
      } catch (error) {
        if (!isNameTaken(error)) {
          throw error;
        }
      }
      const existing = await destination.find(node.name);
      if (existing === undefined) {
        // Gone since the refusal: try again.
        continue;
      }
      const existingMovedHere = existing !== null && outcome.moved.some((item) => item.after.id === existing.id);
      const canReplace = node.type === 'file' && existing?.type === 'file' && !existingMovedHere;
      let choice = standing === 'replace' && !canReplace ? null : standing;
      if (choice === null) {
        if (outcome.moved.length > movedWhenAsked) {
          movedWhenAsked = outcome.moved.length;
          beforeAsking?.();
        }
        const keepBothName = firstFreeName(node.name, new Set([...destination.taken(), node.name]), node.type);
        const answer = await ask({ node, existing, folderName: destination.folderName, keepBothName, canReplace, existingMovedHere, remaining });
        choice = answer.choice;
        if (answer.forAll && choice !== 'cancel') {
          standing = choice;
        }
      }
      switch (choice) {
        case 'cancel':
          return false;
        case 'skip':
          outcome.skipped.push(node);
          return true;
        case 'keep-both': {
          const after = await moveKeepingBoth(node, destination);
          destination.placed(after);
          outcome.moved.push({ before: node, after, replaced: null });
          return true;
        }
        case 'replace': {
          if (!existing || !canReplace) {
            throw new Error('Only a file can replace a file.');
          }
          const item = await moveReplacing(node, existing, destination);
          if (item) {
            destination.placed(item.after, existing);
            outcome.moved.push(item);
            return true;
          }
          // Another item took the name meanwhile: asked about in the next round.
        }
      }
    }
    throw new Error(`${where(destination.folderName)} kept changing while it was moved. Try again.`);
  };

  for (const [index, node] of nodes.entries()) {
    try {
      if (!(await place(node, nodes.length - index - 1))) {
        outcome.cancelled = nodes.length - index;
        break;
      }
    } catch (error) {
      outcome.failures.push(`${node.name}: ${errorMessage(error)}`);
    }
  }
  return outcome;
}

/** A toast's text and kind. */
export interface Report {
  message: string;
  kind: 'success' | 'info' | 'error';
}

/** "3 items", or "“a.txt”" when the operation was about one item. */
const count = (n: number, total: number, only: FileNode | undefined): string =>
  total === 1 && only ? `“${only.name}”` : formatCount(n, 'item');

/** "why", or "3 items failed. why" for the first of several. */
const failureText = (failures: readonly string[]): string =>
  failures.length === 1 ? (failures[0] ?? '') : `${failures.length.toLocaleString()} items failed. ${failures[0] ?? ''}`;

/**
 * What a move did, in words, for its toast: how many items moved, under another name or in place
 * of a file (which is in the trash), how many were skipped, left by Cancel, or failed.
 */
export function moveReport({ total, moved, skipped, cancelled, failures }: MoveOutcome, first?: FileNode): Report {
  const sentences: string[] = [];
  const [only] = moved;
  const renamed = moved.filter((item) => item.after.name !== item.before.name).length;
  const replaced = moved.filter((item) => item.replaced !== null).length;
  if (total === 1 && only) {
    const as = renamed > 0 ? ` as “${only.after.name}”` : '';
    sentences.push(`Moved “${only.before.name}”${as}${replaced > 0 ? ', replacing the file of that name there' : ''}.`);
  } else if (moved.length > 0) {
    const ways = [
      ...(renamed > 0 ? [`${renamed.toLocaleString()} under another name`] : []),
      ...(replaced > 0 ? [`${replaced.toLocaleString()} in place of a file of the same name`] : []),
    ];
    const how = moved.length === total ? formatCount(total, 'item') : `${moved.length.toLocaleString()} of ${formatCount(total, 'item')}`;
    sentences.push(`Moved ${how}${ways.length > 0 ? ` (${ways.join(', ')})` : ''}.`);
  }
  if (replaced > 0) {
    sentences.push(replaced === 1 ? 'The replaced file is in the trash.' : 'The replaced files are in the trash.');
  }
  if (skipped.length > 0) {
    sentences.push(`Skipped ${count(skipped.length, total, skipped[0])}.`);
  }
  if (cancelled > 0) {
    sentences.push(`Cancelled: ${count(cancelled, total, first)} not moved.`);
  }
  if (failures.length > 0) {
    sentences.push(failureText(failures));
  }
  return { message: sentences.join(' '), kind: failures.length > 0 ? 'error' : moved.length > 0 ? 'success' : 'info' };
}

/**
 * Undoes a move: each item goes back to its folder under its own name; a file it replaced comes
 * back out of the trash (POST /api/trash/:id/restore) once the item has left its place, so it gets
 * its name back in its folder. Restoring is what the user expects of Undo, and it is no more
 * fragile than the trash's own Undo: the server puts the file back where it was (at the top level
 * if that folder is gone too, numbered if its name was taken meanwhile), and a file deleted for
 * good since is said to be. An item that cannot go back leaves the file it replaced in the trash
 * (restored, it would come back under another name beside it), and the report says so.
 */
export async function undoMoves(moved: readonly MovedItem[]): Promise<Report> {
  let back = 0;
  let restored = 0;
  const failures: string[] = [];
  for (const { before, after, replaced } of moved) {
    try {
      await updateNode(after.id, { parentId: before.parentId, ...(after.name === before.name ? {} : { name: before.name }) });
      back += 1;
    } catch (error) {
      failures.push(`${before.name}: ${errorMessage(error)}${replaced ? ' The file it replaced is still in the trash.' : ''}`);
      continue;
    }
    if (replaced) {
      try {
        await restoreFromTrash(replaced.id);
        restored += 1;
      } catch (error) {
        failures.push(`The replaced “${replaced.name}” could not be restored from the trash: ${errorMessage(error)}`);
      }
    }
  }
  const [only] = moved;
  const how =
    back === moved.length ? count(back, moved.length, only?.before) : `${back.toLocaleString()} of ${formatCount(moved.length, 'item')}`;
  const and =
    restored === 0
      ? ''
      : moved.length === 1
        ? ' and restored the file it replaced'
        : ` and restored ${formatCount(restored, 'replaced file')}`;
  const sentences = [...(back > 0 ? [`Moved back ${how}${and}.`] : []), ...(failures.length > 0 ? [failureText(failures)] : [])];
  return { message: sentences.join(' '), kind: failures.length > 0 ? 'error' : 'success' };
}
