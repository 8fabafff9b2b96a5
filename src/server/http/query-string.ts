import { parse } from 'node:querystring';

/**
 * Fastify's query string parser, with one difference: a parameter given empty (`?sizeMax=`) is
 * the same as one not given. The contract writes its query templates that way
 * (`/api/search?q=&sizeMin=&sizeMax=...`), so a client that fills in only some of them must get
 * the defaults for the rest, not a size bound of 0 or a 400 for an empty `conflict=`.
 */
export function parseQueryString(query: string): Record<string, string | string[]> {
  if (query.length === 0) {
    return {};
  }
  const parsed = parse(query) as Record<string, string | string[]>;
  for (const key of Object.keys(parsed)) {
    if (parsed[key] === '') {
      delete parsed[key];
    }
  }
  return parsed;
}
