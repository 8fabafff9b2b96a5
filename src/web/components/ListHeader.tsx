import type { SortKey, SortOrder } from '../api/types';
import { Icon } from './Icon';

export interface SortControl {
  key: SortKey;
  order: SortOrder;
  onChange: (key: SortKey, order: SortOrder) => void;
}

function SortButton({ label, sortKey, sort, className }: { label: string; sortKey: SortKey; sort?: SortControl; className: string }) {
  if (!sort) {
    return <span className={className}>{label}</span>;
  }
  const active = sort.key === sortKey;
  // The list is a listbox, not a table: no column headers, so each button says how it sorts.
  return (
    <span className={className}>
      <button
        type="button"
        className="sort-button"
        aria-pressed={active}
        onClick={() => sort.onChange(sortKey, active && sort.order === 'asc' ? 'desc' : 'asc')}
      >
        {label}
        {active ? (
          <>
            <Icon name={sort.order === 'asc' ? 'arrowUp' : 'arrowDown'} size={14} />
            <span className="visually-hidden">{sort.order === 'asc' ? ', ascending' : ', descending'}</span>
          </>
        ) : null}
      </button>
    </span>
  );
}

/** Column titles of the list view; they sort when the view can. */
export function ListHeader({ sort, allSelected, onToggleAll }: { sort?: SortControl; allSelected: boolean; onToggleAll: () => void }) {
  return (
    <div className="list-header" role="group" aria-label="Sort and select">
      <span className="row-check-cell">
        <input type="checkbox" className="checkbox" checked={allSelected} onChange={onToggleAll} aria-label="Select all" />
      </span>
      <span aria-hidden="true" />
      <SortButton label="Name" sortKey="name" sort={sort} className="row-name" />
      <SortButton label="Size" sortKey="size" sort={sort} className="row-size" />
      <SortButton label="Added" sortKey="createdAt" sort={sort} className="row-date" />
      <span className="row-more" />
    </div>
  );
}
