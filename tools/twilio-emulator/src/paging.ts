import type { Request } from 'express';
import { TwilioApiError } from './twilio-error';

const PAGING_PARAMS = new Set(['Page', 'PageSize', 'PageToken']);

/**
 * One page of a Twilio list resource with its paging fields (`first_page_uri`, `next_page_uri`, …).
 * PageToken `PA<sid>` means "after that record", so paging stays stable while records are added.
 */
export function pageOf<T extends { sid: string }, R>(
  req: Request,
  listPath: string,
  key: string,
  records: T[],
  toResource: (record: T) => R,
): Record<string, unknown> {
  const query = queryEntries(req);
  const pageSize = parseIntParam(query.get('PageSize'), 50, 'PageSize');
  if (pageSize < 1 || pageSize > 1000) {
    throw new TwilioApiError(400, 20001, 'PageSize must be between 1 and 1000');
  }
  const page = parseIntParam(query.get('Page'), 0, 'Page');
  const afterSid = query.get('PageToken')?.replace(/^PA/, '');
  const afterIndex = afterSid ? records.findIndex((r) => r.sid === afterSid) : -1;
  const start = afterIndex >= 0 ? afterIndex + 1 : page * pageSize;
  const slice = records.slice(start, start + pageSize);
  const hasMore = start + pageSize < records.length;

  const filters = [...query].filter(([name]) => !PAGING_PARAMS.has(name));
  const uri = (extra: Array<[string, string]>): string =>
    `${listPath}?${new URLSearchParams([...filters, ...extra]).toString()}`;
  const last = slice[slice.length - 1];

  return {
    [key]: slice.map(toResource),
    end: slice.length > 0 ? start + slice.length - 1 : start,
    first_page_uri: uri([
      ['PageSize', String(pageSize)],
      ['Page', '0'],
    ]),
    next_page_uri:
      hasMore && last
        ? uri([
            ['PageSize', String(pageSize)],
            ['Page', String(page + 1)],
            ['PageToken', `PA${last.sid}`],
          ])
        : null,
    page,
    page_size: pageSize,
    previous_page_uri:
      page > 0
        ? uri([
            ['PageSize', String(pageSize)],
            ['Page', String(page - 1)],
          ])
        : null,
    start,
    uri: req.originalUrl,
  };
}

/** Query parameters in order, first value of each. */
export function queryEntries(req: Request): Map<string, string> {
  const search = new URL(req.originalUrl, 'http://emulator').searchParams;
  const entries = new Map<string, string>();
  for (const [name, value] of search) if (!entries.has(name)) entries.set(name, value);
  return entries;
}

function parseIntParam(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new TwilioApiError(400, 20001, `Invalid ${name}: ${value}`);
  return Number(value);
}
