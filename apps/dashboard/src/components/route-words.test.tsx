import type { RouteView } from '@fidelis/contracts';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { stubFetch } from '../testing/fetch-stub';
import { message, student } from '../testing/fixtures';
import { renderView } from '../testing/render';
import { formatDay, routeWords, WhyHere } from './route-words';

const HELD_SINCE = '2026-11-03T09:00:00.000Z';
const names = {
  students: new Map([
    ['sam', 'Sam Student'],
    ['tia', 'Tia Student'],
  ]),
  staff: new Map([
    ['carla', 'Carla Coach'],
    ['dana', 'Dana Dean'],
  ]),
};

/** An inbound message from (415) 555-0101 to (415) 555-0100 with this routing decision. */
const inbound = (
  student: RouteView['student'],
  staff: RouteView['staff'],
  overrides: Parameters<typeof message>[0] = {},
) =>
  message({
    direction: 'inbound',
    studentId: student.by ? 'sam' : null,
    staffId: staff.id,
    route: { student, staff },
    ...overrides,
  });

const held = { id: 'carla', heldSince: HELD_SINCE };
const since = formatDay(HELD_SINCE);

describe('routeWords', () => {
  it('says whose SMS phone matched and who held the number, since when', () => {
    expect(routeWords(inbound({ by: 'smsPhone', candidates: ['sam'] }, held), names)).toBe(
      `From (415) 555-0101 matched Sam Student's SMS phone; To (415) 555-0100 held by Carla Coach since ${since}`,
    );
  });

  it('says a shared phone went to the student of the latest conversation', () => {
    expect(
      routeWords(inbound({ by: 'latestConversation', candidates: ['sam', 'tia'] }, held), names),
    ).toBe(
      'From (415) 555-0101, shared by 2 students — given to Sam Student, who texted with this ' +
        `number last; To (415) 555-0100 held by Carla Coach since ${since}`,
    );
  });

  it('says when nobody has the phone, or nobody picked among those who share it', () => {
    expect(routeWords(inbound({ by: null, candidates: [] }, held), names)).toMatch(
      /^From \(415\) 555-0101, a phone no student has; To/,
    );
    expect(routeWords(inbound({ by: null, candidates: ['sam', 'tia'] }, held), names)).toMatch(
      /^From \(415\) 555-0101, shared by Sam Student and Tia Student; nobody has picked which; To/,
    );
    // A person picked later: the message says so, beside the decision at arrival.
    expect(
      routeWords(
        inbound({ by: null, candidates: ['sam', 'tia'] }, held, { studentId: 'tia' }),
        names,
      ),
    ).toMatch(/shared by Sam Student and Tia Student; since given to Tia Student by hand;/);
  });

  it('says nobody held the number, and who has its messages since', () => {
    const noHolder = { id: null, heldSince: null };
    expect(routeWords(inbound({ by: 'smsPhone', candidates: ['sam'] }, noHolder), names)).toBe(
      "From (415) 555-0101 matched Sam Student's SMS phone; nobody held (415) 555-0100 when it arrived",
    );
    expect(
      routeWords(
        inbound({ by: 'smsPhone', candidates: ['sam'] }, noHolder, { staffId: 'dana' }),
        names,
      ),
    ).toMatch(/nobody held \(415\) 555-0100 when it arrived; now with Dana Dean$/);
  });

  it('says "you" to the holder, and leaves out a holder the reader cannot name', () => {
    const coach = { students: names.students, staff: new Map<string, string>() };
    const mine = inbound({ by: 'smsPhone', candidates: ['sam'] }, held);
    expect(routeWords(mine, { ...coach, meId: 'carla' })).toMatch(/held by you since/);
    expect(routeWords(mine, { ...coach, meId: 'dana' })).toBe(
      "From (415) 555-0101 matched Sam Student's SMS phone",
    );
  });

  it('says nothing of an outbound message', () => {
    expect(routeWords(message(), names)).toBeNull();
  });
});

describe('Why here?', () => {
  it('shows the route on demand, with the names asked of the API', async () => {
    stubFetch({
      'GET /api/me': { id: 'carla', name: 'Carla Coach', role: 'coach', number: null },
      'GET /api/students/sam': student({ id: 'sam', name: 'Sam Student' }),
    });
    const { user } = renderView(
      <WhyHere message={inbound({ by: 'smsPhone', candidates: ['sam'] }, held)} />,
    );

    const button = screen.getByRole('button', { name: 'Why here?' });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(
      await screen.findByText(
        `From (415) 555-0101 matched Sam Student's SMS phone; To (415) 555-0100 held by you since ${since}.`,
      ),
    ).toBeInTheDocument();
  });
});
