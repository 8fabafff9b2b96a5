/** Every page of the app, parsed from the location. */
export type Route =
  | { name: 'files'; folderId: string | null }
  | { name: 'favorites' }
  | { name: 'trash' }
  | { name: 'search'; params: URLSearchParams }
  | { name: 'shared' }
  | { name: 'settings' }
  | { name: 'login'; next: string | null }
  | { name: 'register' }
  | { name: 'share'; token: string }
  | { name: 'not-found' };

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The route for a path and query string. */
export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(search);
  const folder = /^\/folders\/([^/]+)$/.exec(path);
  const share = /^\/s\/([^/]+)$/.exec(path);
  if (folder?.[1]) {
    return { name: 'files', folderId: decode(folder[1]) };
  }
  if (share?.[1]) {
    return { name: 'share', token: decode(share[1]) };
  }
  switch (path) {
    case '/':
      return { name: 'files', folderId: null };
    case '/favorites':
      return { name: 'favorites' };
    case '/trash':
      return { name: 'trash' };
    case '/search':
      return { name: 'search', params };
    case '/shared':
      return { name: 'shared' };
    case '/settings':
      return { name: 'settings' };
    case '/login':
      return { name: 'login', next: params.get('next') };
    case '/register':
      return { name: 'register' };
    default:
      return { name: 'not-found' };
  }
}

/** The path of a folder's page (the root is "/"). */
export function folderPath(folderId: string | null): string {
  return folderId === null ? '/' : `/folders/${encodeURIComponent(folderId)}`;
}
