import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../api/http';
import { Modal } from './Modal';

export interface PromptDialogProps {
  title: string;
  label: string;
  initialValue?: string;
  submitLabel: string;
  /** Select the name without its extension, as file managers do when renaming. */
  selectStem?: boolean;
  /**
   * Why a non-empty value cannot be used, said before asking the server; null when it can. It gets
   * the value as typed, not trimmed: the server refuses a tab at either end, where it trims spaces.
   * It also says what is too long: the input has no cap, which would count UTF-16 units as typed,
   * where the server counts after trimming and NFC (and would cut names it takes).
   */
  check?: (value: string) => string | null;
  onSubmit: (value: string) => Promise<void>;
  onClose: () => void;
}

/** Asks for one line of text (a folder name, a new name) and shows the server's refusal inline. */
export function PromptDialog({ title, label, initialValue = '', submitLabel, selectStem, check, onSubmit, onClose }: PromptDialogProps) {
  const [value, setValue] = useState(initialValue);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const errorId = useId();

  useEffect(() => {
    const input = inputRef.current;
    if (!input) {
      return;
    }
    input.focus();
    const dot = initialValue.lastIndexOf('.');
    input.setSelectionRange(0, selectStem && dot > 0 ? dot : initialValue.length);
  }, [initialValue, selectStem]);

  const submit = async () => {
    const trimmed = value.trim();
    if (!trimmed) {
      setError('Enter a name.');
      return;
    }
    const problem = check?.(value) ?? null;
    if (problem !== null) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      await onSubmit(trimmed);
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={inputId + '-form'} className="button primary" disabled={busy}>
            {submitLabel}
          </button>
        </>
      }
    >
      <form
        id={inputId + '-form'}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span className="field-label">{label}</span>
          <input
            id={inputId}
            ref={inputRef}
            className="input"
            value={value}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => {
              setValue(event.target.value);
              setError(null);
            }}
          />
        </label>
        {error ? (
          <p id={errorId} className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Modal>
  );
}
