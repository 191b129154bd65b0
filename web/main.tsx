import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { readMode } from './app/app-mode.ts';
import { readToken } from './app/token-storage.ts';
import { RemoteBrokerLink } from './link/remote-broker-link.ts';
import { ErrorState } from './ui/states.tsx';
import './styles/global.css';

const root = createRoot(document.getElementById('root')!);
if (readMode(window.location.href) === 'sandbox') {
  // The in-tab broker and the mqtt client load only in sandbox mode.
  import('./features/sandbox/boot-sandbox.tsx').then(
    ({ renderSandbox }) => renderSandbox(root),
    (error: unknown) =>
      root.render(<ErrorState error={error} onRetry={() => window.location.reload()} fill />),
  );
} else {
  const link = new RemoteBrokerLink({ token: readToken() });
  root.render(
    <StrictMode>
      <App link={link} />
    </StrictMode>,
  );
}
