import { describe, expect, it } from 'vitest';
import { extensionOf, iconKindOf, kindOf, previewKind } from './file-kind';
import { formatBytes, formatDuration } from './format';
import { timeLeftInTrash, TRASH_RETENTION_MS } from './trash';

const file = (name: string, mimeType: string | null = null) => ({ type: 'file' as const, name, mimeType });

describe('file kinds', () => {
  it('reads the kind from the MIME type, then the extension', () => {
    expect(kindOf({ type: 'folder', name: 'x.png', mimeType: null })).toBe('folder');
    expect(kindOf(file('photo', 'image/jpeg'))).toBe('image');
    expect(kindOf(file('report.PDF'))).toBe('pdf');
    expect(kindOf(file('main.ts', 'video/mp2t'))).toBe('text');
    expect(kindOf(file('clip.m2ts', 'video/mp2t'))).toBe('video');
    expect(kindOf(file('notes.md'))).toBe('text');
    expect(kindOf(file('data.bin', 'application/octet-stream'))).toBe('other');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('archive.tar.GZ')).toBe('gz');
  });

  it('shows plain text and Markdown as documents, source code as code', () => {
    expect(iconKindOf(file('notes.txt', 'text/plain'))).toBe('document');
    expect(iconKindOf(file('README.md'))).toBe('document');
    expect(iconKindOf(file('README', 'text/plain'))).toBe('document');
    expect(iconKindOf(file('main.ts', 'video/mp2t'))).toBe('text');
    expect(iconKindOf(file('page.html', 'text/html'))).toBe('text');
    expect(previewKind(file('notes.txt', 'text/plain'))).toBe('text');
  });

  it('never previews SVG as an image', () => {
    expect(previewKind(file('logo.svg', 'image/svg+xml'))).toBe('text');
    expect(previewKind(file('a.zip'))).toBe('none');
  });
});

describe('formatting', () => {
  it('formats sizes and durations', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KB');
    expect(formatBytes(8 * 1024 * 1024)).toBe('8.00 MB');
    expect(formatDuration(3 * 86_400_000 + 5)).toBe('3 days');
    expect(formatDuration(3_600_000)).toBe('1 hour');
    expect(formatDuration(10_000)).toBe('less than a minute');
  });

  it('counts the time left in the trash from when the item was trashed', () => {
    const now = Date.parse('2024-05-10T00:00:00Z');
    const trashedAt = '2024-05-01T00:00:00Z';
    expect(timeLeftInTrash({ trashedAt, updatedAt: trashedAt }, now)).toBe(TRASH_RETENTION_MS - 9 * 86_400_000);
    expect(timeLeftInTrash({ trashedAt: '2020-01-01T00:00:00Z', updatedAt: '' }, now)).toBe(0);
  });
});
