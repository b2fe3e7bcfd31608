import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core';
import type { GlobalSmsRow, Role } from '@fidelis/contracts';
import { useState } from 'react';
import {
  useAssignNumber,
  useDecideOptOut,
  useLinkPhone,
  useNumbers,
  usePickStudent,
  useStaffNames,
  useStudentById,
  useStudentNames,
} from '../lib/attention-queries';
import { formatPhone } from '../lib/format';
import { useStaffList } from '../lib/queries';
import { StudentPicker } from './student-picker';
import classes from './attention-actions.module.css';

/** What each kind of attention is, in a few words. */
export const ATTENTION_WORDS: Record<NonNullable<GlobalSmsRow['attention']>, string> = {
  'unknown-sender': 'Unknown sender',
  ambiguous: 'Shared phone: which student?',
  'no-holder': 'Number without a holder',
  'possible-opt-out': 'May have asked to stop texting',
};

/**
 * The fix for a message that needs attention: link an unknown phone to a student, pick the student
 * of a message from a shared phone, or give a number without a holder to a staff member. Once done,
 * `onDone` is told; the list then loses the message as the system re-attributes it.
 */
export function AttentionActions({
  message,
  role,
  done,
  onDone,
}: {
  message: GlobalSmsRow;
  role: Role | undefined;
  /** Fixed here already, waiting for the list to catch up. */
  done: string | null;
  onDone: (words: string) => void;
}) {
  if (!message.attention) return null;
  return (
    <div className={classes.panel}>
      <Text size="sm" fw={600}>
        Needs attention: {ATTENTION_WORDS[message.attention]}
      </Text>
      {done ? (
        <Text size="sm" role="status">
          {done}
        </Text>
      ) : message.attention === 'unknown-sender' ? (
        role === 'admin' ? (
          <LinkPhone message={message} onDone={onDone} />
        ) : (
          <Text size="sm">An admin can link this phone to a student.</Text>
        )
      ) : message.attention === 'ambiguous' ? (
        <PickStudent message={message} onDone={onDone} />
      ) : message.attention === 'possible-opt-out' ? (
        <DecideOptOut message={message} onDone={onDone} />
      ) : role === 'admin' ? (
        <AssignNumber message={message} onDone={onDone} />
      ) : (
        <Text size="sm">An admin can give this number to a staff member.</Text>
      )}
    </div>
  );
}

/**
 * A message that may ask to stop texting, in other words than STOP: the rule says a student may
 * opt out "by any reasonable means", so staff read it and decide.
 */
function DecideOptOut({
  message,
  onDone,
}: {
  message: GlobalSmsRow;
  onDone: (words: string) => void;
}) {
  const decide = useDecideOptOut();
  const to = message.to ? formatPhone(message.to) : 'this number';
  const choose = (decision: 'confirm' | 'dismiss') =>
    decide.mutate(
      { messageId: message.id, decision },
      {
        onSuccess: () =>
          onDone(
            decision === 'confirm'
              ? `Opted out: texts from ${to} to ${formatPhone(message.from)} now go by email.`
              : 'Dismissed: texts go on as before.',
          ),
      },
    );
  return (
    <Stack gap="xs">
      <Text size="sm">
        Not obeyed yet. If they asked to stop, confirm it: they get no more texts from {to}, and
        what staff send goes by email.
      </Text>
      {decide.isError && <Alert color="red">{decide.error.message}</Alert>}
      <Group>
        <Button
          size="compact-sm"
          color="red"
          loading={decide.isPending && decide.variables.decision === 'confirm'}
          onClick={() => choose('confirm')}
        >
          Confirm the opt-out
        </Button>
        <Button
          size="compact-sm"
          variant="default"
          loading={decide.isPending && decide.variables.decision === 'dismiss'}
          onClick={() => choose('dismiss')}
        >
          Dismiss
        </Button>
      </Group>
    </Stack>
  );
}

