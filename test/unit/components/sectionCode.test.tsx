// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerClient } from '@/components/workerClient';
import { App } from '@/entrypoints/options/App';
import { connectionFormFromQuery } from '@/entrypoints/options/connectionForm';
import { DEFAULT_SETTINGS } from '@/utils/settings';
import { grantAll, makeConnection, makeSnapshot, settle } from './fixtures';

/** A worker with one connection, no history and no health figures. */
function client(): WorkerClient {
  return {
    getStatus: async () => makeSnapshot([makeConnection()]),
    subscribeToStatus: () => () => undefined,
    getHistory: vi.fn(async () => ({ events: [], hasMore: false, connections: [] })),
    getSettings: async () => DEFAULT_SETTINGS,
    getRedirectUrl: async () => 'https://example.chromiumapp.org/',
    getHealth: vi.fn(() => new Promise(() => undefined)),
  } as Partial<WorkerClient> as WorkerClient;
}

async function go(hash: string) {
  location.hash = hash;
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  await settle();
}

describe('options sections loaded when first shown', () => {
  afterEach(() => {
    cleanup();
    location.hash = '';
  });

  it('shows the section once its code has arrived, and then moves focus to it after a section link', async () => {
    location.hash = '#history';
    render(
      <App requestOrigins={grantAll} client={client()} prefill={connectionFormFromQuery('')} />,
    );
    const main = screen.getByRole('main');
    const before = {
      busy: main.getAttribute('aria-busy'),
      headings: screen.queryAllByRole('heading', { level: 2 }).length,
    };

    await waitFor(() =>
      expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('History'),
    );
    const history = {
      busy: main.getAttribute('aria-busy'),
      focused: document.activeElement?.tagName,
    };
    await go('#health');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Health'));

    expect(before).toEqual({ busy: 'true', headings: 0 });
    // The page's first section is not focused: only a section link moves focus.
    expect(history).toEqual({ busy: 'false', focused: 'BODY' });
  });
});
