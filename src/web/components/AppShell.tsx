import { useEffect, useState, type ReactNode } from 'react';
import { useLocation } from '../hooks/navigation';
import { preloadLazyModules } from '../lib/lazy-preloaded';
import { ConnectionNotice } from './ConnectionNotice';
import { Header } from './Header';
import { Sidebar } from './Sidebar';
import { Toaster } from './Toaster';
import { UploadPanel } from './UploadPanel';

/** The signed-in layout: sidebar (a drawer on phones), header, connection notice, the page, uploads and toasts. */
export function AppShell({ children }: { children: ReactNode }) {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setDrawerOpen(false), [pathname]);
  // After the page's own loads have started (children's effects run first).
  useEffect(preloadLazyModules, []);

  useEffect(() => {
    if (!drawerOpen) {
      return;
    }
    // The open drawer takes the focus (the rest of the page is inert meanwhile) and gives it back
    // to the menu button when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    document.querySelector<HTMLElement>('#sidebar a, #sidebar button')?.focus();
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setDrawerOpen(false);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      const active = document.activeElement;
      if (opener?.isConnected && (!active || active === document.body || active.closest('#sidebar'))) {
        opener.focus();
      }
    };
  }, [drawerOpen]);

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar open={drawerOpen} onNavigate={() => setDrawerOpen(false)} />
      {drawerOpen ? <div className="drawer-backdrop" aria-hidden="true" onClick={() => setDrawerOpen(false)} /> : null}
      <div className="app-column" inert={drawerOpen}>
        <Header drawerOpen={drawerOpen} onMenu={() => setDrawerOpen(true)} />
        <main id="main" className="app-main" tabIndex={-1}>
          <ConnectionNotice />
          {children}
        </main>
      </div>
      <UploadPanel />
      <Toaster />
    </div>
  );
}
