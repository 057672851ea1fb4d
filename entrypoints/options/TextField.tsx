import type { ComponentChildren, JSX } from 'preact';
import { t } from '@/components/i18n';

/** Props for {@link TextField}: the input's own attributes, plus its label and an optional hint. */
export interface TextFieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  /** One line under the input, linked to it for screen readers. */
  hint?: ComponentChildren;
  /** What is wrong with the value, shown beside the field and linked to it (every error at once). */
  error?: string | undefined;
}

/**
 * A labelled text input with an optional hint and error: the one shape every connection field has.
 * A required field says so next to its label (and to screen readers through `required`).
 */
export function TextField({ id, label, hint, error, required, ...input }: TextFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <div class="field-label">
        <label for={id}>{label}</label>
        {required && (
          <span class="required-mark" aria-hidden="true">
            {t('fieldRequired')}
          </span>
        )}
      </div>
      <input
        id={id}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        required={required}
        {...input}
      />
      {error && (
        <p id={errorId} class="field-error" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
      {hint !== undefined && (
        <p id={hintId} class="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
