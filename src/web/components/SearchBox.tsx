import { useEffect, useState } from 'react';
import { navigate, useLocation } from '../hooks/navigation';
import { Icon } from './Icon';

/** The header's search field; Enter opens the search page with the query. "/" focuses it. */
export function SearchBox() {
  const { pathname, search } = useLocation();
  const current = pathname === '/search' ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [value, setValue] = useState(current);
  useEffect(() => setValue(current), [current]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target;
      if (
        event.key === '/' &&
        !(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
      ) {
        event.preventDefault();
        document.getElementById('global-search')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        const params = pathname === '/search' ? new URLSearchParams(search) : new URLSearchParams();
        params.delete('profile');
        params.set('q', value.trim());
        navigate(`/search?${params.toString()}`);
      }}
    >
      <Icon name="search" size={18} />
      <label htmlFor="global-search" className="visually-hidden">
        Search files
      </label>
      <input
        id="global-search"
        type="search"
        placeholder="Search files"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        autoComplete="off"
      />
      <kbd className="search-hint" aria-hidden="true">
        /
      </kbd>
    </form>
  );
}
