// The dashboard's service worker (scope /): shows each Web Push the notification service sends
// ({ title, body, url }) and, on a click, brings the dashboard to that address.

// Dashboard tabs opened before this worker was installed come under it at once, so a click can
// take them to a conversation (WindowClient.navigate works only on the tabs a worker controls).
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
  const payload = event.data ? event.data.json() : {};
  event.waitUntil(
    self.registration.showNotification(payload.title || 'Fidelis SMS', {
      body: payload.body || '',
      // Web Push delivers at least once: the same message pushed twice shows one notification.
      tag: payload.messageId,
      data: { url: payload.url || '/' },
    }),
  );
});

/**
 * A tab already at the address is focused; otherwise an open dashboard tab is focused and taken
 * there — it keeps its sign-in, which lives in that tab — and with none open, a new one opens.
 */
async function openConversation(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const there = windows.find((client) => client.url === url);
  if (there) return there.focus();
  const dashboard = windows.find((client) => client.url.startsWith(`${self.location.origin}/`));
  if (dashboard) {
    const focused = await dashboard.focus();
    const moved = await focused.navigate(url).catch(() => null); // a tab this worker does not control
    if (moved) return moved;
  }
  return self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    openConversation(new URL(event.notification.data.url, self.location.origin).href),
  );
});
