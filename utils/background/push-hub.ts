// Ports other extensions open to hear about their connections (docs/integration.md#events). Only for
// extensions allowed at least one connection; each hears only of the connections it is allowed.
import { EVENTS_PORT, type TokenKeeperEvent } from '../../client/token-keeper-client';
import { createCallerLimit } from '../engine/caller-limit';
import type { Clock } from '../engine/deps';
import { accessView, allowedFor, pushEvents, type AccessView } from '../engine/push';
import type { Connection } from '../model';

/** The parts of `runtime.Port` the hub uses. */
export interface EventPort {
  name: string;
  sender?: { id?: string };
  postMessage(message: TokenKeeperEvent): void;
  disconnect(): void;
  onDisconnect: { addListener(listener: () => void): void };
}

/** What the hub needs. */
export interface PushHubDeps {
  /** Reads every connection (the current database, after a Remove all data too). */
  connections(): Promise<Connection[]>;
  clock: Clock;
}

/** The open subscriptions. */
export interface PushHub {
  /** Takes a port another extension opened: kept when it is allowed anything, else told and closed. */
  attach(port: EventPort): Promise<void>;
  /** Compares the connections with the last reading and tells each port what concerns it. */
  check(): Promise<void>;
  /** How many ports are open. */
  size(): number;
}

/** Connects a burst of this many ports per extension, then one every 10 s: a reconnect loop stays cheap. */
export const PORT_BURST = 10;
export const PORT_REFILL_PER_MIN = 6;

/** Builds the hub; it keeps the last reading only while a port is open. */
export function createPushHub(deps: PushHubDeps): PushHub {
  const ports = new Map<EventPort, string>();
  const limit = createCallerLimit(PORT_BURST, PORT_REFILL_PER_MIN);
  let last: AccessView | undefined;
  // One reading at a time, so events keep their order and none is derived twice.
  let queue: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>) => {
    queue = queue.then(work, work).catch((error: unknown) => {
      console.error('Telling other extensions failed', error instanceof Error ? error.name : error);
    });
    return queue;
  };

  const post = (port: EventPort, event: TokenKeeperEvent) => {
    try {
      port.postMessage(event);
    } catch {
      // Closed meanwhile: its onDisconnect removes it.
    }
  };
  const close = (port: EventPort) => {
    ports.delete(port);
    if (ports.size === 0) last = undefined;
    try {
      port.disconnect();
    } catch {
      // Already closed.
    }
  };
  /** Ends the subscription of an extension allowed nothing: it hears why, then the port closes. */
  const refuse = (port: EventPort) => {
    post(port, { type: 'notAllowed' });
    close(port);
  };

  /** Tells the open ports what changed since the last reading, and makes `view` the last reading. */
  function advance(view: AccessView) {
    const events = last ? pushEvents(last, view) : [];
    last = view;
    for (const [port, extensionId] of [...ports]) {
      for (const addressed of events)
        if (addressed.extensionId === extensionId) post(port, addressed.event);
      if (allowedFor(view, extensionId).length === 0) refuse(port);
    }
  }

  function attach(port: EventPort): Promise<void> {
    const extensionId = port.sender?.id;
    if (
      port.name !== EVENTS_PORT ||
      !extensionId ||
      limit.take(extensionId, deps.clock.now()) > 0
    ) {
      close(port);
      return Promise.resolve();
    }
    return serial(async () => {
      const view = accessView(await deps.connections());
      const allowed = allowedFor(view, extensionId);
      if (allowed.length === 0) return refuse(port);
      // Ports already open hear what changed first: the new one's `ready` is this very reading.
      advance(view);
      ports.set(port, extensionId);
      port.onDisconnect.addListener(() => {
        ports.delete(port);
        if (ports.size === 0) last = undefined;
      });
      post(port, { type: 'ready', connections: allowed });
    });
  }

  function check(): Promise<void> {
    if (ports.size === 0) return Promise.resolve();
    return serial(async () => {
      if (ports.size > 0) advance(accessView(await deps.connections()));
    });
  }

  return { attach, check, size: () => ports.size };
}
