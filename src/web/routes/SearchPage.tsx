import { useEffect, useMemo, useState } from 'react';
import { createSearchProfile, deleteSearchProfile, getSearchProfile, profileResults, search, updateSearchProfile } from '../api/search';
import type { SearchResult } from '../api/types';
import { FileBrowser, type BrowserCommands } from '../components/FileBrowser';
import { Icon } from '../components/Icon';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PromptDialog } from '../components/PromptDialog';
import { SearchFiltersForm } from '../components/SearchFiltersForm';
import { EmptyState, ErrorState } from '../components/States';
import { invalidateData } from '../hooks/data-version';
import { navigate, useEntryNumber, useOverlayHistory } from '../hooks/navigation';
import { showToast } from '../hooks/toasts';
import { useAsync } from '../hooks/useAsync';
import { useNodeActions } from '../hooks/useNodeActions';
import { useStaticSource } from '../hooks/useStaticSource';
import { formatCount } from '../lib/format';
import { handOffListFocus } from '../lib/focus-handoff';
import { folderPath } from '../lib/routes';
import { savedSearchNameProblem } from '../lib/saved-search-name';
import {
  filtersFromForm,
  folderOfPath,
  formFromParams,
  formFromProfile,
  formToParams,
  profileFromForm,
  type SearchForm,
} from '../lib/search-filters';

const PAGE = 50;

/** A search hit's path (views hand back plain nodes). */
const pathOf = (node: object): string => ('path' in node && typeof node.path === 'string' ? node.path : '');

