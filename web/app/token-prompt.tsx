import { LockKeyhole } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button } from '../ui/button.tsx';
import { Field, TextInput } from '../ui/inputs.tsx';
import styles from './token-prompt.module.css';
import { TOKEN_STORAGE_KEY } from './token-storage.ts';

/** Shown when the admin API answers 401: the broker listens beyond loopback and wants its token. */
export function TokenPrompt({ error }: { error: string }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token.trim());
    window.location.reload();
  };
  const wrong = error === 'wrong admin token';
  return (
    <div className={styles.screen}>
      <form className={styles.card} onSubmit={submit} aria-label="Admin token">
        <div className={styles.icon}>
          <LockKeyhole size={20} />
        </div>
        <h1 className={styles.title}>Admin token required</h1>
        <p className={styles.text}>
          This broker's dashboard is reachable from the network, so it asks for the admin token set in its
          configuration (<code>[dashboard] admin_token</code>).
        </p>
        <Field label="Admin token" error={wrong ? 'That token was not accepted.' : undefined}>
          <TextInput
            type="password"
            value={token}
            autoFocus
            invalid={wrong}
            autoComplete="current-password"
            onChange={(event) => setToken(event.target.value)}
          />
        </Field>
        <Button type="submit" variant="primary" disabled={!token.trim()}>
          Open dashboard
        </Button>
      </form>
    </div>
  );
}
