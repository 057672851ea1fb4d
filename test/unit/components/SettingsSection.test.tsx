// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings, type SettingsResult } from '@/utils/settings';
import { SettingsSection } from '@/entrypoints/options/SettingsSection';
import { settle } from './fixtures';

type Save = (change: Partial<Settings>) => Promise<SettingsResult>;

const load = () => Promise.resolve(DEFAULT_SETTINGS);

async function renderLoaded(save: Save) {
  render(<SettingsSection load={load} save={save} />);
  await settle();
}

function type(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

async function pressSave() {
  fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
  await settle();
}

describe('SettingsSection', () => {
  afterEach(() => {
    cleanup();
  });

  it('shows the current settings', async () => {
    await renderLoaded(vi.fn<Save>());

    const actual = [
      screen.getByLabelText<HTMLInputElement>('Enabled').checked,
      screen.getByLabelText<HTMLInputElement>('Check interval (minutes)').value,
      screen.getByLabelText<HTMLInputElement>('Refresh before expiry (minutes)').value,
      screen.getByLabelText<HTMLInputElement>('Quick retries').value,
      screen.getByLabelText<HTMLInputElement>('Keep history for (days)').value,
    ];

    expect(actual).toEqual([true, '5', '10', '3', '30']);
  });

  it('sends numbers, then says Saved', async () => {
    const save = vi.fn<Save>(async (change) => ({
      ok: true,
      settings: { ...DEFAULT_SETTINGS, ...change },
    }));
    await renderLoaded(save);

    type('Check interval (minutes)', '15');
    fireEvent.click(screen.getByLabelText('Enabled'));
    await pressSave();

    expect(save).toHaveBeenCalledWith({
      ...DEFAULT_SETTINGS,
      enabled: false,
      checkIntervalMin: 15,
    });
    expect(screen.getByTestId('settings-saved').textContent).toBe('Saved');
  });

  it('catches an empty field itself and sends nothing', async () => {
    const save = vi.fn<Save>();
    await renderLoaded(save);

    type('Quick retries', '');
    await pressSave();

    expect(save).not.toHaveBeenCalled();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('Quick retries is required.');
    expect(alert.dataset.field).toBe('quickRetries');
  });

  it("shows each of the worker's errors next to its field", async () => {
    const save: Save = async () => ({
      ok: false,
      errors: [
        { field: 'checkIntervalMin', message: 'Check interval must be at least 1 minute.' },
        { field: 'historyRetentionDays', message: 'History retention must be at most 365 days.' },
      ],
    });
    await renderLoaded(save);

    type('Check interval (minutes)', '0');
    type('Keep history for (days)', '400');
    await pressSave();

    const actual = screen
      .getAllByRole('alert')
      .map((alert) => [alert.dataset.field, alert.textContent]);
    expect(actual).toEqual([
      ['checkIntervalMin', 'Check interval must be at least 1 minute.'],
      ['historyRetentionDays', 'History retention must be at most 365 days.'],
    ]);
    expect(screen.getByLabelText('Check interval (minutes)').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(screen.queryByTestId('settings-saved')).toBeNull();
  });

  it('links each field to its explanation and, when invalid, to its error', async () => {
    await renderLoaded(vi.fn<Save>());

    type('Quick retries', 'lots');
    await pressSave();

    const input = screen.getByLabelText('Quick retries');
    const described = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent);
    expect(described).toEqual([
      'After a network or server error, retry this many times within seconds before waiting longer (0–5).',
      'Quick retries must be a number.',
    ]);
  });

  it('shows the lead short-lived connections really get, following the typed threshold', async () => {
    const connections = [
      { id: 'demo', label: 'Demo', lifetimeSec: 120 },
      { id: 'jira', label: 'Jira', lifetimeSec: 3600 },
      { id: 'new', label: 'New', lifetimeSec: null },
    ];
    render(<SettingsSection load={load} save={vi.fn<Save>()} connections={connections} />);
    await settle();

    const atTen = screen.getByTestId('effective-leads').textContent;
    type('Refresh before expiry (minutes)', '45');
    const atFortyFive = [...screen.getByTestId('effective-leads').querySelectorAll('li')].map(
      (item) => item.textContent,
    );

    expect(atTen).toBe('Demo: tokens live 2 min, so it is refreshed 1 min before expiry.');
    expect(atFortyFive).toEqual([
      'Demo: tokens live 2 min, so it is refreshed 1 min before expiry.',
      'Jira: tokens live 1 h, so it is refreshed 30 min before expiry.',
    ]);
  });

  it('shows no lead note when every token lives long enough', async () => {
    const connections = [{ id: 'jira', label: 'Jira', lifetimeSec: 3600 }];

    render(<SettingsSection load={load} save={vi.fn<Save>()} connections={connections} />);
    await settle();

    expect(screen.queryByTestId('effective-leads')).toBeNull();
  });
});
