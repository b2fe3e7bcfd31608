import { session } from './session';

/** A refusal of the API, with the words to show the staff member. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The API's refusals that deserve words of our own rather than the server's. */
const PLAIN_WORDS: Record<string, string> = {
  SENDER_HAS_NO_NUMBER: "You don't have a texting number yet. An admin can assign one.",
  STUDENT_NOT_FOUND: 'This student is not in the directory.',
  SERVICE_UNAVAILABLE: 'The system is busy for a moment. Try again.',
  NUMBER_NOT_AVAILABLE:
    'Twilio no longer has this number: someone else took it. Search again and pick another.',
  STAFF_HAS_NUMBER: 'This staff member already holds a number. Unassign it first.',
};

/** What a request that never got an answer says (offline, the gateway down). */
export const UNREACHABLE = "Can't reach Fidelis SMS. Check your connection and try again.";

/** Calls the gateway's REST API as the signed-in staff member; a 401 signs out. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const token = session.token();
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  }).catch(() => {
    throw new Error(UNREACHABLE);
  });
  if (response.status === 401 && token) session.signOut();
  const text = await response.text();
  const payload = (text ? JSON.parse(text) : undefined) as unknown;
  if (!response.ok) {
    const { message, code } = (payload ?? {}) as { message?: unknown; code?: string };
    const words =
      (code && PLAIN_WORDS[code]) ??
      (Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : '');
    throw new ApiError(response.status, words || `The request failed (${response.status}).`, code);
  }
  return payload as T;
}
