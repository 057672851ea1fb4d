// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExternalAccess } from '@/entrypoints/options/ExternalAccess';
import type { ActionResult } from '@/utils/messaging';
import './catalog';

const OWN = 'iobfhdcojaekbokcoleldnljjlppjlne';
const FRIEND = 'abcdefghijklmnopabcdefghijklmnop';

function open(container: Element) {
  const details = container.querySelector('details')!;
  details.open = true;
  fireEvent(details, new Event('toggle'));
}

describe('ExternalAccess', () => {
  afterEach(() => {
    cleanup();
  });

  it('loads when opened and shows the ids an integrator needs, with nobody allowed', async () => {
    const getExternalAccess = vi.fn(async () => ({ extensionId: OWN, allowed: [] }));
    const { container } = render(
      <ExternalAccess
        connectionId="c1"
        getExternalAccess={getExternalAccess}
        setExternalAccess={vi.fn()}
      />,
    );

    open(container);

    await screen.findByTestId('external-none');
    expect(getExternalAccess).toHaveBeenCalledWith('c1');
    expect(container.textContent).toContain(
      `Token Keeper's id is ${OWN}, this connection's id is c1.`,
    );
  });

  it('allows an extension id and lists it', async () => {
    const setExternalAccess = vi.fn(
      async (_id: string, allowed: string[]): Promise<ActionResult<string[]>> => ({
        ok: true,
        value: allowed,
      }),
    );
    const { container } = render(
      <ExternalAccess
        connectionId="c1"
        getExternalAccess={async () => ({ extensionId: OWN, allowed: [] })}
        setExternalAccess={setExternalAccess}
      />,
    );
    open(container);
    const input = await screen.findByLabelText('Extension id');

    fireEvent.input(input, { target: { value: ` ${FRIEND} ` } });
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));

    await screen.findByText(FRIEND);
    expect(setExternalAccess).toHaveBeenCalledWith('c1', [FRIEND]);
    expect((input as HTMLInputElement).value).toBe('');
  });

  it("shows the worker's reason when an id is refused", async () => {
    const refusal = 'An extension id is 32 letters from a to p, as shown on the extensions page.';
    const { container } = render(
      <ExternalAccess
        connectionId="c1"
        getExternalAccess={async () => ({ extensionId: OWN, allowed: [] })}
        setExternalAccess={async () => ({
          ok: false,
          error: { code: 'invalid_input', message: refusal },
        })}
      />,
    );
    open(container);

    fireEvent.input(await screen.findByLabelText('Extension id'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));

    expect((await screen.findByTestId('external-error')).textContent).toBe(refusal);
  });

  it('removes an allowed extension', async () => {
    const setExternalAccess = vi.fn(
      async (_id: string, allowed: string[]): Promise<ActionResult<string[]>> => ({
        ok: true,
        value: allowed,
      }),
    );
    const { container } = render(
      <ExternalAccess
        connectionId="c1"
        getExternalAccess={async () => ({ extensionId: OWN, allowed: [FRIEND] })}
        setExternalAccess={setExternalAccess}
      />,
    );
    open(container);

    fireEvent.click(await screen.findByRole('button', { name: `Stop giving tokens to ${FRIEND}` }));

    await waitFor(() => expect(screen.queryByTestId('external-none')).not.toBeNull());
    expect(setExternalAccess).toHaveBeenCalledWith('c1', []);
  });
});
