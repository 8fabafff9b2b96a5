import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { SessionProvider } from './hooks/session';
import { applyTheme } from './hooks/theme';
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
  createRoot(root).render(
    <StrictMode>
      <SessionProvider>
        <App />
      </SessionProvider>
    </StrictMode>,
  );
}
