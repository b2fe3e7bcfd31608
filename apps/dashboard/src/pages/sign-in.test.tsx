import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '../lib/session';
import { refuse, stubFetch } from '../testing/fetch-stub';
import { renderView } from '../testing/render';
import { SignInPage } from './sign-in';

const STAFF = [
  { id: 'staff-1', name: 'Casey Coach', role: 'coach', phoneNumber: '+14155550100' },
  { id: 'staff-2', name: 'Ari Admin', role: 'admin', phoneNumber: null },
];

describe('SignInPage', () => {
  it('lists the directory’s staff with their role and number', async () => {
    stubFetch({ 'GET /api/dev/staff': STAFF });
    renderView(<SignInPage />);

    expect(await screen.findByRole('button', { name: /Casey Coach · Coach/ })).toHaveTextContent(
      '(415) 555-0100',
    );
    expect(screen.getByRole('button', { name: /Ari Admin · Admin/ })).toHaveTextContent(
      'no number',
    );
  });

  it('signs in as the one chosen, keeping the token for this tab', async () => {
    const { requests } = stubFetch({
      'GET /api/dev/staff': STAFF,
      'POST /api/dev/sign-in': { token: 'token-for-casey' },
    });
    const { user } = renderView(<SignInPage />);

    await user.click(await screen.findByRole('button', { name: /Casey Coach/ }));

    await expect.poll(() => session.token()).toBe('token-for-casey');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      staffId: 'staff-1',
    });
  });

  it('says what the server answered when the sign-in is refused', async () => {
    stubFetch({
      'GET /api/dev/staff': STAFF,
      'POST /api/dev/sign-in': refuse(404, { message: 'No staff member staff-1' }),
    });
    const { user } = renderView(<SignInPage />);

    await user.click(await screen.findByRole('button', { name: /Casey Coach/ }));

    expect(await screen.findByRole('alert')).toHaveTextContent('No staff member staff-1');
    expect(session.token()).toBeNull();
  });

  it('sends staff to the platform in production, where there is no development sign-in', async () => {
    stubFetch({ 'GET /api/dev/staff': refuse(404, { message: 'Cannot GET /api/dev/staff' }) });
    renderView(<SignInPage />);

    expect(
      await screen.findByText('Open Fidelis SMS from the platform: it signs you in.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
