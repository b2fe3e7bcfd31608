import type { StudentView } from '@fidelis/contracts';
import { api, ApiError } from './api';
import { matchesLine, pastedLines, type PastedLine } from './bulk-message';

/** Lines looked up at once: the browser's own limit per server, no more. */
const AT_ONCE = 6;

export interface PastedStudents {
  /** Everyone a line named, in the order of the lines, each once. */
  students: StudentView[];
  /** The lines that matched no student, as they were written. */
  unmatched: string[];
}

/** Finds the students a pasted list names by id, email or phone, and the lines that name no one. */
export async function findPastedStudents(text: string): Promise<PastedStudents> {
  const lines = pastedLines(text);
  const matches: StudentView[][] = new Array<StudentView[]>(lines.length);
  let next = 0;
  const worker = async () => {
    while (next < lines.length) {
      const index = next++;
      matches[index] = await studentsNamedBy(lines[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, lines.length) }, worker));

  const students = new Map<string, StudentView>();
  matches.flat().forEach((student) => students.set(student.id, student));
  return {
    students: [...students.values()],
    unmatched: lines.filter((_, index) => matches[index].length === 0).map(({ line }) => line),
  };
}

/** A phone may be shared (siblings, a parent's phone): every student with it is named. */
async function studentsNamedBy(line: PastedLine): Promise<StudentView[]> {
  if (line.kind !== 'email') {
    const byId = await studentById(line.line);
    if (byId || line.kind === 'id') return byId ? [byId] : [];
  }
  const q = line.kind === 'email' ? line.email : line.phone;
  const found = await api<{ items: StudentView[] }>(
    `/api/students?q=${encodeURIComponent(q)}&limit=50`,
  );
  return found.items.filter((student) => matchesLine(student, line));
}

async function studentById(id: string): Promise<StudentView | null> {
  try {
    return await api<StudentView>(`/api/students/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
