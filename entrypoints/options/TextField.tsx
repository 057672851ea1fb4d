import type { ComponentChildren, JSX } from 'preact';

/** Props for {@link TextField}: the input's own attributes, plus its label and an optional hint. */
export interface TextFieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  /** One line under the input, linked to it for screen readers. */
  hint?: ComponentChildren;
}

/** A labelled text input with an optional hint: the one shape every add-connection field has. */
export function TextField({ id, label, hint, ...input }: TextFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} aria-describedby={hintId} {...input} />
      {hint !== undefined && (
        <p id={hintId} class="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
