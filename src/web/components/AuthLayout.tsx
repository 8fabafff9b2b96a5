import type { ReactNode } from 'react';
import { Icon } from './Icon';
import { ThemeToggle } from './ThemeToggle';

/** The centred card of the sign-in and sign-up pages. */
export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-theme">
        <ThemeToggle />
      </div>
      <main className="auth-card" id="main">
        <div className="auth-brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="cloud" size={26} />
          </span>
          <span>FileFlow</span>
        </div>
        <h1>{title}</h1>
        {children}
        <div className="auth-footer">{footer}</div>
      </main>
    </div>
  );
}
