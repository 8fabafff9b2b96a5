import { describe, expect, it } from 'vitest';
import { copyName } from './copy-name';

describe('copyName', () => {
  it('puts the suffix before a file extension', () => {
    expect(copyName('invoice.pdf', 1, 'file')).toBe('invoice (copy).pdf');
    expect(copyName('archive.tar.gz', 2, 'file')).toBe('archive (copy 2).tar.gz');
    expect(copyName('notes.tar.txt', 1, 'file')).toBe('notes.tar (copy).txt');
  });

  it('puts it at the end of folders, extensionless names and dotfiles', () => {
    expect(copyName('Photos.2024', 1, 'folder')).toBe('Photos.2024 (copy)');
    expect(copyName('README', 3, 'file')).toBe('README (copy 3)');
    expect(copyName('.profile', 1, 'file')).toBe('.profile (copy)');
  });
});
