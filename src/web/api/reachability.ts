/**
 * Whether the server can be reached. A request that fails on the way (no network, the server or
 * its proxy down) marks it unreachable; from then on it is asked again (GET /api/health) after a
 * growing delay, and at once when the browser says it is online again, until it answers. Any
 * answer marks it reachable: loads that failed meanwhile listen for that moment (onReachable)
 * and try again by themselves.
 */
export type Reachability = 'reachable' | 'offline' | 'unreachable';

/** Delays between health checks while the server cannot be reached, the last one repeated. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];

let unreachable = false;
let attempt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let checking = false;
const listeners = new Set<() => void>();
const reachableListeners = new Set<() => void>();

let state: Reachability = 'reachable';
function update(): void {
  // The browser knows when it has no network at all: then that is what the notice says.
  const next: Reachability = !unreachable ? 'reachable' : navigator.onLine ? 'unreachable' : 'offline';
  if (next !== state) {
    state = next;
    listeners.forEach((listener) => listener());
  }
}

/** Where things stand now. */
export function reachability(): Reachability {
  return state;
}

/** Calls `listener` whenever reachability() changes. */
export function subscribeReachability(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls `listener` each time the server answers again after it could not be reached. */
export function onReachable(listener: () => void): () => void {
  reachableListeners.add(listener);
  return () => reachableListeners.delete(listener);
}

/** A request failed on the way: the server is unreachable until a request (or a health check) gets an answer. */
export function reportUnreachable(): void {
  if (!unreachable) {
    unreachable = true;
    attempt = 0;
    scheduleCheck();
  }
  update();
}

/** A request got an answer from the server. */
export function reportReachable(): void {
  if (!unreachable) {
    return;
  }
  unreachable = false;
  clearTimeout(timer);
  update();
  reachableListeners.forEach((listener) => listener());
}

/** Asks the server at once instead of at the next retry (a Retry button, the browser back online). */
export function checkNow(): void {
  if (unreachable) {
    void check();
  }
}

function scheduleCheck(): void {
  clearTimeout(timer);
  const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
  timer = setTimeout(() => void check(), delay);
}

async function check(): Promise<void> {
  if (checking) {
    return;
  }
  checking = true;
  clearTimeout(timer);
  try {
    // The health check answers 503 while the database or the blob store does not: loads would fail too.
    const response = await fetch('/api/health', { cache: 'no-store' });
    if (response.ok) {
      reportReachable();
      return;
    }
  } catch {
    // Still no way through.
  } finally {
    checking = false;
  }
  // Unless another request got through meanwhile.
  if (unreachable) {
    attempt += 1;
    scheduleCheck();
  }
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    update();
    checkNow();
  });
  window.addEventListener('offline', reportUnreachable);
}
