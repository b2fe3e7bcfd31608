import '@mantine/core/styles.css';
import { createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { takeTokenFromAddress } from './lib/session';

takeTokenFromAddress();
// The platform may also hand a new token over to a page already open.
window.addEventListener('hashchange', takeTokenFromAddress);

/** A darker blue than Mantine's default (3.6:1 on white) so that links and buttons read at 4.5:1. */
const theme = createTheme({ primaryShade: 8 });

/** Mantine's dimmed grey is too faint for small text (3.3:1); this one reads at 7:1. */
const readableDimmed: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

// Shows Web Push notifications, even while no dashboard tab is open (CONTRACT.md §7).
void navigator.serviceWorker?.register('/sw.js', { scope: '/' });

const queries = new QueryClient({
  // A refused request (4xx) will be refused again: only a network failure is worth a retry.
  defaultOptions: { queries: { retry: (failures, error) => failures < 2 && !('status' in error) } },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={readableDimmed}>
      <QueryClientProvider client={queries}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
