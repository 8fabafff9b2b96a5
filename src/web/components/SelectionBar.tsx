import type { MenuEntry } from './ContextMenu';
import { Icon } from './Icon';

/** Shown while items are selected: how many, the main actions, and a way to clear the selection. */
export function SelectionBar({
  count,
  entries,
  onMore,
  onClear,
}: {
  count: number;
  entries: MenuEntry[];
  onMore: (button: HTMLElement) => void;
  onClear: () => void;
}) {
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected items">
      <button type="button" className="icon-button" aria-label="Clear selection" onClick={onClear}>
        <Icon name="close" size={18} />
      </button>
      <span className="selection-count" aria-live="polite">
        {count.toLocaleString()} selected
      </span>
      <div className="selection-actions">
        {entries
          .filter((entry) => entry.primary)
          .map((entry) => (
            <button
              key={entry.id}
              type="button"
              className={entry.danger ? 'button small danger' : 'button small'}
              onClick={entry.run}
              title={entry.label}
            >
              <Icon name={entry.icon} size={16} />
              <span className="label-wide">{entry.label.replace('…', '')}</span>
            </button>
          ))}
      </div>
      {/* Outside the scrolling actions, so it stays on screen however many of them there are. */}
      <button type="button" className="icon-button" aria-label="More actions" onClick={(event) => onMore(event.currentTarget)}>
        <Icon name="more" size={18} />
      </button>
    </div>
  );
}
