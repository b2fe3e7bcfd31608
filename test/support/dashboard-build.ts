import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BUILT = join(ROOT, 'dist', 'dashboard', 'index.html');
/** What the dashboard's bundle is made of. */
const SOURCES = ['apps/dashboard', 'libs/sms/src', 'libs/contracts/src'].map((dir) =>
  join(ROOT, dir),
);

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestChange(join(path, entry))),
  );
}

/**
 * Builds the dashboard into dist/dashboard (as `npm run build` does) unless a build newer than
 * its sources is there: the gateway under test serves whatever is built.
 */
export function ensureDashboardBuilt(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > Math.max(...SOURCES.map(newestChange))) {
    return;
  }
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'apps/dashboard'],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
}