/** Search by name with type, size and date filters, or run a saved profile; save the current search. */
export function SearchPage({ params }: { params: URLSearchParams }) {
  const profileId = params.get('profile');
  const paramsKey = params.toString();
  // Kept in the history entry: Back to these results shows as many as "Show more" had loaded,
  // which lets the list's remembered scroll position land on the same rows.
  const [pages, setPages] = useEntryNumber('searchPages', 1);
  const [saving, setSaving] = useState<SearchForm | null>(null);
  const [managing, setManaging] = useState<'rename' | 'delete' | null>(null);
  // Back closes these dialogs as it does every other one, staying on the results.
  useOverlayHistory('search-save', saving, setSaving);
  useOverlayHistory('search-manage', managing, setManaging);
  const actions = useNodeActions();
  useEffect(() => {
    document.title = 'Search · FileFlow';
  }, []);

  const profile = useAsync((signal) => (profileId ? getSearchProfile(profileId, signal) : Promise.resolve(null)), [profileId]);
  const form = useMemo(
    () => (profile.data ? formFromProfile(profile.data) : formFromParams(new URLSearchParams(paramsKey))),
    [profile.data, paramsKey],
  );
  const hasQuery = profileId !== null || paramsKey.length > 0;
  const results = useAsync(
    async (signal): Promise<{ results: SearchResult[]; total: number }> => {
      if (!hasQuery) {
        return { results: [], total: 0 };
      }
      const filters = filtersFromForm(formFromParams(new URLSearchParams(paramsKey)));
      // Pages of the contract's default size, fetched together and joined.
      const answers = await Promise.all(
        Array.from({ length: pages }, (_, i) => {
          const page = { offset: i * PAGE, limit: PAGE };
          return profileId ? profileResults(profileId, page, signal) : search(filters, page, signal);
        }),
      );
      return { results: answers.flatMap((answer) => answer.results), total: answers[0]?.total ?? 0 };
    },
    // Keyed on the address, not on `form`: that is rebuilt once the saved search (none, for a plain
    // search) has loaded, and would start the same search again, aborting the first.
    [profileId, paramsKey, pages],
    { revalidate: true },
  );
  const items = results.data?.results;
  const source = useStaticSource(items, results.loading, results.error, results.reload);

  const commands: BrowserCommands = {
    open: actions.open,
    remove: actions.trash,
    rename: actions.rename,
    menuFor: (nodes, siblings) => [
      ...(nodes.length === 1 && nodes[0]
        ? [
            {
              id: 'show',
              label: 'Show in folder',
              icon: 'folder' as const,
              run: () => {
                // The folder opens with this item selected and in view.
                handOffListFocus(nodes[0]?.id ?? null, { select: true });
                navigate(folderPath(nodes[0]?.parentId ?? null));
              },
            },
          ]
        : []),
      ...actions.menuFor(nodes, siblings),
    ],
  };

  return (
    <div className="page search-page">
      <div className="page-header">
        <h1 className="page-title">{profile.data ? `Saved search: ${profile.data.name}` : 'Search'}</h1>
        {profile.data ? (
          <div className="toolbar">
            <span className="toolbar-spacer" />
            <button type="button" className="button small" onClick={() => setManaging('rename')}>
              <Icon name="edit" size={16} /> Rename
            </button>
            <button type="button" className="button danger small" onClick={() => setManaging('delete')}>
              <Icon name="trash" size={16} /> Delete saved search
            </button>
          </div>
        ) : null}
        <SearchFiltersForm initial={form} onSearch={(next) => navigate(`/search?${formToParams(next).toString()}`)} onSave={setSaving} />
        {results.data && hasQuery && results.error === undefined ? (
          <p className="result-count" role="status">
            {formatCount(results.data.total, 'result')}
          </p>
        ) : null}
      </div>
      {/* A saved search that is gone shows one error, not its results' error as well. */}
      {profile.error ? (
        <ErrorState error={profile.error} />
      ) : (
        <FileBrowser
          source={source}
          label="Search results"
          view="list"
          resetKey={paramsKey}
          commands={commands}
          secondary={(node) => `in My files${folderOfPath(pathOf(node), node.name).replace(/^\/$/, '')}`}
          empty={
            hasQuery ? (
              <EmptyState icon="search" title="Nothing found">
                <p>Try fewer filters or another part of the name.</p>
              </EmptyState>
            ) : (
              <EmptyState icon="search" title="Search your files">
                <p>Type part of a name, or pick types, sizes and dates.</p>
              </EmptyState>
            )
          }
        />
      )}
      {results.data && results.data.total > (items?.length ?? 0) ? (
        <div className="load-more">
          <button type="button" className="button" onClick={() => setPages(pages + 1)}>
            Show more results
          </button>
        </div>
      ) : null}
      {saving ? (
        <PromptDialog
          title="Save this search"
          label="Name"
          initialValue={saving.q || 'My search'}
          check={savedSearchNameProblem}
          submitLabel="Save"
          onClose={() => setSaving(null)}
          onSubmit={async (name) => {
            const created = await createSearchProfile(profileFromForm(name, saving));
            invalidateData();
            showToast(`Saved “${name}”.`, 'success');
            navigate(`/search?profile=${encodeURIComponent(created.id)}`);
          }}
        />
      ) : null}
      {managing === 'rename' && profile.data ? (
        <PromptDialog
          title="Rename saved search"
          label="Name"
          initialValue={profile.data.name}
          check={savedSearchNameProblem}
          submitLabel="Rename"
          onClose={() => setManaging(null)}
          onSubmit={async (name) => {
            await updateSearchProfile(profile.data?.id ?? '', { name });
            invalidateData();
            profile.reload();
          }}
        />
      ) : null}
      {managing === 'delete' && profile.data ? (
        <ConfirmDialog
          title="Delete this saved search?"
          confirmLabel="Delete saved search"
          danger
          onClose={() => setManaging(null)}
          onConfirm={async () => {
            await deleteSearchProfile(profile.data?.id ?? '');
            invalidateData();
            showToast('Saved search deleted.', 'success');
            navigate('/search', { replace: true });
          }}
        >
          <p>“{profile.data.name}” goes from the list of saved searches. No file is touched.</p>
        </ConfirmDialog>
      ) : null}
      {actions.element}
    </div>
  );
}
