import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { readToken } from './app/token-storage.ts';
import { RemoteBrokerLink } from './link/remote-broker-link.ts';
import './styles/global.css';

const link = new RemoteBrokerLink({ token: readToken() });
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App link={link} />
  </StrictMode>,
);
