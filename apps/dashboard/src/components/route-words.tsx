import { Button, Text } from '@mantine/core';
import type { MessageView } from '@fidelis/contracts';
import { useId, useState } from 'react';
import { useStaffNames, useStudentNames } from '../lib/attention-queries';
import { formatPhone } from '../lib/format';

/** What the words need to name people: students and staff by id, and who is reading. */
export interface RouteNames {
  students: Map<string, string>;
  staff: Map<string, string>;
  /** The reader's own id: "held by you". */
  meId?: string;
}

/** "3 Nov" (with the year when it is not this one), in the reader's time zone. */
export function formatDay(iso: string, now = new Date()): string {
  const at = new Date(iso);
  return at.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

/** "Sam", "Sam and Tia", "Sam, Tia and Lee". */
function listOf(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * Why an inbound message went where it went, in words: how its student was found when it arrived
 * (and who it was given to by hand since), and who held the number it was sent to. Null for a
 * message without a routing decision (outbound). The staff half is left out when the reader may
 * not know the holder's name (a coach reading about a colleague).
 */
export function routeWords(message: MessageView, names: RouteNames): string | null {
  const route = message.route;
  if (!route) return null;
  const studentName = (id: string | null) =>
    (id && names.students.get(id)) ?? (id ? 'a student' : 'nobody');
  const staffName = (id: string) => (id === names.meId ? 'you' : (names.staff.get(id) ?? null));

  const phone = formatPhone(message.from);
  const { by, candidates } = route.student;
  let from: string;
  if (by === 'smsPhone') {
    from = `From ${phone} matched ${studentName(message.studentId)}'s SMS phone`;
  } else if (by === 'latestConversation') {
    from =
      `From ${phone}, shared by ${candidates.length} students — given to ` +
      `${studentName(message.studentId)}, who texted with this number last`;
  } else if (candidates.length >= 2) {
    const who = listOf(candidates.map(studentName));
    from = message.studentId
      ? `From ${phone}, shared by ${who}; since given to ${studentName(message.studentId)} by hand`
      : `From ${phone}, shared by ${who}; nobody has picked which`;
  } else {
    from = message.studentId
      ? `From ${phone}, a phone no student had; since linked to ${studentName(message.studentId)}`
      : `From ${phone}, a phone no student has`;
  }

  const number = message.to ? formatPhone(message.to) : 'the number';
  let to: string | null;
  if (route.staff.id) {
    const holder = staffName(route.staff.id);
    to = holder
      ? `To ${number} held by ${holder}` +
        (route.staff.heldSince ? ` since ${formatDay(route.staff.heldSince)}` : '')
      : null;
  } else {
    const now = message.staffId ? staffName(message.staffId) : null;
    to = `nobody held ${number} when it arrived` + (now ? `; now with ${now}` : '');
  }
  return to ? `${from}; ${to}` : from;
}

/** The route of one message in words, with the names it needs fetched (cached) as it shows. */
export function RouteWords({
  message,
  studentName,
  id,
  size = 'sm',
}: {
  message: MessageView;
  /** The message's student's name, when the view knows it already. */
  studentName?: string | null;
  id?: string;
  size?: 'xs' | 'sm';
}) {
  const route = message.route;
  const students = useStudentNames(
    [...(route?.student.candidates ?? []), message.studentId ?? ''].filter(Boolean),
  );
  if (message.studentId && studentName && !students.has(message.studentId)) {
    students.set(message.studentId, studentName);
  }
  const { meId, names: staff } = useStaffNames();
  const words = routeWords(message, { students, staff, meId });
  if (!words) return null;
  return (
    <Text size={size} c="dimmed" id={id} w="100%">
      {words}.
    </Text>
  );
}

/** "Why here?": the route of an inbound message, shown on demand (on a line of its own). */
export function WhyHere({
  message,
  studentName,
  size = 'sm',
}: {
  message: MessageView;
  studentName?: string | null;
  size?: 'xs' | 'sm';
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!message.route) return null;
  return (
    <>
      <Button
        variant="subtle"
        size="compact-xs"
        px={0}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen(!open)}
      >
        Why here?
      </Button>
      {open && <RouteWords message={message} studentName={studentName} id={id} size={size} />}
    </>
  );
}
