import { Component, type ReactNode } from 'react';
import { unreachableTitle, useReachability } from '../hooks/useReachability';
import { ModuleLoadError, retryLazyModules } from '../lib/lazy-preloaded';
import { Icon } from './Icon';
import { Modal } from './Modal';

const TITLE = 'Could not load this part of FileFlow';

/** Why a part of the app could not be shown, with Try again (`titled`: with its own heading). */
function ModuleFailure({ error, onRetry, titled }: { error: unknown; onRetry: () => void; titled: boolean }) {
  const state = useReachability();
  // A module's fetch is not an API request: the browser's own word on its network counts too.
  const offline = state === 'offline' || !navigator.onLine;
  let text = 'Something went wrong while showing it.';
  if (error instanceof ModuleLoadError) {
    text =
      offline || state === 'unreachable'
        ? `${unreachableTitle(offline ? 'offline' : state)}. Try again once the connection is back.`
        : 'It could not be fetched. If FileFlow was updated since this page was opened, reload the page.';
  }
  return (
    <div className="empty-state error-state" role="alert">
      <span className="empty-icon">
        <Icon name="alert" size={40} />
      </span>
      {titled ? <h2>{TITLE}</h2> : null}
      <p className="empty-text">{text}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

interface ModuleBoundaryProps {
  children: ReactNode;
  /** Shown as a dialog closed by this (a lazy dialog's place), else in the page's place. */
  onClose?: () => void;
}

interface ModuleBoundaryState {
  failed: boolean;
  error: unknown;
}

/**
 * Catches a lazy module that cannot be loaded (lazyPreloaded), or a part that fails to render,
 * where it is shown: the rest of the app keeps working, and Try again fetches the module again.
 */
export class ModuleBoundary extends Component<ModuleBoundaryProps, ModuleBoundaryState> {
  override state: ModuleBoundaryState = { failed: false, error: undefined };

  static getDerivedStateFromError(error: unknown): ModuleBoundaryState {
    return { failed: true, error };
  }

  private retry = () => {
    retryLazyModules();
    this.setState({ failed: false, error: undefined });
  };

  override render(): ReactNode {
    const { children, onClose } = this.props;
    if (!this.state.failed) {
      return children;
    }
    return onClose ? (
      <Modal title={TITLE} onClose={onClose}>
        <ModuleFailure error={this.state.error} onRetry={this.retry} titled={false} />
      </Modal>
    ) : (
      <ModuleFailure error={this.state.error} onRetry={this.retry} titled />
    );
  }
}
