import type { AlarmsApi, Clock } from '../../utils/engine/deps';

/** Chrome never fires an alarm sooner than 30 s after it is set, nor repeats one more often (MV3). */
export const CHROME_ALARM_FLOOR_MS = 30_000;

/** An alarm as `chrome.alarms` keeps it. */
export interface FakeAlarm {
  name: string;
  scheduledTime: number;
  periodInMinutes?: number;
}

/** `chrome.alarms` in memory: the engine creates and reads alarms, the simulation fires them. */
export interface FakeAlarms extends AlarmsApi {
  /** The alarm due first, if any. */
  next(): FakeAlarm | undefined;
  /** Fires `name` at `firedAt` (late when the device slept): one-shots go, periodic ones move on. */
  fire(name: string, firedAt: number): FakeAlarm | undefined;
  /** A browser restart: Chrome may lose every alarm. */
  clearAll(): void;
  /** Every alarm currently set. */
  all(): FakeAlarm[];
}

/** Builds fake alarms on `clock`, applying Chrome's 30 s floor to delays, times and periods. */
export function createFakeAlarms(clock: Clock): FakeAlarms {
  const alarms = new Map<string, FakeAlarm>();
  return {
    async get(name) {
      const alarm = alarms.get(name);
      return alarm ? { ...alarm } : undefined;
    },
    create(name, info) {
      const now = clock.now();
      const requested =
        info.when ?? now + (info.delayInMinutes ?? info.periodInMinutes ?? 0) * 60_000;
      const period =
        info.periodInMinutes === undefined
          ? undefined
          : Math.max(info.periodInMinutes, CHROME_ALARM_FLOOR_MS / 60_000);
      alarms.set(name, {
        name,
        scheduledTime: Math.max(requested, now + CHROME_ALARM_FLOOR_MS),
        ...(period === undefined ? {} : { periodInMinutes: period }),
      });
    },
    async clear(name) {
      return alarms.delete(name);
    },
    next() {
      let first: FakeAlarm | undefined;
      for (const alarm of alarms.values()) {
        if (!first || alarm.scheduledTime < first.scheduledTime) first = alarm;
      }
      return first ? { ...first } : undefined;
    },
    fire(name, firedAt) {
      const alarm = alarms.get(name);
      if (!alarm) return undefined;
      if (alarm.periodInMinutes === undefined) {
        alarms.delete(name);
      } else {
        // A late periodic alarm fires once, then counts its period from when it actually fired.
        const period = alarm.periodInMinutes * 60_000;
        alarms.set(name, {
          ...alarm,
          scheduledTime: Math.max(alarm.scheduledTime, firedAt) + period,
        });
      }
      return { ...alarm };
    },
    clearAll() {
      alarms.clear();
    },
    all() {
      return [...alarms.values()].map((alarm) => ({ ...alarm }));
    },
  };
}
