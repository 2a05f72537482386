import { type ReactNode } from 'react';

/** A labelled control with its help text, named by `aria-describedby` where it has one. */
export function Field({
  id,
  label,
  help,
  children,
}: {
  id: string;
  label: string;
  help?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help && (
        <p className="muted small" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

/** A labelled text input bound to one of the wizard's fields. */
export function TextField({
  id,
  label,
  help,
  value,
  onChange,
  type = 'text',
  required = true,
  secret = false,
  pattern,
}: {
  id: string;
  label: string;
  help?: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'url';
  required?: boolean;
  /** A password or API key: masked, never autocompleted. */
  secret?: boolean;
  pattern?: string;
}) {
  return (
    <Field id={id} label={label} help={help}>
      <input
        id={id}
        type={secret ? 'password' : type}
        autoComplete={secret ? 'off' : undefined}
        required={required}
        pattern={pattern}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={help ? `${id}-help` : undefined}
      />
    </Field>
  );
}
