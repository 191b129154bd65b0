import { Search, X } from 'lucide-react';
import type { InputHTMLAttributes, ReactNode } from 'react';
import styles from './inputs.module.css';

export const inputClass = styles.input;

export function TextInput({
  invalid,
  className,
  ...rest
}: InputHTMLAttributes<HTMLInputElement> & {
  invalid?: boolean;
}) {
  return (
    <input
      className={`${styles.input} ${invalid ? styles.invalid : ''} ${className ?? ''}`}
      aria-invalid={invalid || undefined}
      {...rest}
    />
  );
}

export function SearchInput({
  value,
  onChange,
  placeholder,
  label,
  invalid,
  width,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  label: string;
  invalid?: boolean;
  width?: number;
}) {
  return (
    <div className={styles.search} style={width ? { width } : undefined}>
      <Search size={14} className={styles.searchIcon} />
      <TextInput
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        invalid={invalid}
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
      />
      {value && (
        <button type="button" className={styles.clear} aria-label="Clear" onClick={() => onChange('')}>
          <X size={14} />
        </button>
      )}
    </div>
  );
}

export function Field({
  label,
  hint,
  error,
  group,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  /** Several controls: a labelled group rather than a <label>. */
  group?: boolean;
  children: ReactNode;
}) {
  if (group) {
    return (
      <fieldset className={styles.field} aria-label={label}>
        <span className={styles.label}>{label}</span>
        {children}
      </fieldset>
    );
  }
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in.
    <label className={styles.field}>
      <span className={styles.label}>{label}</span>
      {children}
      {error ? (
        <span className={styles.error}>{error}</span>
      ) : (
        hint && <span className={styles.hint}>{hint}</span>
      )}
    </label>
  );
}

export function Segmented<T extends string | number>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: ReactNode }[];
  onChange: (value: T) => void;
}) {
  return (
    <div className={styles.segmented} role="radiogroup" aria-label={label}>
      {options.map((option) => (
        // biome-ignore lint/a11y/useSemanticElements: a segmented control; native radios cannot be styled as one.
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          className={styles.segment}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

export function Switch({
  label,
  checked,
  onChange,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className={styles.switch}>
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <span className={styles.track} />
      {label}
    </label>
  );
}
