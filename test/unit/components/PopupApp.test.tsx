// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusSnapshot } from '@/utils/model';
import { App, type AppProps } from '@/entrypoints/popup/App';
import { makeConnection, makeSnapshot, settle } from './fixtures';

function clientWith(snapshot: StatusSnapshot): AppProps['client'] {
  return {
    getStatus: () => Promise.resolve(snapshot),
    subscribeToStatus: () => () => undefined,
    refreshNow: () => Promise.reject(new Error('not expected')),
  };
}

async function renderPopup(snapshot: StatusSnapshot, openOptions = vi.fn()) {
  render(<App client={clientWith(snapshot)} openOptions={openOptions} />);
  await settle();
  return openOptions;
}

describe('popup App', () => {
  afterEach(() => {
    cleanup();
  });

  it('sums up healthy connections and shows a card for each', async () => {
    const snapshot = makeSnapshot([
      makeConnection({ id: 'a', label: 'Demo' }),
      makeConnection({ id: 'b', label: 'Jira' }),
    ]);

    await renderPopup(snapshot);

    expect(screen.getByTestId('summary').textContent).toBe('All 2 connections healthy');
    const cards = screen.getAllByTestId('connection-card').map((card) => card.dataset.connectionId);
    expect(cards).toEqual(['a', 'b']);
  });

  it('counts connections that need attention', async () => {
    const snapshot = makeSnapshot([
      makeConnection({ id: 'a' }),
      makeConnection({ id: 'b', state: 'needs-reconnect' }),
    ]);

    await renderPopup(snapshot);

    expect(screen.getByTestId('summary').textContent).toBe('1 needs attention');
  });

  it('offers to add a connection when there is none', async () => {
    const openOptions = await renderPopup(makeSnapshot([]));

    fireEvent.click(screen.getByRole('button', { name: 'Add a connection' }));

    expect(screen.getByTestId('empty-state').textContent).toContain('No connections yet');
    expect(openOptions).toHaveBeenCalledTimes(1);
  });

  it('opens the options page from its link', async () => {
    const openOptions = await renderPopup(makeSnapshot([makeConnection()]));

    fireEvent.click(screen.getByRole('link', { name: 'Options' }));

    expect(openOptions).toHaveBeenCalledTimes(1);
  });

  it('says when background refresh is off', async () => {
    const snapshot = makeSnapshot([makeConnection()], undefined, false);

    await renderPopup(snapshot);

    expect(screen.getByTestId('refresh-off').textContent).toBe(
      'Background refresh is turned off in settings.',
    );
  });
});
