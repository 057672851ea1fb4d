// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult, NewConnectionInput } from '@/utils/messaging';
import type { ConnectionStatus } from '@/utils/model';
import { AddConnectionForm } from '@/entrypoints/options/AddConnectionForm';
import { connectionFormFromQuery } from '@/entrypoints/options/connectionForm';
import { makeConnection, settle, grantAll } from './fixtures';

const REDIRECT = 'https://iobfhdcojaekbokcoleldnljjlppjlne.chromiumapp.org/';
const DEMO_QUERY =
  '?label=Demo&issuer=http%3A%2F%2F127.0.0.1%3A9555&clientId=token-keeper-demo&scopes=openid%20offline_access';

type OnAdd = (input: NewConnectionInput) => Promise<ActionResult<ConnectionStatus>>;

function type(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

const valueOf = (label: string) => screen.getByLabelText<HTMLInputElement>(label).value;

async function submit() {
  fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
  await settle();
}

describe('AddConnectionForm', () => {
  afterEach(() => {
    cleanup();
  });

  it('sends the prefilled demo provider with one press', async () => {
    const onAdd = vi.fn<OnAdd>(async () => ({ ok: true, value: makeConnection() }));
    render(
      <AddConnectionForm
        requestOrigins={grantAll}
        initial={connectionFormFromQuery(DEMO_QUERY)}
        redirectUrl={REDIRECT}
        onAdd={onAdd}
      />,
    );

    await submit();

    expect(onAdd).toHaveBeenCalledWith({
      provider: 'custom',
      label: 'Demo',
      issuer: 'http://127.0.0.1:9555',
      clientId: 'token-keeper-demo',
      scopes: ['openid', 'offline_access'],
    });
  });

  it('sends hand-entered endpoints and the client secret', async () => {
    const onAdd = vi.fn<OnAdd>(async () => ({ ok: true, value: makeConnection() }));
    render(<AddConnectionForm requestOrigins={grantAll} redirectUrl={REDIRECT} onAdd={onAdd} />);

    fireEvent.click(screen.getByLabelText('Custom OAuth 2.0 / OpenID Connect'));
    fireEvent.click(screen.getByLabelText('Enter the endpoints by hand'));
    type('Label', 'Hand');
    type('Authorization endpoint', 'https://a.test/auth');
    type('Token endpoint', 'https://a.test/token');
    type('Client ID', 'cid');
    type('Client secret', 'shh');
    type('Scopes', 'read offline_access');
    await submit();

    expect(onAdd).toHaveBeenCalledWith({
      provider: 'custom',
      label: 'Hand',
      authorizationEndpoint: 'https://a.test/auth',
      tokenEndpoint: 'https://a.test/token',
      clientId: 'cid',
      clientSecret: 'shh',
      scopes: ['read', 'offline_access'],
    });
  });

  it("shows the worker's error next to the form and keeps what was typed", async () => {
    const onAdd: OnAdd = async () => ({
      ok: false,
      error: { code: 'discovery_failed', message: 'No OpenID configuration at that issuer.' },
    });
    render(
      <AddConnectionForm
        requestOrigins={grantAll}
        initial={connectionFormFromQuery(DEMO_QUERY)}
        redirectUrl={REDIRECT}
        onAdd={onAdd}
      />,
    );

    await submit();

    expect(screen.getByRole('alert').textContent).toBe('No OpenID configuration at that issuer.');
    expect(valueOf('Issuer URL')).toBe('http://127.0.0.1:9555');
  });

  it('clears the form after adding, back to the default scopes', async () => {
    const onAdd: OnAdd = async () => ({ ok: true, value: makeConnection({ label: 'Demo' }) });
    render(
      <AddConnectionForm
        requestOrigins={grantAll}
        initial={connectionFormFromQuery(DEMO_QUERY)}
        redirectUrl={REDIRECT}
        onAdd={onAdd}
      />,
    );

    await submit();

    expect([
      valueOf('Label'),
      valueOf('Issuer URL'),
      valueOf('Client ID'),
      valueOf('Scopes'),
    ]).toEqual(['', '', '', 'openid offline_access']);
    expect(screen.getByTestId('add-connection-result').textContent).toBe(
      'Added “Demo”. Press Connect on its card to approve access.',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the redirect URI and copies it', async () => {
    const copyText = vi.fn(async () => undefined);
    render(
      <AddConnectionForm
        requestOrigins={grantAll}
        redirectUrl={REDIRECT}
        onAdd={vi.fn<OnAdd>()}
        copyText={copyText}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await settle();

    expect(screen.getByTestId('redirect-uri').textContent).toBe(REDIRECT);
    expect(copyText).toHaveBeenCalledWith(REDIRECT);
    expect(screen.getByText('Copied')).toBeTruthy();
  });

  it('asks for access to an https provider before adding it', async () => {
    const requestOrigins = vi.fn(async () => true);
    const onAdd = vi.fn<OnAdd>(async () => ({ ok: true, value: makeConnection() }));
    render(
      <AddConnectionForm
        initial={connectionFormFromQuery(
          '?label=Okta&issuer=https%3A%2F%2Fdev-1.okta.com%2Foauth2&clientId=okta-cid',
        )}
        redirectUrl={REDIRECT}
        onAdd={onAdd}
        requestOrigins={requestOrigins}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    await settle();

    expect(requestOrigins).toHaveBeenCalledWith(['https://dev-1.okta.com/*']);
    expect(onAdd).toHaveBeenCalledTimes(1);
  });

  it('adds nothing and says why when access is declined', async () => {
    const onAdd = vi.fn<OnAdd>();
    render(
      <AddConnectionForm
        initial={connectionFormFromQuery(
          '?label=Okta&issuer=https%3A%2F%2Fdev-1.okta.com&clientId=okta-cid',
        )}
        redirectUrl={REDIRECT}
        onAdd={onAdd}
        requestOrigins={async () => false}
      />,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    await settle();

    expect(onAdd).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe(
      'Token Keeper needs permission to reach dev-1.okta.com to get and refresh tokens. Allow it when the browser asks.',
    );
  });

  it('starts with Jira Cloud: its registration guide, defaults, and no host-access prompt', async () => {
    const requestOrigins = vi.fn(async () => true);
    const onAdd = vi.fn<OnAdd>(async () => ({ ok: true, value: makeConnection() }));
    render(
      <AddConnectionForm requestOrigins={requestOrigins} redirectUrl={REDIRECT} onAdd={onAdd} />,
    );

    type('Client ID', 'jira-cid');
    type('Client secret', 'jira-secret');
    await submit();

    expect(screen.getByTestId('provider-guide').textContent).toContain('OAuth 2.0 integration');
    expect(screen.getByTestId('redirect-uri').textContent).toBe(REDIRECT);
    expect(onAdd).toHaveBeenCalledWith({
      provider: 'jira',
      label: 'Jira Cloud',
      clientId: 'jira-cid',
      clientSecret: 'jira-secret',
      scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
    });
    expect(requestOrigins).not.toHaveBeenCalled();
  });

  it('switches to Google with its defaults and sends testing mode when ticked', async () => {
    const onAdd = vi.fn<OnAdd>(async () => ({ ok: true, value: makeConnection() }));
    render(<AddConnectionForm requestOrigins={grantAll} redirectUrl={REDIRECT} onAdd={onAdd} />);

    type('Client ID', 'typed for Jira');
    fireEvent.click(screen.getByLabelText('Google'));
    type('Client ID', 'g-cid');
    type('Client secret', 'g-secret');
    fireEvent.click(screen.getByLabelText(/The app is in Testing/));
    await submit();

    expect(screen.getByTestId('provider-guide').textContent).toContain('Web application');
    expect(onAdd).toHaveBeenCalledWith({
      provider: 'google',
      label: 'Google',
      clientId: 'g-cid',
      clientSecret: 'g-secret',
      scopes: ['openid', 'email'],
      testingMode: true,
    });
  });

  it("says beside the field why a preset needs its client secret (the worker's own rule)", async () => {
    const onAdd = vi.fn<OnAdd>();
    render(<AddConnectionForm requestOrigins={grantAll} redirectUrl={REDIRECT} onAdd={onAdd} />);

    type('Client ID', 'jira-cid');
    await submit();

    expect(screen.getByTestId('add-client-secret-error').textContent).toBe(
      'Jira Cloud needs the secret from the Atlassian developer console.',
    );
    expect(screen.getByRole('alert').textContent).toBe(
      'Check the fields marked below: Client secret.',
    );
    expect(valueOf('Client ID')).toBe('jira-cid');
    expect(onAdd).not.toHaveBeenCalled();
  });
});

describe('AddConnectionForm errors', () => {
  afterEach(() => {
    cleanup();
  });

  it('marks the required fields', () => {
    render(<AddConnectionForm requestOrigins={grantAll} redirectUrl={REDIRECT} onAdd={vi.fn()} />);

    const required = ['Label', 'Client ID', 'Client secret'].map(
      (label) => screen.getByLabelText<HTMLInputElement>(label).required,
    );

    expect(required).toEqual([true, true, true]);
    expect(screen.getAllByText('required')).toHaveLength(3);
  });

  it('shows every error at once, each beside its field, and sends nothing', async () => {
    const onAdd = vi.fn<OnAdd>();
    render(<AddConnectionForm requestOrigins={grantAll} redirectUrl={REDIRECT} onAdd={onAdd} />);

    fireEvent.click(screen.getByLabelText('Custom OAuth 2.0 / OpenID Connect'));
    fireEvent.click(screen.getByLabelText('Enter the endpoints by hand'));
    type('Label', '');
    type('Token endpoint', 'not a url');
    await submit();

    const errorOf = (label: string) => {
      const input = screen.getByLabelText(label);
      const id = input.getAttribute('aria-describedby')?.split(' ')[0];
      return [input.getAttribute('aria-invalid'), id && document.getElementById(id)?.textContent];
    };
    expect(onAdd).not.toHaveBeenCalled();
    expect(errorOf('Label')).toEqual(['true', 'Give the connection a label.']);
    expect(errorOf('Authorization endpoint')).toEqual([
      'true',
      'Enter the authorization endpoint.',
    ]);
    expect(errorOf('Token endpoint')).toEqual([
      'true',
      'Enter a full URL, such as https://auth.example.com.',
    ]);
    expect(errorOf('Client ID')).toEqual(['true', 'Enter the client ID from the provider.']);
    expect(screen.getByRole('alert').textContent).toBe(
      'Check the fields marked below: Label · Authorization endpoint · Token endpoint · Client ID.',
    );
    expect(document.activeElement).toBe(screen.getByLabelText('Label'));
  });

  it('takes an error away as soon as its field is fixed', async () => {
    render(<AddConnectionForm requestOrigins={grantAll} redirectUrl={REDIRECT} onAdd={vi.fn()} />);
    await submit();

    type('Client ID', 'cid');

    expect(screen.getByLabelText('Client ID').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByLabelText('Client secret').getAttribute('aria-invalid')).toBe('true');
  });
});
