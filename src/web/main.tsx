import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { SessionProvider } from './hooks/session';
import { applyTheme } from './hooks/theme';
import { ModuleLoadError } from './lib/lazy-preloaded';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/files.css';
import './styles/dialogs.css';
import './styles/panels.css';
import './styles/pages.css';

// Before the first paint, so a chosen theme never flashes the other one.
applyTheme();

const root = document.getElementById('root');
if (root) {
  createRoot(root, {
    // A module that cannot be fetched (offline, say) is expected, and its ModuleBoundary says so
    // on the page; any other error a boundary catches is logged, as React does by default.
    onCaughtError: (error, info) => {
      if (!(error instanceof ModuleLoadError)) {
        console.error(error, info.componentStack);
      }
    },
  }).render(
    <StrictMode>
      <SessionProvider>
        <App />
      </SessionProvider>
    </StrictMode>,
  );
}
