import { setTheme, useTheme, type ThemeChoice } from '../hooks/theme';
import { Icon } from './Icon';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/** Cycles system → light → dark; the icon shows the current choice. */
export function ThemeToggle() {
  const theme = useTheme();
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={`${LABEL[theme]} (switch to ${LABEL[NEXT[theme]].toLowerCase()})`}
      title={LABEL[theme]}
      onClick={() => setTheme(NEXT[theme])}
    >
      <Icon name={theme === 'system' ? 'monitor' : theme === 'light' ? 'sun' : 'moon'} />
    </button>
  );
}
