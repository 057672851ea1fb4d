// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PolicySummary, StatusSnapshot } from '@/utils/model';
import { DEFAULT_SETTINGS, type Settings, type SettingsResult } from '@/utils/settings';
import type { WorkerClient } from '@/components/workerClient';
import { App } from '@/entrypoints/options/App';
import { connectionFormFromQuery } from '@/entrypoints/options/connectionForm';
import { loadAllSections } from '@/entrypoints/options/sectionCode';
import { SettingsSection } from '@/entrypoints/options/SettingsSection';
import { fakeWorkerClient, grantAll, makeConnection, makeSnapshot, settle } from './fixtures';

const CALLER = 'abcdefghijklmnopabcdefghijklmnop';
const policy: PolicySummary = {
  fixedSettings: ['checkIntervalMin'],
  allowUserConnections: false,
  requireLock: true,
  problems: [
    {
      where: 'connections[1] "broken"',
      message: 'clientSecret: Jira Cloud needs the secret from the Atlassian developer console.',
      connectionId: 'managed:broken',
    },
  ],
};

function workerWith(snapshot: StatusSnapshot): WorkerClient {
  return fakeWorkerClient(snapshot, {
    getExternalAccess: vi.fn(async () => ({ extensionId: 'x', allowed: [CALLER] })),
  });
}

async function renderOptions(snapshot: StatusSnapshot) {
  render(
    <App
      requestOrigins={grantAll}
      client={workerWith(snapshot)}
      prefill={connectionFormFromQuery('')}
    />,
  );
  await settle();
}

describe('the options page under a managed configuration', () => {
  // Sections load their code when first shown; here it is there from the start.
  beforeAll(() => loadAllSections());

  beforeEach(() => {
    location.hash = '';
  });

  afterEach(() => {
    cleanup();
  });

  it('marks a managed connection, shows its configuration read-only and offers no Remove', async () => {
    const managed = makeConnection({ id: 'managed:idp', label: 'Acme', managed: true });
    const own = makeConnection({ id: 'c2', label: 'Mine' });

    await renderOptions({ ...makeSnapshot([managed, own]), policy });

    const [acme, mine] = screen.getAllByTestId('connection-card');
    const acmeButtons = within(acme!)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(within(acme!).getByTestId('managed-badge').textContent).toBe(
      'Managed by your organisation',
    );
    expect(acmeButtons).not.toContain('Remove');
    expect(within(acme!).getByTestId('managed-details').textContent).toContain('token-keeper-demo');
    expect(within(acme!).queryAllByRole('textbox')).toEqual([]);
    expect(within(mine!).queryByTestId('managed-badge')).toBeNull();
    expect(
      within(mine!)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toContain('Remove');
  });

  it('lists the organisation’s allow-list of other extensions without a way to change it', async () => {
    const managed = makeConnection({ id: 'managed:idp', managed: true });
    await renderOptions({ ...makeSnapshot([managed]), policy });

    fireEvent.click(screen.getByText('Other extensions'));
    const details = screen.getByTestId('external-access') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await settle();

    expect(details.textContent).toContain(CALLER);
    expect(within(details).getByTestId('external-managed')).toBeTruthy();
    expect(within(details).queryAllByRole('button')).toEqual([]);
    expect(within(details).queryAllByRole('textbox')).toEqual([]);
  });

  it('says what the organisation requires, lists ignored policy parts, hides Add connection', async () => {
    await renderOptions({ ...makeSnapshot([]), policy });

    const notice = screen.getByTestId('policy-notice');
    expect(within(notice).getByTestId('policy-require-lock')).toBeTruthy();
    expect(
      within(notice)
        .getAllByTestId('policy-problem')
        .map((p) => p.textContent),
    ).toEqual([
      'connections[1] "broken" — clientSecret: Jira Cloud needs the secret from the Atlassian developer console.',
    ]);
    expect(screen.queryByTestId('add-connection-form')).toBeNull();
    expect(screen.getByTestId('add-connection-off')).toBeTruthy();
    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  it('turns a required lock not yet set into an action, and offers no Remove lock once set', async () => {
    await renderOptions({ ...makeSnapshot([]), policy });
    const missing = screen.getByTestId('policy-require-lock');
    const link = within(missing).getByRole('link');
    cleanup();
    location.hash = '#settings';
    const client = workerWith({ ...makeSnapshot([]), policy, lock: 'unlocked' });
    client.getLock = vi.fn(async () => ({
      mode: 'unlocked' as const,
      autoLockMin: 0,
      unlockRetryAt: null,
    }));
    render(<App requestOrigins={grantAll} client={client} prefill={connectionFormFromQuery('')} />);
    await settle();

    expect(missing.dataset.missing).toBe('true');
    expect(missing.textContent).toContain('Until you set one, connecting and handing out tokens');
    expect(link.getAttribute('href')).toBe('#settings');
    expect(screen.getByTestId('lock-required').textContent).toContain('cannot be removed');
    expect(screen.queryByTestId('lock-remove')).toBeNull();
  });

  it('shows no notice and the add form without a policy', async () => {
    await renderOptions(makeSnapshot([]));

    expect(screen.queryByTestId('policy-notice')).toBeNull();
    expect(screen.getByTestId('add-connection-form')).toBeTruthy();
  });
});

describe('SettingsSection with fixed settings', () => {
  afterEach(() => {
    cleanup();
  });

  it('shows a fixed setting read-only and never sends it', async () => {
    const save = vi.fn(async (change: Partial<Settings>): Promise<SettingsResult> => ({
      ok: true,
      settings: { ...DEFAULT_SETTINGS, checkIntervalMin: 2, ...change },
    }));
    render(
      <SettingsSection
        load={async () => ({ ...DEFAULT_SETTINGS, checkIntervalMin: 2 })}
        save={save}
        fixed={['checkIntervalMin']}
      />,
    );
    await settle();

    const field = screen.getByLabelText<HTMLInputElement>('Check interval (minutes)');
    fireEvent.input(screen.getByLabelText('Quick retries'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await settle();

    expect(field.value).toBe('2');
    expect(field.readOnly).toBe(true);
    expect(field.getAttribute('aria-describedby')).toContain('settings-checkIntervalMin-managed');
    expect(screen.getAllByTestId('setting-managed').map((p) => p.textContent)).toEqual([
      'Managed by your organisation.',
    ]);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0]![0]).not.toHaveProperty('checkIntervalMin');
    expect(save.mock.calls[0]![0]).toMatchObject({ quickRetries: 1 });
  });
});
