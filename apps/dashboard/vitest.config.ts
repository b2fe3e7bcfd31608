import { defineConfig, mergeConfig } from 'vitest/config';
import dashboard from './vite.config';

/**
 * Component tests of the dashboard (`src/**\/*.test.tsx`), in jsdom, built as the dashboard is.
 * Jest runs the server's tests (`*.spec.ts`, `*.int-spec.ts`); the two never pick up each other's files.
 */
export default mergeConfig(
  dashboard,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.tsx'],
      setupFiles: ['src/testing/setup.ts'],
      // Mantine's class names are enough; the styles themselves are for the browser tests.
      css: false,
      restoreMocks: true,
      // The machine runs other suites beside these: rendering a page of 100 messages can take seconds.
      testTimeout: 20_000,
      unstubGlobals: true,
    },
  }),
);
