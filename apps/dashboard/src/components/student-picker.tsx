import { Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { StudentView } from '@fidelis/contracts';
import { useState } from 'react';
import { useStudentById } from '../lib/attention-queries';
import { formatPhone } from '../lib/format';
import { useStudentSearch } from '../lib/queries';

/** How a student is told apart from another of the same name: their phone, else their email. */
export const studentDetail = (student: StudentView) =>
  (student.smsPhone ? formatPhone(student.smsPhone) : student.email) ?? 'No phone or email';

/**
 * A student, found by typing their name, email or phone (`GET /api/students?q=`). Each option
 * shows the student's phone or email under the name, since names repeat.
 */
export function StudentPicker({
  label,
  value,
  onChange,
  placeholder = 'Type a name, email or phone',
  clearable = false,
}: {
  label: string;
  value: string;
  onChange: (studentId: string) => void;
  placeholder?: string;
  clearable?: boolean;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const selected = useStudentById(value);
  // Once a student is picked, the box shows their name: that is no search.
  const searching = debounced !== '' && debounced !== selected.data?.name ? debounced : '';
  const found = useStudentSearch(searching);

  const students = new Map<string, StudentView>();
  if (selected.data) students.set(selected.data.id, selected.data);
  for (const student of found.data?.items ?? []) students.set(student.id, student);
  const data = [...students.values()].map((student) => ({
    value: student.id,
    label: student.name,
  }));

  return (
    <Select
      label={label}
      placeholder={placeholder}
      data={data}
      value={value || null}
      onChange={(id) => onChange(id ?? '')}
      searchable
      searchValue={search}
      onSearchChange={(typed) => {
        setSearch(typed);
        // Emptying the box of a filter is no student: every student again.
        if (clearable && typed === '' && value) onChange('');
      }}
      // The API has searched already (by name, email or phone); the options are its answer.
      filter={({ options }) => options}
      clearable={clearable}
      clearButtonProps={{ 'aria-label': `Clear ${label.toLowerCase()}` }}
      nothingFoundMessage={
        searching === ''
          ? 'Type a name, email or phone'
          : found.isPending
            ? 'Searching…'
            : `No student matches “${searching}”`
      }
      renderOption={({ option }) => {
        const student = students.get(option.value);
        return (
          <Stack gap={0}>
            <Text size="sm">{option.label}</Text>
            {student && (
              <Text size="xs" c="dimmed">
                {studentDetail(student)}
              </Text>
            )}
          </Stack>
        );
      }}
    />
  );
}
