import { customType } from 'drizzle-orm/pg-core';

// Postgres's ISO output of a timestamptz: "0001-06-15 00:00:00+00", "2024-03-01 10:20:30.123456+05:30".
const POSTGRES_TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|Z)?( BC)?$/;

/**
 * A timestamptz as Postgres writes it, as a Date, for every year from 1 to 9999. `new Date()` on
 * that text (what Drizzle's timestamp column does) reads years 1–99 as 1901–2049: a saved search
 * from "0049-06-15" came back as 2049. Throws on text it cannot read, rather than guess.
 */
export function parsePostgresTimestamp(text: string): Date {
  const match = POSTGRES_TIMESTAMP.exec(text);
  if (!match || match[12]) {
    throw new Error(`not a timestamp this server reads: ${text}`);
  }
  const [, year, month, day, hours, minutes, seconds, fraction, sign, offsetHours, offsetMinutes, offsetSeconds] = match;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years below 100 as they are.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds), Math.floor(Number(`0.${fraction ?? '0'}`) * 1000));
  const offset = (Number(offsetHours ?? 0) * 3600 + Number(offsetMinutes ?? 0) * 60 + Number(offsetSeconds ?? 0)) * 1000;
  return new Date(date.getTime() - (sign === '-' ? -offset : offset));
}

/** A `timestamp with time zone` column read back exactly, whatever the year (see parsePostgresTimestamp). */
export const exactTimestamp = customType<{ data: Date; driverData: string | Date }>({
  dataType: () => 'timestamp with time zone',
  toDriver: (value) => value.toISOString(),
  fromDriver: (value) => (value instanceof Date ? value : parsePostgresTimestamp(value)),
});
