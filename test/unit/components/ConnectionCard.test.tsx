// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/utils/messaging';
import type { ConnectionStatus, RefreshOutcome, ShownState } from '@/utils/model';
import { ConnectionCard } from '@/components/ConnectionCard';
import { formatDateTime } from '@/components/format';
import { deferred, makeConnection, makeRevokedConnection, NOW, settle } from './fixtures';

const neverCalled = () => Promise.reject(new Error('not expected'));

describe('ConnectionCard', () => {
  afterEach(() => {
    cleanup();
  });

  it.each<{ state: ShownState; expected: string }>([
    { state: 'healthy', expected: 'Healthy' },
    { state: 'refreshing', expected: 'Refreshing' },
    { state: 'retrying', expected: 'Retrying' },
    { state: 'needs-reconnect', expected: 'Needs reconnect' },
    { state: 'new', expected: 'Not connected' },
  ])('shows state $state as "$expected"', ({ state, expected }) => {
    const connection = makeConnection({ state });

    render(<ConnectionCard connection={connection} now={NOW} onRefresh={neverCalled} />);

    const card = screen.getByTestId('connection-card');
    expect(card.dataset.state).toBe(state);
    expect(card.dataset.connectionId).toBe('c1');
    expect(within(card).getByTestId('state-pill').textContent).toBe(expected);
  });

  it('shows provider icon, label, account, expiry countdown and schedule', () => {
    const connection = makeConnection({ provider: 'jira' });

    render(<ConnectionCard connection={connection} now={NOW} onRefresh={neverCalled} />);

    expect(screen.getByRole('heading', { name: 'Demo' }).tagName).toBe('H3');
    expect(screen.getByTestId('provider-icon').dataset.provider).toBe('jira');
    expect(screen.getByTestId('connection-where').textContent).toBe(
      'Jira Cloud · alice@example.com',
    );
    expect(screen.getByTestId('countdown').textContent).toBe('in 1:58');
    expect(screen.getByTestId('last-refresh').textContent).toBe('2 min ago');
    expect(screen.getByTestId('next-refresh').textContent).toBe('in 45 s');
  });

  it('uses a second-level heading in the popup', () => {
    render(
      <ConnectionCard
        connection={makeConnection()}
        now={NOW}
        onRefresh={neverCalled}
        headingLevel={2}
      />,
    );

    expect(screen.getByRole('heading', { name: 'Demo' }).tagName).toBe('H2');
  });

  it('shows a connection that was never connected without times, and no refresh', () => {
    const connection = makeConnection({
      state: 'new',
      account: undefined,
      expiresAt: null,
      lastRefreshAt: null,
      nextRefreshAt: null,
    });

    render(<ConnectionCard connection={connection} now={NOW} onRefresh={neverCalled} />);

    expect(screen.queryByTestId('countdown')).toBeNull();
    expect(screen.getByTestId('last-refresh').textContent).toBe('never');
    expect(screen.getByTestId('next-refresh').textContent).toBe('not scheduled');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refresh now' }).disabled).toBe(
      true,
    );
  });

  it('keeps its relative times current as the shared clock moves', () => {
    const { rerender } = render(
      <ConnectionCard connection={makeConnection()} now={NOW} onRefresh={neverCalled} />,
    );

    rerender(
      <ConnectionCard connection={makeConnection()} now={NOW + 60_000} onRefresh={neverCalled} />,
    );
    const actual = {
      last: screen.getByTestId('last-refresh').textContent,
      next: screen.getByTestId('next-refresh').textContent,
      expires: screen.getByTestId('countdown').textContent,
    };

    expect(actual).toEqual({ last: '3 min ago', next: 'due now', expires: 'in 0:58' });
  });

  it('gives the exact moments as tooltips when the pointer arrives, not before', () => {
    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={neverCalled} />);
    const last = screen.getByTestId('last-refresh');
    const before = last.getAttribute('title');

    fireEvent.pointerOver(last);

    expect(before).toBeNull();
    expect(last.getAttribute('title')).toBe(formatDateTime(NOW - 120_000));
  });

  it('starts no timer of its own: the page ticks once for every card', () => {
    vi.useFakeTimers();

    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={neverCalled} />);
    const timers = vi.getTimerCount();
    vi.useRealTimers();

    expect(timers).toBe(0);
  });

  it('marks a lifetime the provider did not state as assumed', () => {
    const connection = makeConnection({ lifetimeAssumed: true });

    render(<ConnectionCard connection={connection} now={NOW} onRefresh={neverCalled} />);

    expect(screen.getByText('(assumed)')).toBeTruthy();
  });

  it('shows the failure notice and blocks Refresh now when a reconnect is needed', () => {
    const connection = makeRevokedConnection();

    render(<ConnectionCard connection={connection} now={NOW} onRefresh={neverCalled} />);

    expect(screen.getByTestId('failure-reason').textContent).toBe('The refresh token was revoked.');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refresh now' }).disabled).toBe(
      true,
    );
  });

  it('shows no notice while healthy', () => {
    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={neverCalled} />);

    expect(screen.queryByTestId('failure-notice')).toBeNull();
  });

  it('asks to refresh this connection, shows busy, then the new expiry', async () => {
    const reply = deferred<RefreshOutcome>();
    const onRefresh = vi.fn(() => reply.promise);
    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={onRefresh} />);
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
    expect(screen.getByTestId('refresh-outcome').textContent).toMatch(
      /^Refreshed — expires in (1:00:00|59:59)$/,
    );
    expect(button.disabled).toBe(false);
  });

  it('says so when the token was already fresh', async () => {
    const onRefresh = () =>
      Promise.resolve<RefreshOutcome>({ ok: true, refreshed: false, expiresAt: NOW + 118_000 });
    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={onRefresh} />);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await settle();

    expect(screen.getByTestId('refresh-outcome').textContent).toMatch(
      /^Already fresh — expires in 1:5[78]$/,
    );
  });

  it("shows the worker's error message when the refresh fails", async () => {
    const onRefresh = () =>
      Promise.resolve<RefreshOutcome>({
        ok: false,
        state: 'needs-reconnect',
        error: { code: 'invalid_grant', message: 'The provider rejected the refresh token.' },
      });
    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={onRefresh} />);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await settle();

    const outcome = screen.getByTestId('refresh-outcome');
    expect(outcome.textContent).toBe('The provider rejected the refresh token.');
    expect(outcome.classList.contains('error')).toBe(true);
  });

  it('explains when the worker cannot be reached', async () => {
    const onRefresh = () => Promise.reject(new Error('Receiving end does not exist.'));
    render(<ConnectionCard connection={makeConnection()} now={NOW} onRefresh={onRefresh} />);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh now' }));
    await settle();

    expect(screen.getByTestId('refresh-outcome').textContent).toBe(
      "Couldn't reach Token Keeper's background worker: Receiving end does not exist.",
    );
  });

  it('places extra actions after Refresh now and notices under the schedule', () => {
    render(
      <ConnectionCard
        connection={makeConnection()}
        now={NOW}
        onRefresh={neverCalled}
        actions={<button type="button">Remove</button>}
        notices={<p data-testid="extra-notice">Reconnect within 3 days</p>}
      />,
    );

    const names = screen.getAllByRole('button').map((button) => button.textContent);
    expect(names).toEqual(['Refresh now', 'Remove']);
    expect(screen.getByTestId('extra-notice').textContent).toBe('Reconnect within 3 days');
  });
});

