import { describe, expect, it } from 'vitest';
import { isoFromJsonTime } from './nodes.repository.js';

// Listings and searches take their timestamps from the database's JSON text; they must read exactly
// as the same instant does through the drivers' Dates (toISOString: UTC, milliseconds, cut off).
describe('isoFromJsonTime', () => {
  it.each([
    ['2026-11-24T23:11:52.853123+00:00', '2026-11-24T23:11:52.853Z'],
    ['2026-11-24T23:11:52.853999+00:00', '2026-11-24T23:11:52.853Z'],
    ['2026-11-24T23:11:52.85+00:00', '2026-11-24T23:11:52.850Z'],
    ['2026-11-24T23:11:52.5+00:00', '2026-11-24T23:11:52.500Z'],
    ['2026-11-24T23:11:52+00:00', '2026-11-24T23:11:52.000Z'],
    ['2026-11-24T18:11:52.853999-05:00', '2026-11-24T23:11:52.853Z'],
    ['2026-11-25T00:41:52.0001+01:30', '2026-11-24T23:11:52.000Z'],
  ])('reads %s as %s', (json, iso) => {
    expect(isoFromJsonTime(json)).toBe(iso);
  });

  it('agrees with Date for any instant written with microseconds', () => {
    for (let i = 0; i < 1000; i++) {
      const millis = Math.floor(Math.random() * 4e12);
      const micros = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
      const iso = new Date(millis).toISOString();
      const json = `${iso.slice(0, 23)}${micros}+00:00`.replace(/\.(\d*?)0+\+/, (_, digits: string) => (digits ? `.${digits}+` : '+'));
      expect(isoFromJsonTime(json)).toBe(iso);
    }
  });
});
