import { describe, expect, it } from 'vitest';
import { createProfileBody } from '../../src/server/routes/search.schemas.js';
import { validateName } from '../../src/server/services/names.js';
import { fileNameProblem } from '../../src/web/lib/file-name.js';
import { savedSearchNameProblem } from '../../src/web/lib/saved-search-name.js';

/** Whether the server takes `name` as a file or folder name. */
function serverTakes(name: string): boolean {
  try {
    validateName(name);
    return true;
  } catch {
    return false;
  }
}

// Pieces that sit on the rules' edges: decomposed accents and Hangul (NFC makes them shorter),
// characters that NFC makes longer (U+0958) or changes (the Angstrom sign), spaces that trim()
// drops (no-break, BOM, line separator), controls, direction marks, a lone surrogate, emoji.
const PIECES = [
  'a',
  'Z',
  '.',
  ' ',
  '/',
  '\t',
  '\u0085',
  '\u007f',
  '\u00a0',
  '\ufeff',
  '\u2028',
  'é',
  'e\u0301',
  '한',
  '한'.normalize('NFD'),
  '\u0958',
  '\u212b',
  '\u202e',
  '\u2067',
  '\u200f',
  '\ud800',
  '😀',
];

/** A deterministic pseudo-random generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Names on the rules' edges: mostly one piece repeated up to `maxRepeat` times, sometimes a
 * mixture of a few, each also around the other; the same ones for the same seed.
 */
function edgeNames(seed: number, maxRepeat: number): string[] {
  const next = random(seed);
  const names: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const repeated = PIECES[Math.floor(next() * PIECES.length)]!.repeat(1 + Math.floor(next() * maxRepeat));
    let mixed = '';
    for (let n = Math.floor(next() * 12); n > 0; n--) {
      mixed += PIECES[Math.floor(next() * PIECES.length)];
    }
    names.push(repeated, `${repeated}${mixed}`, mixed);
  }
  return names;
}

/** The first few names that `clientProblem` and `serverTakes` disagree about: none when the client mirrors the server. */
function disagreements(names: string[], clientProblem: (name: string) => string | null, serverTakes: (name: string) => boolean) {
  return names
    .filter((name) => (clientProblem(name) === null) !== serverTakes(name))
    .slice(0, 5)
    .map((name) => ({ name: JSON.stringify(name), client: clientProblem(name), server: serverTakes(name) }));
}

describe('the web UI’s file name check', () => {
  it('takes exactly the names the server takes', () => {
    const plain = ['', ' ', '.', '..', ' .. ', '...', 'a/b', 'notes.txt', ' notes.txt ', '\tnotes.txt', 'notes.txt\t'];
    // Up to past 255 bytes.
    expect(disagreements([...plain, ...edgeNames(20261207, 160)], fileNameProblem, serverTakes)).toEqual([]);
  });

  it('counts the bytes of a name as the server stores it (NFC), and says why in its own words', () => {
    // Hangul pasted from macOS: 51 syllables, 153 bytes stored, 459 bytes as pasted.
    const korean = '한국어'.repeat(17).normalize('NFD');
    expect(fileNameProblem(korean)).toBeNull();
    expect(serverTakes(korean)).toBe(true);
    // 255 bytes as typed, 510 once NFC has decomposed each character.
    expect(fileNameProblem('\u0958'.repeat(85))).toMatch(/^This name is too long/);
    expect(fileNameProblem('invoice\u202etxt.exe')).toMatch(/^Names cannot contain control characters/);
    expect(fileNameProblem('notes.txt\t')).toMatch(/^Names cannot contain control characters/);
    expect(fileNameProblem(' notes.txt ')).toBeNull();
  });
});

/** Whether the server takes `name` as a saved search's name. */
function serverTakesProfileName(name: string): boolean {
  return createProfileBody.shape.name.safeParse(name).success;
}

describe('the web UI’s saved search name check', () => {
  it('takes exactly the names the server takes', () => {
    const plain = ['', ' ', '\t', 'a\tb', ` ${'a'.repeat(100)} `, 'a'.repeat(101), '😀'.repeat(100), '😀'.repeat(101)];
    // Up to past 100 characters.
    expect(disagreements([...plain, ...edgeNames(20260611, 120)], savedSearchNameProblem, serverTakesProfileName)).toEqual([]);
  });

  it('counts characters after trimming and NFC, as the server does', () => {
    expect(savedSearchNameProblem(`   ${'a'.repeat(100)}   `)).toBeNull();
    // 200 UTF-16 units as typed, 100 characters once composed.
    expect(savedSearchNameProblem('e\u0301'.repeat(100))).toBeNull();
    // 51 characters as typed, 102 once NFC has decomposed each.
    expect(savedSearchNameProblem('\u0958'.repeat(51))).toMatch(/^This name is too long: at most 100 characters, and it has 102/);
    expect(serverTakesProfileName('\u0958'.repeat(51))).toBe(false);
    expect(savedSearchNameProblem('a\u0000b')).toMatch(/^Names cannot contain control characters/);
  });
});
