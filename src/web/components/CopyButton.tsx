import { useState } from 'react';
import { showToast } from '../hooks/toasts';
import { Icon } from './Icon';

/** Copies text to the clipboard, falling back to selecting it where the Clipboard API is unavailable (plain HTTP). */
export function CopyButton({ text, label = 'Copy', className = 'button' }: { text: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand('copy');
      area.remove();
      if (!ok) {
        showToast('Could not copy: select the text and copy it yourself.', 'error');
        return;
      }
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button type="button" className={className} onClick={() => void copy()}>
      <Icon name={copied ? 'check' : 'copy'} size={18} />
      <span>{copied ? 'Copied' : label}</span>
    </button>
  );
}
