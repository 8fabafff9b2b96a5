import type { InputHTMLAttributes } from 'react';

/** A labelled text input: the label wraps it, and changes report the new text. */
export function TextField({
  label,
  value,
  onValueChange,
  ...input
}: {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'className'>) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input className="input" {...input} value={value} onChange={(event) => onValueChange(event.target.value)} />
    </label>
  );
}

/** A whole number of at least 1, or empty for no limit ("Unlimited"): a share link's download limit. */
export function LimitField({ label, value, onValueChange }: { label: string; value: string; onValueChange: (value: string) => void }) {
  return (
    <TextField
      label={label}
      type="number"
      min={1}
      step={1}
      inputMode="numeric"
      placeholder="Unlimited"
      value={value}
      onValueChange={onValueChange}
    />
  );
}

/** A form's error, announced as an alert; nothing when there is none. */
export function FormError({ message }: { message: string | null }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
