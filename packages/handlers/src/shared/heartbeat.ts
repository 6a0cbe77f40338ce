import type { Delivery } from '@homelab-ai/bus';

/** Reports progress on a delivery while `work` runs, so a long turn is not redelivered. */
export async function whileWorking<T>(
  delivery: Delivery,
  ackWaitMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => delivery.working(), Math.max(50, Math.floor(ackWaitMs / 3)));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