describe('ConnectionCard reconnect outcome', () => {
  afterEach(() => {
    cleanup();
  });

  it('keeps "Reconnected." visible and announced after the card turns healthy', async () => {
    const reply = deferred<ActionResult<ConnectionStatus>>();
    const failing = makeRevokedConnection();
    const view = render(
      <ConnectionCard
        connection={failing}
        now={NOW}
        onRefresh={neverCalled}
        onReconnect={() => reply.promise}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    const whileWaiting = screen.getByTestId('reconnect-outcome').textContent;
    reply.resolve({ ok: true, value: makeConnection() });
    await settle();
    view.rerender(
      <ConnectionCard
        connection={makeConnection()}
        now={NOW}
        onRefresh={neverCalled}
        onReconnect={() => reply.promise}
      />,
    );

    const outcome = screen.getByTestId('reconnect-outcome');
    expect(whileWaiting).toBe("Waiting for you to approve in the provider's window…");
    expect(screen.queryByTestId('failure-notice')).toBeNull();
    expect([outcome.textContent, outcome.getAttribute('role')]).toEqual(['Reconnected.', 'status']);
  });

  it('says why a reconnect failed', async () => {
    const failing = makeRevokedConnection();
    render(
      <ConnectionCard
        connection={failing}
        now={NOW}
        onRefresh={neverCalled}
        onReconnect={async () => ({
          ok: false,
          error: { code: 'connect_failed', message: 'Could not connect: access_denied' },
        })}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await settle();

    const outcome = screen.getByTestId('reconnect-outcome');
    expect(outcome.textContent).toBe('Could not connect: access_denied');
    expect(outcome.classList.contains('error')).toBe(true);
  });
});
