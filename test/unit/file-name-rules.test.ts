import { describe, expect, it } from 'vitest';
import { validateName } from '../../src/server/services/names.js';
import { fileNameProblem } from '../../src/web/lib/file-name.js';

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

describe('the web UI’s file name check', () => {
  it('takes exactly the names the server takes', () => {
    const next = random(20261207);
    const names = ['', ' ', '.', '..', ' .. ', '...', 'a/b', 'notes.txt', ' notes.txt ', '\tnotes.txt', 'notes.txt\t'];
    for (let i = 0; i < 4000; i++) {
      // Mostly one repeated piece up to past 255 bytes, sometimes a mixture of a few.
      const repeated = PIECES[Math.floor(next() * PIECES.length)]!.repeat(1 + Math.floor(next() * 160));
      let mixed = '';
      for (let n = Math.floor(next() * 12); n > 0; n--) {
        mixed += PIECES[Math.floor(next() * PIECES.length)];
      }
      names.push(repeated, `${repeated}${mixed}`, mixed);
    }
    const disagreements = names
      .filter((name) => (fileNameProblem(name) === null) !== serverTakes(name))
      .map((name) => ({ name: JSON.stringify(name), client: fileNameProblem(name), server: serverTakes(name) }));
    expect(disagreements.slice(0, 5)).toEqual([]);
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
