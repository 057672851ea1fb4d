// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState, RefreshOutcome } from '@/utils/model';
import { ConnectionCard } from '@/components/ConnectionCard';
import { deferred, makeConnection, NOW, settle } from './fixtures';

const clock = () => NOW;
const neverCalled = () => Promise.reject(new Error('not expected'));

describe('ConnectionCard', () => {
  afterEach(() => {
    cleanup();
  });

  it.each<{ state: ConnectionState; expected: string }>([
    { state: 'healthy', expected: 'Healthy' },
    { state: 'refreshing', expected: 'Refreshing' },
    { state: 'retrying', expected: 'Retrying' },
    { state: 'needs-reconnect', expected: 'Needs reconnect' },
    { state: 'disabled', expected: 'Disabled' },
    { state: 'new', expected: 'Not connected' },
  ])('shows state $state as "$expected"', ({ state, expected }) => {
    const connection = makeConnection({ state });

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    const card = screen.getByTestId('connection-card');
    expect(card.dataset.state).toBe(state);
    expect(card.dataset.connectionId).toBe('c1');
    expect(within(card).getByTestId('state-pill').textContent).toBe(expected);
  });

  it('shows label, provider, account, expiry countdown and schedule', () => {
    const connection = makeConnection();

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    expect(screen.getByRole('heading', { name: 'Demo' })).toBeTruthy();
    expect(screen.getByText('Custom OAuth 2.0 / OpenID Connect · alice@example.com')).toBeTruthy();
    expect(screen.getByTestId('countdown').textContent).toBe('in 1:58');
    expect(screen.getByTestId('last-refresh').textContent).toBe('2 min ago');
    expect(screen.getByTestId('next-refresh').textContent).toBe('in 45 s');
  });

  it('shows a connection that was never connected without times, and no refresh', () => {
    const connection = makeConnection({
      state: 'new',
      account: undefined,
      expiresAt: null,
      lastRefreshAt: null,
      nextRefreshAt: null,
    });

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    expect(screen.queryByTestId('countdown')).toBeNull();
    expect(screen.getByTestId('last-refresh').textContent).toBe('never');
    expect(screen.getByTestId('next-refresh').textContent).toBe('not scheduled');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refresh now' }).disabled).toBe(
      true,
    );
  });

  it('keeps its relative times current as the clock moves', () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    render(<ConnectionCard connection={makeConnection()} onRefresh={neverCalled} />);

    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    const actual = {
      last: screen.getByTestId('last-refresh').textContent,
      next: screen.getByTestId('next-refresh').textContent,
      expires: screen.getByTestId('countdown').textContent,
    };
    vi.useRealTimers();

    expect(actual).toEqual({ last: '3 min ago', next: 'due now', expires: 'in 0:58' });
  });

  it('says an overdue refresh is due now', () => {
    const connection = makeConnection({ nextRefreshAt: NOW - 1_000 });

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    expect(screen.getByTestId('next-refresh').textContent).toBe('due now');
  });

  it('shows the reason and the retry streak when a refresh keeps failing', () => {
    const connection = makeConnection({
      state: 'retrying',
      failure: {
        failedAt: NOW - 180_000,
        attempt: 2,
        kind: 'transient',
        lastError: { code: 'network', message: 'The token endpoint did not answer.' },
      },
    });

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    expect(screen.getByTestId('failure-reason').textContent).toBe(
      'Reason: The token endpoint did not answer. 2 failed attempts since 3 min ago; retrying.',
    );
  });

  it('tells the person to reconnect after a permanent failure', () => {
    const connection = makeConnection({
      state: 'needs-reconnect',
      failure: {
        failedAt: NOW,
        attempt: 1,
        kind: 'permanent',
        lastError: { code: 'invalid_grant', message: 'The refresh token was revoked.' },
      },
    });

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    expect(screen.getByTestId('failure-reason').textContent).toBe(
      'Reason: The refresh token was revoked. Reconnect to continue.',
    );
  });

  it('shows no reason while healthy', () => {
    const connection = makeConnection();

    render(<ConnectionCard connection={connection} onRefresh={neverCalled} clock={clock} />);

    expect(screen.queryByTestId('failure-reason')).toBeNull();
  });

  it('asks to refresh this connection, shows busy, then the new expiry', async () => {
    const reply = deferred<RefreshOutcome>();
    const onRefresh = vi.fn(() => reply.promise);
    render(<ConnectionCard connection={makeConnection()} onRefresh={onRefresh} clock={clock} />);
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Refresh now' });

    fireEvent.click(button);
    const whileBusy = {
      status: screen.getByTestId('refresh-outcome').textContent,
      disabled: button.disabled,
      ariaBusy: button.getAttribute('aria-busy'),
    };
    reply.resolve({ ok: true, refreshed: true, expiresAt: NOW + 3_600_000 });
    await settle();

    expect(onRefresh).toHaveBeenCalledWith('c1');
    expect(whileBusy).toEqual({ status: 'Refreshing…', disabled: true, ariaBusy: 'true' });
    expect(screen.getByTestId('refresh-outcome').textContent).toBe(
      'Refreshed — expires in 1:00:00',
    );
    expect(button.disabled).toBe(false);
  });

  it('says so when the token was already fresh', async () => {
    const onRefresh = () =>
      Promise.resolve<RefreshOutcome>({ ok: true, refreshed: false, expiresAt: NOW + 118_000 });
    render(<ConnectionCard connection={makeConnection()} onRefresh={onRefresh} clock={clock} />);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await settle();

    expect(screen.getByTestId('refresh-outcome').textContent).toBe(
      'Already fresh — expires in 1:58',
    );
  });

  it("shows the worker's error message when the refresh fails", async () => {
    const onRefresh = () =>
      Promise.resolve<RefreshOutcome>({
        ok: false,
        state: 'needs-reconnect',
        error: { code: 'invalid_grant', message: 'The provider rejected the refresh token.' },
      });
    render(<ConnectionCard connection={makeConnection()} onRefresh={onRefresh} clock={clock} />);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await settle();

    const outcome = screen.getByTestId('refresh-outcome');
    expect(outcome.textContent).toBe('The provider rejected the refresh token.');
    expect(outcome.classList.contains('error')).toBe(true);
  });

  it('explains when the worker cannot be reached', async () => {
    const onRefresh = () => Promise.reject(new Error('Receiving end does not exist.'));
    render(<ConnectionCard connection={makeConnection()} onRefresh={onRefresh} clock={clock} />);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await settle();

    expect(screen.getByTestId('refresh-outcome').textContent).toBe(
      "Couldn't reach Token Keeper's background worker: Receiving end does not exist.",
    );
  });

  it('places extra actions after Refresh now', () => {
    const actions = <button type="button">Remove</button>;

    render(
      <ConnectionCard
        connection={makeConnection()}
        onRefresh={neverCalled}
        clock={clock}
        actions={actions}
      />,
    );

    const names = screen.getAllByRole('button').map((button) => button.textContent);
    expect(names).toEqual(['Refresh now', 'Remove']);
  });
});
