import { describe, expect, it } from 'vitest';
import { keptTail } from './MiddleTruncated';

describe('keptTail', () => {
  it('keeps the extension and the five characters before it of a long name', () => {
    expect(keptTail('Quarterly report final 2024-11-05.pdf')).toBe('11-05.pdf');
    expect(keptTail('A very long archive name.tar.gz')).toBe('e.tar.gz');
  });

  it('keeps the last five characters of a long name without an extension (or with a long one)', () => {
    expect(keptTail('README of the whole project')).toBe('oject');
    expect(keptTail('photo taken on holiday.unusualextension')).toBe('nsion');
  });

  it('never splits a short name, nor one that is only an extension', () => {
    expect(keptTail('notes.txt')).toBe('');
    expect(keptTail('.a-hidden-configuration')).toBe('ation');
  });
});
