// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FailureInfo } from '@/utils/model';
import { FailureNotice } from '@/components/FailureNotice';
import { makeConnection, NOW } from './fixtures';

function failure(kind: FailureInfo['kind'], attempt = 1): FailureInfo {
  return {
    failedAt: NOW - 180_000,
    attempt,
    kind,
    lastError: { code: 'x', message: 'The token endpoint answered 503.' },
  };
}

describe('FailureNotice', () => {
  afterEach(() => {
    cleanup();
  });

  it('says a retrying connection is being retried, why, and when the next attempt is', () => {
    const connection = makeConnection({
      state: 'retrying',
      failure: failure('transient', 2),
      nextRefreshAt: NOW + 45_000,
    });

    render(<FailureNotice connection={connection} now={NOW} />);

    const notice = screen.getByTestId('failure-notice');
    expect(notice.dataset.kind).toBe('retrying');
    expect(notice.textContent).toBe(
      'Having trouble refreshing — retrying automatically' +
        'The token endpoint answered 503.' +
        '2 failed attempts, the first 3 min ago. Next attempt in 45 s.',
    );
    expect(screen.queryByRole('button')).toBeNull();
  });

  it("says it once: our sentence, the provider's own words apart and labelled, one action", () => {
    const onReconnect = vi.fn();
    const connection = makeConnection({
      state: 'needs-reconnect',
      failure: {
        ...failure('permanent'),
        lastError: {
          code: 'invalid_grant',
          message: 'The provider no longer accepts the refresh token (invalid_grant): reconnect.',
          detail: 'grant request is invalid',
        },
      },
    });
    render(<FailureNotice connection={connection} now={NOW} onReconnect={onReconnect} />);

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));

    expect(screen.getByTestId('failure-notice').dataset.kind).toBe('reconnect');
    expect(screen.getByTestId('failure-reason').textContent).toBe(
      'The provider no longer accepts the refresh token (invalid_grant): reconnect.',
    );
    expect(screen.getByTestId('provider-detail').textContent).toBe(
      'The provider said: grant request is invalid',
    );
    expect(
      screen.getByTestId('failure-notice').textContent!.match(/no longer accepts/g),
    ).toHaveLength(1);
    expect(onReconnect).toHaveBeenCalledTimes(1);
  });

  it('shows the reconnect as busy while it waits', () => {
    const connection = makeConnection({ state: 'needs-reconnect', failure: failure('permanent') });

    render(
      <FailureNotice connection={connection} now={NOW} onReconnect={vi.fn()} reconnectPending />,
    );

    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Reconnect' }).disabled).toBe(
      true,
    );
  });

  it('sends a configuration error to the connection settings instead of Reconnect', () => {
    const onOpenSettings = vi.fn();
    const connection = makeConnection({
      state: 'needs-reconnect',
      failure: failure('configuration'),
    });
    render(
      <FailureNotice
        connection={connection}
        now={NOW}
        onReconnect={vi.fn()}
        onOpenSettings={onOpenSettings}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Open connection settings' }));

    expect(screen.getByTestId('failure-reason').textContent).toBe(
      'The token endpoint answered 503.',
    );
    expect(screen.queryByRole('button', { name: 'Reconnect' })).toBeNull();
    expect(onOpenSettings).toHaveBeenCalledWith('c1');
  });

  it('only explains, without buttons, where the page has its own controls', () => {
    const connection = makeConnection({ state: 'needs-reconnect', failure: failure('permanent') });

    render(<FailureNotice connection={connection} now={NOW} />);

    expect(screen.getByTestId('failure-reason')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('invites a never-connected connection to connect in the options page', () => {
    const onOpenSettings = vi.fn();

    render(
      <FailureNotice
        connection={makeConnection({ state: 'new' })}
        now={NOW}
        onOpenSettings={onOpenSettings}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Connect in options' }));

    expect(onOpenSettings).toHaveBeenCalledWith('c1');
  });

  it('renders nothing for a healthy connection', () => {
    const { container } = render(<FailureNotice connection={makeConnection()} now={NOW} />);

    expect(container.innerHTML).toBe('');
  });
});
