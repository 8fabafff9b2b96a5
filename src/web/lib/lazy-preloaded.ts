import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

type Load<P> = () => Promise<{ default: ComponentType<P> }>;

// The loads of every component made with lazyPreloaded, for preloadLazyModules.
const loads: (() => Promise<unknown>)[] = [];

/**
 * React.lazy over a module that preloadLazyModules also fetches once the app has started. The
 * first download stays small, yet a dialog first opened while the server cannot be reached (a
 * preview offline) still opens: a lazy module that fails to load takes the whole app down with it.
 */
export function lazyPreloaded<P extends object>(load: Load<P>): LazyExoticComponent<ComponentType<P>> {
  let pending: ReturnType<Load<P>> | undefined;
  const once = () => {
    pending ??= load().catch((error: unknown) => {
      // Not kept: the next preload, or a first open, asks again. React.lazy itself keeps a
      // failed load for good, so a dialog first opened while its module still cannot be
      // fetched (the app started offline, or a new deployment renamed the modules) still fails.
      pending = undefined;
      throw error;
    });
    return pending;
  };
  loads.push(once);
  return lazy(once);
}

/** Fetches the modules of every lazyPreloaded component now, each once. */
export function preloadLazyModules(): void {
  loads.forEach((load) => void load().catch(() => undefined));
}
