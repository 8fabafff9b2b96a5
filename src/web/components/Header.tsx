import { Icon } from './Icon';
import { SearchBox } from './SearchBox';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

/** The top bar: the drawer button on phones, search, theme and account. */
export function Header({ drawerOpen, onMenu }: { drawerOpen: boolean; onMenu: () => void }) {
  return (
    <header className="app-header">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label="Open navigation"
        aria-controls="sidebar"
        aria-expanded={drawerOpen}
        onClick={onMenu}
      >
        <Icon name="menu" />
      </button>
      <SearchBox />
      <div className="header-actions">
        <ThemeToggle />
        <UserMenu />
      </div>
    </header>
  );
}
