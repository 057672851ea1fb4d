// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult, ConnectionEdit, EditOutcome } from '@/utils/messaging';
import { EditConnectionForm } from '@/entrypoints/options/EditConnectionForm';
import { grantAll, makeConnection, settle } from './fixtures';

type OnSave = (id: string, changes: ConnectionEdit) => Promise<ActionResult<EditOutcome>>;

function type(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

async function save() {
  fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
  await settle();
}

describe('EditConnectionForm', () => {
  afterEach(() => {
    cleanup();
  });

  it('sends only a new secret, and says the connection works again when the retry succeeded', async () => {
    const connection = makeConnection({ hasClientSecret: true });
    const onSave = vi.fn<OnSave>(async () => ({
      ok: true,
      value: {
        connection,
        reconnect: false,
        retried: { ok: true, refreshed: true, expiresAt: 1 },
      },
    }));
    const onClose = vi.fn();
    render(
      <EditConnectionForm
        connection={connection}
        onSave={onSave}
        requestOrigins={grantAll}
        onClose={onClose}
      />,
    );

    type('New client secret', 'new-secret');
    await save();

    expect(screen.queryByTestId('edit-needs-reconnect')).toBeNull();
    expect(onSave).toHaveBeenCalledWith('c1', { clientSecret: 'new-secret' });
    expect(onClose).toHaveBeenCalledWith({
      ok: true,
      text: 'Saved. Refreshed with the new settings: the connection works again.',
    });
  });

  it('warns before saving that new scopes need Reconnect, then says to press it', async () => {
    const connection = makeConnection({ scopes: ['openid', 'offline_access'] });
    const onSave = vi.fn<OnSave>(async () => ({
      ok: true,
      value: { connection, reconnect: true },
    }));
    const onClose = vi.fn();
    render(
      <EditConnectionForm
        connection={connection}
        onSave={onSave}
        requestOrigins={grantAll}
        onClose={onClose}
      />,
    );

    type('Scopes', 'openid offline_access email');
    const warning = screen.getByTestId('edit-needs-reconnect').textContent;
    await save();

    expect(warning).toContain('press Reconnect');
    expect(onSave).toHaveBeenCalledWith('c1', { scopes: ['openid', 'offline_access', 'email'] });
    expect(onClose).toHaveBeenCalledWith({
      ok: true,
      text: 'Saved. Press Reconnect to approve the new settings.',
    });
  });

  it('shows every error at once and keeps the form open when the worker refuses', async () => {
    const onSave = vi.fn<OnSave>(async () => ({
      ok: false,
      error: { code: 'managed', message: 'Managed by your organisation.' },
    }));
    render(
      <EditConnectionForm
        connection={makeConnection()}
        onSave={onSave}
        requestOrigins={grantAll}
        onClose={vi.fn()}
      />,
    );

    type('Label', '');
    type('Client ID', '');
    await save();
    const invalid = ['Label', 'Client ID'].map((label) =>
      screen.getByLabelText(label).getAttribute('aria-invalid'),
    );
    type('Label', 'Fine');
    type('Client ID', 'cid');
    await save();

    expect(invalid).toEqual(['true', 'true']);
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('alert').textContent).toBe('Managed by your organisation.');
  });
});
