import jwt from 'jsonwebtoken';
import { EMULATOR_ACCOUNT_SID } from '@fidelis/twilio';
import { bundledEmulator } from './bundled-emulator';
import { DEMO_SCHOOL, JsonCall, prepareDemoSchool, seedToken } from './demo-school';

const PUBLIC_BASE_URL = 'https://sms.example.edu';

/** A fake of the gateway's directory and numbers, as much as the seed uses, recording each call. */
function fakeGateway(directory: { staff?: object[]; students?: object[]; numbers?: object[] }) {
  const staff = [...(directory.staff ?? [])] as { id: string; name: string; role: string }[];
  const students = [...(directory.students ?? [])];
  const numbers = [...(directory.numbers ?? [])] as object[];
  const calls: string[] = [];
  const call: JsonCall = (method, path, body) => {
    calls.push(`${method} ${path}`);
    const [, kind, id] = path.split('?')[0].split('/').slice(1);
    if (method === 'GET' && kind === 'staff') return Promise.resolve(staff);
    if (method === 'GET' && kind === 'students') return Promise.resolve({ items: students });
    if (method === 'GET' && kind === 'numbers') return Promise.resolve(numbers);
    if (method === 'PUT' && kind === 'staff')
      staff.push({ id, ...(body as { name: string; role: string }) });
    if (method === 'PUT' && kind === 'students') students.push({ id, ...(body as object) });
    if (method === 'POST' && kind === 'numbers') {
      const { areaCode, staffId } = body as { areaCode: string; staffId: string };
      const number = {
        id: `number-${numbers.length}`,
        phoneNumber: `+1${areaCode}5230100`,
        twilioSid: `PN${String(numbers.length).padStart(32, '0')}`,
        staffId,
        status: 'active',
      };
      numbers.push(number);
      return Promise.resolve(number);
    }
    return Promise.resolve({});
  };
  return { call, calls, writes: () => calls.filter((line) => !line.startsWith('GET')) };
}

function fakeEmulator() {
  const calls: { path: string; body: unknown }[] = [];
  const call: JsonCall = (_method, path, body) => {
    calls.push({ path, body });
    return Promise.resolve({});
  };
  return { call, calls };
}

describe('npm start and the demo school', () => {
  it('runs the bundled emulator only when no Twilio account is configured', () => {
    expect(bundledEmulator({ TWILIO_EMULATOR_PORT: '4555' })).toEqual({
      url: 'http://127.0.0.1:4555',
      env: expect.objectContaining({
        TWILIO_ACCOUNT_SID: EMULATOR_ACCOUNT_SID,
        TWILIO_API_BASE_URL: 'http://127.0.0.1:4555',
      }),
    });
    expect(bundledEmulator({})?.url).toBe('http://127.0.0.1:4010');
    // A real account: no emulator, so nothing that would seed the demo school ever runs.
    expect(bundledEmulator({ TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}` })).toBeUndefined();
  });

  it('seeds an empty directory through the API: staff, a number for each coach, students', async () => {
    const gateway = fakeGateway({});
    const emulator = fakeEmulator();

    const prepared = await prepareDemoSchool(gateway.call, emulator.call, PUBLIC_BASE_URL);

    expect(prepared).toEqual({
      seeded: true,
      coach: { name: 'Carla Reyes', phoneNumber: '+14155230100' },
    });
    expect(gateway.writes()).toEqual([
      'PUT /api/staff/staff-dana-whitfield',
      'PUT /api/staff/staff-marcus-bell',
      'PUT /api/staff/staff-carla-reyes',
      'POST /api/numbers',
      'PUT /api/staff/staff-jamal-carter',
      'POST /api/numbers',
      'PUT /api/staff/staff-priya-nair',
      'POST /api/numbers',
      ...DEMO_SCHOOL.students.map(({ id }) => `PUT /api/students/${id}`),
    ]);
    // The simulator offers the students and the coaches' numbers by name.
    expect(emulator.calls).toContainEqual({
      path: '/_emulator/names',
      body: { phoneNumber: '+14155230100', name: 'Carla Reyes' },
    });
    expect(emulator.calls).toContainEqual({
      path: '/_emulator/names',
      body: { phoneNumber: '+14155550142', name: 'Maya Johnson' },
    });
  });

  it("never seeds a directory that has someone in it, and gives the emulator back the system's numbers", async () => {
    const gateway = fakeGateway({
      staff: [{ id: 'coach-1', name: 'Ann Lee', role: 'coach' }],
      numbers: [
        {
          id: 'n1',
          phoneNumber: '+12125550100',
          twilioSid: `PN${'a'.repeat(32)}`,
          staffId: 'coach-1',
          status: 'active',
        },
        {
          id: 'n2',
          phoneNumber: '+12125550101',
          twilioSid: `PN${'b'.repeat(32)}`,
          staffId: null,
          status: 'released',
        },
      ],
    });
    const emulator = fakeEmulator();

    const prepared = await prepareDemoSchool(gateway.call, emulator.call, PUBLIC_BASE_URL);

    expect(prepared).toEqual({
      seeded: false,
      coach: { name: 'Ann Lee', phoneNumber: '+12125550100' },
    });
    expect(gateway.writes()).toEqual([]);
    expect(emulator.calls).toEqual([
      {
        path: '/_emulator/numbers',
        body: {
          sid: `PN${'a'.repeat(32)}`,
          phoneNumber: '+12125550100',
          smsUrl: `${PUBLIC_BASE_URL}/webhooks/twilio/sms`,
        },
      },
      { path: '/_emulator/names', body: { phoneNumber: '+12125550100', name: 'Ann Lee' } },
    ]);
  });

  it('counts a directory with students but no staff as not empty', async () => {
    const gateway = fakeGateway({ students: [{ id: 's1', name: 'Bo', smsPhone: null }] });
    const prepared = await prepareDemoSchool(gateway.call, fakeEmulator().call, PUBLIC_BASE_URL);
    expect(prepared).toEqual({ seeded: false, coach: undefined });
    expect(gateway.writes()).toEqual([]);
  });

  it("signs the seed's calls as the demo school's admin with JWT_SECRET, briefly", () => {
    const claims = jwt.verify(seedToken('s3cret'), 's3cret', { algorithms: ['HS256'] }) as {
      sub: string;
      role: string;
      exp: number;
      iat: number;
    };
    expect(claims).toMatchObject({ sub: DEMO_SCHOOL.admin.id, role: 'admin' });
    expect(claims.exp - claims.iat).toBe(600);
    expect(() => jwt.verify(seedToken('s3cret'), 'dev-secret')).toThrow();
  });
});
