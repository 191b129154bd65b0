import type { ReactNode } from 'react';
import styles from './panel.module.css';

export interface PanelProps {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** Lets tables and lists run to the panel's edges. */
  flush?: boolean;
  className?: string;
  label?: string;
  children: ReactNode;
}

export function Panel({ title, subtitle, actions, flush, className, label, children }: PanelProps) {
  return (
    <section className={`${styles.panel} ${className ?? ''}`} aria-label={label}>
      {(title || actions) && (
        <header className={styles.header}>
          <div className={styles.titles}>
            {title && <div className={styles.title}>{title}</div>}
            {subtitle && <div className={styles.subtitle}>{subtitle}</div>}
          </div>
          {actions && <div className={styles.actions}>{actions}</div>}
        </header>
      )}
      <div className={`${styles.body} ${flush ? styles.flush : ''}`}>{children}</div>
    </section>
  );
}

export function Page({
  title,
  description,
  actions,
  fill,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  /** Exactly the window's height, for views whose tables scroll inside; otherwise the page scrolls. */
  fill?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`${styles.page} ${fill ? styles.fill : ''}`}>
      <header className={styles.pageHeader}>
        <div>
          <h1 className={styles.pageTitle}>{title}</h1>
          {description && <p className={styles.pageDescription}>{description}</p>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      {children}
    </div>
  );
}

export function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section className={styles.section}>
      <h3 className={styles.sectionTitle}>
        {title}
        {count !== undefined && <span className={styles.count}>{count}</span>}
      </h3>
      {children}
    </section>
  );
}

/** A two-column list of labelled values. */
export function Facts({ items }: { items: [label: string, value: ReactNode][] }) {
  return (
    <dl className={styles.facts}>
      {items.map(([label, value]) => (
        <div key={label} style={{ display: 'contents' }}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
