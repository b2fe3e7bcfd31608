import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The dashboard, built into static files that the gateway serves at `/` (`npm run build`). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Segment counting is the services' own code; the API's types come from libs/contracts as
  // types only (`import type`), so no server code reaches the browser.
  resolve: { alias: { '@fidelis/sms': fromRoot('libs/sms/src/index.ts') } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fromRoot('dist/dashboard'),
    emptyOutDir: true,
    // The budget that matters is compressed: at most 250 KB of JavaScript for a first visit.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components, which we do not use.
      onwarn: (warning, warn) => {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
