// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RemoveAllData } from '@/entrypoints/options/RemoveAllData';
import './catalog';

describe('RemoveAllData', () => {
  afterEach(() => {
    cleanup();
  });

  it('asks before removing anything, and Cancel removes nothing', () => {
    const wipeAllData = vi.fn();
    render(<RemoveAllData wipeAllData={wipeAllData} />);

    fireEvent.click(screen.getByRole('button', { name: 'Remove all data…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(wipeAllData).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Remove all data…' })).toBeDefined();
  });

  it('removes everything once confirmed and says what went', async () => {
    const wipeAllData = vi.fn(async () => ({ ok: true as const, value: { connections: 2 } }));
    render(<RemoveAllData wipeAllData={wipeAllData} />);

    fireEvent.click(screen.getByRole('button', { name: 'Remove all data…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, remove everything' }));

    expect((await screen.findByTestId('wipe-result')).textContent).toBe(
      'Removed 2 connection(s) and all data.',
    );
    expect(wipeAllData).toHaveBeenCalledTimes(1);
  });
});
