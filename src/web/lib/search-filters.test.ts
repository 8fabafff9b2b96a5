import { describe, expect, it } from 'vitest';
import { filtersFromForm, folderOfPath, formFromParams, formToParams, parseExtensions, profileFromForm } from './search-filters';

describe('search filters', () => {
  it('parses extension lists loosely', () => {
    expect(parseExtensions(' pdf, .DOCX  md,pdf ')).toEqual(['pdf', 'docx', 'md']);
    expect(parseExtensions('')).toEqual([]);
  });

  it('round-trips the form through the URL', () => {
    const form = { q: 'invoice', types: ['pdf', 'txt'], sizeMinMb: '1', sizeMaxMb: '', from: '2024-01-01', to: '' };
    expect(formFromParams(formToParams(form))).toEqual(form);
  });

  it('turns MB and days into the API bounds', () => {
    const filters = filtersFromForm({ q: ' a ', types: [], sizeMinMb: '1.5', sizeMaxMb: 'x', from: '', to: '' });
    expect(filters).toEqual({ q: 'a', types: [], sizeMin: 1572864, sizeMax: undefined, from: undefined, to: undefined });
    expect(profileFromForm('Big', { q: '', types: ['pdf'], sizeMinMb: '1', sizeMaxMb: '', from: '', to: '' })).toEqual({
      name: 'Big',
      query: '',
      fileTypes: ['pdf'],
      sizeMin: 1048576,
    });
  });

  it('shows the folder of a hit whose path ends with its own name', () => {
    expect(folderOfPath('/Docs/2024/report.pdf', 'report.pdf')).toBe('/Docs/2024');
    expect(folderOfPath('/report.pdf', 'report.pdf')).toBe('/');
    expect(folderOfPath('/Docs', 'other')).toBe('/Docs');
  });
});
