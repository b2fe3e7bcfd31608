import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { static as serveStatic, type NextFunction, type Request, type Response } from 'express';

/** Where `npm run build` puts the dashboard (Vite's output), relative to the working directory. */
export const DEFAULT_DASHBOARD_DIR = 'dist/dashboard';

/** Addresses the gateway answers itself: an unknown one there is a 404, never the app. */
const SERVER_PREFIXES = ['/api', '/webhooks', '/health'];

const ONE_YEAR_S = 31_536_000;

const isServerAddress = (path: string) =>
  SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/**
 * Serves the built dashboard at `/`. Vite names what it puts in `assets/` by content hash, so
 * those are cached forever; everything else (index.html, the service worker, the manifest) is
 * revalidated on every use, so a new version reaches the browser at once. An app address (no file
 * extension, not the server's) answers index.html, where the app's router takes over. Does
 * nothing when the dashboard was not built (the API works without it).
 */
export function serveDashboard(app: INestApplication, directory: string): boolean {
  const root = resolve(directory);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  const assets = join(root, 'assets');
  app.use(
    serveStatic(root, {
      index: false,
      setHeaders: (response, path) => {
        response.setHeader(
          'Cache-Control',
          path.startsWith(assets) ? `public, max-age=${ONE_YEAR_S}, immutable` : 'no-cache',
        );
      },
    }),
  );
  app.use((request: Request, response: Response, next: NextFunction) => {
    const appAddress =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !isServerAddress(request.path) &&
      extname(request.path) === '';
    if (!appAddress) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index, (error) => (error ? next(error) : undefined));
  });
  return true;
}
