// The hub console's pages (served by the hub under /console/): the station's i18n and antd setup,
// the console's own calls (shared/consoleWire.ts) over same-origin fetch with the session cookie.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../i18n/index.ts';
import { AntdProvider } from '../antdProvider.tsx';
import { ConsoleApp } from './ConsoleApp.tsx';
import '../styles.css';

await initI18n();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AntdProvider>
      <ConsoleApp />
    </AntdProvider>
  </StrictMode>,
);
