// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Countdown } from '@/components/Countdown';
import { NOW } from './fixtures';

describe('Countdown', () => {
  afterEach(() => {
    cleanup();
  });

  it.each([
    { left: 65_000, expected: 'in 1:05' },
    { left: 3_723_000, expected: 'in 1:02:03' },
    { left: 1, expected: 'in 0:01' },
  ])('shows $left ms left as "$expected"', ({ left, expected }) => {
    render(<Countdown to={NOW + left} now={NOW} />);

    expect(screen.getByTestId('countdown').textContent).toBe(expected);
  });

  it('follows the shared clock it is given', () => {
    const { rerender } = render(<Countdown to={NOW + 65_000} now={NOW} />);

    rerender(<Countdown to={NOW + 65_000} now={NOW + 6_000} />);

    expect(screen.getByTestId('countdown').textContent).toBe('in 0:59');
  });

  it('reads "expired" once the moment has passed', () => {
    render(<Countdown to={NOW} now={NOW} />);

    const countdown = screen.getByTestId('countdown');
    expect(countdown.textContent).toBe('expired');
    expect(countdown.dataset.expired).toBe('true');
  });

  it('names the exact moment in machine-readable form', () => {
    render(<Countdown to={NOW + 65_000} now={NOW} />);

    expect(screen.getByTestId('countdown').getAttribute('datetime')).toBe(
      new Date(NOW + 65_000).toISOString(),
    );
  });
});
