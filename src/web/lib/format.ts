const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** "1.4 MB" (binary multiples, the way file managers count). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '—';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit] ?? 'B'}`;
}

/** "2.1 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A date and time in the user's locale. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateFormat.format(date);
}

/** A day in the user's locale. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dayFormat.format(date);
}

/** "3 days", "5 hours", "12 minutes", "less than a minute". */
export function formatDuration(ms: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  // Days and hours to the nearest: a 30-day retention just begun reads "30 days", not "29 days".
  if (ms >= 86_400_000) {
    return plural(Math.round(ms / 86_400_000), 'day');
  }
  if (ms >= 3_600_000) {
    return plural(Math.round(ms / 3_600_000), 'hour');
  }
  if (ms >= 60_000) {
    return plural(Math.floor(ms / 60_000), 'minute');
  }
  return 'less than a minute';
}

/** "3 of 10". */
export function formatCount(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}
