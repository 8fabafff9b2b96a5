import { describe, expect, it } from 'vitest';
import { parsePostgresTimestamp } from './exact-timestamp.js';

describe('parsePostgresTimestamp', () => {
  it('reads years below 100 as they are, and every offset and fraction Postgres writes', () => {
    expect(parsePostgresTimestamp('0001-06-15 00:00:00+00').toISOString()).toBe('0001-06-15T00:00:00.000Z');
    expect(parsePostgresTimestamp('0049-12-31 23:59:59.999+00').toISOString()).toBe('0049-12-31T23:59:59.999Z');
    expect(parsePostgresTimestamp('2024-03-01 10:20:30.123456+05:30').toISOString()).toBe('2024-03-01T04:50:30.123Z');
    expect(parsePostgresTimestamp('1890-01-01 00:00:00-00:09:21').toISOString()).toBe('1890-01-01T00:09:21.000Z');
    expect(parsePostgresTimestamp('9999-12-31 23:59:59.999+00').toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('refuses what it cannot read rather than guess', () => {
    expect(() => parsePostgresTimestamp('0044-03-15 00:00:00+00 BC')).toThrow();
    expect(() => parsePostgresTimestamp('infinity')).toThrow();
  });
});
