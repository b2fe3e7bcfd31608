import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on a narrow screen, inside the page rather than the page
 * itself. The region is focusable and named, so a keyboard can scroll it too (axe asks this of
 * every scrollable region, with or without links inside).
 */
export function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div
      tabIndex={0}
      role="region"
      aria-label={`${label}, scrollable`}
      style={{ overflowX: 'auto' }}
    >
      {children}
    </div>
  );
}
