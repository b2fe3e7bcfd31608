import { Role } from './roles';

/** One staff member the development sign-in offers (CONTRACT.md §7). */
export interface DevStaffView {
  id: string;
  name: string;
  role: Role;
  /** The Twilio number they hold, or null. */
  phoneNumber: string | null;
}

/** A dashboard token for the chosen staff member. */
export interface DevSignInView {
  token: string;
}
