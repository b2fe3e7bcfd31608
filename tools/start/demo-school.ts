/**
 * The demo school `npm start` seeds with the bundled emulator (CONTRACT.md §8), so the system can
 * be tried at once: sign in as a coach, text her from the phone simulator, answer. Everything goes
 * through the REST API, as the platform that owns the directory would do it.
 */
import { JwtService } from '@nestjs/jwt';
import type { NumberView, Role, StaffView, StudentView } from '@fidelis/contracts';

interface DemoStaff {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** Coaches get a number in this area code. */
  areaCode?: string;
}

interface DemoStudent {
  id: string;
  name: string;
  email: string;
  smsPhone: string;
  timezone: string;
}

const staff = (name: string, role: Role, areaCode?: string): DemoStaff => {
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '-');
  return {
    id: `staff-${slug}`,
    name,
    email: `${slug.replace('-', '.')}@example.edu`,
    role,
    areaCode,
  };
};
const student = (name: string, smsPhone: string, timezone: string): DemoStudent => {
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '-');
  return {
    id: `student-${slug}`,
    name,
    email: `${slug.replace('-', '.')}@example.com`,
    smsPhone,
    timezone,
  };
};

const ADMIN = staff('Dana Whitfield', 'admin');
/** The coach the printed address suggests signing in as. */
const FIRST_COACH = staff('Carla Reyes', 'coach', '415');

/** Fictional people; the students' phones are in the 555-01XX range kept for fiction. */
export const DEMO_SCHOOL = {
  admin: ADMIN,
  coach: FIRST_COACH,
  staff: [
    ADMIN,
    staff('Marcus Bell', 'coach_manager'),
    FIRST_COACH,
    staff('Jamal Carter', 'coach', '617'),
    staff('Priya Nair', 'coach', '312'),
  ],
  students: [
    student('Maya Johnson', '+14155550142', 'America/Los_Angeles'),
    student('Ethan Brooks', '+14155550156', 'America/Los_Angeles'),
    student('Sofia Martinez', '+16175550188', 'America/New_York'),
    student("Liam O'Connor", '+16175550123', 'America/New_York'),
    student('Aisha Rahman', '+13125550107', 'America/Chicago'),
    student('Noah Kim', '+13125550175', 'America/Chicago'),
  ],
};

/** A JSON API: resolves with the answer's body, throws on anything but 2xx. */
export type JsonCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function jsonApi(baseUrl: string, headers: Record<string, string> = {}): JsonCall {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

/** A short-lived admin token of the demo school's admin, signed as the identity provider does. */
export function seedToken(jwtSecret: string): string {
  return new JwtService().sign(
    { sub: DEMO_SCHOOL.admin.id, role: 'admin' },
    { secret: jwtSecret, algorithm: 'HS256', expiresIn: '10m' },
  );
}

export interface DemoPreparation {
  /** True when the directory was empty and the demo school was seeded into it. */
  seeded: boolean;
  /** The coach to sign in as: the demo school's first, or the first coach with a number. */
  coach: { name: string; phoneNumber: string } | undefined;
}

/**
 * Seeds the demo school when the directory has nobody in it (never over anyone's data), then tells
 * the emulator, which forgets everything when it stops, which numbers the system bought and whose
 * phones and numbers they are, so the simulator offers them by name.
 */
export async function prepareDemoSchool(
  gateway: JsonCall,
  emulator: JsonCall,
  publicBaseUrl: string,
): Promise<DemoPreparation> {
  const seeded = await isDirectoryEmpty(gateway);
  if (seeded) await seedDemoSchool(gateway);

  const [numbers, staffList, students] = await Promise.all([
    gateway('GET', '/api/numbers') as Promise<NumberView[]>,
    gateway('GET', '/api/staff') as Promise<StaffView[]>,
    gateway('GET', '/api/students?limit=200') as Promise<{ items: StudentView[] }>,
  ]);
  const staffById = new Map(staffList.map((member) => [member.id, member]));
  const held = numbers.filter((number) => number.status === 'active');
  for (const number of held) {
    await emulator('POST', '/_emulator/numbers', {
      sid: number.twilioSid,
      phoneNumber: number.phoneNumber,
      smsUrl: `${publicBaseUrl}/webhooks/twilio/sms`,
    });
    const holder = number.staffId === null ? undefined : staffById.get(number.staffId);
    if (holder) {
      await emulator('POST', '/_emulator/names', {
        phoneNumber: number.phoneNumber,
        name: holder.name,
      });
    }
  }
  for (const { smsPhone, name } of students.items) {
    if (smsPhone) await emulator('POST', '/_emulator/names', { phoneNumber: smsPhone, name });
  }

  // Whom to suggest signing in as: the demo coach, else any coach with a number.
  const coaches = held
    .map((number) => ({ number, holder: staffById.get(number.staffId ?? '') }))
    .filter(({ holder }) => holder?.role === 'coach');
  const suggested = coaches.find(({ holder }) => holder?.id === DEMO_SCHOOL.coach.id) ?? coaches[0];
  return {
    seeded,
    coach: suggested && { name: suggested.holder!.name, phoneNumber: suggested.number.phoneNumber },
  };
}

async function isDirectoryEmpty(gateway: JsonCall): Promise<boolean> {
  const [staffList, students] = await Promise.all([
    gateway('GET', '/api/staff') as Promise<StaffView[]>,
    gateway('GET', '/api/students?limit=1') as Promise<{ items: StudentView[] }>,
  ]);
  return staffList.length === 0 && students.items.length === 0;
}

async function seedDemoSchool(gateway: JsonCall): Promise<void> {
  for (const { id, name, email, role, areaCode } of DEMO_SCHOOL.staff) {
    await gateway('PUT', `/api/staff/${id}`, { name, email, role });
    if (areaCode) await gateway('POST', '/api/numbers', { areaCode, staffId: id });
  }
  for (const { id, ...profile } of DEMO_SCHOOL.students) {
    await gateway('PUT', `/api/students/${id}`, profile);
  }
}
