import type { ReactNode } from 'react';
import { ConnectionNotice } from './ConnectionNotice';
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
        {/* A server out of reach at start shows this page too: say so, not just a form that fails. */}
        <ConnectionNotice detail="Retrying…" />
        {children}
        <div className="auth-footer">{footer}</div>
      </main>
    </div>
  );
}
