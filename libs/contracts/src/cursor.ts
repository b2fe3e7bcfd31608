/**
 * Keyset pagination cursors (`before`, `nextBefore`): the sort key of the last row of a page,
 * opaque to clients. A page continues strictly after it, so new rows never shift pages.
 */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor this API gave out, or null for anything else. */
export function decodeCursor(cursor: string, count: number): string[] | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (
      Array.isArray(value) &&
      value.length === count &&
      value.every((part) => typeof part === 'string')
    ) {
      return value;
    }
  } catch {
    // not a cursor of ours
  }
  return null;
}
