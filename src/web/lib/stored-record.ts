/**
 * A small JSON object kept in localStorage under `key`. Storage that is full, refused or holds
 * something else reads as empty and writes are dropped: what is kept here is only a convenience.
 */
export function readStoredRecord(key: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function writeStoredRecord(key: string, record: Record<string, unknown> | null): void {
  try {
    if (record === null) {
      localStorage.removeItem(key);
    } else {
      localStorage.setItem(key, JSON.stringify(record));
    }
  } catch {
    // Storage full or refused: nothing is remembered.
  }
}
