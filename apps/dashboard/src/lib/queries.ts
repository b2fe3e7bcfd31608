import type {
  DevStaffView,
  GlobalSmsRow,
  NumberView,
  RoutedMessageView,
  StaffView,
  StudentView,
  TileRow,
} from '@fidelis/contracts';
import { useInfiniteQuery, useQuery, type InfiniteData } from '@tanstack/react-query';
import { api } from './api';

export type Me = StaffView & { number: NumberView | null };

export const useMe = () => useQuery({ queryKey: ['me'], queryFn: () => api<Me>('/api/me') });

export const useTile = () =>
  useQuery({ queryKey: ['tile'], queryFn: () => api<TileRow[]>('/api/sms/tile') });

export const useStudent = (studentId: string) =>
  useQuery({
    queryKey: ['student', studentId],
    queryFn: () => api<StudentView>(`/api/students/${encodeURIComponent(studentId)}`),
  });

/** Messages a thread shows at first, and loads at a time going back ("Earlier messages"). */
export const THREAD_PAGE = 100;

type ThreadPages = InfiniteData<RoutedMessageView[], string>;

/** The pages fetched so far as one thread, oldest first. */
const wholeThread = (data: ThreadPages) => data.pages.toReversed().flat();

/**
 * A thread paged from the newest (`limit`, `before` the oldest message so far); a short page is
 * the first one. Live events refetch every page fetched so far.
 */
const useThread = (queryKey: string[], address: string) =>
  useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) =>
      api<RoutedMessageView[]>(
        `${address}${address.includes('?') ? '&' : '?'}limit=${THREAD_PAGE}` +
          (pageParam ? `&before=${pageParam}` : ''),
      ),
    initialPageParam: '',
    getNextPageParam: (page) => (page.length < THREAD_PAGE ? undefined : page[0].id),
    select: wholeThread,
  });

export const useStudentMessages = (studentId: string) =>
  useThread(
    ['student-messages', studentId],
    `/api/students/${encodeURIComponent(studentId)}/messages`,
  );

export const useConversation = (contactPhone: string) =>
  useThread(
    ['conversation', contactPhone],
    `/api/sms/conversation?contactPhone=${encodeURIComponent(contactPhone)}`,
  );

/** Students whose name, email or phone matches `q` (nothing is asked for an empty `q`). */
export const useStudentSearch = (q: string) =>
  useQuery({
    queryKey: ['students', q],
    queryFn: () =>
      api<{ items: StudentView[]; nextBefore: string | null }>(
        `/api/students?q=${encodeURIComponent(q)}&limit=20`,
      ),
    enabled: q !== '',
  });

/** The global SMS tab's filters, as `GET /api/sms` takes them (empty means any). */
export type GlobalSmsFilters = {
  q: string;
  direction: string;
  status: string;
  staffId: string;
  studentId: string;
  /** `true`: only what needs attention. */
  attention: string;
  /** ISO 8601: created at or after `since`, before `until`. */
  since: string;
  until: string;
};

/**
 * Every message, newest first, a page at a time (`before` = the last page's `nextBefore`);
 * refetched every `refetchInterval` ms when given (while a fix is settling).
 */
export const useGlobalSms = (
  filters: GlobalSmsFilters,
  pageSize = 50,
  refetchInterval: number | false = false,
) =>
  useInfiniteQuery({
    refetchInterval,
    queryKey: ['global-sms', filters, pageSize],
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(pageSize) });
      for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
      if (pageParam) query.set('before', pageParam);
      return api<{ items: GlobalSmsRow[]; nextBefore: string | null }>(`/api/sms?${query}`);
    },
    initialPageParam: '',
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });

/** Every staff member (admins and managers may list them). */
export const useStaffList = (enabled: boolean) =>
  useQuery({
    queryKey: ['staff'],
    queryFn: () => api<StaffView[]>('/api/staff'),
    enabled,
  });

/** Whom the development sign-in offers; null in production (404), where there is none. */
export const useDevStaff = () =>
  useQuery({
    queryKey: ['dev-staff'],
    queryFn: () =>
      api<DevStaffView[]>('/api/dev/staff').catch((error: { status?: number }) => {
        if (error.status === 404) return null;
        throw error;
      }),
  });
