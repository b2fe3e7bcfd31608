import type { MessageView, NumberView, StudentView } from '@fidelis/contracts';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api';
import { useMe, useStaffList } from './queries';
import { readsGlobalTab } from './roles';

/** A student by id, shared with the student view's cache; nothing is asked for an empty id. */
const studentQuery = (studentId: string) => ({
  queryKey: ['student', studentId],
  queryFn: () => api<StudentView>(`/api/students/${encodeURIComponent(studentId)}`),
  enabled: studentId !== '',
});

export const useStudentById = (studentId: string) => useQuery(studentQuery(studentId));

/** The names of these students, as far as they are known yet (a refused one stays unknown). */
export function useStudentNames(studentIds: string[]): Map<string, string> {
  const students = useQueries({ queries: [...new Set(studentIds)].map(studentQuery) });
  const names = new Map<string, string>();
  for (const { data } of students) if (data) names.set(data.id, data.name);
  return names;
}

/**
 * Who the caller is and the staff members' names when the caller may list them (admins and
 * managers): coaches and instructors only know themselves.
 */
export function useStaffNames(): { meId: string | undefined; names: Map<string, string> } {
  const me = useMe();
  const staff = useStaffList(readsGlobalTab(me.data?.role));
  const names = new Map<string, string>(
    (staff.data ?? []).map((member) => [member.id, member.name]),
  );
  return { meId: me.data?.id, names };
}

/** Every number (admin only). */
export const useNumbers = (enabled: boolean) =>
  useQuery({
    queryKey: ['numbers'],
    queryFn: () => api<NumberView[]>('/api/numbers'),
    enabled,
  });

/** After a fix, the views that show the message again (the backend re-attributes shortly after). */
function useRefetchAfterFix() {
  const queries = useQueryClient();
  return () => {
    void queries.invalidateQueries({ queryKey: ['global-sms'] });
    void queries.invalidateQueries({ queryKey: ['numbers'] });
  };
}

/**
 * An unknown phone becomes a student's SMS phone: the student is read first so that the other
 * fields go back unchanged (`PUT /api/students/:id` replaces the record).
 */
export function useLinkPhone() {
  const refetch = useRefetchAfterFix();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async ({ studentId, phone }: { studentId: string; phone: string }) => {
      const path = `/api/students/${encodeURIComponent(studentId)}`;
      const student = await api<StudentView>(path);
      const body: Record<string, string> = { name: student.name, smsPhone: phone };
      if (student.email) body.email = student.email;
      if (student.timezone) body.timezone = student.timezone;
      return api<StudentView>(path, { method: 'PUT', body });
    },
    onSuccess: (student) => {
      queries.setQueryData(['student', student.id], student);
      refetch();
    },
  });
}

/** The student of a message from a shared phone, picked among its candidates. */
export function usePickStudent() {
  const refetch = useRefetchAfterFix();
  return useMutation({
    mutationFn: ({ messageId, studentId }: { messageId: string; studentId: string }) =>
      api<MessageView>(`/api/messages/${encodeURIComponent(messageId)}/student`, {
        method: 'PUT',
        body: { studentId },
      }),
    onSuccess: refetch,
  });
}

/** A message that may ask to stop texting: obeyed as a STOP (`confirm`) or not (`dismiss`). */
export function useDecideOptOut() {
  const refetch = useRefetchAfterFix();
  return useMutation({
    mutationFn: ({ messageId, decision }: { messageId: string; decision: 'confirm' | 'dismiss' }) =>
      api<MessageView>(`/api/messages/${encodeURIComponent(messageId)}/opt-out`, {
        method: 'POST',
        body: { decision },
      }),
    onSuccess: refetch,
  });
}

/** A number without a holder given to a staff member (admin only). */
export function useAssignNumber() {
  const refetch = useRefetchAfterFix();
  return useMutation({
    mutationFn: ({ numberId, staffId }: { numberId: string; staffId: string }) =>
      api<NumberView>(`/api/numbers/${encodeURIComponent(numberId)}/assignee`, {
        method: 'PUT',
        body: { staffId },
      }),
    onSuccess: refetch,
  });
}
