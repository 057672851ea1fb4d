import { afterAll, beforeAll } from 'vitest';

/**
 * Silences `console.error` and `console.warn` for a test file: the engine logs every fault it survives,
 * and a fault storm would flood the output.
 */
export function quietConsole(): void {
  const { error, warn } = console;
  beforeAll(() => {
    console.error = () => undefined;
    console.warn = () => undefined;
  });
  afterAll(() => Object.assign(console, { error, warn }));
}
