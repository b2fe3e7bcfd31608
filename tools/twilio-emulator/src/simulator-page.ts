/**
 * The phone simulator the emulator serves at `/` (CONTRACT.md §8): be a student's phone, read what
 * the system sent it, and text one of the system's numbers, which reaches the system as Twilio's
 * signed webhook (`POST /_emulator/inbound`). One static page that polls the emulator's control
 * routes every second, so what the system sends appears without a reload. A string, not a file:
 * `npm run build` compiles TypeScript only, and the page must run from dist/ as from the sources.
 */
export const SIMULATOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phone simulator · Twilio emulator</title>
<style>
  :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; line-height: 1.45;
    color: #1a1b1e; background: #f1f3f5; }
  body { margin: 0; }
  [hidden] { display: none !important; }
  header, main { max-width: 36rem; margin: 0 auto; padding: 0 1rem; }
  header { padding-top: 1.25rem; }
  h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
  h2 { font-size: 1.125rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
  header p { margin: 0 0 1rem; color: #495057; }
  section { background: #fff; border-radius: 12px; padding: 1rem; margin: 0 0 1rem;
    box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
  label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
  label:first-of-type { margin-top: 0; }
  input, select, textarea { box-sizing: border-box; width: 100%; font: inherit; padding: 0.5rem 0.625rem;
    border: 1px solid #868e96; border-radius: 8px; background: #fff; color: inherit; }
  textarea { resize: vertical; }
  button { font: inherit; font-weight: 600; padding: 0.5rem 1rem; border-radius: 8px; border: 0;
    background: #1864ab; color: #fff; cursor: pointer; }
  button:disabled { background: #868e96; cursor: wait; }
  :focus-visible { outline: 3px solid #f59f00; outline-offset: 2px; }
  .row { display: flex; gap: 0.5rem; }
  .row input { flex: 1; min-width: 0; }
  .hint { color: #495057; font-size: 0.875rem; margin: 0.375rem 0 0; }
  .choices { list-style: none; padding: 0; margin: 0.75rem 0 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
  .choices button { background: #e7f5ff; color: #1864ab; font-weight: 500; padding: 0.375rem 0.75rem; }
  .choices button[aria-pressed='true'] { background: #1864ab; color: #fff; }
  .thread { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 0.5rem; }
  .bubble { max-width: 85%; padding: 0.5rem 0.75rem; border-radius: 14px; }
  .bubble.to-phone { align-self: flex-start; background: #e9ecef; }
  .bubble.from-phone { align-self: flex-end; background: #1864ab; color: #fff; }
  .meta { font-size: 0.8125rem; color: #495057; margin: 0; }
  .from-phone .meta { color: #fff; }
  .body { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.125rem 0 0; }
  #send-button { margin-top: 0.75rem; }
  #send-status { min-height: 1.45em; margin: 0.5rem 0 0; }
</style>
</head>
<body>
<header>
  <h1>Phone simulator</h1>
  <p>Be a student's phone: read what Fidelis SMS sends it, and text the school's numbers. Each text
  reaches Fidelis SMS as Twilio delivers it, a signed webhook.</p>
</header>
<main>
  <section aria-labelledby="phone-heading">
    <h2 id="phone-heading">Whose phone</h2>
    <form id="phone-form">
      <label for="phone">Phone</label>
      <div class="row">
        <input id="phone" type="tel" autocomplete="off" aria-describedby="phone-hint">
        <button type="submit">Open</button>
      </div>
      <p id="phone-hint" class="hint">A student's phone: choose one below or type any US number.</p>
    </form>
    <ul id="choices" class="choices" aria-label="Phones to choose from"></ul>
  </section>
  <section aria-labelledby="thread-heading">
    <h2 id="thread-heading">Messages</h2>
    <p id="thread-empty" class="hint">Choose a phone to see the messages it sent and received.</p>
    <div role="log" aria-labelledby="thread-heading"><ol id="thread" class="thread"></ol></div>
  </section>
  <section aria-labelledby="send-heading">
    <h2 id="send-heading">Text the school</h2>
    <form id="send-form">
      <label for="to">To</label>
      <select id="to"></select>
      <p id="no-numbers" class="hint" hidden>The school has no numbers yet: they appear here as soon
      as an admin buys them.</p>
      <label for="message">Message</label>
      <textarea id="message" rows="3"></textarea>
      <button id="send-button" type="submit">Send</button>
      <p id="send-status" role="status"></p>
    </form>
  </section>
</main>
<script>
'use strict';
const byId = (id) => document.getElementById(id);
const phoneInput = byId('phone');
const thread = byId('thread');
const toSelect = byId('to');
const messageBox = byId('message');
const sendButton = byId('send-button');
const sendStatus = byId('send-status');
const choices = byId('choices');
const phoneHint = byId('phone-hint');
const HINT = phoneHint.textContent;
/** The chosen phone (E.164) and the messages shown, by SID. */
let phone = null;
const shown = new Map();
/** Who each phone and number belongs to, when the emulator was told. */
let names = {};
const STATUS_WORDS = { queued: 'Queued', sending: 'Sending', sent: 'Sent', delivered: 'Delivered',
  undelivered: 'Not delivered', failed: 'Failed' };

function national(e164) {
  const us = /^\\+1(\\d{3})(\\d{3})(\\d{4})$/.exec(e164 || '');
  return us ? '(' + us[1] + ') ' + us[2] + '-' + us[3] : e164;
}
function labelOf(e164) {
  return names[e164] ? names[e164] + ' · ' + national(e164) : national(e164);
}
function timeOf(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}
async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error);
  return body;
}

async function loadAccount() {
  const [{ numbers }, { phones }] = await Promise.all([
    getJson('/_emulator/numbers'),
    getJson('/_emulator/phones'),
  ]);
  names = {};
  for (const entry of [...numbers, ...phones]) if (entry.name) names[entry.phoneNumber] = entry.name;
  renderNumbers(numbers);
  renderChoices(phones);
}

function renderNumbers(numbers) {
  const key = JSON.stringify(numbers.map((n) => [n.phoneNumber, n.name]));
  if (toSelect.dataset.key === key) return;
  toSelect.dataset.key = key;
  const chosen = toSelect.value;
  toSelect.replaceChildren(...numbers.map((n) => new Option(labelOf(n.phoneNumber), n.phoneNumber)));
  if (numbers.some((n) => n.phoneNumber === chosen)) toSelect.value = chosen;
  byId('no-numbers').hidden = numbers.length > 0;
}

function renderChoices(phones) {
  const key = JSON.stringify([phone, phones]);
  if (choices.dataset.key === key) return;
  choices.dataset.key = key;
  choices.hidden = phones.length === 0;
  choices.replaceChildren(...phones.slice(0, 12).map((entry) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = labelOf(entry.phoneNumber);
    button.setAttribute('aria-pressed', String(entry.phoneNumber === phone));
    button.addEventListener('click', () => {
      phoneInput.value = national(entry.phoneNumber);
      void openPhone(entry.phoneNumber);
    });
    const item = document.createElement('li');
    item.append(button);
    return item;
  }));
}

async function openPhone(written) {
  let found;
  try {
    found = await getJson('/_emulator/phones/' + encodeURIComponent(written.trim()) + '/messages');
  } catch {
    phoneHint.textContent = 'That is not a phone number: type a US number such as (415) 555-0142.';
    return;
  }
  phoneHint.textContent = HINT;
  if (found.phoneNumber !== phone) {
    phone = found.phoneNumber;
    history.replaceState(null, '', '#' + encodeURIComponent(phone));
    shown.clear();
    thread.replaceChildren();
  }
  byId('thread-heading').textContent = 'Messages with ' + labelOf(phone);
  renderThread(found.messages);
  void loadAccount();
}

function renderThread(messages) {
  byId('thread-empty').hidden = messages.length > 0;
  byId('thread-empty').textContent = 'No messages yet: text the school below.';
  let added = null;
  for (const message of messages) {
    let item = shown.get(message.sid);
    if (!item) {
      item = document.createElement('li');
      item.className = 'bubble ' + (message.direction === 'inbound' ? 'from-phone' : 'to-phone');
      const meta = document.createElement('p');
      meta.className = 'meta';
      const body = document.createElement('p');
      body.className = 'body';
      body.textContent = message.body;
      item.append(meta, body);
      thread.append(item);
      shown.set(message.sid, item);
      added = item;
    }
    const parts = message.direction === 'inbound'
      ? ['To ' + labelOf(message.to), timeOf(message.dateCreated)]
      : ['From ' + labelOf(message.from), timeOf(message.dateCreated), STATUS_WORDS[message.status]];
    item.firstChild.textContent = parts.filter(Boolean).join(' · ');
  }
  if (added) added.scrollIntoView({ block: 'nearest' });
}

async function refreshThread() {
  if (!phone) return;
  const asked = phone;
  const found = await getJson('/_emulator/phones/' + encodeURIComponent(asked) + '/messages');
  if (asked === phone) renderThread(found.messages);
}

byId('phone-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void openPhone(phoneInput.value);
});

byId('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!phone) {
    sendStatus.textContent = 'Choose or type a phone first.';
    phoneInput.focus();
    return;
  }
  if (!toSelect.value) {
    sendStatus.textContent = 'The school has no number to text yet.';
    return;
  }
  const body = messageBox.value;
  if (!body.trim()) {
    sendStatus.textContent = 'Write a message first.';
    messageBox.focus();
    return;
  }
  const to = toSelect.value;
  sendButton.disabled = true;
  sendStatus.textContent = 'Sending…';
  try {
    const response = await fetch('/_emulator/inbound', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: phone, to, body }),
    });
    const result = await response.json();
    if (!response.ok) {
      sendStatus.textContent = 'Not sent: ' + result.error;
    } else if (result.webhookStatus === 200) {
      sendStatus.textContent = 'Sent to ' + labelOf(to) + '.';
      messageBox.value = '';
    } else if (result.webhookStatus === null) {
      sendStatus.textContent = 'Twilio could not reach Fidelis SMS: is it running?';
    } else {
      sendStatus.textContent = 'Fidelis SMS did not accept the text (it answered ' +
        result.webhookStatus + '); Twilio would try again.';
    }
  } catch (error) {
    sendStatus.textContent = 'The emulator did not answer: ' + error.message;
  } finally {
    sendButton.disabled = false;
    void refreshThread();
  }
});

setInterval(() => void refreshThread().catch(() => undefined), 1000);
setInterval(() => void loadAccount().catch(() => undefined), 5000);
void loadAccount().then(() => {
  if (location.hash.length > 1) {
    const fromAddress = decodeURIComponent(location.hash.slice(1));
    phoneInput.value = national(fromAddress);
    void openPhone(fromAddress);
  }
});
</script>
</body>
</html>
`;
