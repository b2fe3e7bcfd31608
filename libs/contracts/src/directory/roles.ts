export const ROLES = [
  'coach',
  'coach_manager',
  'instructor',
  'instructor_manager',
  'admin',
  'mentor_coach',
] as const;
export type Role = (typeof ROLES)[number];

export const MANAGER_ROLES: readonly Role[] = ['coach_manager', 'instructor_manager'];
