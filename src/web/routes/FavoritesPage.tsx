import { useEffect, useMemo } from 'react';
import { listFavorites } from '../api/tree';
import { FileBrowser, type BrowserCommands } from '../components/FileBrowser';
import { EmptyState } from '../components/States';
import { ViewControls } from '../components/ViewControls';
import { useAsync } from '../hooks/useAsync';
import { useNodeActions } from '../hooks/useNodeActions';
import { useStaticSource } from '../hooks/useStaticSource';
import { useViewPrefs } from '../hooks/useViewPrefs';
import { sortNodes } from '../lib/sort';

/** Starred files and folders, wherever they live. */
export function FavoritesPage() {
  const [prefs, setPrefs] = useViewPrefs();
  const favorites = useAsync(async (signal) => (await listFavorites(signal)).items, [], { revalidate: true });
  const sorted = useMemo(
    () => (favorites.data ? sortNodes(favorites.data, prefs.sort, prefs.order) : undefined),
    [favorites.data, prefs.sort, prefs.order],
  );
  const source = useStaticSource(sorted, favorites.loading, favorites.error, favorites.reload);
  const actions = useNodeActions();
  useEffect(() => {
    document.title = 'Favourites · FileFlow';
  }, []);

  const commands: BrowserCommands = {
    open: actions.open,
    menuFor: actions.menuFor,
    remove: actions.trash,
    rename: actions.rename,
    moveInto: (nodes, targetId) => actions.moveTo(nodes, targetId),
  };
  return (
    <div className="page">
      <div className="page-header">
        <h1 className="page-title">Favourites</h1>
        <div className="toolbar">
          <span className="toolbar-spacer" />
          <ViewControls prefs={prefs} onChange={setPrefs} />
        </div>
      </div>
      <FileBrowser
        source={source}
        label="Favourites"
        view={prefs.view}
        sort={{ key: prefs.sort, order: prefs.order, onChange: (sort, order) => setPrefs({ sort, order }) }}
        resetKey="favorites"
        commands={commands}
        empty={
          <EmptyState icon="star" title="No favourites yet">
            <p>Right-click a file or folder and choose “Add to favourites” to find it here.</p>
          </EmptyState>
        }
      />
      {actions.element}
    </div>
  );
}
