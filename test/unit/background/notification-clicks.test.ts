import { describe, expect, it } from 'vitest';
import { accessRequestNotificationId, notificationId } from '@/utils/background/alerts';
import { notificationClicks } from '@/utils/background/notification-clicks';
import type { Services } from '@/utils/background/services';

/** The click handlers on fakes that record what they were asked to do, in order. */
function clicksForTest() {
  const done: string[] = [];
  const pending: Promise<unknown>[] = [];
  const services = {
    refresher: {
      refresh: async (id: string, trigger: string) => void done.push(`refresh ${id} ${trigger}`),
    },
    lifecycle: { connect: async (id: string) => void done.push(`connect ${id}`) },
  } as unknown as Services;
  const clicks = notificationClicks({
    whenReady: (task) => void pending.push(task(services)),
    clear: async (id) => void done.push(`clear ${id}`),
    openOptionsPage: async () => void done.push('open options'),
    openPage: async (path) => void done.push(`open ${path}`),
  });
  return { clicks, done, settled: () => Promise.all(pending) };
}

describe('notification clicks', () => {
  const id = notificationId('c1', ['retry', 'reconnect', 'open']);

  it.each([
    { button: 0, expected: [`clear ${id}`, 'refresh c1 manual'] },
    { button: 1, expected: [`clear ${id}`, 'connect c1'] },
    { button: 2, expected: [`clear ${id}`, 'open options'] },
  ])('button $button closes the notification and does its action', async ({ button, expected }) => {
    const { clicks, done, settled } = clicksForTest();

    clicks.onButtonClicked(id, button);
    await settled();

    expect(done).toEqual(expected);
  });

  it('opens the connection card when the notification itself is clicked', async () => {
    const { clicks, done, settled } = clicksForTest();

    clicks.onClicked(notificationId('a b', ['retry']));
    await settled();

    expect(done).toEqual([
      `clear ${notificationId('a b', ['retry'])}`,
      'open /options.html#connections/a%20b',
    ]);
  });

  it("opens the connections section, where requests are listed, for another extension's access request", async () => {
    const { clicks, done, settled } = clicksForTest();
    const request = accessRequestNotificationId('abcdefghijklmnopabcdefghijklmnop');

    clicks.onClicked(request);
    await settled();

    expect(done).toEqual([`clear ${request}`, 'open /options.html']);
  });

  it.each([
    { name: "another extension's notification", id: 'other|c1|retry', button: 0 },
    {
      name: 'a button the notification does not have',
      id: notificationId('c1', ['open']),
      button: 3,
    },
  ])('leaves $name alone', async ({ id: other, button }) => {
    const { clicks, done, settled } = clicksForTest();

    clicks.onButtonClicked(other, button);
    clicks.onClicked('other|c1|retry');
    await settled();

    expect(done).toEqual([]);
  });
});
