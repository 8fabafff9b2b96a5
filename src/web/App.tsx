import { Suspense, useEffect } from 'react';
import { AppShell } from './components/AppShell';
import { ModuleBoundary } from './components/ModuleBoundary';
import { Spinner } from './components/States';
import { Toaster } from './components/Toaster';
import { navigate, useLocation } from './hooks/navigation';
import { useSession } from './hooks/session';
import { lazyPreloaded, lazyRetrying } from './lib/lazy-preloaded';
import { parseRoute, type Route } from './lib/routes';
import { FavoritesPage } from './routes/FavoritesPage';
import { FilesPage } from './routes/FilesPage';
import { LoginPage } from './routes/LoginPage';
import { NotFoundPage } from './routes/NotFoundPage';
import { RegisterPage } from './routes/RegisterPage';
import { SearchPage } from './routes/SearchPage';
import { SharedPage } from './routes/SharedPage';
import { TrashPage } from './routes/TrashPage';

// Pages most visits never open load on demand, keeping the first download small. A link's page
// is not preloaded: the signed-in app never shows it.
const SettingsPage = lazyPreloaded(() => import('./routes/SettingsPage'));
const PublicSharePage = lazyRetrying(() => import('./routes/PublicSharePage'));

/** `path` when it is a path on this site ("/…", not "//…" or "/\\…"), else `fallback`. */
function localPathOr(path: string | null, fallback: string): string {
  return path !== null && /^\/(?![/\\])/.test(path) ? path : fallback;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** The signed-in page for a route. */
function SignedInPage({ route }: { route: Route }) {
  switch (route.name) {
    case 'files':
      return <FilesPage key={route.folderId ?? 'root'} folderId={route.folderId} />;
    case 'favorites':
      return <FavoritesPage />;
    case 'trash':
      return <TrashPage />;
    case 'search':
      return <SearchPage params={route.params} />;
    case 'shared':
      return <SharedPage />;
    case 'settings':
      return (
        <ModuleBoundary>
          <SettingsPage />
        </ModuleBoundary>
      );
    case 'login':
    case 'register':
    case 'share':
    case 'not-found':
      return <NotFoundPage />;
  }
}

/** Picks the page from the URL: public share pages for anyone, sign-in pages, or the app. */
export function App() {
  const { pathname, search } = useLocation();
  const route = parseRoute(pathname, search);
  const session = useSession();
  // A public link's page shows the same to everyone: it does not ask who is signed in.
  const { ensureChecked } = session;
  useEffect(() => {
    if (route.name !== 'share') {
      ensureChecked();
    }
  }, [route.name, ensureChecked]);

  if (route.name === 'share') {
    return (
      <>
        <ModuleBoundary>
          <Suspense fallback={<Spinner />}>
            <PublicSharePage key={route.token} token={route.token} />
          </Suspense>
        </ModuleBoundary>
        <Toaster />
      </>
    );
  }
  if (session.status === 'loading') {
    return <Spinner label="Starting FileFlow" />;
  }
  if (route.name === 'login' || route.name === 'register') {
    if (session.status === 'signed-in') {
      // Signed in after all (the server answered late): on to where the sign-in page would have led.
      return <Redirect to={route.name === 'login' ? localPathOr(route.next, '/') : '/'} />;
    }
    return route.name === 'login' ? <LoginPage next={route.next} /> : <RegisterPage />;
  }
  if (session.status !== 'signed-in') {
    const here = pathname + search;
    return <Redirect to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} />;
  }
  return (
    <AppShell>
      <Suspense fallback={<Spinner />}>
        <SignedInPage route={route} />
      </Suspense>
    </AppShell>
  );
}
