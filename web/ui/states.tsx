import { AlertTriangle } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button } from './button.tsx';
import styles from './states.module.css';

interface StateProps {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  fill?: boolean;
}

export function EmptyState({ icon, title, children, action, fill }: StateProps) {
  return (
    <div className={`${styles.state} ${fill ? styles.fill : ''}`}>
      {icon && <div className={styles.icon}>{icon}</div>}
      <div className={styles.title}>{title}</div>
      {children && <div className={styles.message}>{children}</div>}
      {action && <div className={styles.actions}>{action}</div>}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
  fill,
}: {
  error: unknown;
  onRetry?: () => void;
  fill?: boolean;
}) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className={`${styles.state} ${styles.error} ${fill ? styles.fill : ''}`} role="alert">
      <div className={styles.icon}>
        <AlertTriangle size={20} />
      </div>
      <div className={styles.title}>Could not load this view</div>
      <div className={styles.message}>{message}</div>
      {onRetry && (
        <div className={styles.actions}>
          <Button onClick={onRetry}>Try again</Button>
        </div>
      )}
    </div>
  );
}

export function LoadingState({ label = 'Loading…', fill }: { label?: string; fill?: boolean }) {
  return (
    <div className={`${styles.state} ${fill ? styles.fill : ''}`} aria-busy="true">
      <div className={styles.spinner} />
      <div className={styles.message}>{label}</div>
    </div>
  );
}

export function Skeleton({ width = '60%' }: { width?: number | string }) {
  return <span className={styles.skeleton} style={{ width }} />;
}

export function Spinner() {
  return <div className={styles.spinner} />;
}
