import { StaffView, StudentView } from '@fidelis/contracts';
import { Staff } from './staff.entity';
import { Student } from './student.entity';

export function staffView(staff: Staff): StaffView {
  return {
    id: staff.id,
    name: staff.name,
    email: staff.email,
    role: staff.role,
    createdAt: staff.createdAt.toISOString(),
    updatedAt: staff.updatedAt.toISOString(),
  };
}

export function studentView(student: Student, sharesPhoneWith: string[] = []): StudentView {
  return {
    id: student.id,
    name: student.name,
    email: student.email,
    smsPhone: student.smsPhone,
    timezone: student.timezone,
    sharesPhoneWith,
    createdAt: student.createdAt.toISOString(),
    updatedAt: student.updatedAt.toISOString(),
  };
}
