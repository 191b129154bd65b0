// biome-ignore-all lint/a11y/useSemanticElements: a virtualised grid positions rows absolutely, which <table> layout does not allow; ARIA roles keep it a table to assistive tech.
// biome-ignore-all lint/a11y/useFocusableInteractive: rows that act on click get tabIndex; the rest are plain rows.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type CSSProperties, type ReactNode, useEffect, useRef } from 'react';
import { Skeleton } from './states.tsx';
import styles from './virtual-table.module.css';

export interface Column<T> {
  id: string;
  header: ReactNode;
  /** A CSS grid track, e.g. `minmax(160px, 2fr)` or `72px`. */
  width: string;
  align?: 'right';
  render: (row: T) => ReactNode;
}

export interface VirtualTableProps<T> {
  label: string;
  columns: readonly Column<T>[];
  rowCount: number;
  /** Undefined while the row's page is still loading: the row shows placeholders. */
  getRow: (index: number) => T | undefined;
  getRowKey: (row: T) => string;
  selectedKey?: string | undefined;
  onSelect?: (row: T) => void;
  /** Told the first and last row index in view, so the owner can load those pages. */
  onRangeChange?: (first: number, last: number) => void;
  rowHeight?: number;
}

/** A table that draws only the rows in view: 10,000 rows cost what 30 do. */
export function VirtualTable<T>({
  label,
  columns,
  rowCount,
  getRow,
  getRowKey,
  selectedKey,
  onSelect,
  onRangeChange,
  rowHeight = 36,
}: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // The sticky header sits above the rows inside the same scroller.
    scrollMargin: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => onRangeChange?.(first, last), [first, last, onRangeChange]);
  const style = {
    '--columns': columns.map((column) => column.width).join(' '),
    '--min-width': `${minimumWidth(columns)}px`,
    '--header-height': `${HEADER_HEIGHT}px`,
  } as CSSProperties;
  return (
    <div
      className={styles.table}
      style={style}
      role="table"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      ref={scroller}
    >
      <div className={styles.header} role="row">
        {columns.map((column) => (
          <div
            key={column.id}
            role="columnheader"
            className={`${styles.cell} ${column.align === 'right' ? styles.right : ''}`}
          >
            {column.header}
          </div>
        ))}
      </div>
      <div className={styles.rows} style={{ height: virtualizer.getTotalSize() }} role="rowgroup">
        {items.map((item) => {
          const row = getRow(item.index);
          const key = row === undefined ? undefined : getRowKey(row);
          const selected = key !== undefined && key === selectedKey;
          const classes = [styles.row, onSelect && row && styles.clickable, selected && styles.selected];
          return (
            <div
              key={key ?? `loading-${item.index}`}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={onSelect ? selected : undefined}
              tabIndex={onSelect && row ? 0 : undefined}
              className={classes.filter(Boolean).join(' ')}
              style={{ height: rowHeight, transform: `translateY(${item.start - HEADER_HEIGHT}px)` }}
              onClick={row && onSelect ? () => onSelect(row) : undefined}
              onKeyDown={
                row && onSelect
                  ? (event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        onSelect(row);
                      }
                    }
                  : undefined
              }
            >
              {columns.map((column) => (
                <div
                  key={column.id}
                  role="cell"
                  className={`${styles.cell} ${column.align === 'right' ? styles.right : ''}`}
                >
                  {row === undefined ? <Skeleton width="70%" /> : column.render(row)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

const HEADER_HEIGHT = 34;
/** Column gap and side padding, as in the stylesheet. */
const GAP = 12;
const PADDING = 32;

/** Below this width the table scrolls sideways rather than squeezing columns: the px part of each
 * track (`96px`, or the minimum of `minmax(140px, 2fr)`) plus gaps and padding. */
function minimumWidth(columns: readonly { width: string }[]): number {
  const tracks = columns.reduce((sum, column) => sum + Number(/(\d+)px/.exec(column.width)?.[1] ?? 0), 0);
  return tracks + GAP * (columns.length - 1) + PADDING;
}
