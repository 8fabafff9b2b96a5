import { useEffect, useId, useState } from 'react';
import { parseExtensions, TYPE_PRESETS, type SearchForm } from '../lib/search-filters';
import { Icon } from './Icon';

/**
 * Query, file types (presets or extensions), size range in MB and date range. On phones only the
 * name shows until the Filters button opens the rest (CSS hides the button on wider screens).
 */
export function SearchFiltersForm({
  initial,
  onSearch,
  onSave,
}: {
  initial: SearchForm;
  onSearch: (form: SearchForm) => void;
  onSave: (form: SearchForm) => void;
}) {
  const [form, setForm] = useState(initial);
  const [extensionsText, setExtensionsText] = useState(initial.types.join(', '));
  useEffect(() => {
    setForm(initial);
    setExtensionsText(initial.types.join(', '));
  }, [initial]);

  const set = (change: Partial<SearchForm>) => setForm((current) => ({ ...current, ...change }));
  const setTypes = (types: string[]) => {
    set({ types });
    setExtensionsText(types.join(', '));
  };
  const current = () => ({ ...form, types: parseExtensions(extensionsText) });
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setProblem(null), [form]);
  const [expanded, setExpanded] = useState(false);
  const id = useId();
  const extra = { extensions: `${id}-extensions`, types: `${id}-types`, bounds: `${id}-bounds` };
  // How many of the filters the Filters button hides are set, so a closed form still says so.
  const active = [parseExtensions(extensionsText).length > 0, form.sizeMinMb, form.sizeMaxMb, form.from, form.to].filter(Boolean).length;

  return (
    <form
      className={expanded ? 'search-filters is-expanded' : 'search-filters'}
      aria-label="Search filters"
      onSubmit={(event) => {
        event.preventDefault();
        const crossed = boundsProblem(form);
        setProblem(crossed);
        if (!crossed) {
          onSearch(current());
        }
      }}
    >
      <div className="filter-row">
        <label className="field grow">
          <span className="field-label">Name contains</span>
          <input
            className="input"
            type="search"
            value={form.q}
            onChange={(event) => set({ q: event.target.value })}
            placeholder="Any name"
          />
        </label>
        <button
          type="button"
          className="button filters-toggle"
          aria-expanded={expanded}
          aria-controls={`${extra.extensions} ${extra.types} ${extra.bounds}`}
          onClick={() => setExpanded((open) => !open)}
        >
          Filters{active > 0 ? ` (${active})` : ''}
          <Icon name="chevronDown" size={16} />
        </button>
        <label className="field filter-extra" id={extra.extensions}>
          <span className="field-label">Extensions</span>
          <input
            className="input"
            value={extensionsText}
            onChange={(event) => setExtensionsText(event.target.value)}
            onBlur={() => set({ types: parseExtensions(extensionsText) })}
            placeholder="pdf, docx"
          />
        </label>
      </div>
      <div className="chip-row filter-extra" id={extra.types} role="group" aria-label="File types">
        {TYPE_PRESETS.map((preset) => {
          const types = parseExtensions(extensionsText);
          const on = preset.extensions.every((ext) => types.includes(ext));
          return (
            <button
              key={preset.id}
              type="button"
              className={on ? 'chip on' : 'chip'}
              aria-pressed={on}
              onClick={() => {
                const next = on ? types.filter((ext) => !preset.extensions.includes(ext)) : [...new Set([...types, ...preset.extensions])];
                setTypes(next);
                // A type chip searches at once, so the results never sit under a filter they do not match.
                if (!boundsProblem(form)) {
                  onSearch({ ...form, types: next });
                }
              }}
            >
              {preset.label}
            </button>
          );
        })}
      </div>
      <div className="filter-row filter-bounds filter-extra" id={extra.bounds}>
        <label className="field">
          <span className="field-label">Min size (MB)</span>
          <input
            className="input"
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            value={form.sizeMinMb}
            onChange={(event) => set({ sizeMinMb: event.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">Max size (MB)</span>
          <input
            className="input"
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            value={form.sizeMaxMb}
            onChange={(event) => set({ sizeMaxMb: event.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">Added from</span>
          <input className="input" type="date" value={form.from} onChange={(event) => set({ from: event.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">Added until</span>
          <input className="input" type="date" value={form.to} onChange={(event) => set({ to: event.target.value })} />
        </label>
      </div>
      {problem ? (
        <p className="form-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary">
          <Icon name="search" size={18} /> Search
        </button>
        <button type="button" className="button" onClick={() => onSave(current())}>
          <Icon name="star" size={18} /> Save search
        </button>
      </div>
    </form>
  );
}

/** Why the bounds cannot match anything (the server would refuse them), or null. */
function boundsProblem(form: SearchForm): string | null {
  const min = form.sizeMinMb === '' ? NaN : Number(form.sizeMinMb);
  const max = form.sizeMaxMb === '' ? NaN : Number(form.sizeMaxMb);
  if (min > max) {
    return 'The minimum size is larger than the maximum.';
  }
  if (form.from !== '' && form.to !== '' && form.from > form.to) {
    return 'The "Added from" date is after the "Added until" date.';
  }
  return null;
}
