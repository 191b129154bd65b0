import type { ReactNode } from 'react';
import styles from './badge.module.css';

export interface BadgeProps {
  tone?: 'neutral' | 'success' | 'warning' | 'danger' | 'accent';
  dot?: boolean;
  pulse?: boolean;
  title?: string;
  children: ReactNode;
}

export function Badge({ tone = 'neutral', dot, pulse, title, children }: BadgeProps) {
  const classes = [styles.badge, tone !== 'neutral' && styles[tone], pulse && styles.pulse]
    .filter(Boolean)
    .join(' ');
  return (
    <span className={classes} title={title}>
      {dot && <span className={styles.dot} />}
      {children}
    </span>
  );
}

export function ConnectionBadge({ connected }: { connected: boolean }) {
  return (
    <Badge tone={connected ? 'success' : 'neutral'} dot>
      {connected ? 'Connected' : 'Offline'}
    </Badge>
  );
}
