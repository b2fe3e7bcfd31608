import type { Role } from '@fidelis/contracts';

/** Who may read the global SMS tab (`GET /api/sms`): the admin and the managers (CONTRACT.md §3, §5). */
const GLOBAL_TAB_ROLES: readonly Role[] = ['admin', 'coach_manager', 'instructor_manager'];

export const readsGlobalTab = (role: Role | undefined) =>
  role !== undefined && GLOBAL_TAB_ROLES.includes(role);
