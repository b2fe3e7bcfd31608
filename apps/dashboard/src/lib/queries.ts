import type {
  DevStaffView,
  NumberView,
  RoutedMessageView,
  StaffView,
  StudentView,
  TileRow,
} from '@fidelis/contracts';
import { useQuery } from '@tanstack/react-query';
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

export const useStudentMessages = (studentId: string) =>
  useQuery({
    queryKey: ['student-messages', studentId],
    queryFn: () =>
      api<RoutedMessageView[]>(`/api/students/${encodeURIComponent(studentId)}/messages`),
  });

export const useConversation = (contactPhone: string) =>
  useQuery({
    queryKey: ['conversation', contactPhone],
    queryFn: () =>
      api<RoutedMessageView[]>(
        `/api/sms/conversation?contactPhone=${encodeURIComponent(contactPhone)}`,
      ),
  });

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
