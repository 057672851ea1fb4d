// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatusSnapshot } from '@/utils/model';
import type { StatusListener } from '@/components/workerClient';
import { formatTime } from '@/components/format';
import { App } from '@/entrypoints/options/App';
import { connectionFormFromQuery } from '@/entrypoints/options/connectionForm';
import { loadAllSections } from '@/entrypoints/options/sectionCode';
import {
  deferred,
  FAKE_REDIRECT,
  fakeWorkerClient,
  makeConnection,
  makeProblemSnapshot,
  makeSnapshot,
  NOW,
  settle,
  grantAll,
} from './fixtures';

const REDIRECT = FAKE_REDIRECT;

/** A worker that answers with fixed data and lets the test broadcast. */
function fakeWorker(snapshot: StatusSnapshot) {
  let listener: StatusListener = () => undefined;
  const client = fakeWorkerClient(snapshot, {
    subscribeToStatus: (next) => {
      listener = next;
      return () => undefined;
    },
  });
  return { client, broadcast: (next: StatusSnapshot) => listener(next) };
}

async function go(hash: string) {
  location.hash = hash;
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  await settle();
}

describe('options App', () => {
  // Sections load their code when first shown; here it is there from the start.
  beforeAll(() => loadAllSections());

  beforeEach(() => {
    location.hash = '';
  });

  afterEach(() => {
    cleanup();
  });

  it('shows the connections, the redirect URI and the prefilled form', async () => {
    const { client } = fakeWorker(makeSnapshot([makeConnection({ state: 'new' })]));
    const prefill = connectionFormFromQuery('?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555');

    render(<App requestOrigins={grantAll} client={client} prefill={prefill} />);
    await settle();

    const card = screen.getByTestId('connection-card');
    expect(card.dataset.state).toBe('new');
    expect(screen.getByRole('button', { name: 'Connect' })).toBeTruthy();
    expect(screen.getByTestId('redirect-uri').textContent).toBe(REDIRECT);
    expect(screen.getByLabelText<HTMLInputElement>('Issuer URL').value).toBe(
      'http://127.0.0.1:9555',
    );
  });

  it('shows why the worker could not start in place of the sections', async () => {
    location.hash = '#settings';
    const { client } = fakeWorker(makeProblemSnapshot());

    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();

    expect(screen.getByTestId('startup-problem').querySelector('p')?.textContent).toBe(
      'Token Keeper could not open its storage: QuotaExceededError: the disk is full. ' +
        `Retrying at ${formatTime(NOW + 4000)}…`,
    );
    expect(screen.queryAllByRole('heading', { level: 2 })).toEqual([]);
    expect(screen.queryByTestId('refresh-off')).toBeNull();
  });

  it('drops the banner once the worker has started, and shows the section with the redirect URI', async () => {
    const { client, broadcast } = fakeWorker(makeProblemSnapshot());
    let started = false;
    client.getRedirectUrl = vi.fn(async () => {
      if (!started) throw new Error('worker_unavailable');
      return REDIRECT;
    });
    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();
    const before = screen.queryByTestId('startup-problem');

    started = true;
    broadcast(makeSnapshot([makeConnection({ state: 'new' })], NOW + 5000));
    // One turn for the render and its effect, one for the effect's reply.
    await settle();
    await settle();

    expect(before).toBeTruthy();
    expect(screen.queryByTestId('startup-problem')).toBeNull();
    expect(screen.getByTestId('connection-card').dataset.state).toBe('new');
    expect(screen.getByTestId('redirect-uri').textContent).toBe(REDIRECT);
  });

  it('moves between the four sections through the navigation, one at a time', async () => {
    const { client } = fakeWorker(makeSnapshot([makeConnection()]));
    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();

    const links = screen.getByRole('navigation', { name: 'Sections' }).querySelectorAll('a');
    await go('#history');
    const onHistory = {
      heading: screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent),
      current: screen.getByRole('link', { name: 'History' }).getAttribute('aria-current'),
      focused: document.activeElement?.textContent,
    };

    expect([...links].map((a) => a.textContent)).toEqual([
      'Connections',
      'Settings',
      'History',
      'Health',
    ]);
    expect(onHistory).toEqual({ heading: ['History'], current: 'page', focused: 'History' });
    expect(client.getHistory).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('connection-card')).toBeNull();
  });

  it('counts connections needing attention next to Connections', async () => {
    const { client } = fakeWorker(
      makeSnapshot([
        makeConnection({ id: 'a' }),
        makeConnection({ id: 'b', state: 'retrying', nextRefreshAt: NOW + 200_000 }),
        makeConnection({ id: 'c', state: 'retrying' }),
      ]),
    );

    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();

    expect(screen.getByTestId('nav-connections').textContent).toBe(
      'Connections1 1 needing attention',
    );
  });

  it('asks for the first page of history without waiting for the status', async () => {
    location.hash = '#history';
    const status = deferred<StatusSnapshot>();
    const { client } = fakeWorker(makeSnapshot([makeConnection()]));
    client.getStatus = () => status.promise;

    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();

    expect(client.getHistory).toHaveBeenCalledWith({ limit: 50 });
    expect(screen.getByTestId('history-filters')).toBeTruthy();
  });

  it('re-reads the history when the worker reports a change', async () => {
    const { client, broadcast } = fakeWorker(makeSnapshot([makeConnection()]));
    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await go('#history');

    broadcast(makeSnapshot([makeConnection({ state: 'refreshing' })], NOW + 1_000));
    await settle();

    expect(client.getHistory).toHaveBeenCalledTimes(2);
  });

  it('brings a connection the popup linked to into view', async () => {
    location.hash = '#connections/b';
    const { client } = fakeWorker(
      makeSnapshot([
        makeConnection({ id: 'a', label: 'A' }),
        makeConnection({ id: 'b', label: 'B' }),
      ]),
    );

    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();

    expect(document.activeElement?.textContent).toBe('B');
    expect(
      document.querySelector('li.focused [data-connection-id]')?.getAttribute('data-connection-id'),
    ).toBe('b');
  });

  it('adds a connection from the prefilled form with one press', async () => {
    const { client } = fakeWorker(makeSnapshot([]));
    vi.mocked(client.addConnection).mockResolvedValue({ ok: true, value: makeConnection() });
    const prefill = connectionFormFromQuery(
      '?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555&clientId=token-keeper-demo&scopes=openid%20offline_access',
    );
    render(<App requestOrigins={grantAll} client={client} prefill={prefill} />);
    await settle();

    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    await settle();

    expect(client.addConnection).toHaveBeenCalledWith({
      provider: 'custom',
      label: 'Demo',
      issuer: 'http://127.0.0.1:9555',
      clientId: 'token-keeper-demo',
      scopes: ['openid', 'offline_access'],
    });
  });
});
