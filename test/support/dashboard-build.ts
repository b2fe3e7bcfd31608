import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/**
 * Where the tests build the dashboard and the gateway under test serves it from: dist/dashboard as
 * `npm run build` does, or TEST_DASHBOARD_DIR so runs side by side never overwrite each other's build.
 */
export const TEST_DASHBOARD_DIR = join(ROOT, process.env.TEST_DASHBOARD_DIR ?? 'dist/dashboard');
const BUILT = join(TEST_DASHBOARD_DIR, 'index.html');
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
 * Builds the dashboard into TEST_DASHBOARD_DIR unless a build newer than
 * its sources is there: the gateway under test serves whatever is built.
 */
export function ensureDashboardBuilt(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > Math.max(...SOURCES.map(newestChange))) {
    return;
  }
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      'apps/dashboard',
      '--outDir',
      TEST_DASHBOARD_DIR,
    ],
    {
      cwd: ROOT,
      stdio: 'pipe',
    },
  );
}
