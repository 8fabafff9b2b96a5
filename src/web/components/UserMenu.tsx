import { useState } from 'react';
import { navigate } from '../hooks/navigation';
import { useSession } from '../hooks/session';
import { ContextMenu } from './ContextMenu';

/** The user's initial; opens a menu with settings and sign-out. */
export function UserMenu() {
  const { user, signOut } = useSession();
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  if (!user) {
    return null;
  }
  return (
    <>
      <button
        type="button"
        className="avatar-button"
        aria-label={`Account: ${user.username}`}
        aria-haspopup="menu"
        aria-expanded={menuAt !== null}
        onClick={(event) => {
          const box = event.currentTarget.getBoundingClientRect();
          setMenuAt({ x: box.right - 200, y: box.bottom + 6 });
        }}
      >
        <span aria-hidden="true">{user.username.slice(0, 1).toUpperCase()}</span>
      </button>
      {menuAt ? (
        <ContextMenu
          x={menuAt.x}
          y={menuAt.y}
          label="Account"
          onClose={() => setMenuAt(null)}
          entries={[
            { id: 'settings', label: 'Settings', icon: 'settings', run: () => navigate('/settings') },
            {
              id: 'logout',
              label: `Sign out ${user.username}`,
              icon: 'logout',
              separated: true,
              run: () => {
                void signOut().then(() => navigate('/login'));
              },
            },
          ]}
        />
      ) : null}
    </>
  );
}
