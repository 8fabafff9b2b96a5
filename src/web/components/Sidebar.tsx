import type { ReactNode } from 'react';
import { useLocation } from '../hooks/navigation';
import { useSearchProfiles } from '../hooks/useSearchProfiles';
import { Icon, type IconName } from './Icon';
import { Link } from './Link';
import { StorageMeter } from './StorageMeter';

const NAV: { to: string; label: string; icon: IconName; match(pathname: string): boolean }[] = [
  { to: '/', label: 'My files', icon: 'folder', match: (p) => p === '/' || p.startsWith('/folders/') },
  { to: '/favorites', label: 'Favourites', icon: 'star', match: (p) => p === '/favorites' },
  { to: '/shared', label: 'Shared links', icon: 'link', match: (p) => p === '/shared' },
  { to: '/trash', label: 'Trash', icon: 'trash', match: (p) => p === '/trash' },
  { to: '/settings', label: 'Settings', icon: 'settings', match: (p) => p === '/settings' },
];

function NavLink({
  to,
  icon,
  active,
  children,
  onNavigate,
}: {
  to: string;
  icon: IconName;
  active: boolean;
  children: ReactNode;
  onNavigate: () => void;
}) {
  return (
    <Link to={to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined} onClick={onNavigate}>
      <Icon name={icon} />
      <span>{children}</span>
    </Link>
  );
}

/** Navigation, saved searches and the storage meter; a drawer on phones. */
export function Sidebar({ open, onNavigate }: { open: boolean; onNavigate: () => void }) {
  const { pathname, search } = useLocation();
  const profiles = useSearchProfiles();
  const activeProfile = pathname === '/search' ? new URLSearchParams(search).get('profile') : null;
  return (
    <aside id="sidebar" className={open ? 'sidebar open' : 'sidebar'} aria-label="Sidebar">
      <Link to="/" className="brand" onClick={onNavigate}>
        <span className="brand-mark" aria-hidden="true">
          <Icon name="cloud" size={22} />
        </span>
        <span>FileFlow</span>
      </Link>
      <nav aria-label="Main">
        {NAV.map((item) => (
          <NavLink key={item.to} to={item.to} icon={item.icon} active={item.match(pathname)} onNavigate={onNavigate}>
            {item.label}
          </NavLink>
        ))}
      </nav>
      {profiles.length > 0 ? (
        <nav aria-label="Saved searches" className="sidebar-section">
          <h2 className="sidebar-heading">Saved searches</h2>
          {profiles.map((profile) => (
            <NavLink
              key={profile.id}
              to={`/search?profile=${encodeURIComponent(profile.id)}`}
              icon="search"
              active={activeProfile === profile.id}
              onNavigate={onNavigate}
            >
              {profile.name}
            </NavLink>
          ))}
        </nav>
      ) : null}
      <div className="sidebar-footer">
        <StorageMeter />
      </div>
    </aside>
  );
}
