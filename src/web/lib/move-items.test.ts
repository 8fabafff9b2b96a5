import { describe, expect, it } from 'vitest';
import type { FileNode } from '../api/types';
import { moveReport, type MovedItem, type MoveOutcome } from './move-items';

/** A file as the server would answer it, named `name`, in folder `parentId`. */
function file(name: string, parentId: string | null = null): FileNode {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: `id-${name}`,
    name,
    type: 'file',
    parentId,
    size: 1,
    mimeType: 'text/plain',
    sha256: null,
    favorite: false,
    etag: 'e',
    modifiedAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** `name` moved into "dest", under `as` if given, in place of `replaced` if given. */
const moved = (name: string, as = name, replaced: FileNode | null = null): MovedItem => ({
  before: file(name),
  after: file(as, 'dest'),
  replaced,
});

const outcome = (total: number, changes: Partial<MoveOutcome>): MoveOutcome => ({
  total,
  moved: [],
  skipped: [],
  cancelled: 0,
  failures: [],
  ...changes,
});

describe('moveReport', () => {
  it('says what one item became', () => {
    expect(moveReport(outcome(1, { moved: [moved('a.txt')] }))).toEqual({ message: 'Moved “a.txt”.', kind: 'success' });
    expect(moveReport(outcome(1, { moved: [moved('a.txt', 'a (1).txt')] })).message).toBe('Moved “a.txt” as “a (1).txt”.');
    expect(moveReport(outcome(1, { moved: [moved('a.txt', 'a.txt', file('a.txt', 'dest'))] })).message).toBe(
      'Moved “a.txt”, replacing the file of that name there. The replaced file is in the trash.',
    );
    expect(moveReport(outcome(1, { skipped: [file('a.txt')] }))).toEqual({ message: 'Skipped “a.txt”.', kind: 'info' });
    expect(moveReport(outcome(1, { cancelled: 1 }), file('a.txt')).message).toBe('Cancelled: “a.txt” not moved.');
  });

  it('counts each way several items went', () => {
    const report = moveReport(
      outcome(6, {
        moved: [moved('a.txt'), moved('b.txt', 'b (1).txt'), moved('c.txt', 'c.txt', file('c.txt', 'dest'))],
        skipped: [file('d.txt')],
        cancelled: 2,
      }),
    );
    expect(report).toEqual({
      message:
        'Moved 3 of 6 items (1 under another name, 1 in place of a file of the same name). The replaced file is in the trash. Skipped 1 item. Cancelled: 2 items not moved.',
      kind: 'success',
    });
  });

  it('says why items failed, after what did move', () => {
    const report = moveReport(outcome(3, { moved: [moved('a.txt')], failures: ['b.txt: Gone.', 'c.txt: Gone too.'] }));
    expect(report).toEqual({ message: 'Moved 1 of 3 items. 2 items failed. b.txt: Gone.', kind: 'error' });
  });
});
