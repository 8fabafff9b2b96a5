type Value = string | number | boolean | null | undefined;

/** "?a=1&b=x" from the defined values, or "" when there are none. */
export function queryString(params: Record<string, Value>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
