// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecuritySection, type SecuritySectionProps } from '@/entrypoints/options/SecuritySection';
import type { LockStatus } from '@/utils/model';
import { settle } from './fixtures';
import './catalog';

const status = (mode: LockStatus['mode'], autoLockMin = 0): LockStatus => ({
  mode,
  autoLockMin,
  unlockRetryAt: null,
});

function fakeClient(initial: LockStatus): SecuritySectionProps['client'] {
  const ok = (value: LockStatus) => ({ ok: true as const, value });
  return {
    getLock: vi.fn(async () => initial),
    turnOnLock: vi.fn(async () => ok(status('unlocked'))),
    unlock: vi.fn(async () => ok(status('unlocked'))),
    lock: vi.fn(async () => ok(status('locked'))),
    changePassphrase: vi.fn(async () => ok(status('unlocked'))),
    removeLock: vi.fn(async () => ok(status('off'))),
    setAutoLock: vi.fn(async ({ minutes }: { minutes: number }) => ok(status('unlocked', minutes))),
  };
}

function type(label: string, value: string, index = 0) {
  fireEvent.input(screen.getAllByLabelText(label)[index]!, { target: { value } });
}

describe('SecuritySection', () => {
  afterEach(() => cleanup());

  it('says what a forgotten passphrase costs before the lock can be turned on', async () => {
    const client = fakeClient(status('off'));
    render(<SecuritySection client={client} lockMode="off" />);
    await settle();

    const warning = screen.getByText(/Nobody can recover a forgotten passphrase/);
    type('New passphrase (at least 8 characters)', 'a long passphrase');
    type('Repeat the new passphrase', 'a long passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Turn on the lock' }));
    await settle();
    const refused = screen.getByTestId('lock-result').textContent;
    fireEvent.click(screen.getByLabelText(/a forgotten passphrase means setting up every/));
    fireEvent.click(screen.getByRole('button', { name: 'Turn on the lock' }));
    await settle();

    expect(warning.textContent).toMatch(/added again with its client secret/);
    expect(refused).toMatch(/Tick the box first/);
    expect(client.turnOnLock).toHaveBeenCalledExactlyOnceWith({ passphrase: 'a long passphrase' });
    expect(screen.getByTestId('lock-state').dataset.mode).toBe('unlocked');
  });

  it('refuses two different new passphrases without asking the worker', async () => {
    const client = fakeClient(status('off'));
    render(<SecuritySection client={client} lockMode="off" />);
    await settle();

    type('New passphrase (at least 8 characters)', 'a long passphrase');
    type('Repeat the new passphrase', 'another passphrase');
    fireEvent.click(screen.getByLabelText(/a forgotten passphrase means setting up every/));
    fireEvent.click(screen.getByRole('button', { name: 'Turn on the lock' }));
    await settle();

    expect(screen.getByTestId('lock-result').textContent).toBe('The two new passphrases differ.');
    expect(client.turnOnLock).not.toHaveBeenCalled();
  });

  it('while on: locks, sets the auto-lock, changes and removes the passphrase', async () => {
    const client = fakeClient(status('unlocked'));
    render(<SecuritySection client={client} lockMode="unlocked" />);
    await settle();

    fireEvent.change(screen.getByLabelText('Lock when the computer is idle'), {
      target: { value: '15' },
    });
    await settle();
    type('Current passphrase', 'old passphrase', 0);
    type('New passphrase (at least 8 characters)', 'new passphrase');
    type('Repeat the new passphrase', 'new passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Change passphrase' }));
    await settle();
    type('Current passphrase', 'new passphrase', 1);
    fireEvent.click(screen.getAllByRole('button', { name: 'Turn the lock off' })[0]!);
    await settle();

    expect(client.setAutoLock).toHaveBeenCalledWith({ minutes: 15 });
    expect(client.changePassphrase).toHaveBeenCalledWith({
      current: 'old passphrase',
      next: 'new passphrase',
    });
    expect(client.removeLock).toHaveBeenCalledWith({ passphrase: 'new passphrase' });
    expect(screen.getByTestId('lock-state').dataset.mode).toBe('off');
  });

  it('offers an unlock field while locked', async () => {
    const client = fakeClient(status('locked'));
    render(<SecuritySection client={client} lockMode="locked" />);
    await settle();

    type('Passphrase', 'the passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    await settle();

    expect(client.unlock).toHaveBeenCalledWith({ passphrase: 'the passphrase' });
    expect(screen.getByTestId('lock-state').dataset.mode).toBe('unlocked');
  });
});
