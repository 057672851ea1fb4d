// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/utils/messaging';
import type { ConnectionStatus, FailureInfo } from '@/utils/model';
import { FailureNotice } from '@/components/FailureNotice';
import { deferred, makeConnection, NOW, settle } from './fixtures';

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
        'Reason: The token endpoint answered 503.' +
        '2 failed attempts, the first 3 min ago. Next attempt in 45 s.',
    );
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers Reconnect after a permanent failure and shows the outcome', async () => {
    const reply = deferred<ActionResult<ConnectionStatus>>();
    const onReconnect = vi.fn(() => reply.promise);
    const connection = makeConnection({ state: 'needs-reconnect', failure: failure('permanent') });
    render(<FailureNotice connection={connection} now={NOW} onReconnect={onReconnect} />);

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    const whileWaiting = screen.getByTestId('reconnect-outcome').textContent;
    reply.resolve({ ok: true, value: makeConnection() });
    await settle();

    expect(onReconnect).toHaveBeenCalledWith('c1');
    expect(screen.getByTestId('failure-notice').dataset.kind).toBe('reconnect');
    expect(whileWaiting).toBe("Waiting for you to approve in the provider's window…");
    expect(screen.getByTestId('reconnect-outcome').textContent).toBe('Reconnected.');
  });

  it('shows why a reconnect failed', async () => {
    const onReconnect = async (): Promise<ActionResult<ConnectionStatus>> => ({
      ok: false,
      error: { code: 'connect_failed', message: 'Could not connect: access_denied' },
    });
    const connection = makeConnection({ state: 'needs-reconnect', failure: failure('permanent') });
    render(<FailureNotice connection={connection} now={NOW} onReconnect={onReconnect} />);

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await settle();

    const outcome = screen.getByTestId('reconnect-outcome');
    expect(outcome.textContent).toBe('Could not connect: access_denied');
    expect(outcome.classList.contains('error')).toBe(true);
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

    expect(screen.getByTestId('failure-notice').textContent).toContain(
      'check the client ID and client secret',
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
