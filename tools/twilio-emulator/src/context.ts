import type { EmulatorState } from './state';

/** What every route of the emulator shares. */
export interface EmulatorContext {
  accountSid: string;
  authToken: string;
  callbackDelayMs: number;
  state: EmulatorState;
  log: (entry: Record<string, unknown>) => void;
}

export const API_VERSION = '2010-04-01';

export function accountPath(ctx: EmulatorContext): string {
  return `/${API_VERSION}/Accounts/${ctx.accountSid}`;
}
