// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import './catalog';
import type { ReconnectDeadline } from '@/utils/model';
import { ProviderNotices } from '@/components/ProviderNotices';
import { describeDeadline } from '@/components/RefreshTokenWarning';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1, 12);

const deadline = (overrides: Partial<ReconnectDeadline> = {}): ReconnectDeadline => ({
  at: NOW + 10 * DAY,
  reason: 'age',
  limitDays: 365,
  warnFrom: NOW - DAY,
  ...overrides,
});

describe('ProviderNotices', () => {
  afterEach(() => {
    cleanup();
  });

  it('lists each Jira site with its URL and cloud id', () => {
    const sites = [
      { id: 'cloud-1', name: 'acme', url: 'https://acme.atlassian.net' },
      { id: 'cloud-2', name: '', url: 'https://beta.atlassian.net' },
    ];

    render(<ProviderNotices connection={{ sites }} now={NOW} />);

    const items = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual([
      'acme acme.atlassian.net · cloud id cloud-1',
      'beta.atlassian.net beta.atlassian.net · cloud id cloud-2',
    ]);
    expect(screen.getByRole('link', { name: 'acme' }).getAttribute('href')).toBe(
      'https://acme.atlassian.net',
    );
  });

  it('warns once the deadline is within its warning window', () => {
    render(<ProviderNotices connection={{ reconnectBy: deadline() }} now={NOW} />);

    expect(screen.getByTestId('reconnect-warning').textContent).toBe(
      'Reconnect needed within 10 days: the provider ends a grant 365 days after consent.',
    );
  });

  it('shows nothing before the warning window, or without sites and deadline', () => {
    const { container } = render(
      <>
        <ProviderNotices
          connection={{ reconnectBy: deadline({ warnFrom: NOW + DAY }) }}
          now={NOW}
        />
        <ProviderNotices connection={{}} now={NOW} />
      </>,
    );

    expect(container.textContent).toBe('');
  });
});

describe('describeDeadline', () => {
  it.each([
    {
      input: deadline({ at: NOW + 1.2 * DAY, reason: 'inactivity', limitDays: 90 }),
      expected: 'Reconnect needed within 2 days: refresh tokens expire after 90 days unused.',
    },
    {
      input: deadline({ at: NOW + 3 * 3600_000, limitDays: 7 }),
      expected: 'Reconnect needed within 1 day: the provider ends a grant 7 days after consent.',
    },
    {
      input: deadline({ at: NOW - 1, limitDays: 7 }),
      expected:
        'The refresh token has probably expired (the provider ends a grant 7 days after consent): reconnect.',
    },
  ])('$expected', ({ input, expected }) => {
    const actual = describeDeadline(input, NOW);

    expect(actual).toBe(expected);
  });
});
