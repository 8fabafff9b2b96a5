import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { firstFreeName, numberedName, numberingPrefix, validateName } from './names.js';

/** The AppError validateName throws for `raw`, or undefined when it accepts it. */
function rejection(raw: string, field?: string): AppError | undefined {
  try {
    validateName(raw, field);
    return undefined;
  } catch (error) {
    if (error instanceof AppError) {
      return error;
    }
    throw error;
  }
}

describe('validateName', () => {
  it('accepts ordinary names and returns them trimmed', () => {
    expect(validateName('report.pdf')).toBe('report.pdf');
    expect(validateName('  spaced out  ')).toBe('spaced out');
    expect(validateName('.hidden')).toBe('.hidden');
    expect(validateName('...')).toBe('...');
    expect(validateName('Ünïcødé 名前')).toBe('Ünïcødé 名前');
  });

  it('accepts a whole surrogate pair (an emoji) and U+FFFD', () => {
    expect(validateName('\ud83d\ude00 \ufffd.txt')).toBe('\ud83d\ude00 \ufffd.txt');
  });

  it('normalises to NFC', () => {
    const decomposed = 'e\u0301.txt';
    expect(validateName(decomposed)).toBe('\u00e9.txt');
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['dot', '.'],
    ['dot dot', '..'],
    ['dot dot padded', '  ..  '],
    ['slash', 'a/b'],
    ['leading slash', '/etc'],
    ['NUL', 'a\u0000b'],
    ['bell', 'a\u0007b'],
    ['newline', 'a\nb'],
    ['tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['right-to-left override', 'evil\u202etxt.exe'],
    ['256 ASCII bytes', 'a'.repeat(256)],
    ['256 bytes of two-byte characters', '\u00e9'.repeat(128)],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', '\udc00.txt'],
  ])('rejects %s with a 400 naming the field', (_label, raw) => {
    const error = rejection(raw);
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('invalid_request');
    expect(error?.message).toMatch(/^name: /);
  });

  it('names the given field in its message', () => {
    expect(rejection('', 'newName')?.message).toMatch(/^newName: /);
  });

  it('accepts exactly 255 bytes, counted in UTF-8', () => {
    expect(validateName('a'.repeat(255))).toHaveLength(255);
    const twoByte = `${'\u00e9'.repeat(127)}a`;
    expect(Buffer.byteLength(twoByte)).toBe(255);
    expect(validateName(twoByte)).toBe(twoByte);
    const threeByte = '\u20ac'.repeat(85);
    expect(Buffer.byteLength(threeByte)).toBe(255);
    expect(validateName(threeByte)).toBe(threeByte);
    expect(rejection(`${threeByte}a`)?.status).toBe(400);
  });

  it('counts the length after trimming', () => {
    expect(validateName(`  ${'a'.repeat(255)}  `)).toBe('a'.repeat(255));
  });
});

describe('numberedName', () => {
  it.each([
    ['report.pdf', 1, 'report (1).pdf'],
    ['archive', 2, 'archive (2)'],
    ['photo.tar.gz', 3, 'photo (3).tar.gz'],
    ['backup.2024.TAR.XZ', 1, 'backup.2024 (1).TAR.XZ'],
    ['.tar.gz', 1, '.tar (1).gz'],
    ['notes.tar.txt', 1, 'notes.tar (1).txt'],
    ['.bashrc', 1, '.bashrc (1)'],
    ['trailing.', 1, 'trailing. (1)'],
    ['a', 10, 'a (10)'],
  ])('%s, %i -> %s', (name, n, expected) => {
    expect(numberedName(name, n)).toBe(expected);
  });
});

describe('numbered names near the 255-byte limit', () => {
  it.each([
    ['a'.repeat(251) + '.txt', 1],
    ['a'.repeat(251) + '.txt', 123456],
    ['\u20ac'.repeat(85), 7],
    ['x.' + 'e'.repeat(253), 1],
    ['\u{1f600}'.repeat(60) + '.md', 12],
  ])('%#: keeps within 255 bytes, whole characters, valid, starting with numberingPrefix', (name, n) => {
    const numbered = numberedName(name, n);
    expect(Buffer.byteLength(numbered)).toBeLessThanOrEqual(255);
    expect(numbered).toMatch(new RegExp(` \\(${n}\\)(\\.\\w+)?$`));
    // No character cut in half (a lone surrogate).
    expect(numbered).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(validateName(numbered)).toBe(numbered);
    expect(numbered.startsWith(numberingPrefix(name))).toBe(true);
    expect(name.startsWith(numberingPrefix(name))).toBe(true);
  });

  it('keeps the extension when the stem is shortened', () => {
    expect(numberedName(`${'a'.repeat(251)}.txt`, 1)).toBe(`${'a'.repeat(247)} (1).txt`);
  });
});

describe('firstFreeName', () => {
  it('keeps a free name', () => {
    expect(firstFreeName('a.txt', new Set(['b.txt']))).toBe('a.txt');
  });

  it('numbers a taken name from 1', () => {
    expect(firstFreeName('a.txt', new Set(['a.txt']))).toBe('a (1).txt');
  });

  it('skips numbers already taken', () => {
    expect(firstFreeName('a.txt', new Set(['a.txt', 'a (1).txt', 'a (2).txt', 'a (4).txt']))).toBe('a (3).txt');
  });

  it('compares names case-sensitively', () => {
    expect(firstFreeName('A.txt', new Set(['a.txt']))).toBe('A.txt');
  });

  it('numbers on from a name that already ends in a number', () => {
    expect(firstFreeName('b (1).txt', new Set(['b (1).txt']))).toBe('b (2).txt');
    expect(firstFreeName('b (1).txt', new Set(['b (1).txt', 'b (2).txt']))).toBe('b (3).txt');
    expect(firstFreeName('Photos (7)', new Set(['Photos (7)']), 'folder')).toBe('Photos (8)');
    expect(numberingPrefix('b (1).txt')).toBe('b');
    // Not a number of ours: no space before it, or nothing before it.
    expect(firstFreeName('b(1).txt', new Set(['b(1).txt']))).toBe('b(1) (1).txt');
    expect(firstFreeName(' (4).txt', new Set([' (4).txt']))).toBe(' (4) (1).txt');
  });
});
