import { api } from './api';

export const NO_PUSH =
  "This browser can't receive notifications from Fidelis SMS. You'll keep getting an email for each reply.";

/**
 * Subscribes this browser to Web Push for the signed-in staff member with the VAPID public key.
 * Browsers allow it only in answer to a click. Fails with words to show when it cannot be done.
 */
export async function turnOnNotifications(): Promise<void> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error(NO_PUSH);
  if ((await Notification.requestPermission()) !== 'granted') {
    throw new Error(
      "Notifications are blocked for this site in your browser's settings. You'll keep getting email.",
    );
  }
  const { publicKey } = await api<{ publicKey: string }>('/api/push/public-key');
  const registration = await navigator.serviceWorker.ready;
  let subscription: PushSubscription;
  try {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: publicKey,
    });
  } catch {
    throw new Error(NO_PUSH); // no push service reachable (offline, a browser without one)
  }
  await api('/api/push/subscriptions', { method: 'POST', body: subscription.toJSON() });
}

/** Whether this browser already has a push subscription. */
export async function notificationsOn(): Promise<boolean> {
  const registration = await navigator.serviceWorker?.getRegistration();
  return Boolean(await registration?.pushManager.getSubscription());
}

/** On sign-out: this browser's subscription is forgotten, by the server and by the browser. */
export async function forgetNotifications(): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  await api('/api/push/subscriptions', {
    method: 'DELETE',
    body: { endpoint: subscription.endpoint },
  }).catch(() => undefined); // the token may have expired: the server drops it on its next 410
  await subscription.unsubscribe();
}
