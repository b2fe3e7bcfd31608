import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { takeTokenFromAddress } from './lib/session';

takeTokenFromAddress();

const queries = new QueryClient({
  // A refused request (4xx) will be refused again: only a network failure is worth a retry.
  defaultOptions: { queries: { retry: (failures, error) => failures < 2 && !('status' in error) } },
});

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <MantineProvider>
      <QueryClientProvider client={queries}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
