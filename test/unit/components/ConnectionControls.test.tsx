// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/utils/messaging';
import type { ConnectionState, ConnectionStatus } from '@/utils/model';
import { ConnectionControls } from '@/entrypoints/options/ConnectionControls';
import { deferred, makeConnection, settle, grantAll } from './fixtures';

const done = async (): Promise<ActionResult> => ({ ok: true, value: undefined });
const neverConnects = () => Promise.reject(new Error('not expected'));

const buttonNames = () => screen.getAllByRole('button').map((button) => button.textContent);

describe('ConnectionControls', () => {
  afterEach(() => {
    cleanup();
  });

  it.each<{ state: ConnectionState; expected: string[] }>([
    { state: 'new', expected: ['Connect', 'Remove'] },
    { state: 'needs-reconnect', expected: ['Reconnect', 'Disconnect', 'Remove'] },
    { state: 'healthy', expected: ['Disconnect', 'Remove'] },
    { state: 'retrying', expected: ['Disconnect', 'Remove'] },
  ])('offers $expected when $state', ({ state, expected }) => {
    const connection = makeConnection({ state });

    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={connection}
        onConnect={neverConnects}
        onDisconnect={done}
        onRemove={done}
      />,
    );

    expect(buttonNames()).toEqual(expected);
  });

  it('waits for approval, then says who is connected', async () => {
    const reply = deferred<ActionResult<ConnectionStatus>>();
    const onConnect = vi.fn(() => reply.promise);
    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={makeConnection({ state: 'new' })}
        onConnect={onConnect}
        onDisconnect={done}
        onRemove={done}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const waiting = screen.getByTestId('connection-action-status').textContent;
    reply.resolve({ ok: true, value: makeConnection({ account: 'alice@example.com' }) });
    await settle();

    expect(onConnect).toHaveBeenCalledWith('c1');
    expect(waiting).toBe("Waiting for you to approve in the provider's window…");
    expect(screen.getByTestId('connection-action-status').textContent).toBe(
      'Connected as alice@example.com.',
    );
  });

  it('shows the error when connecting fails', async () => {
    const onConnect = async (): Promise<ActionResult<ConnectionStatus>> => ({
      ok: false,
      error: { code: 'access_denied', message: 'You declined access at the provider.' },
    });
    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={makeConnection({ state: 'needs-reconnect' })}
        onConnect={onConnect}
        onDisconnect={done}
        onRemove={done}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await settle();

    const status = screen.getByTestId('connection-action-status');
    expect(status.textContent).toBe('You declined access at the provider.');
    expect(status.classList.contains('error')).toBe(true);
  });

  it('disconnects and removes this connection', async () => {
    const onDisconnect = vi.fn(done);
    const onRemove = vi.fn(done);
    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={makeConnection()}
        onConnect={neverConnects}
        onDisconnect={onDisconnect}
        onRemove={onRemove}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await settle();

    expect(onDisconnect).toHaveBeenCalledWith('c1');
    expect(onRemove).toHaveBeenCalledWith('c1');
    expect(screen.getByTestId('connection-action-status').textContent).toBe('Removed.');
  });

  it("says on Disconnect that Google's revocation reaches every browser using the client", async () => {
    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={makeConnection({ provider: 'google' })}
        onConnect={neverConnects}
        onDisconnect={done}
        onRemove={done}
      />,
    );
    const button = screen.getByRole('button', { name: 'Disconnect' });
    const before = button.getAttribute('title');

    fireEvent.click(button);
    await settle();

    expect(before).toMatch(/other browsers and profiles .* lose it too/);
    expect(screen.getByTestId('connection-action-status').textContent).toBe(
      `Disconnected. ${before}`,
    );
  });

  it('adds no such note for a provider whose revocation is its own', async () => {
    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={makeConnection({ provider: 'custom' })}
        onConnect={neverConnects}
        onDisconnect={done}
        onRemove={done}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    await settle();

    expect(screen.getByTestId('connection-action-status').textContent).toBe('Disconnected.');
  });

  it('offers Reconnect for a partial grant even while healthy', () => {
    render(
      <ConnectionControls
        requestOrigins={grantAll}
        connection={makeConnection({ state: 'healthy', missingScopes: ['write'] })}
        onConnect={neverConnects}
        onDisconnect={done}
        onRemove={done}
      />,
    );

    expect(buttonNames()).toEqual(['Reconnect', 'Disconnect', 'Remove']);
  });

  it("asks for access to the provider's https endpoints before connecting", async () => {
    const requestOrigins = vi.fn(async () => true);
    const onConnect = vi.fn(async (): Promise<ActionResult<ConnectionStatus>> => ({
      ok: true,
      value: makeConnection(),
    }));
    const connection = makeConnection({
      state: 'new',
      endpoints: {
        authorization: 'https://auth.example.com/authorize',
        token: 'https://auth.example.com/token',
        userinfo: 'https://api.example.com/userinfo',
      },
    });
    render(
      <ConnectionControls
        connection={connection}
        onConnect={onConnect}
        onDisconnect={done}
        onRemove={done}
        requestOrigins={requestOrigins}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await settle();

    expect(requestOrigins).toHaveBeenCalledWith([
      'https://auth.example.com/*',
      'https://api.example.com/*',
    ]);
    expect(onConnect).toHaveBeenCalledWith('c1');
  });
});
