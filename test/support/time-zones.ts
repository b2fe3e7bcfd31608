import { DateTime } from 'luxon';

/**
 * A fixed-offset zone whose local hour now is one of `hours`: how a test puts a student where
 * it is night, or day, whatever the hour the suite runs at. Choose hours away from a window's
 * edges (not 21 or 8 for quiet hours) so the answer holds for the length of a test.
 */
export function zoneWhereItIs(hours: number[]): string {
  for (let offset = -12; offset <= 14; offset += 1) {
    // IANA's Etc zones are named with the sign reversed: Etc/GMT+5 is UTC−5.
    const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    if (hours.includes(DateTime.now().setZone(zone).hour)) return zone;
  }
  throw new Error(`no zone where it is ${hours.join('/')} o'clock`);
}