/** An unknown phone becomes the SMS phone of the student picked. */
function LinkPhone({
  message,
  onDone,
}: {
  message: GlobalSmsRow;
  onDone: (words: string) => void;
}) {
  const phone = message.from;
  const [studentId, setStudentId] = useState('');
  const student = useStudentById(studentId);
  const link = useLinkPhone();
  const previous = student.data?.smsPhone;
  return (
    <Stack gap="xs">
      <StudentPicker
        label={`Whose phone is ${formatPhone(phone)}?`}
        value={studentId}
        onChange={setStudentId}
      />
      {student.data && (
        <Text size="sm">
          {previous && previous !== phone
            ? `${student.data.name}'s SMS phone becomes ${formatPhone(phone)} instead of ${formatPhone(previous)}.`
            : `${formatPhone(phone)} becomes ${student.data.name}'s SMS phone.`}{' '}
          Every message from it goes to {student.data.name}.
        </Text>
      )}
      {link.isError && <Alert color="red">{link.error.message}</Alert>}
      <Group>
        <Button
          size="compact-sm"
          disabled={!student.data}
          loading={link.isPending}
          onClick={() =>
            link.mutate(
              { studentId, phone },
              {
                onSuccess: (linked) =>
                  onDone(
                    `Linked to ${linked.name}. The messages from ${formatPhone(phone)} move to them in a moment.`,
                  ),
              },
            )
          }
        >
          Link the phone
        </Button>
      </Group>
    </Stack>
  );
}

/** The student of a message from a phone several students share, picked among them. */
function PickStudent({
  message,
  onDone,
}: {
  message: GlobalSmsRow;
  onDone: (words: string) => void;
}) {
  const candidates = message.route?.student.candidates ?? message.candidateStudentIds;
  const names = useStudentNames(candidates);
  const pick = usePickStudent();
  return (
    <Stack gap="xs">
      <Text size="sm">Which of the students who share {formatPhone(message.from)} wrote this?</Text>
      {pick.isError && <Alert color="red">{pick.error.message}</Alert>}
      <Group gap="xs">
        {candidates.map((studentId) => {
          const name = names.get(studentId) ?? studentId;
          return (
            <Button
              key={studentId}
              size="compact-sm"
              variant="default"
              loading={pick.isPending && pick.variables.studentId === studentId}
              disabled={pick.isPending}
              onClick={() =>
                pick.mutate(
                  { messageId: message.id, studentId },
                  { onSuccess: () => onDone(`Given to ${name}.`) },
                )
              }
            >
              It was {name}
            </Button>
          );
        })}
      </Group>
    </Stack>
  );
}

/** A number nobody holds given to a staff member (admin only), who then gets its messages. */
function AssignNumber({
  message,
  onDone,
}: {
  message: GlobalSmsRow;
  onDone: (words: string) => void;
}) {
  const numbers = useNumbers(true);
  const staff = useStaffList(true);
  const { names } = useStaffNames();
  const [staffId, setStaffId] = useState<string | null>(null);
  const assign = useAssignNumber();
  const phoneNumber = message.to ?? '';
  const number = numbers.data?.find(
    (candidate) => candidate.phoneNumber === phoneNumber && candidate.status === 'active',
  );
  // A staff member holds at most one number: those without one are offered.
  const holders = new Set((numbers.data ?? []).map((held) => held.staffId).filter(Boolean));
  const options = (staff.data ?? [])
    .filter((member) => !holders.has(member.id))
    .map((member) => ({ value: member.id, label: member.name }))
    .sort((a, b) => a.label.localeCompare(b.label));

  if (numbers.isError) return <Alert color="red">{numbers.error.message}</Alert>;
  if (numbers.isSuccess && !number) {
    return (
      <Text size="sm">
        {formatPhone(phoneNumber)} is no longer one of the school&apos;s numbers.
      </Text>
    );
  }
  if (number?.staffId) {
    return (
      <Text size="sm">
        {formatPhone(phoneNumber)} is held by {names.get(number.staffId) ?? 'a staff member'} now;
        its messages move to them in a moment.
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      <Select
        label={`Give ${formatPhone(phoneNumber)} to`}
        placeholder="A staff member without a number"
        data={options}
        value={staffId}
        onChange={setStaffId}
        searchable
        nothingFoundMessage="Everyone has a number already"
      />
      {assign.isError && <Alert color="red">{assign.error.message}</Alert>}
      <Group>
        <Button
          size="compact-sm"
          disabled={!number || !staffId}
          loading={assign.isPending}
          onClick={() => {
            if (!number || !staffId) return;
            assign.mutate(
              { numberId: number.id, staffId },
              {
                onSuccess: () =>
                  onDone(
                    `${formatPhone(phoneNumber)} is now ${names.get(staffId) ?? 'theirs'}'s. Its messages move to them in a moment.`,
                  ),
              },
            );
          }}
        >
          Assign the number
        </Button>
      </Group>
    </Stack>
  );
}
