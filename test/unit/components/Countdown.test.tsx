// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Countdown } from '@/components/Countdown';
import { NOW } from './fixtures';

describe('Countdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('shows the time left as m:ss', () => {
    const to = NOW + 65_000;

    render(<Countdown to={to} />);

    expect(screen.getByTestId('countdown').textContent).toBe('1:05');
  });

  it('shows hours as h:mm:ss', () => {
    const to = NOW + 3_723_000;

    render(<Countdown to={to} />);

    expect(screen.getByTestId('countdown').textContent).toBe('1:02:03');
  });

  it('ticks down once a second', () => {
    render(<Countdown to={NOW + 65_000} prefix="in " />);

    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    const afterOne = screen.getByTestId('countdown').textContent;
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    const afterSix = screen.getByTestId('countdown').textContent;

    expect([afterOne, afterSix]).toEqual(['in 1:04', 'in 0:59']);
  });

  it('reads "expired" once the moment has passed, without the prefix', () => {
    render(<Countdown to={NOW + 2_000} prefix="in " />);

    act(() => {
      vi.advanceTimersByTime(2_000);
    });

    const countdown = screen.getByTestId('countdown');
    expect(countdown.textContent).toBe('expired');
    expect(countdown.dataset.expired).toBe('true');
  });

  it('counts against the clock it is given', () => {
    const workerAhead = () => Date.now() + 60_000;

    render(<Countdown to={NOW + 65_000} clock={workerAhead} />);

    expect(screen.getByTestId('countdown').textContent).toBe('0:05');
  });

  it('stops ticking when unmounted', () => {
    const { unmount } = render(<Countdown to={NOW + 65_000} />);

    unmount();

    expect(vi.getTimerCount()).toBe(0);
  });
});
