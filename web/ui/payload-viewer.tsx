import { useMemo, useState } from 'react';
import type { PayloadView } from '../../shared/admin/broker-link.ts';
import { formatBytes } from '../lib/format.ts';
import { decodePayload, formatHexDump } from '../lib/payload-format.ts';
import { Segmented } from './inputs.tsx';
import styles from './payload-viewer.module.css';

type Mode = 'json' | 'text' | 'hex';

/** Shows a payload as pretty JSON, text or a hex dump; starts with what the bytes look like. */
export function PayloadViewer({ payload, maxHeight }: { payload: PayloadView; maxHeight?: number }) {
  const decoded = useMemo(() => decodePayload(payload), [payload]);
  const natural: Mode = decoded.kind === 'json' ? 'json' : decoded.kind === 'text' ? 'text' : 'hex';
  const [chosen, setChosen] = useState<Mode | undefined>(undefined);
  const mode =
    chosen && (chosen !== 'json' || decoded.json) && (chosen !== 'text' || decoded.text !== undefined)
      ? chosen
      : natural;
  const options: { value: Mode; label: string }[] = [];
  if (decoded.json) options.push({ value: 'json', label: 'JSON' });
  if (decoded.text !== undefined) options.push({ value: 'text', label: 'Text' });
  options.push({ value: 'hex', label: 'Hex' });
  const shown =
    mode === 'json' ? decoded.json : mode === 'text' ? decoded.text : formatHexDump(decoded.bytes);
  return (
    <div className={styles.viewer}>
      <div className={styles.bar}>
        <span className={styles.meta}>
          {formatBytes(payload.size)}
          {payload.truncated && ` · first ${formatBytes(decoded.bytes.length)} shown`}
        </span>
        {decoded.kind !== 'empty' && (
          <Segmented label="Payload format" value={mode} options={options} onChange={setChosen} />
        )}
      </div>
      {decoded.kind === 'empty' ? (
        <div className={styles.empty}>Empty payload</div>
      ) : (
        <pre
          className={`${styles.pre} ${mode === 'hex' ? styles.hex : ''}`}
          style={maxHeight ? { maxHeight } : undefined}
          data-testid="payload"
        >
          {shown}
        </pre>
      )}
    </div>
  );
}
