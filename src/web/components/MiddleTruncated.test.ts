import { describe, expect, it } from 'vitest';
import { keptTail } from './MiddleTruncated';

describe('keptTail', () => {
  it('keeps the extension and the characters before it, from the start of their word when it is near', () => {
    expect(keptTail('Quarterly report final 2024-11-05.pdf')).toBe('2024-11-05.pdf');
    expect(keptTail('Quarterly budget FINAL v3.xlsx')).toBe('FINAL v3.xlsx');
    expect(keptTail('A very long archive name.tar.gz')).toBe('name.tar.gz');
    expect(keptTail('Scanned-document-without-spaces-000123.pdf')).toBe('00123.pdf');
  });

  it('keeps the last characters of a long name without an extension (or with a long one)', () => {
    expect(keptTail('README of the whole project')).toBe('project');
    expect(keptTail('photo taken on holiday.unusualextension')).toBe('nsion');
  });

  it('never cuts a character in two, nor starts with a space', () => {
    expect(keptTail('Party photos from the summer 🎉🎉🎉.png')).toBe('summer 🎉🎉🎉.png');
    expect(keptTail('Family at the beach 👨‍👩‍👧‍👦👨‍👩‍👧‍👦 2024.jpg')).toBe('👨‍👩‍👧‍👦👨‍👩‍👧‍👦 2024.jpg');
    expect(keptTail('A long name with a gap      x.txt')).toBe('x.txt');
  });

  it('never splits a short name', () => {
    expect(keptTail('notes.txt')).toBe('');
    expect(keptTail('🎉'.repeat(19))).toBe('');
  });
});
