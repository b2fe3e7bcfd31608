/** Default credentials of the Twilio emulator (tools/twilio-emulator); never valid on real Twilio. */
export const EMULATOR_ACCOUNT_SID = 'AC0e6d1a5f9b2c4e7a8d3f1b6c9e2a5d70';
export const EMULATOR_AUTH_TOKEN = 'e3b0c44298fc1c149afbf4c8996fb924';
