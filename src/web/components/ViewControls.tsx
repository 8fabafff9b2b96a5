import type { SortKey, SortOrder } from '../api/types';
import type { ViewPrefs } from '../hooks/useViewPrefs';
import { Icon } from './Icon';

const SORTS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Size' },
  { key: 'createdAt', label: 'Date added' },
  { key: 'type', label: 'Type' },
];

/** Sort field, direction, and list/grid. */
export function ViewControls({ prefs, onChange }: { prefs: ViewPrefs; onChange: (change: Partial<ViewPrefs>) => void }) {
  const flip: SortOrder = prefs.order === 'asc' ? 'desc' : 'asc';
  return (
    <div className="view-controls">
      <label className="sort-select">
        <span className="visually-hidden">Sort by</span>
        <select className="input small" value={prefs.sort} onChange={(event) => onChange({ sort: event.target.value as SortKey })}>
          {SORTS.map((sort) => (
            <option key={sort.key} value={sort.key}>
              {sort.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="icon-button"
        aria-label={prefs.order === 'asc' ? 'Ascending (switch to descending)' : 'Descending (switch to ascending)'}
        title={prefs.order === 'asc' ? 'Ascending' : 'Descending'}
        onClick={() => onChange({ order: flip })}
      >
        <Icon name={prefs.order === 'asc' ? 'arrowUp' : 'arrowDown'} size={18} />
      </button>
      <div className="segmented" role="group" aria-label="Layout">
        <button
          type="button"
          className="icon-button"
          aria-pressed={prefs.view === 'list'}
          aria-label="List view"
          onClick={() => onChange({ view: 'list' })}
        >
          <Icon name="list" size={18} />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-pressed={prefs.view === 'grid'}
          aria-label="Grid view"
          onClick={() => onChange({ view: 'grid' })}
        >
          <Icon name="grid" size={18} />
        </button>
      </div>
    </div>
  );
}
