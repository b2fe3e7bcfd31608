import type {
  AssignmentView,
  AvailableNumberView,
  ConsentChangeView,
  ImportResult,
  LegalHoldView,
  NumberView,
  StudentView,
} from '@fidelis/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, UNREACHABLE } from './api';
import { session } from './session';

/** After any change to numbers, every view that shows a number or its holder reads it again. */
function useChangesNumbers<V, R>(change: (variables: V) => Promise<R>) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSettled: () => queries.invalidateQueries(),
  });
}

/** Twilio's available local numbers for an area code or digits; nothing is asked without one. */
export const useAvailableNumbers = (search: { areaCode: string; contains: string } | null) =>
  useQuery({
    queryKey: ['available-numbers', search],
    queryFn: () => {
      const query = new URLSearchParams();
      if (search?.areaCode) query.set('areaCode', search.areaCode);
      if (search?.contains) query.set('contains', search.contains);
      return api<AvailableNumberView[]>(`/api/numbers/available?${query}`);
    },
    enabled: search !== null,
    retry: false,
  });

export const useBuyNumber = () =>
  useChangesNumbers(({ phoneNumber, staffId }: { phoneNumber: string; staffId?: string }) =>
    api<NumberView>('/api/numbers', { method: 'POST', body: { phoneNumber, staffId } }),
  );

export const useAssignNumber = () =>
  useChangesNumbers(({ numberId, staffId }: { numberId: string; staffId: string }) =>
    api<NumberView>(`/api/numbers/${numberId}/assignee`, { method: 'PUT', body: { staffId } }),
  );

export const useUnassignNumber = () =>
  useChangesNumbers((numberId: string) =>
    api<NumberView>(`/api/numbers/${numberId}/assignee`, { method: 'DELETE' }),
  );

export const useReleaseNumber = () =>
  useChangesNumbers((numberId: string) =>
    api<NumberView>(`/api/numbers/${numberId}`, { method: 'DELETE' }),
  );

export const useNumberHistory = (numberId: string) =>
  useQuery({
    queryKey: ['number-history', numberId],
    queryFn: () => api<AssignmentView[]>(`/api/numbers/${numberId}/history`),
  });

/** Students by name, email or phone, a page at a time (`nextBefore`). */
export const useStudentPages = (q: string) =>
  useInfiniteQuery({
    queryKey: ['student-pages', q],
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: '25' });
      if (q) query.set('q', q);
      if (pageParam) query.set('before', pageParam);
      return api<{ items: StudentView[]; nextBefore: string | null }>(`/api/students?${query}`);
    },
    initialPageParam: '',
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });

export interface StudentEdit {
  id: string;
  name: string;
  email: string | null;
  smsPhone: string | null;
  timezone: string | null;
}

export const useSaveStudent = () =>
  useChangesNumbers(({ id, ...student }: StudentEdit) =>
    api<StudentView>(`/api/students/${encodeURIComponent(id)}`, { method: 'PUT', body: student }),
  );

/** A bad row of an import, as the API lists it (`line`: where it starts in the CSV file). */
export interface RowProblem {
  index: number;
  line?: number;
  id: string | null;
  problems: string[];
}

/** Why an import was refused: the API's words, and each bad row. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly rows: RowProblem[],
  ) {
    super(message);
  }
}

/**
 * Sends a CSV file to the import as it is (`text/csv`); `dryRun` checks it and imports nothing.
 * The generic client speaks JSON only, so this one call is made here.
 */
async function postCsv(csv: string, dryRun: boolean): Promise<ImportResult> {
  const token = session.token();
  const response = await fetch(`/api/students/import${dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token ?? ''}`, 'Content-Type': 'text/csv' },
    body: csv,
  }).catch(() => {
    throw new Error(UNREACHABLE);
  });
  if (response.status === 401) session.signOut();
  const payload = (await response.json().catch(() => ({}))) as {
    message?: string;
    details?: { rows?: RowProblem[] };
  } & ImportResult;
  if (!response.ok) {
    const words = payload.message ?? `The import failed (${response.status}).`;
    if (payload.details?.rows) throw new ImportRefused(words, payload.details.rows);
    throw new ApiError(response.status, words);
  }
  return payload;
}

export const usePreviewImport = () =>
  useMutation({ mutationFn: (csv: string) => postCsv(csv, true) });

export const useImport = () => {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (csv: string) => postCsv(csv, false),
    onSuccess: () => queries.invalidateQueries(),
  });
};

export interface AuditFilters {
  actor: string;
  action: string;
  since: string;
  until: string;
}

export interface AuditEntryView {
  id: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

/** The filters as the API's query: a day's `since`/`until` from the date inputs (local days). */
export function auditQuery(filters: AuditFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.actor) query.set('actor', filters.actor);
  if (filters.action) query.set('action', filters.action);
  if (filters.since) query.set('since', new Date(`${filters.since}T00:00`).toISOString());
  if (filters.until) {
    const dayAfter = new Date(`${filters.until}T00:00`);
    dayAfter.setDate(dayAfter.getDate() + 1);
    query.set('until', dayAfter.toISOString());
  }
  return query;
}

export const useAudit = (filters: AuditFilters) =>
  useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) => {
      const query = auditQuery(filters);
      query.set('limit', '50');
      if (pageParam) query.set('before', pageParam);
      return api<{ items: AuditEntryView[]; nextBefore: string | null }>(`/api/audit?${query}`);
    },
    initialPageParam: '',
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });

/**
 * Downloads what `path` answers as a file. The token is not a cookie, so a plain link cannot
 * carry it: the file is fetched with it and handed to the browser as a download, under the name
 * the API gives (Content-Disposition) or `fallbackName`.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${session.token() ?? ''}` },
  }).catch(() => {
    throw new Error(UNREACHABLE);
  });
  if (response.status === 401) session.signOut();
  if (!response.ok)
    throw new ApiError(response.status, `The download failed (${response.status}).`);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
    fallbackName;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
}

/** The audit trail the filters match, as CSV. */
export const downloadAuditCsv = (filters: AuditFilters) =>
  downloadFile(`/api/audit.csv?${auditQuery(filters)}`, 'audit.csv');

/** A student's SMS status per number, every change, newest first. */
export const useConsent = (studentId: string) =>
  useQuery({
    queryKey: ['consent', studentId],
    queryFn: () =>
      api<ConsentChangeView[]>(`/api/students/${encodeURIComponent(studentId)}/consent`),
  });

/** Whether the student's messages are under a legal hold (admins; others are refused). */
export const useLegalHold = (studentId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['legal-hold', studentId],
    queryFn: () => api<LegalHoldView>(`/api/students/${encodeURIComponent(studentId)}/legal-hold`),
    enabled,
  });

export const useSetLegalHold = (studentId: string) => {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (hold: { held: true; reason: string } | { held: false }) =>
      api<LegalHoldView>(`/api/students/${encodeURIComponent(studentId)}/legal-hold`, {
        method: hold.held ? 'PUT' : 'DELETE',
        body: hold.held ? { reason: hold.reason || undefined } : undefined,
      }),
    onSettled: () => queries.invalidateQueries({ queryKey: ['legal-hold', studentId] }),
  });
};
