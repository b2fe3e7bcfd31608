import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import type { ConsentChangeView } from '@fidelis/contracts';
import { useState } from 'react';
import { downloadFile, useConsent, useLegalHold, useSetLegalHold } from '../lib/admin';
import { formatPhone } from '../lib/format';
import { useMe } from '../lib/queries';

const day = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** How the change came about, in the words of the person reading it. */
function how(change: ConsentChangeView): string {
  switch (change.source.kind) {
    case 'message':
      return change.optedOut ? 'replied STOP' : 'replied START';
    case 'staff':
      return 'confirmed by staff';
    case 'twilio':
      return 'the carrier reported it';
  }
}

/**
 * A student's SMS status per number (the latest change of each, with when and how), and for
 * admins their complete record to download (FERPA) and the legal hold that keeps it from
 * retention.
 */
export function StudentRecord({ studentId, name }: { studentId: string; name: string }) {
  const me = useMe();
  const admin = me.data?.role === 'admin';
  const consent = useConsent(studentId);
  const latest = new Map<string, ConsentChangeView>();
  for (const change of consent.data ?? []) {
    if (!latest.has(change.number)) latest.set(change.number, change);
  }
  const optedOut = [...latest.values()].filter((change) => change.optedOut);

  return (
    <Stack gap={6}>
      {optedOut.map((change) => (
        <Text size="sm" key={change.number}>
          Opted out of texts from {formatPhone(change.number)} on {day(change.at)} ({how(change)}).
          Messages from that number go by email.
        </Text>
      ))}
      {admin && <AdminRecord studentId={studentId} name={name} />}
    </Stack>
  );
}

function AdminRecord({ studentId, name }: { studentId: string; name: string }) {
  const hold = useLegalHold(studentId, true);
  const setHold = useSetLegalHold(studentId);
  const [reason, setReason] = useState('');
  const [download, setDownload] = useState<{ busy?: boolean; error?: string }>({});
  const save = async () => {
    setDownload({ busy: true });
    try {
      await downloadFile(
        `/api/students/${encodeURIComponent(studentId)}/export`,
        `${studentId}.json`,
      );
      setDownload({});
    } catch (error) {
      setDownload({ error: (error as Error).message });
    }
  };

  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Button
          size="compact-sm"
          variant="default"
          loading={download.busy}
          onClick={() => void save()}
        >
          Download {name}&apos;s record
        </Button>
        {hold.data?.held ? (
          <Button
            size="compact-sm"
            variant="default"
            loading={setHold.isPending}
            onClick={() => setHold.mutate({ held: false })}
          >
            Lift the legal hold
          </Button>
        ) : null}
      </Group>
      {download.error && <Alert color="red">{download.error}</Alert>}
      {hold.data?.held ? (
        <Text size="sm">
          Under a legal hold since {hold.data.setAt ? day(hold.data.setAt) : 'now'}
          {hold.data.reason ? ` (${hold.data.reason})` : ''}: retention keeps every message.
        </Text>
      ) : (
        hold.data && (
          <Group gap="xs" align="flex-end">
            <TextInput
              size="xs"
              label="Legal hold reason"
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              maxLength={500}
            />
            <Button
              size="compact-sm"
              variant="default"
              loading={setHold.isPending}
              onClick={() => setHold.mutate({ held: true, reason })}
            >
              Place a legal hold
            </Button>
          </Group>
        )
      )}
      {setHold.isError && <Alert color="red">{setHold.error.message}</Alert>}
    </Stack>
  );
}
