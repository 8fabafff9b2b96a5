import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Icon, type IconName } from './Icon';

export interface MenuEntry {
  id: string;
  label: string;
  icon: IconName;
  run: () => void;
  danger?: boolean;
  disabled?: boolean;
  /** Shown in the selection toolbar too. */
  primary?: boolean;
  /** A keyboard hint such as "F2". */
  shortcut?: string;
  /** A separator line above this entry. */
  separated?: boolean;
}

/**
 * A menu at a point (right-click, the context-menu key, a "more" button): arrow keys move,
 * Enter runs, Escape or a click elsewhere closes and focus goes back where it was.
 */
export function ContextMenu({
  x,
  y,
  entries,
  onClose,
  label,
}: {
  x: number;
  y: number;
  entries: MenuEntry[];
  onClose: () => void;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: x, top: y });
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) {
      return;
    }
    const { width, height } = menu.getBoundingClientRect();
    setPosition({
      left: Math.max(4, Math.min(x, window.innerWidth - width - 4)),
      top: Math.max(4, Math.min(y, window.innerHeight - height - 4)),
    });
    menu.querySelector<HTMLButtonElement>('[role="menuitem"]:not([disabled])')?.focus();
  }, [x, y]);

  // Where the focus was before the menu took it (read at first render, before the menu focuses an item).
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      if (ref.current && event.target instanceof Node && !ref.current.contains(event.target)) {
        onCloseRef.current();
      }
    };
    const onScroll = () => onCloseRef.current();
    document.addEventListener('pointerdown', onPointer, true);
    window.addEventListener('resize', onScroll);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      window.removeEventListener('resize', onScroll);
      if (previous?.isConnected) {
        previous.focus({ preventScroll: true });
      }
    };
  }, [previous]);

  const onKeyDown = (event: KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])') ?? [])];
    const index = items.findIndex((item) => item === document.activeElement);
    const focusAt = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        focusAt(index + 1);
        break;
      case 'ArrowUp':
        focusAt(index - 1);
        break;
      case 'Home':
        focusAt(0);
        break;
      case 'End':
        focusAt(items.length - 1);
        break;
      case 'Escape':
      case 'Tab':
        onCloseRef.current();
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={label}
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.preventDefault()}
    >
      {entries.map((entry) => (
        <div key={entry.id} role="none" className={entry.separated ? 'menu-separated' : undefined}>
          <button
            type="button"
            role="menuitem"
            className={entry.danger ? 'menu-item danger' : 'menu-item'}
            disabled={entry.disabled}
            onClick={() => {
              onCloseRef.current();
              entry.run();
            }}
          >
            <Icon name={entry.icon} size={18} />
            <span className="menu-label">{entry.label}</span>
            {entry.shortcut ? <kbd className="menu-shortcut">{entry.shortcut}</kbd> : null}
          </button>
        </div>
      ))}
    </div>
  );
}
