import { describe, expect, it } from 'vitest';
import { FolderPaths } from './folder-paths.js';

const link = (id: string, parentId: string | null, name: string) => ({ id, parentId, name });
const tree = [link('a', null, 'Docs'), link('b', 'a', '2024'), link('c', 'b', 'Tax'), link('d', null, 'Photos')];

describe('FolderPaths', () => {
  it('builds paths from links and remembers them at their version only', () => {
    const memo = new FolderPaths();
    expect(memo.knownVersion('u')).toBeNull();
    const first = memo.resolve('u', 7, tree, ['c', 'd']);
    expect(first).toEqual({ paths: new Map([['c', '/Docs/2024/Tax'], ['d', '/Photos']]), missing: [] });
    expect(memo.knownVersion('u')).toBe(7);
    // Without links: known at version 7 (the ancestors too), unknown at any other, and per user.
    expect(memo.resolve('u', 7, [], ['b', 'c']).paths).toEqual(new Map([['b', '/Docs/2024'], ['c', '/Docs/2024/Tax']]));
    expect(memo.resolve('u', 8, [], ['c'])).toEqual({ paths: new Map(), missing: ['c'] });
    expect(memo.resolve('v', 7, [], ['c']).missing).toEqual(['c']);
  });

  it('joins new links onto remembered folders and never goes back to an older version', () => {
    const memo = new FolderPaths();
    memo.resolve('u', 3, tree, ['c']);
    expect(memo.resolve('u', 3, [link('e', 'c', 'Q1')], ['e']).paths.get('e')).toBe('/Docs/2024/Tax/Q1');
    memo.resolve('u', 5, [link('a', null, 'Papers')], ['a']);
    memo.resolve('u', 4, tree, ['c']);
    expect(memo.knownVersion('u')).toBe(5);
  });

  it('gives no path for a cyclic chain and reports folders it cannot place', () => {
    const memo = new FolderPaths();
    const cyclic = [link('x', 'y', 'X'), link('y', 'x', 'Y')];
    expect(memo.resolve('u', 1, cyclic, ['x', 'gone'])).toEqual({ paths: new Map([['x', null]]), missing: ['gone'] });
    expect(memo.resolve('u', 1, [], ['y']).paths.get('y')).toBeNull();
  });

  it('forgets the least recently used folders beyond its capacity', () => {
    const memo = new FolderPaths(2);
    memo.resolve('u', 1, tree, ['c']);
    expect(memo.resolve('u', 1, [], ['a']).missing).toEqual(['a']);
    expect(memo.resolve('u', 1, [], ['c']).paths.get('c')).toBe('/Docs/2024/Tax');
  });
});
