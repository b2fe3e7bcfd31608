import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';

/**
 * Renders a view as the dashboard does (Mantine, a fresh QueryClient, a router at `path`).
 * `route` is the pattern the view is mounted at, for views that read `useParams`.
 */
export function renderView(
  view: ReactElement,
  { path = '/', route = '*' }: { path?: string; route?: string } = {},
) {
  // Failures show at once: a test of a refusal should not wait out retries.
  const queries = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const user = userEvent.setup();
  const rendered = render(
    <MantineProvider>
      <QueryClientProvider client={queries}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={view} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { ...rendered, user, queries };
}
