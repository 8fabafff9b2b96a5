import { createElement, lazy, type ComponentType } from 'react';

type Load<P> = () => Promise<{ default: ComponentType<P> }>;

/** A lazy module that could not be fetched (offline, or renamed by a new deployment). */
export class ModuleLoadError extends Error {
  constructor(cause: unknown) {
    super('Could not load a part of FileFlow', { cause });
    this.name = 'ModuleLoadError';
  }
}

// The loads of every component made with lazyPreloaded, for preloadLazyModules.
const loads: (() => Promise<unknown>)[] = [];
// What retryLazyModules runs: each lazyRetrying or lazyPreloaded component whose load failed starts over.
const retries: (() => void)[] = [];

/**
 * React.lazy over a module fetched when it is first shown. A module that cannot be fetched then
 * throws a ModuleLoadError, for a ModuleBoundary to catch; retryLazyModules then lets it ask again.
 */
export function lazyRetrying<P extends object>(load: Load<P>): ComponentType<P> {
  return retrying(load).component;
}

/**
 * lazyRetrying over a module that preloadLazyModules also fetches once the app has started. The
 * first download stays small, yet a dialog first opened while the server cannot be reached (a
 * preview offline) still opens.
 */
export function lazyPreloaded<P extends object>(load: Load<P>): ComponentType<P> {
  const { component, once } = retrying(load);
  loads.push(once);
  return component;
}

/** The component of lazyRetrying, and its load (asked once at a time, again after a failure). */
function retrying<P extends object>(load: Load<P>): { component: ComponentType<P>; once: () => Promise<unknown> } {
  let pending: ReturnType<Load<P>> | undefined;
  let failed = false;
  const once = () => {
    pending ??= load().catch((error: unknown) => {
      // Not kept: the next preload, or a first open, asks again.
      pending = undefined;
      failed = true;
      throw new ModuleLoadError(error);
    });
    return pending;
  };
  // React.lazy keeps a failed load for good: a retry needs another lazy component over the load.
  let current = lazy(once);
  retries.push(() => {
    if (failed) {
      failed = false;
      current = lazy(once);
    }
  });
  return {
    component: function Retrying(props: P) {
      return createElement(current, props);
    },
    once,
  };
}

/** Fetches the modules of every lazyPreloaded component now, each once. */
export function preloadLazyModules(): void {
  loads.forEach((load) => void load().catch(() => undefined));
}

/** Lets every lazyRetrying or lazyPreloaded component whose module failed to load fetch it again when next shown. */
export function retryLazyModules(): void {
  retries.forEach((retry) => retry());
}
