// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessRequests } from '@/entrypoints/options/AccessRequests';
import type { AccessDecision, ActionResult } from '@/utils/messaging';
import type { AccessRequest } from '@/utils/model';
import './catalog';

const FRIEND = 'abcdefghijklmnopabcdefghijklmnop';

const request: AccessRequest = {
  extensionId: FRIEND,
  claimedName: '<img src=x onerror=alert(1)> Jira helper',
  reason: 'Shows your <b>issues</b>',
  connectionId: 'jira',
  requestedAt: 0,
  status: 'pending',
};

const connections = [
  { id: 'jira', label: 'Work Jira', provider: 'jira' as const },
  { id: 'mail', label: 'Mail', provider: 'google' as const },
  { id: 'managed:hr', label: 'HR', provider: 'custom' as const, managed: true },
];

function renderRequests(
  decide = vi.fn(async (): Promise<ActionResult> => ({ ok: true, value: undefined })),
) {
  const load = vi.fn(async () => [request]);
  const view = render(
    <AccessRequests
      count={1}
      refreshKey={1}
      connections={connections}
      load={load}
      decide={decide as (id: string, decision: AccessDecision) => Promise<ActionResult>}
    />,
  );
  return { ...view, decide, load };
}

describe('AccessRequests', () => {
  afterEach(() => {
    cleanup();
  });

  it('shows the claimed name and reason as text, marked as claimed, beside the real id', async () => {
    const { container } = renderRequests();

    const name = await screen.findByTestId('claimed-name');

    expect(name.textContent).toBe('<img src=x onerror=alert(1)> Jira helper');
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.textContent).toContain('Token Keeper cannot check names');
    expect(container.textContent).toContain(FRIEND);
    expect(screen.getByTestId('claimed-reason').textContent).toBe('Shows your <b>issues</b>');
  });

  it("offers the person's own connections, the named one chosen, and allows exactly the chosen", async () => {
    const { decide } = renderRequests();
    await screen.findByTestId('claimed-name');

    const boxes = screen.getAllByRole('checkbox') as HTMLInputElement[];
    fireEvent.click(screen.getByLabelText('Mail (Google)'));
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));

    expect(boxes.map((box) => box.parentElement!.textContent)).toEqual([
      'Work Jira (Jira Cloud)',
      'Mail (Google)',
    ]);
    await waitFor(() => expect(decide).toHaveBeenCalledWith(FRIEND, { allow: ['jira', 'mail'] }));
  });

  it('denies, and shows why when the worker refuses an answer', async () => {
    const decide = vi.fn(async (): Promise<ActionResult> => ({
      ok: false,
      error: { code: 'not_found', message: 'This request was already answered or withdrawn.' },
    }));
    renderRequests(decide);
    await screen.findByTestId('claimed-name');

    fireEvent.click(screen.getByRole('button', { name: 'Deny' }));

    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'This request was already answered or withdrawn.',
    );
    expect(decide).toHaveBeenCalledWith(FRIEND, { deny: true });
  });

  it('shows nothing and reads nothing while no request waits', () => {
    const load = vi.fn(async () => []);

    const { container } = render(
      <AccessRequests
        count={0}
        refreshKey={1}
        connections={connections}
        load={load}
        decide={vi.fn()}
      />,
    );

    expect(container.textContent).toBe('');
    expect(load).not.toHaveBeenCalled();
  });
});
